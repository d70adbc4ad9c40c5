/**
 * The lab's HTTP proxy for browsers: one listening port per place in the network (the LAN PC of a
 * router, an Internet host). CONNECT tunnels and plain proxied requests go where a person at that
 * place would reach, and what the network refuses is answered with a page that says what failed
 * in network terms.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { NetworkError } from '../../hal';
import { escapeHtml } from '../console/html';
import { listenOn } from '../listen';
import type { LabNetwork, Place } from './network';

/** Header naming the network error on a proxy error reply, for scripts and tests. */
export const ERROR_HEADER = 'x-vigor-sim-error';

const EXPLANATIONS: Record<NetworkError['code'], { status: number; title: string }> = {
  ENOTFOUND: { status: 502, title: 'DNS: no such name (NXDOMAIN)' },
  ESERVFAIL: { status: 502, title: 'DNS: the lookup failed (SERVFAIL)' },
  ECONNREFUSED: { status: 502, title: 'Connection refused' },
  ETIMEDOUT: { status: 504, title: 'Connection timed out (filtered or no answer)' },
  ENETUNREACH: { status: 502, title: 'Network unreachable' },
  EHOSTUNREACH: { status: 502, title: 'No route to host' },
};

const HOP_BY_HOP = ['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade'];

export class LabProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly network: LabNetwork,
    readonly place: Place,
    private readonly logger: Logger,
  ) {
    this.server = createServer((request, response) => void this.handleRequest(request, response));
    this.server.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) => this.handleConnect(request, socket, head));
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  listen(port: number, bindAddress: string): Promise<void> {
    return listenOn(this.server, port, bindAddress, `lab proxy for ${this.network.describe(this.place)}`);
  }

  close(): void {
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
  }

  private handleConnect(request: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const target = parseAuthority(request.url ?? '');
    if (!target) {
      socket.end(plainReply(400, 'Bad Request', `CONNECT needs host:port, got "${request.url ?? ''}"\n`));
      return;
    }

    const route = this.network.route(this.place, target.host, target.port);
    if (!route.ok) {
      this.logger.debug({ place: this.place, target: request.url, code: route.error.code }, route.error.message);
      const { status, title } = EXPLANATIONS[route.error.code];
      socket.end(plainReply(status, title, `${route.error.message}\n`, route.error.code));
      return;
    }

    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    route.deliver(socket);
  }

  private async handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = parseAbsoluteUrl(request.url ?? '');
    if (!target) {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`This is the vigor-sim lab proxy for ${this.network.describe(this.place)}.\nSet it as the HTTP and HTTPS proxy of a browser, or use the lab console's PAC file.\n`);
      return;
    }

    const route = this.network.route(this.place, target.hostname, target.port);
    if (!route.ok) {
      this.sendErrorPage(response, target.href, route.error);
      return;
    }

    const socket = await this.network.open(route);
    const headers = { ...request.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    headers.connection = 'close';
    const upstream = httpRequest({ createConnection: () => socket, method: request.method, path: target.path, headers });
    upstream.on('response', (reply) => {
      response.writeHead(reply.statusCode ?? 502, reply.statusMessage, reply.headers);
      reply.pipe(response);
    });
    upstream.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`The connection to ${target.href} failed: ${error.message}\n`);
    });
    request.pipe(upstream);
  }

  private sendErrorPage(response: ServerResponse, url: string, error: NetworkError): void {
    const { status, title } = EXPLANATIONS[error.code];
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', [ERROR_HEADER]: error.code, 'cache-control': 'no-store' });
    response.end(
      `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>` +
        `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(error.message)}</p>` +
        `<p>From ${escapeHtml(this.network.describe(this.place))}, trying ${escapeHtml(url)}.</p>` +
        `<p><small>vigor-sim lab proxy (${escapeHtml(error.code)})</small></p></body></html>`,
    );
  }
}

function plainReply(status: number, reason: string, body: string, code?: string): string {
  const extra = code ? `${ERROR_HEADER}: ${code}\r\n` : '';
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}connection: close\r\n\r\n${body}`;
}

function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(authority);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1]!, port };
}

function parseAbsoluteUrl(text: string): { hostname: string; port: number; path: string; href: string } | undefined {
  if (!/^http:\/\//i.test(text)) return undefined;
  try {
    const url = new URL(text);
    return { hostname: url.hostname, port: Number(url.port || 80), path: `${url.pathname}${url.search}`, href: url.href };
  } catch {
    return undefined;
  }
}
