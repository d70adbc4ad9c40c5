/**
 * Which loopback port serves what. Everything is derived from one base port so that two labs on
 * one machine only need different `--port-base` values.
 *
 *   base            lab console and lab API
 *   base + 100 + 10 * (n - 1) + 0   router n: LAN PC to router HTTP (192.168.1.1:80)
 */
export const DEFAULT_PORT_BASE = 7100;
/** Ports reserved per router, so later services of a router fit beside its first one. */
export const PORTS_PER_ROUTER = 10;
const FIRST_ROUTER_OFFSET = 100;

export interface RouterPorts {
  lanHttp: number;
}

export function consolePort(base: number): number {
  return base;
}

export function routerPorts(base: number, routerNumber: number): RouterPorts {
  const start = base + FIRST_ROUTER_OFFSET + PORTS_PER_ROUTER * (routerNumber - 1);
  return { lanHttp: start };
}

/** Highest port a lab with `routers` routers uses; it must stay within 65535. */
export function highestPort(base: number, routers: number): number {
  return base + FIRST_ROUTER_OFFSET + PORTS_PER_ROUTER * routers - 1;
}
