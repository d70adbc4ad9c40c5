/**
 * Which loopback port serves what. Everything is derived from one base port so that two labs on
 * one machine only need different `--port-base` values.
 *
 *   base                     lab console, lab API and PAC files
 *   base + 1                 HTTP proxy as the Internet host
 *   base + 20 ...            port forwards to the emulated services, in the order of SERVICE_HOSTS
 *   base + 100 + 10(n - 1)   router n: +0 LAN PC to the web UI over HTTP (192.168.1.1:80),
 *                            +1 over HTTPS (192.168.1.1:443), +2 HTTP proxy as that LAN PC
 */
import { SERVICE_HOSTS } from './network/hosts';

export const DEFAULT_PORT_BASE = 7100;
/** Ports reserved per router, so later services of a router fit beside its first ones. */
export const PORTS_PER_ROUTER = 10;
const FIRST_ROUTER_OFFSET = 100;
const FIRST_FORWARD_OFFSET = 20;

export interface RouterPorts {
  lanHttp: number;
  lanHttps: number;
  proxy: number;
}

export interface ServiceForwardPort {
  host: string;
  port: number;
  protocol: string;
  localPort: number;
}

export function consolePort(base: number): number {
  return base;
}

export function internetProxyPort(base: number): number {
  return base + 1;
}

export function routerPorts(base: number, routerNumber: number): RouterPorts {
  const start = base + FIRST_ROUTER_OFFSET + PORTS_PER_ROUTER * (routerNumber - 1);
  return { lanHttp: start, lanHttps: start + 1, proxy: start + 2 };
}

/** One local port per port of every emulated service host. */
export function serviceForwardPorts(base: number): ServiceForwardPort[] {
  const services = SERVICE_HOSTS.flatMap((host) => host.ports.map((entry) => ({ host: host.name, port: entry.port, protocol: entry.protocol })));
  if (services.length > FIRST_ROUTER_OFFSET - FIRST_FORWARD_OFFSET) throw new Error('Too many service ports for the port plan; widen the forward range');
  return services.map((service, index) => ({ ...service, localPort: base + FIRST_FORWARD_OFFSET + index }));
}

/** Highest port a lab with `routers` routers uses; it must stay within 65535. */
export function highestPort(base: number, routers: number): number {
  return base + FIRST_ROUTER_OFFSET + PORTS_PER_ROUTER * routers - 1;
}
