/**
 * Running one loaded scenario in a lab: the lab setup (tenants, apps), then each step and check in
 * order. A check waits for its condition, firing due lab timers while it waits, and fails with
 * what it expected and what it found.
 */
import type { VigorLab } from '../api';
import { labApiRequest } from '../api/labApi';
import { TENANT_ID, GOOGLE_PROJECT } from '../api/identity';
import { FAULTS } from './schema';
import type { ActionArguments, ExpectationArguments, Scenario, Step } from './types';

/** A check whose condition did not hold in time. */
export class ExpectationFailure extends Error {
  constructor(
    message: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(message);
  }
}

/** Values of the apps a scenario created, for `${apps.NAME.FIELD}` in step arguments. */
type AppValues = Record<string, Record<string, string>>;

const DEFAULT_TIMEOUT_SECONDS = 10;

export async function setUpLab(lab: VigorLab, scenario: Scenario): Promise<AppValues> {
  for (const tenant of scenario.lab?.tenants ?? []) {
    const { users, ...fields } = tenant;
    await labApiRequest(lab, 'POST', '/api/identity/microsoft/tenants', fields);
    for (const user of users ?? []) await labApiRequest(lab, 'POST', `/api/identity/microsoft/tenants/${encodeURIComponent(tenant.domain)}/users`, user);
  }
  const apps: AppValues = {};
  for (const [name, app] of Object.entries(scenario.lab?.apps ?? {})) {
    if (app.provider === 'microsoft') {
      const created = await lab.createMailApp({ tenant: app.tenant, displayName: app.displayName, adminConsent: app.adminConsent, secretExpiresInDays: app.secretExpiresInDays });
      apps[name] = { provider: 'microsoft', tenant: app.tenant ?? TENANT_ID, clientId: created.appId, appId: created.appId, clientSecret: created.secret, secretId: created.secretId };
    } else {
      const created = await lab.createGoogleClient(app.displayName, app.project);
      apps[name] = { provider: 'google', project: app.project ?? GOOGLE_PROJECT, clientId: created.clientId, clientSecret: created.clientSecret };
    }
  }
  return apps;
}

export function stepName(step: Step): keyof ActionArguments | keyof ExpectationArguments {
  return Object.keys(step)[0] as keyof ActionArguments;
}

/** Replaces `${apps.NAME.FIELD}` in every string of a step's arguments. */
export function substitute<T>(value: T, apps: AppValues): T {
  if (typeof value === 'string') {
    return value.replace(/\$\{apps\.([\w-]+)\.(\w+)\}/g, (whole, name: string, field: string) => {
      const found = apps[name]?.[field];
      if (found === undefined) throw new Error(`${whole} is not defined; apps are ${Object.keys(apps).join(', ') || 'none'} with fields clientId, clientSecret and (Microsoft) appId, secretId, tenant`);
      return found;
    }) as T;
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, apps)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, apps)])) as T;
  return value;
}

export async function runStep(lab: VigorLab, step: Step, apps: AppValues): Promise<void> {
  const name = stepName(step);
  const args = substitute((step as Record<string, unknown>)[name], apps);
  switch (name) {
    case 'routerSubmit':
      return routerSubmit(lab, args as ActionArguments['routerSubmit']);
    case 'routerOpen': {
      const { router, page, query } = args as ActionArguments['routerOpen'];
      await lab.routerUi(router).open(page, query);
      return;
    }
    case 'authorizeMail': {
      const { router, profile, user, password, expectAuthorized } = args as ActionArguments['authorizeMail'];
      const result = await lab.authorizeMailProfile({ router, profile, user, password });
      if (expectAuthorized !== false && !result.authorized) throw new ExpectationFailure(`Mail profile ${profile ?? 1} was not authorized as ${user}`, `the router's callback page reports "is authorized as ${user}"`, result.text.slice(0, 600));
      return;
    }
    case 'unplug':
    case 'plug': {
      const { router, port } = args as ActionArguments['plug'];
      await lab.faults.setLink(router ?? 'r1', port, name === 'plug');
      return;
    }
    case 'advanceClock':
      await lab.advanceClock(args as ActionArguments['advanceClock']);
      return;
    case 'injectFault':
      return injectFault(lab, args as ActionArguments['injectFault'], apps);
    default:
      return check(lab, name, args as ExpectationArguments[keyof ExpectationArguments]);
  }
}

async function routerSubmit(lab: VigorLab, args: ActionArguments['routerSubmit']): Promise<void> {
  const page = await lab.routerUi(args.router).submit(args.page, args.fields, { query: args.query, formAction: args.form });
  if (args.shows !== undefined) {
    const missing = [args.shows].flat().filter((text) => !page.text.includes(text));
    if (missing.length > 0) throw new ExpectationFailure(`The page after submitting "${args.page}" does not show the expected text`, missing.map((text) => `"${text}"`).join(' and '), excerpt(page.text));
    return;
  }
  const errors = [...page.html.matchAll(/<span class="field-error"[^>]*>([\s\S]*?)<\/span>/g)].map((match) => match[1]!.replace(/<[^>]+>/g, '').trim());
  if (page.status >= 400 || errors.length > 0) {
    throw new ExpectationFailure(`The router rejected the form of "${args.page}" (HTTP ${page.status})`, 'the form saved', errors.length > 0 ? errors.join('; ') : excerpt(page.text));
  }
}

async function injectFault(lab: VigorLab, args: ActionArguments['injectFault'], apps: AppValues): Promise<void> {
  const app = () => {
    const found = args.app === undefined ? undefined : apps[args.app];
    if (!found) throw new Error(`The fault ${args.fault} needs "app", the name of an app from lab.apps (${Object.keys(apps).join(', ') || 'none defined'})`);
    return found;
  };
  const need = (field: 'user' | 'account') => {
    const value = args[field];
    if (value === undefined) throw new Error(`The fault ${args.fault} needs "${field}"`);
    return value;
  };
  const faults = lab.faults;
  switch (args.fault) {
    case 'clientSecretExpired':
      await faults.expireClientSecret(app().appId!, app().secretId!, app().tenant);
      return;
    case 'consentRevoked':
      await faults.revokeConsent(app().appId!, app().tenant);
      return;
    case 'refreshTokensRevoked':
      await faults.revokeSessions(need('user'), args.tenant);
      return;
    case 'smtpAuthOff':
    case 'smtpAuthOn':
      await faults.setSmtpAuth(args.fault === 'smtpAuthOn', { tenant: args.tenant, user: args.user });
      return;
    case 'googleAppTesting':
      await faults.setGooglePublishingStatus(args.project ?? GOOGLE_PROJECT, 'Testing');
      return;
    case 'googleAccessRemoved':
      await faults.removeGoogleAccess(need('user'), app().clientId!);
      return;
    case 'dnsFailure':
    case 'dnsRestored':
      await faults.setDnsFailure(args.fault === 'dnsFailure');
      return;
    case 'ddnsMaintenance':
    case 'ddnsMaintenanceOver':
      await faults.setDdnsProviderFaults(args.provider ?? 'drayddns', { maintenance: args.fault === 'ddnsMaintenance' });
      return;
    case 'ddnsPasswordChanged':
      await faults.setDdnsAccountFaults(args.provider ?? 'drayddns', need('account'), { passwordChanged: true });
      return;
    default:
      throw new Error(`Unknown fault "${String(args.fault)}"; valid faults are ${Object.keys(FAULTS).join(', ')}`);
  }
}

/** Waits for a check's condition; throws ExpectationFailure with the last thing found. */
async function check(lab: VigorLab, name: keyof ExpectationArguments, args: ExpectationArguments[keyof ExpectationArguments]): Promise<void> {
  const probe = probeFor(lab, name, args);
  let last = { satisfied: false, expected: '', found: '' };
  const timeoutSeconds = args.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const deadline = Date.now() + 1000 * timeoutSeconds;
  for (;;) {
    last = await probe();
    if (last.satisfied) return;
    if (Date.now() >= deadline) break;
    await lab.clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new ExpectationFailure(`timed out after ${timeoutSeconds} s waiting for the condition`, last.expected, last.found);
}

type Probe = () => Promise<{ satisfied: boolean; expected: string; found: string }>;

function probeFor(lab: VigorLab, name: keyof ExpectationArguments, args: ExpectationArguments[keyof ExpectationArguments]): Probe {
  switch (name) {
    case 'mailReceived': {
      const { mailbox, subject, body } = args as ExpectationArguments['mailReceived'];
      const expected = `a message in ${mailbox}${subject ? ` with subject containing "${subject}"` : ''}${body ? ` with text containing "${body}"` : ''}`;
      return async () => {
        const satisfied = lab.mailboxes.messages(mailbox, { subject, text: body }).length > 0;
        const newest = lab.mailboxes.messages(mailbox).slice(0, 5).map((message) => `"${message.subject}"`);
        return { satisfied, expected, found: newest.length > 0 ? `newest messages: ${newest.join(', ')}` : `the mailbox ${mailbox} is empty` };
      };
    }
    case 'syslogContains': {
      const { router, text, category } = args as ExpectationArguments['syslogContains'];
      return async () => {
        const entries = routerOf(lab, router).firmware.syslog.query(category ? { category: category as never } : {});
        const satisfied = entries.some((entry) => entry.message.includes(text));
        const lastLines = entries.slice(-8).map((entry) => `${entry.category}: ${entry.message}`);
        return { satisfied, expected: `a syslog line${category ? ` of category ${category}` : ''} containing "${text}"`, found: lastLines.length > 0 ? `last syslog lines:\n    ${lastLines.join('\n    ')}` : 'no syslog lines' };
      };
    }
    case 'dnsResolves': {
      const { name: host, to } = args as ExpectationArguments['dnsResolves'];
      return async () => {
        const answer = lab.dns.isFailing() ? 'SERVFAIL' : (lab.dns.list().find((record) => record.name === host.toLowerCase().replace(/\.$/, ''))?.address ?? 'NXDOMAIN');
        return { satisfied: answer === to, expected: `${host} resolves to ${to}`, found: `${host} resolves to ${answer}` };
      };
    }
    case 'pageShows': {
      const { router, page, query, text } = args as ExpectationArguments['pageShows'];
      const texts = [text].flat();
      return async () => {
        const opened = await lab.routerUi(router).open(page, query);
        const missing = texts.filter((item) => !opened.text.includes(item));
        return { satisfied: missing.length === 0, expected: `"${page}" shows ${missing.map((item) => `"${item}"`).join(' and ')}`, found: excerpt(opened.text) };
      };
    }
    case 'tokenStatus': {
      const { router, profile, status, text } = args as ExpectationArguments['tokenStatus'];
      return async () => {
        const tokens = routerOf(lab, router).firmware.mail.tokenStatus((profile ?? 1) - 1);
        let actual: typeof status = 'authorized';
        let detail = '';
        if (!tokens) {
          actual = 'notAuthorized';
        } else if (tokens.reauthorizationRequired) {
          actual = 'reauthorizationRequired';
          detail = `: ${tokens.reauthorizationRequired}`;
        } else {
          detail = ` as ${tokens.account}`;
        }
        const satisfied = actual === status && (text === undefined || detail.includes(text));
        return { satisfied, expected: `token status ${status}${text ? ` mentioning "${text}"` : ''}`, found: `token status ${actual}${detail}` };
      };
    }
    case 'timelineContains': {
      const { text, protocol } = args as ExpectationArguments['timelineContains'];
      return async () => {
        const satisfied = lab.timelineEvents(text, { protocol }).length > 0;
        return { satisfied, expected: `a timeline event${protocol ? ` of protocol ${protocol}` : ''} containing "${text}"`, found: `${lab.timeline.query({ protocol }).length} ${protocol ?? ''} events, none containing it` };
      };
    }
  }
}

function routerOf(lab: VigorLab, id = 'r1') {
  const router = lab.router(id);
  if (!router) throw new Error(`The lab has no router "${id}"; routers are ${lab.routers.map((candidate) => candidate.id).join(', ')}`);
  return router;
}

function excerpt(text: string): string {
  return text.length > 600 ? `${text.slice(0, 600)}...` : text;
}
