/**
 * Serving an HTTP application on an Internet host of the lab, over HTTP and HTTPS. TLS ends here
 * with a certificate from the lab CA, so every site is reached by its real name and validates
 * against the lab CA.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import type { LabCa } from '../network/ca';
import { internetConnectionOf, tagInternetConnection, type ConnectionInfo, type Internet } from '../network/internet';

export interface SiteOptions {
  /** Host names the site answers to; the first is its certificate's subject. */
  names: string[];
  address: string;
  httpPort?: number;
  httpsPort?: number;
  service: string;
}

export class Site {
  readonly server: Server;
  private readonly unlisten: (() => void)[] = [];

  private constructor(readonly options: SiteOptions, handler: RequestListener) {
    this.server = createServer(handler);
  }

  /** Starts serving `handler` on the site's ports of the lab Internet. */
  static async start(internet: Internet, ca: LabCa, now: Date, options: SiteOptions, handler: RequestListener): Promise<Site> {
    const site = new Site(options, handler);
    if (options.httpPort) {
      site.unlisten.push(internet.listen(options.address, options.httpPort, `${options.service} (HTTP)`, (socket) => site.server.emit('connection', socket)));
    }
    if (options.httpsPort) {
      const certificate = await ca.issue(options.names, now);
      const secureContext = createSecureContext({ cert: certificate.chainPem, key: certificate.keyPem });
      site.unlisten.push(
        internet.listen(options.address, options.httpsPort, `${options.service} (HTTPS)`, (socket, info) => site.acceptTls(socket, info, secureContext)),
      );
    }
    return site;
  }

  close(): void {
    for (const unlisten of this.unlisten) unlisten();
    this.server.closeAllConnections();
  }

  private acceptTls(socket: Socket, info: ConnectionInfo, secureContext: ReturnType<typeof createSecureContext>): void {
    const secure = new TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
    secure.on('error', () => socket.destroy());
    tagInternetConnection(secure, info);
    this.server.emit('connection', secure);
  }
}

/** The Internet source address of a request to a lab site. */
export function clientAddressOf(socket: Socket): string {
  return internetConnectionOf(socket)?.sourceAddress ?? socket.remoteAddress ?? 'unknown';
}
