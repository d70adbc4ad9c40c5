/** Form bodies as a browser submits them from the router's pages, built from current settings. */
import { MANAGEMENT_SERVICES, OTHER_LAN_SUBNETS, type ManagementConfig } from '../../firmware';

/** The IPv4 Management Setup form of `config`, unchanged, with `overrides` applied. */
export function managementForm(config: ManagementConfig, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const form: Record<string, string | undefined> = {
    tab: 'ipv4',
    routerName: config.routerName,
    disableAutoLogout: config.disableAutoLogout ? 'on' : undefined,
    autoLogoutMinutes: String(config.autoLogoutMinutes),
    validationCode: config.validationCode ? 'on' : undefined,
    internetAllow: config.internet.allow ? 'on' : undefined,
    domainNameAllowed: config.internet.domainNameAllowed,
    disablePing: config.internet.disablePing ? 'on' : undefined,
    portSetup: config.ports.userDefined ? 'user' : 'default',
    bruteForceEnabled: config.bruteForce.enabled ? 'on' : undefined,
    maxFailures: String(config.bruteForce.maxFailures),
    penaltySeconds: String(config.bruteForce.penaltySeconds),
  };
  for (const [name, on] of Object.entries(config.internet.services)) form[`internet_${name}`] = on ? 'on' : undefined;
  config.internet.accessList.forEach((index, position) => (form[`accessList_${position}`] = String(index)));
  for (const service of MANAGEMENT_SERVICES) {
    form[`port_${service}`] = String(config.ports[service]);
    form[`bruteForce_${service}`] = config.bruteForce.services[service] ? 'on' : undefined;
  }
  for (const [name, on] of Object.entries(config.tls)) form[name] = on ? 'on' : undefined;
  return withoutUnset({ ...form, ...overrides });
}

/** The LAN Access Setup form of `config`, unchanged, with `overrides` applied. */
export function lanAccessForm(config: ManagementConfig, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const form: Record<string, string | undefined> = { tab: 'lan' };
  for (const service of MANAGEMENT_SERVICES) form[`lan_${service}`] = config.lanAccess.services[service] ? 'on' : undefined;
  for (const subnet of OTHER_LAN_SUBNETS) {
    form[`subnet_${subnet}`] = config.lanAccess.subnets[subnet].allow ? 'on' : undefined;
    form[`subnetObject_${subnet}`] = String(config.lanAccess.subnets[subnet].ipObject);
  }
  return withoutUnset({ ...form, ...overrides });
}

function withoutUnset(form: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
