/**
 * The dyndns2 return codes, as Dyn documented them (https://help.dyn.com/return-codes/) and as
 * ddclient 3.10 and inadyn 2.10 parse them. A code of `scope` `hostname` comes once per hostname
 * in request order. A `request` code describes the account, the client or the system and comes
 * back once for the whole request.
 */

export type ReturnCode = 'good' | 'nochg' | 'badauth' | '!donator' | 'notfqdn' | 'nohost' | 'numhost' | 'abuse' | 'badagent' | 'dnserr' | '911';

export interface ReturnCodeEntry {
  scope: 'hostname' | 'request' | 'both';
  /** Followed by a space and the hostname's address (`good 203.0.113.10`). */
  carriesAddress: boolean;
  /** Whether the hostname now has the requested address. */
  success: boolean;
  meaning: string;
  /** Next step of a careful client, after Dyn's client rules and inadyn 2.10's retry delay. */
  clientAction: string;
}

export const RETURN_CODES: Record<ReturnCode, ReturnCodeEntry> = {
  good: { scope: 'hostname', carriesAddress: true, success: true, meaning: 'The update succeeded and the hostname now resolves to the address.', clientAction: 'Remember the address; update again only when it changes.' },
  nochg: { scope: 'hostname', carriesAddress: true, success: true, meaning: 'The hostname already had this address, so nothing changed.', clientAction: 'Do not repeat the update: repeated nochg replies get the hostname blocked for abuse.' },
  badauth: { scope: 'request', carriesAddress: false, success: false, meaning: 'The user name and password do not match an account.', clientAction: 'Stop updating until the user fixes the login or password.' },
  '!donator': { scope: 'request', carriesAddress: false, success: false, meaning: 'The request turned on an option that only credited accounts may use (see CREDITED_OPTIONS).', clientAction: 'Stop updating until the user removes the option or credits the account.' },
  notfqdn: { scope: 'both', carriesAddress: false, success: false, meaning: 'The hostname is not a fully qualified domain name; once for the request when no hostname was given.', clientAction: 'Stop updating this hostname until the user fixes it.' },
  nohost: { scope: 'hostname', carriesAddress: false, success: false, meaning: 'The hostname does not exist in this account.', clientAction: 'Stop updating this hostname until the user fixes it.' },
  numhost: { scope: 'request', carriesAddress: false, success: false, meaning: 'The request named more than 20 hostnames.', clientAction: 'Stop updating until the user names fewer hostnames.' },
  abuse: { scope: 'both', carriesAddress: false, success: false, meaning: 'The hostname, or once for the request the whole account, is blocked for update abuse.', clientAction: 'Stop updating until the provider unblocks it.' },
  badagent: { scope: 'request', carriesAddress: false, success: false, meaning: 'The request had no User-Agent header, or used a method other than GET.', clientAction: 'Stop updating; the client itself must be fixed.' },
  dnserr: { scope: 'request', carriesAddress: false, success: false, meaning: 'The provider failed to write its DNS.', clientAction: 'Retry later (inadyn 2.10 waits 600 s).' },
  '911': { scope: 'request', carriesAddress: false, success: false, meaning: 'The provider has a problem or is in scheduled maintenance.', clientAction: 'Retry later (inadyn 2.10 waits 600 s).' },
};

/** Dyn's limit on hostnames per update request; more get `numhost`. */
export const MAX_HOSTNAMES_PER_REQUEST = 20;
