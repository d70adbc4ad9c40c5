/**
 * The lab: the shared clock, the emulated network (DNS, ISP, Internet, proxies, port forwards, CA),
 * the emulated services, every router, and the console with its API. `Lab.start` resolves once
 * everything listens; `stop` flushes flash and closes every listener.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { Clock, type ClockMode, type WanPortName } from '../hal';
import { createConsoleApp } from './console/app';
import { listenOn } from './listen';
import { acquireDataDirLock, type DataDirLock } from './lock';
import { INTERNET_HOST_ADDRESS } from './network/addressPlan';
import { LabCa } from './network/ca';
import { LabDns } from './network/dns';
import { PortForwards } from './network/forwards';
import { SERVICE_HOSTS } from './network/hosts';
import { Internet } from './network/internet';
import { LabIsp, type LineOptions } from './network/isp';
import { routerLine } from './network/line';
import { realLine } from './network/realLine';
import { fromInbound, LabNetwork, type Place } from './network/network';
import { LabProxy } from './network/proxy';
import { LoopbackSwitch } from './network/switch';
import { consolePort, DEFAULT_PORT_BASE, highestPort, internetProxyPort, routerPorts, serviceForwardPorts } from './portPlan';
import { buildReadyInfo, type ReadyInfo } from './ready';
import { RouterDevice } from './router';
import { startServices, type Services } from './services';
import { Timeline } from './timeline';

export const MAX_ROUTERS = 200;

export interface LabOptions {
  /** Number of routers, 1 to MAX_ROUTERS. */
  routers?: number;
  /** Data directory; null runs an ephemeral lab that keeps nothing. */
  dataDir?: string | null;
  portBase?: number;
  /** Address every listener binds to; the lab only serves loopback. */
  host?: string;
  clockMode?: ClockMode;
  /** Lab time at start, ms since the epoch; defaults to the host's time. */
  clockStart?: number;
  /** Send the routers' outbound traffic to the host's real network instead of the emulated Internet. */
  realUplink?: boolean;
  logger?: Logger;
}

type NormalisedOptions = Required<Omit<LabOptions, 'logger' | 'clockStart'>> & { clockStart?: number };

export type { ReadyInfo };

export class Lab {
  readonly clock: Clock;
  readonly dns: LabDns;
  readonly isp = new LabIsp();
  readonly internet = new Internet();
  readonly network: LabNetwork;
  readonly timeline: Timeline;
  readonly routers: RouterDevice[] = [];
  readonly logger: Logger;
  ca!: LabCa;
  services!: Services;
  readonly proxies = new Map<string, LabProxy>();
  private readonly loopback = new LoopbackSwitch();
  private forwards!: PortForwards;
  private consoleServer: Server | undefined;
  private lock: DataDirLock | undefined;
  private stopped = false;

  private constructor(
    readonly options: NormalisedOptions,
    logger: Logger,
  ) {
    this.logger = logger;
    this.clock = new Clock({ mode: options.clockMode, start: options.clockStart });
    this.clock.on('timerError', (error) => this.logger.error({ err: error }, 'A timer callback failed'));
    this.dns = new LabDns(() => this.clock.now());
    this.timeline = new Timeline(() => this.clock.now());
    this.dns.on('query', ({ name, answer }: { name: string; answer: string }) => this.timeline.record({ protocol: 'dns', to: name, summary: `${name} -> ${answer}`, detail: { name, answer } }));
    this.network = new LabNetwork(this.dns, this.internet, this.isp, this.loopback, (id) => this.router(id), this.timeline);
  }

  static async start(options: LabOptions = {}): Promise<Lab> {
    const lab = new Lab(normaliseOptions(options), options.logger ?? pino({ level: 'silent' }));
    try {
      await lab.boot();
    } catch (error) {
      await lab.stop();
      throw error;
    }
    return lab;
  }

  router(id: string): RouterDevice | undefined {
    return this.routers.find((router) => router.id === id);
  }

  /** Id of the router whose WAN holds `address` or reaches the Internet from it (CGNAT), if any. */
  routerAtPublicAddress(address: string): string | undefined {
    for (const router of this.routers) {
      for (const port of router.hardware.ports.list()) {
        if (port.kind === 'wan' && port.address && (port.address.ip === address || this.isp.publicAddress(port.address.ip) === address)) return router.id;
      }
    }
    return undefined;
  }

  get consoleUrl(): string {
    return `http://${this.options.host}:${consolePort(this.options.portBase)}/`;
  }

  ready(): ReadyInfo {
    return buildReadyInfo(this);
  }

  /** Returns the place a proxy port puts its user at, by the key used in the ready line (`internet`, `r1`, ...). */
  place(key: string): Place | undefined {
    return this.proxies.get(key)?.place;
  }

  /** Changes the ISP line behind a router's WAN; a change of CGNAT takes effect with a new session. */
  setLine(routerId: string, wan: WanPortName, changes: Partial<LineOptions>): LineOptions {
    const before = this.isp.lineOptions(routerId, wan);
    const after = this.isp.setLineOptions(routerId, wan, changes);
    this.logger.info({ router: routerId, wan, ...changes }, 'ISP line changed');
    if (before.cgnat !== after.cgnat) this.reconnectLine(routerId, wan);
    return after;
  }

  /** Drops a WAN's session at the ISP; the router dials again, with a new address if the line is set so. */
  reconnectLine(routerId: string, wan: WanPortName): void {
    const router = this.router(routerId);
    if (!router) throw new RangeError(`There is no router ${routerId} in this lab`);
    if (this.isp.lineOptions(routerId, wan).newAddressOnReconnect) this.isp.renumber(routerId, wan);
    router.hardware.uplink.dropLine(wan);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.consoleServer?.closeAllConnections();
    this.consoleServer?.close();
    for (const proxy of this.proxies.values()) proxy.close();
    this.forwards?.close();
    await this.services?.mail?.close();
    // The DDNS providers' last writes (history, seed accounts) reach their files before the data
    // directory lock is released.
    await this.services?.ddns?.flush();
    this.services?.close();
    await Promise.all(this.routers.map((router) => router.stop()));
    this.loopback.stop();
    this.clock.dispose();
    this.lock?.release();
  }

  private async boot(): Promise<void> {
    const { dataDir, routers, portBase, host } = this.options;
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      this.lock = acquireDataDirLock(dataDir);
    }
    await this.loopback.start();
    this.ca = await LabCa.open(dataDir ? path.join(dataDir, 'lab', 'ca') : null, this.clock.date());
    for (const service of SERVICE_HOSTS) this.dns.set(service.name, service.address, 'service');
    this.services = await startServices(this);

    const server = createServer(createConsoleApp(this));
    this.consoleServer = server;
    await listenOn(server, consolePort(portBase), host, 'lab console');

    this.forwards = new PortForwards(this.network, host, this.logger);
    const internetPlace: Place = { kind: 'internet', address: INTERNET_HOST_ADDRESS };
    await this.addProxy('internet', internetPlace, internetProxyPort(portBase));
    for (const forward of serviceForwardPorts(portBase)) {
      await this.forwards.add({ localPort: forward.localPort, purpose: `forward to ${forward.host}:${forward.port}`, place: internetPlace, host: forward.host, port: forward.port });
    }

    for (let number = 1; number <= routers; number += 1) {
      const router = new RouterDevice({ id: `r${number}`, clock: this.clock, dataDir: dataDir ? path.join(dataDir, 'routers') : null, trustedCas: [this.ca.caPem()], logger: this.logger });
      router.attachLine(this.options.realUplink ? realLine(router, this.isp) : routerLine(router, this.isp, this.network));
      this.publishWanAddresses(router);
      this.routers.push(router);
    }
    await Promise.all(this.routers.map((router) => router.start()));

    for (const [index, router] of this.routers.entries()) {
      const ports = routerPorts(portBase, index + 1);
      const lanPc: Place = { kind: 'lan', routerId: router.id };
      router.lanUrl = `http://${host}:${ports.lanHttp}/`;
      router.lanHttpsUrl = `https://${host}:${ports.lanHttps}/`;
      await this.forwards.add({ localPort: ports.lanHttp, purpose: `router ${router.id} web UI over HTTP from its LAN PC`, place: lanPc, host: '192.168.1.1', port: 80 });
      await this.forwards.add({ localPort: ports.lanHttps, purpose: `router ${router.id} web UI over HTTPS from its LAN PC`, place: lanPc, host: '192.168.1.1', port: 443 });
      await this.addProxy(router.id, lanPc, ports.proxy);
    }
    this.logger.info({ routers, console: this.consoleUrl }, 'Lab started');
  }

  private async addProxy(key: string, place: Place, port: number): Promise<void> {
    const proxy = new LabProxy(this.network, place, this.logger);
    await proxy.listen(port, this.options.host);
    this.proxies.set(key, proxy);
  }

  /** Puts each public WAN address of a router on the Internet while the WAN holds it. */
  private publishWanAddresses(router: RouterDevice): void {
    const removals = new Map<WanPortName, () => void>();
    router.hardware.ports.on('address', ({ port, address }: { port: WanPortName; address: { ip: string } | null }) => {
      removals.get(port)?.();
      removals.delete(port);
      if (!address || this.isp.publicAddress(address.ip) !== address.ip) return;

      const remove = this.internet.addHost({
        address: address.ip,
        label: `router ${router.id} ${port}`,
        route: (info) => {
          if (this.isp.isOutage(router.id, port)) {
            return { ok: false, error: this.network.lineDownError(router.id, port) };
          }
          const inbound = router.hardware.inbound.route({ interface: port, viaPort: port, sourceAddress: info.sourceAddress, localPort: info.destinationPort });
          this.network.recordAccess(router, info.sourceAddress, `${router.id} ${port} port ${info.destinationPort}`, inbound);
          return fromInbound(inbound, `${info.hostname ?? address.ip} port ${info.destinationPort}`);
        },
        answersPing: (sourceAddress) => !this.isp.isOutage(router.id, port) && router.hardware.inbound.answersPing({ interface: port, viaPort: port, sourceAddress }),
      });
      removals.set(port, remove);
    });
  }
}

function normaliseOptions(options: LabOptions): NormalisedOptions {
  const routers = options.routers ?? 1;
  if (!Number.isInteger(routers) || routers < 1 || routers > MAX_ROUTERS) {
    throw new RangeError(`--routers must be a whole number from 1 to ${MAX_ROUTERS}, got ${String(options.routers)}`);
  }
  const portBase = options.portBase ?? DEFAULT_PORT_BASE;
  if (!Number.isInteger(portBase) || portBase < 1024 || highestPort(portBase, routers) > 65535) {
    throw new RangeError(`--port-base must be a whole number from 1024 to ${65535 - highestPort(0, routers)} for ${routers} router(s), got ${String(options.portBase)}`);
  }
  let dataDir: string | null = path.resolve('lab-data');
  if (options.dataDir === null) dataDir = null;
  else if (options.dataDir !== undefined) dataDir = path.resolve(options.dataDir);
  return { routers, portBase, dataDir, host: options.host ?? '127.0.0.1', clockMode: options.clockMode ?? 'real', clockStart: options.clockStart, realUplink: options.realUplink ?? false };
}
