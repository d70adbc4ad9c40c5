/**
 * What accounts granted to OAuth clients, and the tokens that carry it. Refresh tokens are stored
 * by their SHA-256 and do not rotate. They die when the user revokes access, after six months
 * without use, after a password change while the grant has Gmail scopes, and 7 days after consent
 * while the client's app is in Testing. An account keeps at most 100 live refresh tokens per
 * client, so a new one silently drops the oldest. Access tokens are sealed and live one hour.
 */
import { BASE64URL_ALPHABET, matchesSha256, newGuid, randomText, sha256Hex } from '../identity/credentials';
import type { TokenSealer } from '../identity/sealer';
import type { GoogleContext } from './context';
import type { Grant, StoredRefreshToken } from './model';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Google's access tokens live one hour, which `expires_in` gives as 3599 seconds. */
export const ACCESS_TOKEN_SECONDS = 3599;
/** "Six months" without use. NOTE: Google gives no exact day count; the lab uses 183 days. */
export const UNUSED_REFRESH_TOKEN_MS = 183 * DAY_MS;
export const TESTING_REFRESH_TOKEN_MS = 7 * DAY_MS;
export const MAX_REFRESH_TOKENS_PER_CLIENT = 100;
const ACCESS_TOKEN_PREFIX = 'ya29.';
const REFRESH_TOKEN_PREFIX = '1//0';

export interface AccessTokenPayload {
  typ: 'at';
  /** Account ID and e-mail. */
  sub: string;
  email: string;
  cid: string;
  scp: string[];
  /** Expiry, lab ms. */
  exp: number;
  gid: string;
}

export type RefreshTokenUse = { status: 'valid'; grant: Grant; token: StoredRefreshToken } | { status: 'unknown' | 'other-client' | 'expired' };

export class GoogleGrants {
  constructor(
    private readonly context: GoogleContext,
    private readonly sealer: TokenSealer,
  ) {}

  find(email: string, clientId: string): Grant | undefined {
    return this.context.file.data.grants.find((grant) => grant.email === email && grant.clientId === clientId);
  }

  findById(id: string): Grant | undefined {
    return this.context.file.data.grants.find((grant) => grant.id === id);
  }

  listFor(email: string): Grant[] {
    return this.context.file.data.grants.filter((grant) => grant.email === email);
  }

  /** Records consent; Google grants are incremental, so new scopes add to what the account granted before. */
  recordConsent(email: string, clientId: string, scopes: string[], offline: boolean): Grant {
    let grant = this.find(email, clientId);
    if (!grant) {
      grant = { id: newGuid(), email, clientId, scopes: [], offline: false, grantedAt: this.context.now() };
      this.context.file.data.grants.push(grant);
    }
    grant.scopes = [...new Set([...grant.scopes, ...scopes])];
    grant.offline ||= offline;
    grant.grantedAt = this.context.now();
    this.context.file.save();
    this.context.logger.info({ email, clientId, offline }, 'Google consent recorded');
    return grant;
  }

  /** Removes a grant and its refresh tokens, as "Remove access" in the Google Account does. */
  revoke(grant: Grant): void {
    const state = this.context.file.data;
    state.grants = state.grants.filter((entry) => entry.id !== grant.id);
    state.refreshTokens = state.refreshTokens.filter((token) => token.grantId !== grant.id);
    this.context.file.save();
    this.context.logger.info({ email: grant.email, clientId: grant.clientId }, 'Google grant revoked');
  }

  issueRefreshToken(grant: Grant): string {
    const state = this.context.file.data;
    const live = state.refreshTokens.filter((token) => token.email === grant.email && token.clientId === grant.clientId).sort((a, b) => a.createdAt - b.createdAt);
    const dropped = live.slice(0, Math.max(0, live.length - (MAX_REFRESH_TOKENS_PER_CLIENT - 1))).map((token) => token.hash);
    if (dropped.length > 0) {
      state.refreshTokens = state.refreshTokens.filter((token) => !dropped.includes(token.hash));
      this.context.logger.info({ email: grant.email, clientId: grant.clientId, dropped: dropped.length }, 'Oldest refresh tokens dropped at the per-client limit');
    }
    const value = REFRESH_TOKEN_PREFIX + randomText(99, `${BASE64URL_ALPHABET}`);
    const now = this.context.now();
    state.refreshTokens.push({ hash: sha256Hex(value), grantId: grant.id, email: grant.email, clientId: grant.clientId, createdAt: now, lastUsedAt: now });
    this.context.file.save();
    return value;
  }

  /** Checks a refresh token for `clientId` and records its use. `appInTesting` decides the 7-day limit. */
  useRefreshToken(value: string, clientId: string, appInTesting: boolean): RefreshTokenUse {
    const state = this.context.file.data;
    const token = state.refreshTokens.find((candidate) => matchesSha256(candidate.hash, value));
    if (!token) return { status: 'unknown' };
    if (token.clientId !== clientId) return { status: 'other-client' };
    const grant = this.findById(token.grantId);
    const now = this.context.now();
    // NOTE: Google documents the 7-day limit for tokens issued while the app is in Testing. The lab
    // applies it at each use, so moving an app back to Testing also limits tokens issued before.
    const expired = token.lastUsedAt + UNUSED_REFRESH_TOKEN_MS <= now || (appInTesting && token.createdAt + TESTING_REFRESH_TOKEN_MS <= now);
    if (!grant || expired) {
      state.refreshTokens = state.refreshTokens.filter((candidate) => candidate !== token);
      this.context.file.save();
      return { status: 'expired' };
    }
    token.lastUsedAt = now;
    this.context.file.save();
    return { status: 'valid', grant, token };
  }

  /** Removes a refresh token, for the revoke endpoint; returns whether it existed. */
  removeRefreshToken(value: string): StoredRefreshToken | undefined {
    const state = this.context.file.data;
    const token = state.refreshTokens.find((candidate) => matchesSha256(candidate.hash, value));
    if (token) {
      state.refreshTokens = state.refreshTokens.filter((candidate) => candidate !== token);
      this.context.file.save();
    }
    return token;
  }

  accessToken(accountId: string, grant: Grant, scopes: string[]): string {
    const payload: AccessTokenPayload = { typ: 'at', sub: accountId, email: grant.email, cid: grant.clientId, scp: scopes, exp: this.context.now() + (ACCESS_TOKEN_SECONDS + 1) * 1000, gid: grant.id };
    return ACCESS_TOKEN_PREFIX + this.sealer.seal(payload);
  }

  openAccessToken(value: string): AccessTokenPayload | undefined {
    if (!value.startsWith(ACCESS_TOKEN_PREFIX)) return undefined;
    const payload = this.sealer.open<AccessTokenPayload>(value.slice(ACCESS_TOKEN_PREFIX.length));
    return payload?.typ === 'at' ? payload : undefined;
  }

  liveRefreshTokenCount(email: string, clientId: string): number {
    return this.context.file.data.refreshTokens.filter((token) => token.email === email && token.clientId === clientId).length;
  }
}
