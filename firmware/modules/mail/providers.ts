/**
 * The OAuth 2.0 side of each mail provider: endpoints, scopes, and advice for the errors an
 * administrator meets, keyed by the provider's own codes (AADSTS numbers, Google error names).
 */
import type { OAuthProviderName } from './schema';

/** Redirect URI every Vigor registers: the DrayDDNS relay forwards to the router's own DDNS name. */
export const RELAY_REDIRECT_URI = 'https://oauth2.drayddns.com/doc/mailOAuth.htm';
/** Path of the router's callback page, which the relay redirects to on WAN HTTPS port 443. */
export const CALLBACK_PATH = '/doc/mailOAuth.htm';

export interface OAuthEndpoints {
  authorizeUrl: string;
  tokenHost: string;
  tokenPath: string;
  /** Scopes for SMTP sending, a refresh token, and the account's name (id_token). */
  scopes: string[];
  /** Extra authorize parameters: Google gives a refresh token only with offline access and consent. */
  extraAuthorizeParameters: Record<string, string>;
}

export function oauthEndpoints(provider: OAuthProviderName, tenantId: string): OAuthEndpoints {
  if (provider === 'google') {
    return {
      authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenHost: 'https://oauth2.googleapis.com',
      tokenPath: '/token',
      scopes: ['https://mail.google.com/', 'openid', 'email'],
      extraAuthorizeParameters: { access_type: 'offline', prompt: 'consent' },
    };
  }
  const tenant = encodeURIComponent(tenantId || 'organizations');
  return {
    authorizeUrl: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/authorize`,
    tokenHost: 'https://login.microsoftonline.com',
    tokenPath: `/${tenant}/oauth2/v2.0/token`,
    scopes: ['https://outlook.office.com/SMTP.Send', 'offline_access', 'openid', 'profile', 'email'],
    extraAuthorizeParameters: { response_mode: 'query', prompt: 'select_account' },
  };
}

/** What to do about an error, by AADSTS number or Google error name. */
export const ERROR_ADVICE: Record<string, string> = {
  '50011': `Add the redirect URI ${RELAY_REDIRECT_URI} to the app registration (Authentication, platform Web), exactly as written.`,
  '500112': 'The redirect URI changed between sign-in and token request; authorize again.',
  '700016': 'The Client ID is not an app of this tenant: check Client ID and Tenant ID in the profile.',
  '7000215': 'The Client Secret is wrong. Paste the secret VALUE (shown once when it was created), not the secret ID.',
  '7000222': 'The client secret has expired: create a new secret in Certificates & secrets and paste its value into the profile.',
  '7000218': 'The Client Secret is missing: paste the secret value into the profile.',
  '65001': 'The permissions were not granted: grant admin consent for SMTP.Send and offline_access in API permissions, or accept the consent page.',
  '70000': 'The authorization is not valid any more: authorize the profile again.',
  '70008': 'The authorization code or refresh token has expired: authorize the profile again.',
  '54005': 'This authorization code was already used: authorize the profile again.',
  '501481': 'The PKCE check failed: authorize the profile again.',
  '700082': 'The refresh token expired after 90 days without use: authorize the profile again.',
  '50173': 'The grant was revoked (a password reset or a revoke of sessions): authorize the profile again.',
  '70011': 'A requested scope is invalid: check that the app is a Microsoft Entra app with SMTP.Send.',
  '90002': 'The tenant was not found: check the Tenant ID.',
  invalid_client: 'The Client ID or Client Secret is wrong: check both in the profile.',
  unauthorized_client: 'This client may not use this grant: check the Client ID.',
  redirect_uri_mismatch: `Add ${RELAY_REDIRECT_URI} to the OAuth client's Authorized redirect URIs, exactly as written.`,
  invalid_grant: 'The authorization is no longer valid (revoked, expired, or a Testing app after 7 days): authorize the profile again.',
  access_denied: 'The consent was cancelled: authorize again and press Accept.',
  invalid_scope: 'A requested scope is not allowed for this client.',
};

/** The AADSTS number in an error description such as `AADSTS7000222: The provided client secret...`. */
export function aadstsCode(description: string | undefined): string | undefined {
  return /AADSTS(\d+)/.exec(description ?? '')?.[1];
}

/** Advice for a provider error, or a generic hint. */
export function adviceFor(error: string | undefined, description: string | undefined): string {
  const code = aadstsCode(description);
  return (code && ERROR_ADVICE[code]) || (error && ERROR_ADVICE[error]) || 'Check the profile settings and the app registration, then authorize again.';
}
