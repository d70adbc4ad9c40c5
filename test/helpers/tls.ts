/** A real HTTPS server on 127.0.0.1 and a client that reports the TLS outcome, for certificate tests. */
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  port: number;
  close(): Promise<void>;
}

export async function startHttpsServer(keyPem: string, certPem: string): Promise<TestServer> {
  const server = https.createServer({ key: keyPem, cert: certPem }, (_request, response) => {
    response.end('hello over TLS');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ClientOptions {
  /** Trusted certificates. Without them only Node's bundled roots are trusted. */
  ca?: string;
  /** Server name for SNI and the certificate check. Without it the check uses 127.0.0.1. */
  servername?: string;
}

/** Sends GET / and returns the body. Rejects with the TLS error when verification fails. */
export function fetchOverTls(port: number, options: ClientOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.get({ host: '127.0.0.1', port, path: '/', agent: false, ...options }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}
