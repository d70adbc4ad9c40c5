/**
 * A small IdentityDirectory for the mail tests, in place of the emulated Microsoft Entra ID and
 * Google. Access tokens are JWTs signed with jose (one ES256 key per provider) and checked on the
 * lab clock. The mailboxes are a fixed set with SMTP AUTH switches, Send As rights and passwords.
 */
import { errors, generateKeyPair, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import type { AccessTokenClaims, IdentityDirectory, IdentityProviderName, MailboxInfo, TokenVerification } from '../../../emulator/services/identity/contract';

export const EXCHANGE_AUDIENCE = 'https://outlook.office.com';
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
export const GMAIL_SCOPE = 'https://mail.google.com/';
export const CONTOSO_TENANT = '11111111-1111-4111-8111-111111111111';
export const FABRIKAM_TENANT = '22222222-2222-4222-8222-222222222222';
export const GOOGLE_CLIENT_ID = '123456789012-labclient.apps.googleusercontent.com';

type Keys = { privateKey: CryptoKey; publicKey: CryptoKey };

export interface TokenOptions {
  audience?: string;
  scopes?: string[];
  /** Lifetime from `issuedAt`, in seconds; negative for a token that has already expired. */
  lifetimeSeconds?: number;
  /** Lab time of issue, ms since the epoch. */
  issuedAt: number;
  tenantId?: string;
}

function microsoftMailbox(address: string, displayName: string, tenantId: string, smtpAuth: MailboxInfo['smtpAuth'], sendAs: string[] = []): MailboxInfo {
  return { address, provider: 'microsoft', displayName, tenantId, enabled: true, smtpAuth, sendAs };
}

function googleMailbox(address: string, displayName: string, sendAs: string[] = []): MailboxInfo {
  return { address, provider: 'google', displayName, enabled: true, smtpAuth: { mailbox: null, tenant: true }, sendAs };
}

export class TestIdentity implements IdentityDirectory {
  readonly mailboxes = new Map<string, MailboxInfo>(
    [
      microsoftMailbox('alice@contoso.example', 'Alice Admin', CONTOSO_TENANT, { mailbox: null, tenant: true }, ['alerts@contoso.example']),
      microsoftMailbox('bob@contoso.example', 'Bob Builder', CONTOSO_TENANT, { mailbox: null, tenant: true }),
      microsoftMailbox('dave@contoso.example', 'Dave Disabled', CONTOSO_TENANT, { mailbox: false, tenant: true }),
      microsoftMailbox('erin@fabrikam.example', 'Erin Tenant-Off', FABRIKAM_TENANT, { mailbox: null, tenant: false }),
      microsoftMailbox('frank@fabrikam.example', 'Frank Override', FABRIKAM_TENANT, { mailbox: true, tenant: false }),
      googleMailbox('carol@gmail.com', 'Carol Gmail', ['carol.alerts@example.org']),
      googleMailbox('grace@gmail.com', 'Grace Gmail'),
    ].map((mailbox) => [mailbox.address, mailbox]),
  );

  /** App passwords for Basic auth. */
  readonly passwords = new Map<string, string>([
    ['carol@gmail.com', 'abcdefghijklmnop'],
    ['alice@contoso.example', 'Alice-Pa55word'],
  ]);

  private constructor(private readonly keys: Record<IdentityProviderName, Keys>) {}

  static async create(): Promise<TestIdentity> {
    const [microsoft, google] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256')]);
    return new TestIdentity({ microsoft, google });
  }

  /** Issues an access token for `user` as its provider would, for the SMTP service by default. */
  async token(user: string, options: TokenOptions): Promise<string> {
    const mailbox = this.mailboxes.get(user);
    const provider: IdentityProviderName = mailbox?.provider ?? 'microsoft';
    const issuedAt = Math.floor(options.issuedAt / 1000);
    const lifetime = options.lifetimeSeconds ?? 3600;
    const claims =
      provider === 'microsoft'
        ? { upn: user, scp: (options.scopes ?? ['SMTP.Send']).join(' '), tid: options.tenantId ?? mailbox?.tenantId ?? CONTOSO_TENANT, appid: 'lab-app' }
        : { email: user, scope: (options.scopes ?? [GMAIL_SCOPE]).join(' '), azp: GOOGLE_CLIENT_ID };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuer(provider)
      .setAudience(options.audience ?? (provider === 'microsoft' ? EXCHANGE_AUDIENCE : GOOGLE_CLIENT_ID))
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + lifetime)
      .sign(this.keys[provider].privateKey);
  }

  async verifyAccessToken(provider: IdentityProviderName, token: string, now: number): Promise<TokenVerification> {
    try {
      const { payload } = await jwtVerify(token, this.keys[provider].publicKey, { issuer: provider, currentDate: new Date(now) });
      const user = String(provider === 'microsoft' ? payload.upn : payload.email);
      const scopes = String(provider === 'microsoft' ? payload.scp : payload.scope).split(' ');
      const claims: AccessTokenClaims = {
        provider,
        user,
        audience: String(payload.aud),
        scopes,
        expiresAt: (payload.exp ?? 0) * 1000,
        clientId: String(payload.appid ?? payload.azp),
        ...(payload.tid ? { tenantId: String(payload.tid) } : {}),
      };
      if (!this.mailboxes.has(user)) return { ok: false, reason: 'unknown-user', detail: `${user} is not a known account` };
      return { ok: true, claims };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired', detail: 'the token has expired' };
      if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'bad-signature', detail: 'the signature does not verify' };
      return { ok: false, reason: 'malformed', detail: (error as Error).name };
    }
  }

  mailbox(address: string): MailboxInfo | undefined {
    return this.mailboxes.get(address.trim().toLowerCase());
  }

  async checkPassword(address: string, password: string): Promise<boolean> {
    return this.passwords.get(address.toLowerCase()) === password;
  }
}
