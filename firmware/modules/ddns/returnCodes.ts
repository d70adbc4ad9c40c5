/**
 * dyndns2 return codes and what a careful client does with each: success, stop until the settings
 * change (every account or hostname error, which retrying cannot fix), or retry later (server-side
 * trouble). Dyn's client rules treat every failure as fatal until the user acts, except 911 and
 * dnserr, which ask the client to wait at least 10 minutes.
 */

export type DdnsOutcome = 'success' | 'stop' | 'retry';

export interface ReturnCodeRule {
  outcome: DdnsOutcome;
  /** What the code means, in the words the DDNS log shows. */
  meaning: string;
  /** What the administrator should do; empty for success. */
  action: string;
}

export const RETURN_CODES: Record<string, ReturnCodeRule> = {
  good: { outcome: 'success', meaning: 'the update succeeded', action: '' },
  nochg: { outcome: 'success', meaning: 'the address was already registered (no change)', action: '' },
  badauth: { outcome: 'stop', meaning: 'the user name or password is wrong', action: 'Check Login Name and Password, then save the account' },
  '!donator': { outcome: 'stop', meaning: 'the option needs a paid account', action: 'Turn off options the account does not include (wildcards, backup MX) and save' },
  notfqdn: { outcome: 'stop', meaning: 'the host name is not a fully qualified domain name', action: 'Enter the full host name, e.g. name.drayddns.com' },
  nohost: { outcome: 'stop', meaning: 'the host name does not exist in this account', action: 'Check the Domain Name, or create the host name at the provider' },
  numhost: { outcome: 'stop', meaning: 'too many host names in one request', action: 'Update at most 20 host names per account' },
  abuse: { outcome: 'stop', meaning: 'the host name is blocked for abuse (too many updates)', action: 'Raise the update interval, then unblock the host name at the provider' },
  badagent: { outcome: 'stop', meaning: 'the provider rejected this client', action: 'Contact the provider' },
  dnserr: { outcome: 'retry', meaning: 'the provider had a DNS error', action: 'The router retries after 10 minutes' },
  '911': { outcome: 'retry', meaning: 'the provider has a problem or is in maintenance', action: 'The router retries after 10 minutes' },
};

/** The wait the dyndns2 rules ask for after 911 or dnserr. */
export const SERVER_ERROR_RETRY_MS = 10 * 60_000;

/** Reads the first code of a dyndns2 reply (one line per host name; the first decides). */
export function parseReply(body: string): { code: string; ip?: string; rule?: ReturnCodeRule } {
  const firstLine = body.trim().split(/\r?\n/)[0] ?? '';
  const [code = '', ip] = firstLine.trim().split(/\s+/);
  return { code, ip, rule: RETURN_CODES[code] };
}
