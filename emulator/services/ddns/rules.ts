/**
 * Which return code an update gets, as two ordered tables. The first request rule that applies
 * decides the whole request, with one reply line. Otherwise the hostname rules decide each hostname
 * in turn. Each row carries the reason the provider history shows next to the code.
 */
import { MAX_HOSTNAMES_PER_REQUEST, type ReturnCode } from './returnCodes';
import type { AccountRecord, Faults, HostnameRecord } from './store';
import { isFqdn, type UpdateRequest } from './updateRequest';

export type AuthResult = 'missing' | 'malformed' | 'unknown-user' | 'wrong-password' | 'ok';

export interface RequestContext {
  request: UpdateRequest;
  auth: AuthResult;
  /** The account whose credentials matched; undefined for any other `auth` result. */
  account: AccountRecord | undefined;
  providerFaults: Faults;
  /** The lab DNS fails every lookup (a trainer's DNS outage), so the provider cannot write to it. */
  labDnsFailing: boolean;
}

export interface HostnameContext {
  hostname: string;
  record: HostnameRecord | undefined;
  username: string;
  address: string;
  /** nochg replies the hostname got within the provider's abuse window. */
  recentNochg: number;
  nochgLimit: number;
}

/** Change the provider makes to a hostname's record after a hostname rule chose its code. */
export type HostnameEffect = 'none' | 'set-address' | 'count-nochg' | 'block';

interface Rule<C> {
  code: ReturnCode;
  reason: string;
  applies(context: C): boolean;
}

interface HostnameRule extends Rule<HostnameContext> {
  effect: HostnameEffect;
}

export interface Decision {
  code: ReturnCode;
  reason: string;
}

export interface HostnameDecision extends Decision {
  hostname: string;
  effect: HostnameEffect;
}

const fault = (context: RequestContext, name: 'maintenance' | 'dnsError' | 'abuseLock' | 'passwordChanged') =>
  context.providerFaults[name] || (context.account?.faults[name] ?? false);

export const REQUEST_RULES: Rule<RequestContext>[] = [
  { code: '911', reason: 'provider in maintenance', applies: (c) => c.providerFaults.maintenance },
  { code: 'badagent', reason: 'no User-Agent header', applies: (c) => c.request.userAgent === null },
  { code: 'badagent', reason: 'method is not GET', applies: (c) => c.request.method !== 'GET' },
  { code: 'badauth', reason: 'no credentials', applies: (c) => c.auth === 'missing' },
  { code: 'badauth', reason: 'Authorization is not Basic credentials', applies: (c) => c.auth === 'malformed' },
  { code: 'badauth', reason: 'unknown user', applies: (c) => c.auth === 'unknown-user' },
  { code: 'badauth', reason: 'wrong password', applies: (c) => c.auth === 'wrong-password' },
  { code: 'badauth', reason: 'password changed (fault)', applies: (c) => fault(c, 'passwordChanged') },
  { code: '911', reason: 'account in maintenance', applies: (c) => c.account?.faults.maintenance ?? false },
  { code: 'abuse', reason: 'account locked for abuse (fault)', applies: (c) => fault(c, 'abuseLock') },
  { code: 'numhost', reason: `more than ${MAX_HOSTNAMES_PER_REQUEST} hostnames`, applies: (c) => c.request.hostnames.length > MAX_HOSTNAMES_PER_REQUEST },
  { code: 'notfqdn', reason: 'no hostname given', applies: (c) => c.request.hostnames.length === 0 },
  { code: '!donator', reason: 'credited option on an account without credit', applies: (c) => c.request.creditedOptions.length > 0 && !(c.account?.credited ?? false) },
  { code: 'dnserr', reason: 'lab DNS failing', applies: (c) => c.labDnsFailing },
  { code: 'dnserr', reason: 'DNS error (fault)', applies: (c) => fault(c, 'dnsError') },
];

// Rows after `nohost` see only hostnames of this account, so `record` is set there.
export const HOSTNAME_RULES: HostnameRule[] = [
  { code: 'notfqdn', reason: 'not a fully qualified domain name', effect: 'none', applies: (c) => !isFqdn(c.hostname) },
  { code: 'nohost', reason: 'not a hostname of this account', effect: 'none', applies: (c) => c.record?.account !== c.username },
  { code: 'abuse', reason: 'hostname blocked for abuse', effect: 'none', applies: (c) => c.record!.blocked },
  { code: 'abuse', reason: 'too many nochg updates; hostname now blocked', effect: 'block', applies: (c) => c.record!.address === c.address && c.recentNochg >= c.nochgLimit },
  { code: 'nochg', reason: 'address unchanged', effect: 'count-nochg', applies: (c) => c.record!.address === c.address },
  { code: 'good', reason: 'address changed', effect: 'set-address', applies: () => true },
];

/** Returns the request-wide decision, or undefined when the hostnames are to be checked one by one. */
export function decideRequest(context: RequestContext): Decision | undefined {
  const rule = REQUEST_RULES.find((candidate) => candidate.applies(context));
  return rule && { code: rule.code, reason: rule.reason };
}

export function decideHostname(context: HostnameContext): HostnameDecision {
  // The last rule always applies, so find() always finds one.
  const rule = HOSTNAME_RULES.find((candidate) => candidate.applies(context))!;
  return { hostname: context.hostname, code: rule.code, reason: rule.reason, effect: rule.effect };
}
