/**
 * Objects Setting >> SMS/Mail Service Object: the SMS tab (listed, not emulated), the mail profile
 * list, the profile page (`?index=N`) with the OAuth 2.0 preconditions, Authorize and token status,
 * and Send a Test E-mail. Stored passwords and client secrets are never sent to the browser.
 */
import {
  AUTH_MODES,
  MAIL_PROFILE_COUNT,
  OAUTH_PROVIDERS,
  PROVIDER_PRESETS,
  RELAY_REDIRECT_URI,
  SECURITY_MODES,
  type Firmware,
  type MailConfig,
  type MailProfile,
} from '../../firmware';
import { csrfTokenMatches } from '../csrf';
import { FormError, formChoice, formString } from '../form';
import type { Session } from '../sessions';
import { actorOf, formNumber, saveSection } from './configForm';
import type { PageView } from '.';

export const mailServiceObjectPage: PageView = {
  get(request, response, { firmware, page }) {
    if (request.query.tab === 'sms') {
      response.render('mailServiceObject', { title: page.title, page, mode: 'sms' });
      return;
    }
    if (request.query.index !== undefined) {
      const index = profileIndex(String(request.query.index));
      response.render('mailServiceObject', { ...profileModel(firmware, index, firmware.mail.profiles()[index - 1]!), title: page.title, page });
      return;
    }
    const profiles = firmware.mail.profiles();
    response.render('mailServiceObject', { title: page.title, page, mode: 'list', profiles, statuses: profiles.map((_, index) => statusLine(firmware, index)) });
  },

  async post(request, response, { firmware, page }) {
    const session = response.locals.session as Session;
    const action = formChoice(request.body, 'action', ['save', 'test'] as const);
    const index = profileIndex(formString(request.body, 'index', { required: true, maxLength: 4 }));

    if (action === 'test') {
      const recipient = formString(request.body, 'recipient', { required: true, maxLength: 254 }).trim();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(recipient)) throw new FormError([{ field: 'recipient', message: 'must be an e-mail address such as admin@example.com' }]);
      let testResult: { ok: boolean; text: string };
      try {
        const sent = await firmware.mail.send(index - 1, {
          to: [recipient],
          subject: `Test e-mail from ${firmware.management.routerName()}`,
          text: `This is a test e-mail from ${firmware.hardware.board.model} "${firmware.management.routerName()}", mail profile ${index}, sent at ${new Date(firmware.hardware.clock.now()).toISOString()}.`,
        });
        testResult = { ok: true, text: `Sent. The server replied: ${sent.response}` };
      } catch (error) {
        const advice = (error as { advice?: string }).advice;
        testResult = { ok: false, text: `Sending failed: ${(error as Error).message}${advice ? `. ${advice}` : ''}` };
        firmware.syslog.warning('Mail', `Test e-mail of profile ${index} by ${actorOf(session)} failed: ${(error as Error).message}`);
      }
      response.render('mailServiceObject', { ...profileModel(firmware, index, firmware.mail.profiles()[index - 1]!), title: page.title, page, testResult, recipient });
      return;
    }

    const config = firmware.store.get<MailConfig>('mail');
    const profile = readProfile(request.body, config.profiles[index - 1]!);
    config.profiles[index - 1] = profile;
    const fieldErrors = await saveSection(firmware, 'mail', config, session, `mail.profiles.${index - 1}`);
    if (fieldErrors) {
      response.status(400).render('mailServiceObject', { ...profileModel(firmware, index, profile), title: page.title, page, fieldErrors, flash: { kind: 'error', text: `Profile ${index} was not saved; correct the marked fields.` } });
      return;
    }
    session.flash = { kind: 'ok', text: `Profile ${index} (${profile.name || 'cleared'}) saved.` };
    response.redirect(303, `${page.url}?index=${index}`);
  },

  extra: {
    // Authorize opens this in a new window; it redirects to the provider's sign-in.
    authorize(request, response, { firmware, page }) {
      const session = response.locals.session as Session;
      if (!csrfTokenMatches(session, request.query._csrf)) throw new FormError([{ field: '_csrf', message: 'is missing or out of date; reload the profile page and press Authorize again' }]);
      const index = profileIndex(String(request.query.index));
      try {
        response.redirect(302, firmware.mail.startAuthorization(index - 1, session.id));
      } catch (error) {
        response.status(400).render('error', { title: 'Cannot authorize', message: `${(error as Error).message}.`, page });
      }
    },
  },
};

function profileIndex(text: string): number {
  const index = Number(text);
  if (!Number.isInteger(index) || index < 1 || index > MAIL_PROFILE_COUNT) throw new FormError([{ field: 'index', message: `must be a whole number from 1 to ${MAIL_PROFILE_COUNT}` }]);
  return index;
}

function statusLine(firmware: Firmware, position: number): string {
  const profile = firmware.mail.profiles()[position]!;
  if (profile.name === '') return '';
  if (profile.auth !== 'oauth2') return profile.auth === 'password' ? 'User name and password' : 'No authentication';
  const tokens = firmware.mail.tokenStatus(position);
  if (!tokens) return 'OAuth 2.0: not authorized';
  if (tokens.reauthorizationRequired) return `OAuth 2.0: re-authorization required (${tokens.reauthorizationRequired})`;
  const now = firmware.hardware.clock.now();
  const access = tokens.accessTokenExpiresAt > now ? `access token valid until ${new Date(tokens.accessTokenExpiresAt).toISOString().replace('T', ' ').slice(0, 19)} UTC` : 'access token expired (refreshed at the next send)';
  return `OAuth 2.0: authorized as ${tokens.account}; ${access}; refresh token ${tokens.refreshToken ? 'present' : 'missing'}`;
}

function profileModel(firmware: Firmware, index: number, profile: MailProfile) {
  const stored = firmware.mail.profiles()[index - 1]!;
  return {
    mode: 'edit',
    index,
    profile,
    passwordStored: stored.password !== '',
    secretStored: stored.oauth.clientSecret !== '',
    status: statusLine(firmware, index - 1),
    preconditions: firmware.mail.preconditions(),
    redirectUri: RELAY_REDIRECT_URI,
    presets: PROVIDER_PRESETS,
    securityModes: SECURITY_MODES,
    authModes: AUTH_MODES,
    providers: OAUTH_PROVIDERS,
    canAuthorize: stored.name !== '' && stored.auth === 'oauth2',
  };
}

function readProfile(body: unknown, current: MailProfile): MailProfile {
  const password = formString(body, 'password', { maxLength: 256 });
  const clientSecret = formString(body, 'clientSecret', { maxLength: 512 });
  const auth = formChoice(body, 'auth', AUTH_MODES);
  const provider = formChoice(body, 'provider', OAUTH_PROVIDERS);
  let smtpServer = formString(body, 'smtpServer', { maxLength: 300 }).trim();
  let port = formString(body, 'smtpPort', { maxLength: 16 });
  let security = formChoice(body, 'security', SECURITY_MODES);
  // An OAuth profile without a server gets the provider's documented submission settings.
  if (auth === 'oauth2' && smtpServer === '') {
    ({ smtpServer, security } = PROVIDER_PRESETS[provider]);
    port = String(PROVIDER_PRESETS[provider].smtpPort);
  }
  return {
    name: formString(body, 'name', { maxLength: 64 }).trim(),
    smtpServer,
    smtpPort: formNumber(port) as number,
    security,
    sender: formString(body, 'sender', { maxLength: 300 }).trim(),
    auth,
    username: formString(body, 'username', { maxLength: 300 }).trim(),
    password: password === '' ? current.password : password,
    oauth: {
      provider,
      clientId: formString(body, 'clientId', { maxLength: 300 }).trim(),
      clientSecret: clientSecret === '' ? current.oauth.clientSecret : clientSecret.trim(),
      tenantId: formString(body, 'tenantId', { maxLength: 300 }).trim(),
    },
    sendingIntervalSeconds: formNumber(formString(body, 'sendingIntervalSeconds', { maxLength: 16 }) || '0') as number,
  };
}
