/** Helpers for the DDNS provider tests: raw update requests through the lab's port forwards. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Lab } from '../../../emulator';
import type { DdnsProvider } from '../../../emulator/services/ddns/provider';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface UpdateOptions {
  /** Provider update host, e.g. drayddns.com. */
  host?: string;
  https?: boolean;
  path?: string;
  query?: Record<string, string>;
  /** [user name, password] for Basic auth, a raw Authorization header, or nothing. */
  auth?: [string, string] | string;
  /** null sends no User-Agent header. */
  userAgent?: string | null;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send from this router through its WAN uplink (HTTP only) instead of from the Internet host. */
  fromRouter?: string;
  /** Name or address the router connects to; defaults to `host`. */
  connectTo?: string;
}

export function provider(lab: Lab, id = 'drayddns'): DdnsProvider {
  const found = lab.services.ddns?.provider(id);
  if (!found) throw new Error(`The lab has no DDNS provider ${id}`);
  return found;
}

export function forwardPort(lab: Lab, host: string, port: number): number {
  const forward = lab.ready().forwards.find((entry) => entry.host === host && entry.port === port);
  if (!forward) throw new Error(`The lab has no forward to ${host}:${port}`);
  return forward.localPort;
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** Sends one request to a provider through the lab forward, as the Internet host 192.0.2.100. */
export function send(lab: Lab, options: UpdateOptions = {}): Promise<Reply> {
  const host = options.host ?? 'drayddns.com';
  const secure = options.https ?? false;
  const query = new URLSearchParams(options.query ?? {}).toString();
  const headers: Record<string, string> = { host, ...options.headers };
  if (options.userAgent !== null) headers['user-agent'] = options.userAgent ?? 'vigor-sim-test/1.0';
  if (Array.isArray(options.auth)) headers.authorization = basic(...options.auth);
  else if (typeof options.auth === 'string') headers.authorization = options.auth;
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));

  const target = options.path ?? `/nic/update${query ? `?${query}` : ''}`;
  if (options.fromRouter) {
    const uplink = lab.router(options.fromRouter)!.hardware.uplink;
    return exchange(() => httpRequest({ host: options.connectTo ?? host, port: 80, method: options.method ?? 'GET', path: target, headers, agent: uplink.httpAgent() }), options.body);
  }
  const common = { host: '127.0.0.1', port: forwardPort(lab, host, secure ? 443 : 80), method: options.method ?? 'GET', path: target, headers, agent: false as const };
  return exchange(() => (secure ? httpsRequest({ ...common, servername: host, ca: lab.ca.caPem() }) : httpRequest(common)), options.body);
}

function exchange(open: () => import('node:http').ClientRequest, body: string | undefined): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onResponse = (response: import('node:http').IncomingMessage) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      response.on('error', reject);
    };
    const request = open();
    request.on('response', onResponse);
    request.on('error', reject);
    request.end(body);
  });
}

/** Creates an account with one hostname at a provider and returns their names. */
export async function makeAccount(lab: Lab, name: string, options: { providerId?: string; credited?: boolean; address?: string | null; domain?: string } = {}) {
  const target = provider(lab, options.providerId);
  const password = `${name}-pass`;
  const hostname = `${name}.${options.domain ?? target.definition.domains[0]}`;
  await target.createAccount({ username: name, password, credited: options.credited });
  await target.createHostname({ hostname, account: name, address: options.address ?? null });
  return { username: name, password, hostname, auth: [name, password] as [string, string] };
}
