/**
 * System Maintenance >> Management: the IPv4 Management Setup tab (general setup, Internet access
 * control, access list, ports, brute force protection, TLS versions, the blocked sources) and the
 * LAN Access Setup tab. Each tab is one form; the brute force list has its own unblock action.
 */
import type { Request } from 'express';
import {
  ACCESS_LIST_SIZE,
  DEFAULT_PORTS,
  effectivePorts,
  MANAGEMENT_SERVICES,
  OTHER_LAN_SUBNETS,
  ROUTER_NAME_PATTERN,
  type Firmware,
  type ManagementConfig,
  type ObjectsConfig,
} from '../../firmware';
import { formCheckbox, formChoice, formString } from '../form';
import type { Session } from '../sessions';
import { formNumber, saveSection } from './configForm';
import type { PageView } from '.';

const TABS = ['ipv4', 'lan'] as const;
const INTERNET_SWITCHES = ['ftp', 'http', 'enforceHttps', 'https', 'telnet', 'tr069', 'ssh', 'snmp'] as const;
const TLS_SWITCHES = ['tls13', 'tls12', 'tls11', 'tls10', 'ssl3'] as const;

export const managementPage: PageView = {
  get(request, response, { firmware, page }) {
    response.render('management', viewModel(firmware, page, tabOf(request), firmware.management.config()));
  },

  async post(request, response, { firmware, page }) {
    const session = response.locals.session as Session;
    if (formString(request.body, 'action') === 'unblock') {
      const source = formString(request.body, 'source', { required: true, maxLength: 64 });
      const lifted = firmware.management.bruteForce.unblock(source);
      firmware.syslog.notice('Management', `${session.user} lifted the brute force block of ${source}`);
      session.flash = { kind: 'ok', text: lifted > 0 ? `${source} is no longer blocked.` : `${source} was not blocked.` };
      response.redirect(303, page.url);
      return;
    }

    const tab = formChoice(request.body, 'tab', TABS);
    const current = firmware.management.config();
    const submitted = tab === 'lan' ? readLanTab(request, current) : readIpv4Tab(request, current);
    const fieldErrors = await saveSection(firmware, 'management', submitted, session);
    if (fieldErrors) {
      if (fieldErrors.routerName) fieldErrors.routerName = disallowedCharactersError(submitted.routerName) ?? fieldErrors.routerName;
      response.status(400).render('management', {
        ...viewModel(firmware, page, tab, submitted),
        fieldErrors,
        flash: { kind: 'error', text: 'The settings were not saved; correct the marked fields.' },
      });
      return;
    }
    session.flash = { kind: 'ok', text: 'The settings were saved. Changed ports apply at once; this session stays logged in.' };
    response.redirect(303, tab === 'lan' ? `${page.url}?tab=lan` : page.url);
  },
};

function tabOf(request: Request): (typeof TABS)[number] {
  return request.query.tab === 'lan' ? 'lan' : 'ipv4';
}

function viewModel(firmware: Firmware, page: unknown, tab: string, config: ManagementConfig) {
  const objects = firmware.store
    .get<ObjectsConfig>('objects')
    .ipObjects.map((object, index) => ({ index: index + 1, name: object.name }))
    .filter((object) => object.name !== '');
  const httpsPort = effectivePorts(config).https;
  return {
    title: 'Management',
    page,
    tab,
    config,
    objects,
    services: MANAGEMENT_SERVICES,
    internetSwitches: INTERNET_SWITCHES,
    tlsSwitches: TLS_SWITCHES,
    otherSubnets: OTHER_LAN_SUBNETS,
    defaultPorts: DEFAULT_PORTS,
    blocked: firmware.management.bruteForce.blocked(),
    // The DrayDDNS relay sends the OAuth callback to the default HTTPS port, 443.
    oauthPortWarning: config.internet.allow && config.internet.services.https && httpsPort !== 443 && firmware.hasOAuthMailProfile(),
    httpsPort,
  };
}

function readIpv4Tab(request: Request, current: ManagementConfig): ManagementConfig {
  const body = request.body;
  const port = (service: string) => formNumber(formString(body, `port_${service}`, { maxLength: 16 })) as number;
  return {
    ...current,
    routerName: formString(body, 'routerName', { maxLength: 256 }),
    disableAutoLogout: formCheckbox(body, 'disableAutoLogout'),
    autoLogoutMinutes: formNumber(formString(body, 'autoLogoutMinutes', { maxLength: 16 })) as number,
    validationCode: formCheckbox(body, 'validationCode'),
    internet: {
      allow: formCheckbox(body, 'internetAllow'),
      services: Object.fromEntries(INTERNET_SWITCHES.map((name) => [name, formCheckbox(body, `internet_${name}`)])) as ManagementConfig['internet']['services'],
      domainNameAllowed: formString(body, 'domainNameAllowed', { maxLength: 300 }).trim(),
      disablePing: formCheckbox(body, 'disablePing'),
      accessList: Array.from({ length: ACCESS_LIST_SIZE }, (_, index) => formNumber(formString(body, `accessList_${index}`, { maxLength: 8 }) || '0') as number),
    },
    ports: {
      userDefined: formChoice(body, 'portSetup', ['default', 'user'] as const) === 'user',
      ...(Object.fromEntries(MANAGEMENT_SERVICES.map((service) => [service, port(service)])) as Record<(typeof MANAGEMENT_SERVICES)[number], number>),
    },
    bruteForce: {
      enabled: formCheckbox(body, 'bruteForceEnabled'),
      services: Object.fromEntries(MANAGEMENT_SERVICES.map((name) => [name, formCheckbox(body, `bruteForce_${name}`)])) as ManagementConfig['bruteForce']['services'],
      maxFailures: formNumber(formString(body, 'maxFailures', { maxLength: 16 })) as number,
      penaltySeconds: formNumber(formString(body, 'penaltySeconds', { maxLength: 16 })) as number,
    },
    tls: Object.fromEntries(TLS_SWITCHES.map((name) => [name, formCheckbox(body, name)])) as ManagementConfig['tls'],
  };
}

function readLanTab(request: Request, current: ManagementConfig): ManagementConfig {
  const body = request.body;
  return {
    ...current,
    lanAccess: {
      services: Object.fromEntries(MANAGEMENT_SERVICES.map((name) => [name, formCheckbox(body, `lan_${name}`)])) as ManagementConfig['lanAccess']['services'],
      subnets: Object.fromEntries(
        OTHER_LAN_SUBNETS.map((name) => [name, { allow: formCheckbox(body, `subnet_${name}`), ipObject: formNumber(formString(body, `subnetObject_${name}`, { maxLength: 8 }) || '0') as number }]),
      ) as ManagementConfig['lanAccess']['subnets'],
    },
  };
}

/**
 * Returns an error that names the characters the router name pattern rejects, or undefined when it
 * rejects none. The schema's own pattern error only reports that some character is not allowed.
 */
function disallowedCharactersError(value: string): string | undefined {
  // ajv 8 compiles schema patterns with the `u` flag, so one character is one code point here too.
  const allowed = new RegExp(ROUTER_NAME_PATTERN, 'u');
  const rejected = [...new Set([...value].filter((character) => !allowed.test(character)))];
  if (rejected.length === 0) return undefined;
  const list = rejected.map((character) => JSON.stringify(character)).join(', ');
  return `must contain only printable ASCII characters: letters without accents, digits, spaces and punctuation. Replace or remove ${list}.`;
}
