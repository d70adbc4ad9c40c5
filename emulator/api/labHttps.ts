/**
 * HTTPS to lab hosts the way an outside client reaches them: through the lab's HTTP proxy for the
 * Internet host (CONNECT), trusting the lab CA. Gives an https.Agent, a fetch function on top of it
 * for clients that take one (msal-node's network client, gaxios), and a tiny browser with a cookie
 * jar that does not follow redirects, so tests can look at every hop.
 */
import { request as httpRequest } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { Lab } from '../lab';

export class LabProxyAgent extends https.Agent {
  constructor(
    private readonly proxyPort: number,
    private readonly caPem: string,
  ) {
    super({ keepAlive: false });
  }

  static forLab(lab: Lab): LabProxyAgent {
    return new LabProxyAgent(lab.ready().proxies.internet!.port, lab.ca.caPem());
  }

  override createConnection(options: import('node:http').ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void): undefined {
    const host = (options as { servername?: string }).servername || options.hostname || options.host || 'localhost';
    const port = Number(options.port ?? 443);
    const connect = httpRequest({ host: '127.0.0.1', port: this.proxyPort, method: 'CONNECT', path: `${host}:${port}` });
    const fail = (error: Error) => callback?.(error, undefined as unknown as Duplex);
    connect.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        fail(new Error(`The lab proxy refused CONNECT ${host}:${port} with ${response.statusCode} ${response.statusMessage ?? ''}`));
        return;
      }
      const secure = tlsConnect({ socket, servername: host, ca: this.caPem, ALPNProtocols: ['http/1.1'] });
      secure.once('secureConnect', () => callback?.(null, secure));
      secure.once('error', fail);
    });
    connect.once('error', fail);
    connect.end();
    return undefined;
  }
}

/** A fetch function that sends every request through `agent`; bodies may be strings, URLSearchParams or bytes. */
export function labFetch(agent: https.Agent): typeof fetch {
  return async (input, init = {}) => {
    let url: URL;
    if (typeof input === 'string') url = new URL(input);
    else if (input instanceof URL) url = input;
    else url = new URL(input.url);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    const body = requestBody(init.body);
    if (body && headers['content-type'] === undefined && init.body instanceof URLSearchParams) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';

    return new Promise<Response>((resolve, reject) => {
      const request = https.request(url, { method: init.method ?? 'GET', headers, agent }, (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('error', reject);
        reply.on('end', () => {
          const responseHeaders = new Headers();
          for (let index = 0; index < reply.rawHeaders.length; index += 2) responseHeaders.append(reply.rawHeaders[index]!, reply.rawHeaders[index + 1]!);
          const status = reply.statusCode ?? 502;
          const empty = status === 204 || status === 304 || init.method === 'HEAD';
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, statusText: reply.statusMessage, headers: responseHeaders }));
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  };
}

function requestBody(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new Error(`labFetch cannot send a body of type ${Object.prototype.toString.call(body)}`);
}

export interface PageReply {
  status: number;
  /** The Location header of a redirect, resolved against the request URL. */
  location?: string;
  text: string;
  headers: Headers;
}

/** A browser without JavaScript: cookies per host, no automatic redirects, HTML forms posted as a browser does. */
export class LabBrowser {
  private readonly cookies = new Map<string, Map<string, string>>();
  private readonly fetch: typeof fetch;

  constructor(agent: https.Agent) {
    this.fetch = labFetch(agent);
  }

  get(url: string): Promise<PageReply> {
    return this.send(url, { method: 'GET' });
  }

  post(url: string, form: Record<string, string>): Promise<PageReply> {
    return this.send(url, { method: 'POST', body: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** Submits the page's form whose action contains `actionPart`, with its hidden fields plus `fields`. */
  submit(page: PageReply, pageUrl: string, actionPart: string, fields: Record<string, string> = {}): Promise<PageReply> {
    const form = findForm(page.text, actionPart);
    return this.post(new URL(form.action, pageUrl).href, { ...form.hidden, ...fields });
  }

  private async send(url: string, init: RequestInit): Promise<PageReply> {
    const target = new URL(url);
    const jar = this.cookies.get(target.hostname) ?? new Map<string, string>();
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const reply = await this.fetch(url, { ...init, headers });
    for (const line of reply.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      jar.set(name!.trim(), value.join('='));
    }
    this.cookies.set(target.hostname, jar);
    const location = reply.headers.get('location');
    return { status: reply.status, location: location ? new URL(location, url).href : undefined, text: await reply.text(), headers: reply.headers };
  }
}

/** Returns the action and hidden fields of the first form whose action contains `actionPart`. */
export function findForm(page: string, actionPart: string): { action: string; hidden: Record<string, string> } {
  for (const match of page.matchAll(/<form\b[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/gi)) {
    const action = unescapeHtml(match[1]!);
    if (!action.includes(actionPart)) continue;
    const hidden: Record<string, string> = {};
    for (const input of match[2]!.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) hidden[unescapeHtml(input[1]!)] = unescapeHtml(input[2]!);
    return { action, hidden };
  }
  throw new Error(`The page has no form posting to "${actionPart}": ${page.slice(0, 300)}`);
}

export function unescapeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
