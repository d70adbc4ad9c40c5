/**
 * Checks of SMTP AUTH credentials against the emulated identity providers: a bearer token (XOAUTH2,
 * OAUTHBEARER) or a password (LOGIN, PLAIN), then the account and its SMTP AUTH switches. The
 * result names the failure in the terms a dialect picks its reply by, plus a detail for the log
 * that never contains the token or the password.
 */
import type { IdentityDirectory, MailboxInfo } from '../../identity/contract';
import type { AuthFailure, Dialect } from './dialect';

export type CredentialCheck = { ok: true; mailbox: MailboxInfo } | { ok: false; failure: AuthFailure; detail: string };

/**
 * Verifies `token` for `user` (null: the user the token names) at lab time `now`: signature, expiry, audience, scope, that the token
 * was issued to `user`, the tenant, and the SMTP AUTH switches (a mailbox setting overrides the
 * tenant one).
 */
export async function checkBearerToken(dialect: Dialect, identity: IdentityDirectory | undefined, user: string | null, token: string, now: number): Promise<CredentialCheck> {
  if (!identity) return { ok: false, failure: 'no-identity', detail: 'no identity provider runs in this lab, so no token can be verified' };

  const verification = await identity.verifyAccessToken(dialect.provider, token, now);
  if (!verification.ok) {
    const failure: AuthFailure = verification.reason === 'insufficient-scope' ? 'scope' : 'token';
    return { ok: false, failure, detail: `token rejected (${verification.reason}): ${verification.detail}` };
  }
  const claims = verification.claims;

  if (claims.provider !== dialect.provider) return { ok: false, failure: 'token', detail: `token of ${claims.provider}, but this server takes ${dialect.provider} tokens` };
  if (dialect.audiences.length > 0 && !dialect.audiences.includes(claims.audience)) {
    return { ok: false, failure: 'token', detail: `token audience ${claims.audience} is not one of ${dialect.audiences.join(', ')}` };
  }
  if (!claims.scopes.some((scope) => scope === dialect.requiredScope || scope.endsWith(`/${dialect.requiredScope}`))) {
    return { ok: false, failure: 'scope', detail: `token scopes ${claims.scopes.join(' ') || '(none)'} lack ${dialect.requiredScope}` };
  }
  // OAUTHBEARER may leave the user out, and then the token's user applies.
  if (user !== null && claims.user.toLowerCase() !== user.toLowerCase()) return { ok: false, failure: 'token', detail: `token was issued to ${claims.user}, not to the user= ${user}` };

  const mailbox = identity.mailbox(claims.user);
  if (!mailbox || mailbox.provider !== dialect.provider) return { ok: false, failure: 'token', detail: `${claims.user} has no ${dialect.provider} mailbox` };
  if (claims.tenantId !== undefined && mailbox.tenantId !== undefined && claims.tenantId !== mailbox.tenantId) {
    return { ok: false, failure: 'token', detail: `token of tenant ${claims.tenantId}, but ${mailbox.address} is in tenant ${mailbox.tenantId}` };
  }
  return checkAccount(mailbox);
}

/** Checks a password for Basic auth (AUTH LOGIN / PLAIN), where the dialect allows it. */
export async function checkPassword(dialect: Dialect, basicAuthAllowed: boolean, identity: IdentityDirectory | undefined, user: string, password: string): Promise<CredentialCheck> {
  if (!basicAuthAllowed) return { ok: false, failure: 'basic-auth-disabled', detail: `${dialect.name} does not accept Basic auth for client submission` };
  if (!identity) return { ok: false, failure: 'no-identity', detail: 'no identity provider runs in this lab, so no password can be checked' };

  const mailbox = identity.mailbox(user);
  if (!mailbox || mailbox.provider !== dialect.provider) return { ok: false, failure: 'password', detail: `${user} has no ${dialect.provider} mailbox` };
  if (!(await identity.checkPassword(mailbox.address, password))) return { ok: false, failure: 'password', detail: `wrong password for ${mailbox.address}` };
  return checkAccount(mailbox);
}

/** The account must be enabled and SMTP AUTH allowed for its mailbox. */
function checkAccount(mailbox: MailboxInfo): CredentialCheck {
  if (!mailbox.enabled) return { ok: false, failure: 'token', detail: `the account ${mailbox.address} is disabled` };
  const { mailbox: mailboxSetting, tenant } = mailbox.smtpAuth;
  if (mailboxSetting === false) return { ok: false, failure: 'smtp-auth-disabled-mailbox', detail: `SMTP AUTH is disabled for the mailbox ${mailbox.address}` };
  if (mailboxSetting === null && !tenant) return { ok: false, failure: 'smtp-auth-disabled-tenant', detail: `SMTP AUTH is disabled for the tenant of ${mailbox.address}` };
  return { ok: true, mailbox };
}
