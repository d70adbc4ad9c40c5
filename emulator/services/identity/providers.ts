/**
 * The identity directory the other emulated services use (see contract.ts): access tokens checked
 * on the lab clock, mailboxes with their SMTP AUTH switches, and password checks, over both
 * providers. It also gives the lab API and tests the two providers themselves.
 */
import { errors, jwtVerify } from 'jose';
import type { EntraId } from '../microsoft/entra';
import type { GoogleIdentity } from '../google/googleIdentity';
import type { AccessTokenClaims, IdentityDirectory, IdentityProviderName, MailboxInfo, TokenRejection, TokenVerification } from './contract';

/** Audiences of Exchange Online tokens: the two identifier URIs of Office 365 Exchange Online. */
const EXCHANGE_AUDIENCES = ['https://outlook.office.com', 'https://outlook.office365.com'];
/** The scope Gmail's SMTP server requires; gmail.send does not allow SMTP. */
const GMAIL_SMTP_SCOPE = 'https://mail.google.com/';

export class IdentityProviders implements IdentityDirectory {
  constructor(
    readonly microsoft: EntraId,
    readonly google: GoogleIdentity,
  ) {}

  async verifyAccessToken(provider: IdentityProviderName, token: string, now: number): Promise<TokenVerification> {
    return provider === 'microsoft' ? this.verifyMicrosoft(token, now) : this.verifyGoogle(token, now);
  }

  mailbox(address: string): MailboxInfo | undefined {
    const key = address.trim().toLowerCase();
    const entra = this.microsoft.tenants.findUserAnywhere(key);
    if (entra?.user.mail) {
      const { tenant, user } = entra;
      return {
        address: user.mail!,
        provider: 'microsoft',
        displayName: user.displayName,
        tenantId: tenant.id,
        enabled: user.accountEnabled,
        smtpAuth: { mailbox: user.smtpAuthEnabled, tenant: tenant.smtpAuthEnabled },
        sendAs: [...user.sendAs],
      };
    }
    const account = this.google.accounts.find(key);
    if (!account) return undefined;
    return { address: account.email, provider: 'google', displayName: account.displayName, enabled: account.enabled, smtpAuth: { mailbox: true, tenant: true }, sendAs: [...account.sendAs] };
  }

  /** Checks a password; a disabled account or an unknown address never passes. */
  async checkPassword(address: string, password: string): Promise<boolean> {
    const entra = this.microsoft.tenants.findUserAnywhere(address);
    if (entra) return entra.user.accountEnabled && this.microsoft.tenants.checkUserPassword(entra.user, password);
    const account = this.google.accounts.find(address);
    if (account) return account.enabled && this.google.accounts.checkPassword(account, password);
    return false;
  }

  private async verifyMicrosoft(token: string, now: number): Promise<TokenVerification> {
    let payload: Record<string, unknown>;
    try {
      const { publicKey } = await this.microsoft.tokens.signingKey;
      ({ payload } = await jwtVerify(token, publicKey, { algorithms: ['RS256'], currentDate: new Date(now) }));
    } catch (error) {
      return reject(...jwtFailure(error));
    }
    const audience = String(payload.aud);
    if (!EXCHANGE_AUDIENCES.includes(audience)) return reject('wrong-audience', `The token is for ${audience}, not for Exchange Online (${EXCHANGE_AUDIENCES.join(' or ')}).`);

    const appOnly = payload.idtyp === 'app';
    const scopes = appOnly ? ((payload.roles as string[] | undefined) ?? []) : String(payload.scp ?? '').split(' ').filter(Boolean);
    const needed = appOnly ? 'SMTP.SendAsApp' : 'SMTP.Send';
    if (!scopes.includes(needed)) return reject('insufficient-scope', `The token's ${appOnly ? 'roles' : 'scp'} lack ${needed}; it has "${scopes.join(' ')}".`);

    const tenant = this.microsoft.tenants.find(String(payload.tid));
    const claims: AccessTokenClaims = { provider: 'microsoft', user: '', audience, scopes, expiresAt: Number(payload.exp) * 1000, clientId: String(payload.appid), tenantId: String(payload.tid) };
    if (!tenant) return reject('unknown-user', `The tenant ${String(payload.tid)} no longer exists.`);
    // App-only tokens name no user; the mail server takes the mailbox from the XOAUTH2 user field.
    if (appOnly) return { ok: true, claims };

    const user = this.microsoft.tenants.findUser(tenant, String(payload.oid));
    if (!user) return reject('unknown-user', `The user ${String(payload.upn)} no longer exists in ${tenant.domains[0]}.`);
    if (!user.accountEnabled) return reject('revoked', `The account ${user.userPrincipalName} is disabled.`);
    return { ok: true, claims: { ...claims, user: user.mail ?? user.userPrincipalName } };
  }

  private verifyGoogle(token: string, now: number): TokenVerification {
    const payload = this.google.grants.openAccessToken(token);
    if (!payload) return reject(token.startsWith('ya29.') ? 'bad-signature' : 'malformed', 'The token is not an access token of the emulated Google service.');
    if (payload.exp <= now) return reject('expired', `The token expired at ${new Date(payload.exp).toISOString()} (lab time).`);
    if (!this.google.grants.findById(payload.gid)) return reject('revoked', 'The grant behind the token has been revoked.');
    const account = this.google.accounts.find(payload.email);
    if (!account) return reject('unknown-user', `The account ${payload.email} no longer exists.`);
    if (!account.enabled) return reject('revoked', `The account ${payload.email} is disabled.`);
    if (!payload.scp.includes(GMAIL_SMTP_SCOPE)) return reject('insufficient-scope', `The token lacks ${GMAIL_SMTP_SCOPE}; it has "${payload.scp.join(' ')}".`);
    return { ok: true, claims: { provider: 'google', user: account.email, audience: payload.cid, scopes: payload.scp, expiresAt: payload.exp, clientId: payload.cid } };
  }
}

function reject(reason: TokenRejection, detail: string): TokenVerification {
  return { ok: false, reason, detail };
}

function jwtFailure(error: unknown): [TokenRejection, string] {
  if (error instanceof errors.JWTExpired) return ['expired', 'The token has expired (lab time).'];
  if (error instanceof errors.JWSSignatureVerificationFailed) return ['bad-signature', 'The token signature does not verify with the lab Entra ID key.'];
  if (error instanceof errors.JWTClaimValidationFailed) return ['malformed', `The token's ${error.claim} claim is not valid: ${error.reason}.`];
  return ['malformed', 'The token is not a signed JWT of the emulated Entra ID.'];
}
