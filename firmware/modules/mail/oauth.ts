/**
 * OAuth 2.0 for mail profiles: the authorization code flow with PKCE (S256) through the DrayDDNS
 * relay, code redemption and token refresh with simple-oauth2, all through the HAL uplink. The
 * state carries the router's DDNS name, which the relay needs to know where to forward, plus a
 * random part bound to the admin session and the profile.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AuthorizationCode } from 'simple-oauth2';
import type { RouterClock, RouterHardware } from '../../../hal';
import { routerTlsOptions } from '../../http';
import { adviceFor, oauthEndpoints, RELAY_REDIRECT_URI } from './providers';
import type { MailProfile } from './schema';
import type { ProfileTokens } from './tokens';

/** Codes of the Microsoft identity platform live about 10 minutes; a pending authorization as long. */
const PENDING_LIFETIME_MS = 10 * 60_000;

export interface PendingAuthorization {
  state: string;
  profileIndex: number;
  sessionId: string;
  codeVerifier: string;
  createdAt: number;
}

/** A failure of the provider or the network, with what the administrator should do. */
export class MailOAuthError extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
    readonly advice: string,
    /** True for network failures and server errors, which a retry may fix. */
    readonly transient: boolean,
  ) {
    super(`${code}: ${description}`);
    this.name = 'MailOAuthError';
  }
}

export class OAuthFlows {
  private readonly pending = new Map<string, PendingAuthorization>();

  constructor(
    private readonly hardware: RouterHardware,
    private readonly clock: RouterClock,
  ) {}

  /** Builds the provider's authorize URL for a profile and remembers the pending authorization. */
  start(profileIndex: number, profile: MailProfile, ddnsHostname: string, sessionId: string): { url: string; state: string } {
    this.dropExpired();
    const codeVerifier = randomBytes(32).toString('base64url');
    const state = `${Buffer.from(ddnsHostname).toString('base64url')}.${randomBytes(24).toString('base64url')}`;
    this.pending.set(state, { state, profileIndex, sessionId, codeVerifier, createdAt: this.clock.now() });

    const endpoints = oauthEndpoints(profile.oauth.provider, profile.oauth.tenantId);
    const query = new URLSearchParams({
      client_id: profile.oauth.clientId,
      response_type: 'code',
      redirect_uri: RELAY_REDIRECT_URI,
      scope: endpoints.scopes.join(' '),
      state,
      code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...endpoints.extraAuthorizeParameters,
    });
    return { url: `${endpoints.authorizeUrl}?${query.toString()}`, state };
  }

  /** Takes a pending authorization by its state; each state works once, within 10 minutes. */
  take(state: string): PendingAuthorization | undefined {
    this.dropExpired();
    const pending = this.pending.get(state);
    this.pending.delete(state);
    return pending;
  }

  async redeem(profile: MailProfile, code: string, codeVerifier: string): Promise<ProfileTokens> {
    const endpoints = oauthEndpoints(profile.oauth.provider, profile.oauth.tenantId);
    const client = await this.client(profile);
    const token = await this.call(() => client.getToken({ code, redirect_uri: RELAY_REDIRECT_URI, scope: endpoints.scopes, code_verifier: codeVerifier } as never));
    const now = this.clock.now();
    return {
      account: accountOf(token.id_token) || profile.username || profile.sender,
      accessToken: String(token.access_token),
      accessTokenExpiresAt: now + Number(token.expires_in ?? 3599) * 1000,
      refreshToken: String(token.refresh_token ?? ''),
      scope: String(token.scope ?? endpoints.scopes.join(' ')),
      authorizedAt: now,
    };
  }

  /** Refreshes the access token; keeps the old refresh token when the reply carries none. */
  async refresh(profile: MailProfile, tokens: ProfileTokens): Promise<ProfileTokens> {
    if (!tokens.refreshToken) throw new MailOAuthError('invalid_grant', 'No refresh token is stored', adviceFor('invalid_grant', undefined), false);
    const client = await this.client(profile);
    const scopes = oauthEndpoints(profile.oauth.provider, profile.oauth.tenantId).scopes.filter((scope) => scope !== 'openid' && scope !== 'profile' && scope !== 'email');
    const token = await this.call(() => client.createToken({ refresh_token: tokens.refreshToken, access_token: tokens.accessToken, token_type: 'Bearer' }).refresh({ scope: scopes }));
    const now = this.clock.now();
    return {
      ...tokens,
      accessToken: String(token.access_token),
      accessTokenExpiresAt: now + Number(token.expires_in ?? 3599) * 1000,
      // Microsoft rotates refresh tokens on every use; Google usually sends none, so the old one stays.
      refreshToken: token.refresh_token ? String(token.refresh_token) : tokens.refreshToken,
      refreshedAt: now,
      reauthorizationRequired: undefined,
    };
  }

  private async client(profile: MailProfile): Promise<AuthorizationCode> {
    // Loaded on first use, because it takes about 40 ms to load and most labs never authorize a profile.
    const { AuthorizationCode } = await import('simple-oauth2');
    const endpoints = oauthEndpoints(profile.oauth.provider, profile.oauth.tenantId);
    return new AuthorizationCode({
      client: { id: profile.oauth.clientId, secret: profile.oauth.clientSecret },
      auth: { tokenHost: endpoints.tokenHost, tokenPath: endpoints.tokenPath },
      options: { authorizationMethod: 'body' },
      // json: true keeps error bodies that are not JSON; the agent sends through the WAN.
      http: { json: true, agent: this.hardware.uplink.httpsAgent(routerTlsOptions(this.hardware)) } as never,
    });
  }

  private async call(request: () => Promise<{ token: Record<string, unknown> }>): Promise<Record<string, unknown>> {
    try {
      return (await request()).token;
    } catch (error) {
      throw toOAuthError(error);
    }
  }

  private dropExpired(): void {
    const now = this.clock.now();
    for (const [state, pending] of this.pending) if (now - pending.createdAt > PENDING_LIFETIME_MS) this.pending.delete(state);
  }
}

/** Reads the provider's error from a simple-oauth2 (Boom) error, or describes a network failure. */
export function toOAuthError(error: unknown): MailOAuthError {
  const boom = error as { data?: { payload?: unknown }; output?: { statusCode?: number }; code?: string; message?: string };
  const payload = boom.data?.payload as { error?: string; error_description?: string } | string | undefined;
  if (payload && typeof payload === 'object' && payload.error) {
    const status = boom.output?.statusCode ?? 0;
    return new MailOAuthError(payload.error, firstLine(payload.error_description ?? ''), adviceFor(payload.error, payload.error_description), status >= 500);
  }
  if (boom.output?.statusCode) {
    const text = typeof payload === 'string' ? payload.slice(0, 200) : '';
    return new MailOAuthError(`HTTP ${boom.output.statusCode}`, text || 'the token endpoint replied with an error', 'Check the provider settings, then try again.', boom.output.statusCode >= 500);
  }
  const code = boom.code ?? 'network error';
  return new MailOAuthError(code, boom.message ?? String(error), 'Check the WAN connection and DNS; the router retries.', true);
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]!.trim();
}

/** Reads the account an id_token names. The token came straight from the token endpoint over TLS, so its signature is not checked here. */
function accountOf(idToken: unknown): string {
  if (typeof idToken !== 'string') return '';
  try {
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    return String(claims.email ?? claims.preferred_username ?? claims.upn ?? '');
  } catch {
    return '';
  }
}
