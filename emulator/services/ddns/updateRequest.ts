/**
 * A dyndns2 update request (`GET /nic/update?hostname=h1[,h2]&myip=...`) in the terms the rules
 * need: who sent it, with which credentials, for which hostnames and which address.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { parseAuthorization, type ParsedAuthorization } from './basicAuth';

export interface UpdateRequest {
  method: string;
  /** User-Agent header, or null when it is missing or blank. */
  userAgent: string | null;
  authorization: ParsedAuthorization;
  /** Hostnames in request order, lower case without a trailing dot; empty entries are dropped. */
  hostnames: string[];
  /** The address to set: the first IPv4 address in `myip`, else the caller's public address. */
  address: string;
  addressSource: 'myip' | 'caller';
  /** Credited options the request turns on, by parameter name. */
  creditedOptions: string[];
  clientAddress: string;
}

/**
 * Request parameters that only a credited account may turn on; an account without credit gets
 * `!donator`. Dyn reserved `offline` for paying users. Adding wildcard, mx and backmx is the lab's
 * choice, so a trainer can make a router's wildcard or backup MX setting fail with `!donator`.
 */
export const CREDITED_OPTIONS: { parameter: string; isOn(value: string): boolean }[] = [
  { parameter: 'offline', isOn: (value) => value.toUpperCase() === 'YES' },
  { parameter: 'wildcard', isOn: (value) => value.toUpperCase() === 'ON' },
  { parameter: 'mx', isOn: (value) => value.trim() !== '' },
  { parameter: 'backmx', isOn: (value) => value.toUpperCase() === 'YES' },
];

export function parseUpdateRequest(request: IncomingMessage, clientAddress: string): UpdateRequest {
  const query = new URL(request.url ?? '/', 'http://provider.invalid').searchParams;
  const userAgent = request.headers['user-agent']?.trim() || null;
  const hostnames = (query.get('hostname') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase().replace(/\.$/, ''))
    .filter((name) => name !== '');

  // Dyn ignored a malformed myip and used the caller's address. IPv6 entries (in myip or myipv6)
  // are ignored because the lab network and its DNS carry IPv4 only.
  const requested = (query.get('myip') ?? '').split(',').map((entry) => entry.trim()).find((entry) => isIP(entry) === 4);

  return {
    method: request.method ?? 'GET',
    userAgent,
    authorization: parseAuthorization(request.headers.authorization),
    hostnames,
    address: requested ?? clientAddress,
    addressSource: requested ? 'myip' : 'caller',
    creditedOptions: CREDITED_OPTIONS.filter((option) => option.isOn(query.get(option.parameter) ?? '')).map((option) => option.parameter),
    clientAddress,
  };
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Tests whether a name is a fully qualified domain name: two or more valid labels and an alphabetic top-level label. */
export function isFqdn(name: string): boolean {
  if (name.length > 253) return false;
  const labels = name.split('.');
  return labels.length >= 2 && labels.every((label) => LABEL.test(label)) && /^[a-z]{2,63}$/.test(labels[labels.length - 1]!);
}
