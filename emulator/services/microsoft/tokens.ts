/**
 * Tokens of the emulated Entra ID. Access tokens are RS256 JWTs in the v1.0 format that Exchange
 * Online and Microsoft Graph receive (claims aud, iss, scp or roles, tid, oid, upn, unique_name,
 * appid, exp). Id tokens are v2.0 JWTs for the client. Refresh tokens are opaque sealed blobs.
 */
import { createHash, randomInt } from 'node:crypto';
import { SignJWT } from 'jose';
import { BASE64URL_ALPHABET, randomText } from '../identity/credentials';
import type { SigningKey } from '../identity/keys';
import type { TokenSealer } from '../identity/sealer';
import type { Application, Tenant, User } from './model';

/** Access tokens live a random 60 to 90 minutes, as Entra ID's default lifetime policy does. */
export const ACCESS_TOKEN_SECONDS = { min: 60 * 60, max: 90 * 60 };
export const ID_TOKEN_SECONDS = 60 * 60;
/** A refresh token expires when it has not been used for 90 days. */
export const REFRESH_TOKEN_IDLE_MS = 90 * 24 * 60 * 60 * 1000;
/** Refresh tokens issued to single-page apps expire 24 hours after issue, however often they are used. */
export const SPA_REFRESH_TOKEN_MS = 24 * 60 * 60 * 1000;
/** Prefix of refresh tokens and codes, as on the real ones (`1.A...`). */
const OPAQUE_PREFIX = '1.A';

/** Client kind, which decides authentication: web apps with a secret, SPAs by CORS origin, mobile and desktop apps not at all. */
export type ClientType = 'confidential' | 'spa' | 'public';

/** Payload of a refresh token; every use checks it against the directory again. */
export interface RefreshTokenPayload {
  typ: 'rt';
  tid: string;
  uid: string;
  cid: string;
  /** Scope strings the grant covers, as requested. */
  scp: string[];
  /** Issue time, lab ms. */
  iat: number;
  ct: ClientType;
  /** Sign-in session id, carried into the tokens' `sid`. */
  sid: string;
  /** The user's session revocation count at issue; absent in tokens issued before it was kept. */
  rv?: number;
}

export interface DelegatedTokenInput {
  tenant: Tenant;
  app: Application;
  user: User;
  audience: string;
  permissions: string[];
  clientType: ClientType;
  clientAddress: string;
  sid: string;
}

export interface AppTokenInput {
  tenant: Tenant;
  app: Application;
  servicePrincipalId: string;
  audience: string;
  roles: string[];
  clientAddress: string;
}

export class MicrosoftTokens {
  constructor(
    private readonly key: Promise<SigningKey>,
    private readonly sealer: TokenSealer,
    private readonly now: () => number,
  ) {}

  /** Settles once the key exists, which in an ephemeral lab can be after the lab is ready. */
  get signingKey(): Promise<SigningKey> {
    return this.key;
  }

  async delegatedAccessToken(input: DelegatedTokenInput): Promise<{ token: string; expiresIn: number }> {
    const expiresIn = randomInt(ACCESS_TOKEN_SECONDS.min, ACCESS_TOKEN_SECONDS.max + 1);
    const claims = {
      ...this.v1Claims(input.tenant, input.audience, expiresIn),
      acct: 0,
      acr: '1',
      amr: ['pwd'],
      app_displayname: input.app.displayName,
      appid: input.app.appId,
      // 1: the client proved itself with a secret; 0: a public client.
      appidacr: input.clientType === 'confidential' ? '1' : '0',
      idtyp: 'user',
      ipaddr: input.clientAddress,
      name: input.user.displayName,
      oid: input.user.id,
      scp: input.permissions.join(' '),
      sid: input.sid,
      sub: pairwiseSubject(input.user.id, input.app.appId),
      unique_name: input.user.userPrincipalName,
      upn: input.user.userPrincipalName,
    };
    return { token: await this.sign(claims), expiresIn };
  }

  async appAccessToken(input: AppTokenInput): Promise<{ token: string; expiresIn: number }> {
    const expiresIn = randomInt(ACCESS_TOKEN_SECONDS.min, ACCESS_TOKEN_SECONDS.max + 1);
    const claims = {
      ...this.v1Claims(input.tenant, input.audience, expiresIn),
      app_displayname: input.app.displayName,
      appid: input.app.appId,
      appidacr: '1',
      idp: `https://sts.windows.net/${input.tenant.id}/`,
      idtyp: 'app',
      oid: input.servicePrincipalId,
      roles: input.roles,
      sub: input.servicePrincipalId,
    };
    return { token: await this.sign(claims), expiresIn };
  }

  async idToken(input: { tenant: Tenant; app: Application; user: User; oidc: string[]; nonce?: string; sid: string }): Promise<string> {
    const now = Math.floor(this.now() / 1000);
    const claims: Record<string, unknown> = {
      aud: input.app.appId,
      iss: `https://login.microsoftonline.com/${input.tenant.id}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + ID_TOKEN_SECONDS,
      oid: input.user.id,
      rh: randomText(40, BASE64URL_ALPHABET),
      sid: input.sid,
      sub: pairwiseSubject(input.user.id, input.app.appId),
      tid: input.tenant.id,
      uti: randomText(22, BASE64URL_ALPHABET),
      ver: '2.0',
    };
    if (input.oidc.includes('profile')) Object.assign(claims, { name: input.user.displayName, preferred_username: input.user.userPrincipalName });
    if (input.oidc.includes('email') && input.user.mail) claims.email = input.user.mail;
    if (input.nonce) claims.nonce = input.nonce;
    return this.sign(claims);
  }

  refreshToken(payload: Omit<RefreshTokenPayload, 'typ' | 'iat'>): string {
    return OPAQUE_PREFIX + this.sealer.seal({ typ: 'rt', iat: this.now(), ...payload });
  }

  openRefreshToken(text: string): RefreshTokenPayload | undefined {
    if (!text.startsWith(OPAQUE_PREFIX)) return undefined;
    const payload = this.sealer.open<RefreshTokenPayload>(text.slice(OPAQUE_PREFIX.length));
    return payload?.typ === 'rt' ? payload : undefined;
  }

  private v1Claims(tenant: Tenant, audience: string, expiresIn: number): Record<string, unknown> {
    const now = Math.floor(this.now() / 1000);
    return {
      aud: audience,
      iss: `https://sts.windows.net/${tenant.id}/`,
      iat: now,
      nbf: now,
      exp: now + expiresIn,
      aio: randomText(56, BASE64URL_ALPHABET),
      rh: randomText(40, BASE64URL_ALPHABET),
      tid: tenant.id,
      uti: randomText(22, BASE64URL_ALPHABET),
      ver: '1.0',
    };
  }

  private async sign(claims: Record<string, unknown>): Promise<string> {
    const key = await this.key;
    return new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: key.kid }).sign(key.privateKey);
  }
}

/** Entra's `sub` differs per app for the same user, so apps cannot correlate users by it. */
function pairwiseSubject(userId: string, appId: string): string {
  return createHash('sha256').update(`${userId}:${appId}`).digest('base64url').slice(0, 43);
}

/** Returns a new authorization code in the shape of Entra's (`1.A` and 700 base64url characters). */
export function newAuthorizationCode(): string {
  return OPAQUE_PREFIX + randomText(700, BASE64URL_ALPHABET);
}
