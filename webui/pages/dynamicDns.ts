/**
 * Applications >> Dynamic DNS Setup: the account list with status and Force Update, the account
 * page (`?index=N`), and the DDNS log (`?view=log`). The stored password is never sent to the
 * browser; an empty password field keeps it.
 */
import { DDNS_ACCOUNT_COUNT, DDNS_PROVIDERS, WAN_CHOICES, type DdnsAccount, type DdnsConfig, type Firmware } from '../../firmware';
import { FormError, formCheckbox, formChoice, formString } from '../form';
import type { Session } from '../sessions';
import { actorOf, formNumber, saveSection } from './configForm';
import type { PageView } from '.';

const PROVIDER_IDS = DDNS_PROVIDERS.map((provider) => provider.id);

export const dynamicDnsPage: PageView = {
  get(request, response, { firmware, page }) {
    if (request.query.view === 'log') {
      response.render('dynamicDns', { title: page.title, page, mode: 'log', log: firmware.ddns.logEntries() });
      return;
    }
    if (request.query.index !== undefined) {
      const index = accountIndex(String(request.query.index));
      response.render('dynamicDns', { ...editModel(firmware, index, firmware.store.get<DdnsConfig>('ddns').accounts[index - 1]!), title: page.title, page });
      return;
    }
    response.render('dynamicDns', { title: page.title, page, mode: 'list', config: firmware.store.get<DdnsConfig>('ddns'), states: firmware.ddns.states(), providers: DDNS_PROVIDERS });
  },

  async post(request, response, { firmware, page }) {
    const session = response.locals.session as Session;
    const action = formChoice(request.body, 'action', ['global', 'force', 'save'] as const);
    const config = firmware.store.get<DdnsConfig>('ddns');

    if (action === 'global') {
      const fieldErrors = await saveSection(firmware, 'ddns', { ...config, enabled: formCheckbox(request.body, 'enabled') }, session);
      session.flash = fieldErrors ? { kind: 'error', text: Object.values(fieldErrors).join('; ') } : { kind: 'ok', text: 'Dynamic DNS settings saved.' };
      response.redirect(303, page.url);
      return;
    }

    const index = accountIndex(formString(request.body, 'index', { required: true, maxLength: 4 }));
    if (action === 'force') {
      firmware.syslog.info('DDNS', `Force Update of account ${index} by ${actorOf(session)}`);
      const state = await firmware.ddns.forceUpdate(index - 1);
      session.flash = { kind: state.status === 'registered' ? 'ok' : 'error', text: `Account ${index}: ${state.message}` };
      response.redirect(303, page.url);
      return;
    }

    const account = readAccount(request.body, config.accounts[index - 1]!);
    config.accounts[index - 1] = account;
    const fieldErrors = await saveSection(firmware, 'ddns', config, session, `ddns.accounts.${index - 1}`);
    if (fieldErrors) {
      response.status(400).render('dynamicDns', { ...editModel(firmware, index, account), title: page.title, page, fieldErrors, flash: { kind: 'error', text: `Account ${index} was not saved; correct the marked fields.` } });
      return;
    }
    session.flash = { kind: 'ok', text: `Account ${index} saved.${config.enabled ? '' : ' Tick "Enable Dynamic DNS Setup" on this page so that the router sends updates.'}` };
    response.redirect(303, page.url);
  },
};

function accountIndex(text: string): number {
  const index = Number(text);
  if (!Number.isInteger(index) || index < 1 || index > DDNS_ACCOUNT_COUNT) throw new FormError([{ field: 'index', message: `must be a whole number from 1 to ${DDNS_ACCOUNT_COUNT}` }]);
  return index;
}

function editModel(firmware: Firmware, index: number, account: DdnsAccount) {
  const stored = firmware.store.get<DdnsConfig>('ddns').accounts[index - 1]!;
  return { mode: 'edit', index, account, passwordStored: stored.password !== '', providers: DDNS_PROVIDERS, wanChoices: WAN_CHOICES };
}

function readAccount(body: unknown, current: DdnsAccount): DdnsAccount {
  const password = formString(body, 'password', { maxLength: 256 });
  return {
    enabled: formCheckbox(body, 'enabled'),
    wan: formChoice(body, 'wan', WAN_CHOICES),
    provider: formChoice(body, 'provider', PROVIDER_IDS),
    serviceType: formChoice(body, 'serviceType', ['dynamic', 'custom', 'static'] as const),
    domain: formString(body, 'domain', { maxLength: 300 }).trim(),
    login: formString(body, 'login', { maxLength: 256 }),
    password: password === '' ? current.password : password,
    wildcards: formCheckbox(body, 'wildcards'),
    backupMx: formCheckbox(body, 'backupMx'),
    mailExtender: formString(body, 'mailExtender', { maxLength: 300 }).trim(),
    realWanIp: formChoice(body, 'realWanIp', ['wan', 'internet'] as const),
    intervalMinutes: formNumber(formString(body, 'intervalMinutes', { maxLength: 16 })) as number,
    userDefined: {
      providerHost: formString(body, 'providerHost', { maxLength: 300 }).trim(),
      apiPath: formString(body, 'apiPath', { maxLength: 300 }) || current.userDefined.apiPath,
      authType: formChoice(body, 'authType', ['basic', 'url'] as const),
      connection: formChoice(body, 'connection', ['http', 'https'] as const),
      expectedResponse: formString(body, 'expectedResponse', { maxLength: 100 }),
    },
  };
}
