/**
 * Objects Setting >> SMS/Mail Service Object: mail profiles, their OAuth 2.0 authorization through
 * the DrayDDNS relay, tokens kept encrypted on flash and refreshed straight with the provider, and
 * sending (the test e-mail and, later, alerts) over the same code path.
 */
import type { FirmwareModule, ModuleContext } from '../../config/module';
import type { FieldError } from '../../errors';
import { effectivePorts, type ManagementConfig } from '../management/schema';
import type { DdnsConfig } from '../ddns/schema';
import { fullHostname } from '../ddns/updater';
import { MailOAuthError, OAuthFlows, toOAuthError } from './oauth';
import { RELAY_REDIRECT_URI } from './providers';
import { emptyProfile, MAIL_PROFILE_COUNT, mailSchema, type MailConfig, type MailProfile } from './schema';
import { sendMail, type OutgoingMail, type SendResult } from './sender';
import { TokenStore, type ProfileTokens } from './tokens';

export * from './schema';
export { RELAY_REDIRECT_URI, CALLBACK_PATH } from './providers';
export { MailOAuthError } from './oauth';
export type { ProfileTokens } from './tokens';
export type { SendResult, OutgoingMail } from './sender';

/** Refresh this long before the access token expires, so a send never carries a dying token. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface Precondition {
  label: string;
  met: boolean;
  detail: string;
}

export type CallbackResult = { ok: true; profileIndex: number; account: string } | { ok: false; message: string; advice?: string };

export class MailModule implements FirmwareModule<MailConfig> {
  readonly name = 'mail';
  readonly title = 'SMS/Mail Service Object';
  readonly schema = mailSchema;
  private context!: ModuleContext;
  private tokens!: TokenStore;
  private flows!: OAuthFlows;
  private readonly refreshing = new Map<number, Promise<ProfileTokens>>();

  factoryDefaults(): MailConfig {
    return { profiles: Array.from({ length: MAIL_PROFILE_COUNT }, emptyProfile) };
  }

  validate(config: MailConfig): FieldError[] {
    const errors: FieldError[] = [];
    config.profiles.forEach((profile, index) => {
      if (profile.name === '') return;
      const field = `profiles.${index}`;
      if (profile.smtpServer === '') errors.push({ field: `${field}.smtpServer`, message: 'is missing', title: 'SMTP Server' });
      if (profile.sender === '') errors.push({ field: `${field}.sender`, message: 'is missing; give the address mails come from', title: 'Sender Address' });
      if (profile.auth === 'password' && profile.username === '') errors.push({ field: `${field}.username`, message: 'is missing for user name and password authentication', title: 'User Name' });
      if (profile.auth === 'oauth2') {
        if (profile.oauth.clientId === '') errors.push({ field: `${field}.oauth.clientId`, message: 'is missing; copy the Application (client) ID of the app', title: 'Client ID' });
        if (profile.oauth.provider === 'microsoft' && profile.oauth.tenantId === '') errors.push({ field: `${field}.oauth.tenantId`, message: 'is missing; copy the Directory (tenant) ID of the app', title: 'Tenant ID' });
        if (profile.security === 'none') errors.push({ field: `${field}.security`, message: 'must be SSL/TLS or STARTTLS: providers accept OAuth 2.0 only over TLS', title: 'Connection Security' });
      }
    });
    return errors;
  }

  async start(context: ModuleContext): Promise<void> {
    this.context = context;
    this.tokens = new TokenStore(context.hardware);
    this.flows = new OAuthFlows(context.hardware, context.hardware.clock);
    await this.tokens.load();
  }

  configChanged(next: MailConfig, previous: MailConfig): void {
    next.profiles.forEach((profile, index) => {
      const before = previous.profiles[index]!;
      // Tokens belong to an app and account; a new provider, client or tenant makes them worthless.
      const sameApp = before.oauth.provider === profile.oauth.provider && before.oauth.clientId === profile.oauth.clientId && before.oauth.tenantId === profile.oauth.tenantId;
      if ((!sameApp || profile.auth !== 'oauth2') && this.tokens.get(index)) void this.tokens.set(index, undefined);
    });
  }

  profiles(): MailProfile[] {
    return this.context.store.get<MailConfig>(this.name).profiles;
  }

  tokenStatus(index: number): ProfileTokens | undefined {
    return this.tokens.get(index);
  }

  hasOAuthProfile(): boolean {
    return this.profiles().some((profile) => profile.name !== '' && profile.auth === 'oauth2');
  }

  /** Returns the router's DrayDDNS name from the first enabled DrayDDNS account, if any. */
  ddnsHostname(): string | undefined {
    const ddns = this.context.store.get<DdnsConfig>('ddns');
    const account = ddns.enabled ? ddns.accounts.find((entry) => entry.enabled && entry.provider === 'drayddns' && entry.domain !== '') : undefined;
    return account ? fullHostname(account) : undefined;
  }

  /** Lists what must be true before Authorize can work, each with an explanation. */
  preconditions(): Precondition[] {
    const hostname = this.ddnsHostname();
    const management = this.context.store.get<ManagementConfig>('management');
    const httpsPort = effectivePorts(management).https;
    const httpsOpen = management.internet.allow && management.internet.services.https;
    let httpsDetail = 'Allow management from the Internet with HTTPS in System Maintenance >> Management';
    if (httpsOpen) httpsDetail = httpsPort === 443 ? 'Allowed' : `HTTPS uses port ${httpsPort}; the relay redirects to port 443`;
    return [
      { label: 'Active DrayDDNS account', met: hostname !== undefined, detail: hostname ? `${hostname} (Applications >> Dynamic DNS Setup)` : 'Set up and enable a DrayDDNS account in Applications >> Dynamic DNS Setup' },
      {
        label: 'HTTPS management from the Internet on port 443',
        met: httpsOpen && httpsPort === 443,
        detail: httpsDetail,
      },
      { label: 'Redirect URI registered in the app', met: true, detail: RELAY_REDIRECT_URI },
    ];
  }

  /** Starts authorizing a profile; returns the provider URL for the new window. */
  startAuthorization(index: number, sessionId: string): string {
    const profile = this.profiles()[index];
    if (!profile || profile.name === '' || profile.auth !== 'oauth2') throw new Error(`Profile ${index + 1} is not set to OAuth 2.0; save it with Authentication OAuth 2.0 first`);
    const hostname = this.ddnsHostname();
    if (!hostname) throw new Error('No active DrayDDNS account: the OAuth relay forwards to the router by its DrayDDNS name');
    const { url } = this.flows.start(index, profile, hostname, sessionId);
    this.context.syslog.info('Mail', `Authorization of mail profile ${index + 1} (${profile.name}) started with ${profile.oauth.provider === 'google' ? 'Google' : 'Microsoft'}`);
    return url;
  }

  /** Handles the callback the relay forwards; `sessionAlive` reports whether the admin session that started it still exists. */
  async completeAuthorization(query: { code?: string; state?: string; error?: string; errorDescription?: string }, sessionAlive: (sessionId: string) => boolean): Promise<CallbackResult> {
    if (!query.state) return { ok: false, message: 'The callback carries no state, so it cannot belong to an authorization of this router. Nothing was changed.' };
    const pending = this.flows.take(query.state);
    if (!pending) return { ok: false, message: 'The state is unknown, already used or older than 10 minutes. Start Authorize again from the profile. Nothing was changed.' };
    if (!sessionAlive(pending.sessionId)) return { ok: false, message: 'The administrator session that started this authorization has ended. Log in and start Authorize again. Nothing was changed.' };

    const profile = this.profiles()[pending.profileIndex]!;
    const label = `mail profile ${pending.profileIndex + 1} (${profile.name})`;
    if (query.error) {
      const advice = toOAuthError({ data: { payload: { error: query.error, error_description: query.errorDescription } }, output: { statusCode: 400 } }).advice;
      this.context.syslog.warning('Mail', `Authorization of ${label} failed: ${query.error} ${query.errorDescription ?? ''}`.trim());
      return { ok: false, message: `The provider returned ${query.error}: ${query.errorDescription ?? ''}`.trim(), advice };
    }
    if (!query.code) return { ok: false, message: 'The callback carries no authorization code. Start Authorize again. Nothing was changed.' };

    try {
      const tokens = await this.flows.redeem(profile, query.code, pending.codeVerifier);
      await this.tokens.set(pending.profileIndex, tokens);
      this.context.syslog.notice('Mail', `${label} authorized as ${tokens.account}`);
      return { ok: true, profileIndex: pending.profileIndex, account: tokens.account };
    } catch (error) {
      const oauth = error instanceof MailOAuthError ? error : toOAuthError(error);
      this.context.syslog.warning('Mail', `Redeeming the authorization code of ${label} failed: ${oauth.message}`);
      return { ok: false, message: `The token request failed with ${oauth.message}`, advice: oauth.advice };
    }
  }

  /** Returns an access token for a profile, refreshed when it expires within 5 minutes or when `renew` is set. */
  async accessToken(index: number, renew = false): Promise<ProfileTokens> {
    const tokens = this.tokens.get(index);
    if (!tokens) throw new MailOAuthError('not_authorized', 'The profile is not authorized', 'Authorize the profile in Objects Setting >> SMS/Mail Service Object.', false);
    if (tokens.reauthorizationRequired) throw new MailOAuthError('invalid_grant', tokens.reauthorizationRequired, 'Authorize the profile again.', false);
    if (!renew && tokens.accessTokenExpiresAt - this.context.hardware.clock.now() > REFRESH_MARGIN_MS) return tokens;

    // One refresh at a time per profile: a rotated refresh token is valid only once.
    let refresh = this.refreshing.get(index);
    if (!refresh) {
      refresh = this.refresh(index, tokens).finally(() => this.refreshing.delete(index));
      this.refreshing.set(index, refresh);
    }
    return refresh;
  }

  /** Sends a mail from a profile; the alert service uses the same path. */
  async send(index: number, mail: OutgoingMail): Promise<SendResult> {
    const profile = this.profiles()[index];
    if (!profile || profile.name === '') throw new Error(`Mail profile ${index + 1} is not set up`);
    const result = await sendMail(this.context.hardware, profile, mail, async (renew) => {
      const tokens = await this.accessToken(index, renew);
      return { user: tokens.account, accessToken: tokens.accessToken };
    });
    this.context.syslog.info('Mail', `Mail "${mail.subject}" sent with profile ${index + 1} to ${mail.to.join(', ')}: ${result.response}`);
    return result;
  }

  private async refresh(index: number, tokens: ProfileTokens): Promise<ProfileTokens> {
    const profile = this.profiles()[index]!;
    try {
      const next = await this.flows.refresh(profile, tokens);
      await this.tokens.set(index, next);
      this.context.syslog.info('Mail', `Access token of mail profile ${index + 1} refreshed; valid until ${new Date(next.accessTokenExpiresAt).toISOString()}`);
      return next;
    } catch (error) {
      const oauth = error instanceof MailOAuthError ? error : toOAuthError(error);
      if (oauth.code === 'invalid_grant' || oauth.code === 'invalid_client' || oauth.code === 'unauthorized_client') {
        await this.tokens.set(index, { ...tokens, reauthorizationRequired: `${oauth.message}. ${oauth.advice}` });
        this.context.syslog.error('Mail', `Mail profile ${index + 1} (${profile.name}) needs re-authorization: ${oauth.message}`);
        this.context.events.emit('mail.reauthorizationRequired', { profile: index + 1, name: profile.name, reason: oauth.message });
      } else {
        this.context.syslog.warning('Mail', `Refreshing the token of mail profile ${index + 1} failed: ${oauth.message}`);
      }
      throw oauth;
    }
  }
}
