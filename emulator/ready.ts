/** The machine-readable start-up line: every URL and port the lab opened. */
import type { ClockMode } from '../hal';
import type { Lab } from './lab';
import { INTERNET_HOST_ADDRESS } from './network/addressPlan';
import { routerIdentitySummary, type RouterIdentitySummary } from './services/identity/classLab';
import { consolePort, internetProxyPort, routerPorts, serviceForwardPorts } from './portPlan';

export interface ReadyInfo {
  ready: true;
  console: string;
  api: string;
  /** Download URL of the lab CA certificate (PEM). */
  ca: string;
  /**
   * SHA-256 hashes (base64) of the lab CA's public key and of the key its leaf certificates share,
   * for Chromium's --ignore-certificate-errors-spki-list.
   */
  caSpkiHashes: string[];
  dataDir: string | null;
  clock: { mode: ClockMode; now: string };
  /** HTTP proxies by place: `internet` and one per router's LAN PC. */
  proxies: Record<string, { port: number; url: string; pac: string; place: string; address: string }>;
  routers: {
    id: string;
    lanUrl: string;
    lanHttpsUrl: string;
    lanHttpPort: number;
    lanHttpsPort: number;
    proxyPort: number;
    pac: string;
    wan: Record<string, string | null>;
    /** The router's own Microsoft tenant and Google project in a class lab. */
    identity: RouterIdentitySummary;
  }[];
  /** Plain port forwards on loopback to each emulated service port, reached as the Internet host. */
  forwards: { host: string; port: number; protocol: string; localPort: number }[];
  ports: { console: number; internetProxy: number };
}

export function buildReadyInfo(lab: Lab): ReadyInfo {
  const { host, portBase } = lab.options;
  const consoleUrl = lab.consoleUrl;
  const pac = (place: string) => `${consoleUrl}proxy.pac?from=${place}`;

  const proxies: ReadyInfo['proxies'] = {
    internet: { port: internetProxyPort(portBase), url: `http://${host}:${internetProxyPort(portBase)}`, pac: pac('internet'), place: 'Internet host', address: INTERNET_HOST_ADDRESS },
  };
  const routers = lab.routers.map((router, index) => {
    const ports = routerPorts(portBase, index + 1);
    const lanPc = lab.network.lanFacts(router).pcAddress;
    proxies[router.id] = { port: ports.proxy, url: `http://${host}:${ports.proxy}`, pac: pac(router.id), place: `LAN PC of router ${router.id}`, address: lanPc };
    return {
      id: router.id,
      lanUrl: router.lanUrl,
      lanHttpsUrl: router.lanHttpsUrl,
      lanHttpPort: ports.lanHttp,
      lanHttpsPort: ports.lanHttps,
      proxyPort: ports.proxy,
      pac: pac(router.id),
      wan: Object.fromEntries((['WAN1', 'WAN2'] as const).map((port) => [port, router.hardware.ports.address(port)?.ip ?? null])),
      identity: routerIdentitySummary(router.id),
    };
  });

  return {
    ready: true,
    console: consoleUrl,
    api: `${consoleUrl}api`,
    ca: `${consoleUrl}lab-ca.crt`,
    caSpkiHashes: lab.ca.spkiHashes(),
    dataDir: lab.options.dataDir,
    clock: { mode: lab.clock.getMode(), now: lab.clock.date().toISOString() },
    proxies,
    routers,
    forwards: serviceForwardPorts(portBase),
    ports: { console: consolePort(portBase), internetProxy: internetProxyPort(portBase) },
  };
}
