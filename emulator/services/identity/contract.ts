/**
 * What the emulated identity providers (Microsoft Entra ID, Google) offer the other emulated
 * services, above all the SMTP servers that check XOAUTH2 tokens: token verification on the lab
 * clock and a directory of mailboxes with their SMTP AUTH switches.
 */

export type IdentityProviderName = 'microsoft' | 'google';

/** Claims of a verified access token, in the provider-neutral form the mail servers need. */
export interface AccessTokenClaims {
  provider: IdentityProviderName;
  /** Mailbox the token was issued for (Microsoft `upn` / `preferred_username`, Google account e-mail). */
  user: string;
  /** Audience: `https://outlook.office.com` for an Exchange token, `https://graph.microsoft.com` for Graph, the client id for Google. */
  audience: string;
  /** Granted scopes, e.g. `SMTP.Send` (Microsoft `scp`) or `https://mail.google.com/` (Google). */
  scopes: string[];
  /** Lab time (ms since the epoch) when the token expires. */
  expiresAt: number;
  clientId: string;
  /** Microsoft only: the tenant id (`tid`). */
  tenantId?: string;
}

export type TokenRejection =
  | 'malformed'
  | 'bad-signature'
  | 'expired'
  | 'wrong-audience'
  | 'insufficient-scope'
  | 'revoked'
  | 'unknown-user';

export type TokenVerification = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: TokenRejection; detail: string };

export interface MailboxInfo {
  address: string;
  provider: IdentityProviderName;
  /** Display name for From headers and webmail. */
  displayName: string;
  tenantId?: string;
  /** Whether the account can sign in at all (a disabled user cannot authenticate). */
  enabled: boolean;
  /**
   * Microsoft: effective SMTP AUTH for this mailbox. The mailbox setting overrides the tenant
   * one: null here means "follow the tenant". Google: always true.
   */
  smtpAuth: { mailbox: boolean | null; tenant: boolean };
  /** Addresses this mailbox may send as (Exchange Send As rights, Gmail "Send mail as" aliases). */
  sendAs: string[];
}

export interface IdentityDirectory {
  /** Verifies an access token presented over SMTP XOAUTH2 at lab time `now`. */
  verifyAccessToken(provider: IdentityProviderName, token: string, now: number): Promise<TokenVerification>;
  /** The mailbox of an address in any lab tenant or Google account, or undefined for outside addresses. */
  mailbox(address: string): MailboxInfo | undefined;
  /** Checks a user name and password for SMTP Basic auth (AUTH LOGIN / PLAIN). */
  checkPassword(address: string, password: string): Promise<boolean>;
}
