/**
 * checkip.dyndns.org: replies with the caller's public address in the page format Dyn has served
 * for years and that ddclient, inadyn and routers parse. It is how a router behind carrier-grade
 * NAT learns the address the Internet sees.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientAddressOf } from './serve';

export function checkIpHandler(request: IncomingMessage, response: ServerResponse): void {
  const address = clientAddressOf(request.socket as import('node:net').Socket);
  const body = `<html><head><title>Current IP Check</title></head><body>Current IP Address: ${address}</body></html>\r\n`;
  response.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-cache', 'content-length': Buffer.byteLength(body) });
  response.end(request.method === 'HEAD' ? undefined : body);
}
