/**
 * One dyndns2 update of one account: find the address to register, send the request through the
 * account's WAN, and read the reply. It returns what happened; the module decides what to do next.
 */
import type { RouterHardware, WanPortName } from '../../../hal';
import { httpFetch } from '../../http';
import { FIRMWARE_VERSION, MODEL } from '../../version';
import { providerById } from './providers';
import { parseReply, type ReturnCodeRule } from './returnCodes';
import type { DdnsAccount } from './schema';

/** The "what is my address" service a router behind NAT asks (Dyn's, which ddclient uses too). */
export const CHECK_IP_URL = 'http://checkip.dyndns.org/';

export type UpdateResult =
  | { kind: 'reply'; code: string; rule: ReturnCodeRule | undefined; ip: string; hostname: string; wan: WanPortName; body: string }
  | { kind: 'network'; error: string; hostname: string; wan?: WanPortName }
  | { kind: 'no-wan'; message: string };

/** WANs each choice of the WAN Interface field may use, in order of preference. */
const WAN_ORDER: Record<DdnsAccount['wan'], WanPortName[]> = {
  'WAN1-first': ['WAN1', 'WAN2'],
  'WAN1-only': ['WAN1'],
  'WAN2-first': ['WAN2', 'WAN1'],
  'WAN2-only': ['WAN2'],
};

/** Returns the WAN an account sends through now, or undefined while none of its WANs has an address. */
export function pickWan(hardware: RouterHardware, choice: DdnsAccount['wan']): WanPortName | undefined {
  return WAN_ORDER[choice].find((wan) => hardware.ports.address(wan) !== null);
}

/** WANs an account may use, for status messages. */
export function wansOf(choice: DdnsAccount['wan']): WanPortName[] {
  return WAN_ORDER[choice];
}

/** Returns the host name an account registers; a DrayDDNS name may be given without its domain. */
export function fullHostname(account: DdnsAccount): string {
  const suffix = providerById(account.provider).domainSuffix;
  const domain = account.domain.trim().toLowerCase();
  if (!suffix || domain === '' || domain.endsWith(`.${suffix}`)) return domain;
  return `${domain}.${suffix}`;
}

/** Finds the address to register: the WAN's own, or the one the Internet sees (behind NAT). */
export async function addressToRegister(hardware: RouterHardware, account: DdnsAccount, wan: WanPortName): Promise<string> {
  if (account.realWanIp === 'wan') return hardware.ports.address(wan)!.ip;
  const reply = await httpFetch(hardware, CHECK_IP_URL, { via: wan });
  const match = /Current IP Address:\s*(\d{1,3}(?:\.\d{1,3}){3})/.exec(reply.body);
  if (!match) throw new Error(`${CHECK_IP_URL} replied without an address (HTTP ${reply.status})`);
  return match[1]!;
}

export async function sendUpdate(hardware: RouterHardware, account: DdnsAccount, wan: WanPortName, ip: string): Promise<UpdateResult> {
  const hostname = fullHostname(account);
  const { url, headers } = updateRequest(account, hostname, ip);
  try {
    const reply = await httpFetch(hardware, url, { headers, via: wan });
    if (account.provider === 'user-defined') return userDefinedResult(account, reply.body, hostname, ip, wan);
    const parsed = parseReply(reply.body);
    if (!parsed.rule && reply.status !== 200) return { kind: 'network', error: `HTTP ${reply.status} from ${new URL(url).host} without a dyndns2 reply`, hostname, wan };
    return { kind: 'reply', code: parsed.code, rule: parsed.rule, ip: parsed.ip ?? ip, hostname, wan, body: reply.body.trim().slice(0, 200) };
  } catch (error) {
    return { kind: 'network', error: describeNetworkError(error), hostname, wan };
  }
}

function updateRequest(account: DdnsAccount, hostname: string, ip: string): { url: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'user-agent': `DrayTek-${MODEL}/${FIRMWARE_VERSION}` };
  const basic = `Basic ${Buffer.from(`${account.login}:${account.password}`).toString('base64')}`;

  if (account.provider === 'user-defined') {
    const { providerHost, apiPath, authType, connection } = account.userDefined;
    const path = apiPath
      .replaceAll('###HOSTNAME###', encodeURIComponent(hostname))
      .replaceAll('###IP###', encodeURIComponent(ip))
      .replaceAll('###USERNAME###', encodeURIComponent(account.login))
      .replaceAll('###PASSWORD###', encodeURIComponent(account.password));
    if (authType === 'basic') headers.authorization = basic;
    return { url: `${connection}://${providerHost}${path}`, headers };
  }

  const query = new URLSearchParams({ hostname, myip: ip });
  if (account.wildcards) query.set('wildcard', 'ON');
  if (account.mailExtender) query.set('mx', account.mailExtender);
  if (account.backupMx) query.set('backmx', 'YES');
  headers.authorization = basic;
  return { url: `https://${providerById(account.provider).updateHost}/nic/update?${query.toString()}`, headers };
}

function userDefinedResult(account: DdnsAccount, body: string, hostname: string, ip: string, wan: WanPortName): UpdateResult {
  const expected = account.userDefined.expectedResponse;
  const parsed = parseReply(body);
  if (expected !== '' && body.includes(expected)) return { kind: 'reply', code: 'good', rule: { outcome: 'success', meaning: `the reply contains "${expected}"`, action: '' }, ip, hostname, wan, body: body.trim().slice(0, 200) };
  if (parsed.rule) return { kind: 'reply', code: parsed.code, rule: parsed.rule, ip, hostname, wan, body: body.trim().slice(0, 200) };
  return {
    kind: 'reply',
    code: parsed.code || '(empty)',
    rule: { outcome: 'stop', meaning: `the reply does not contain the expected "${expected}"`, action: 'Check Service API and Server Response of the User-Defined provider' },
    ip,
    hostname,
    wan,
    body: body.trim().slice(0, 200),
  };
}

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
