/**
 * The lab: the shared clock, the emulated network (DNS, ISP, Internet, proxies, port forwards, CA),
 * the emulated services, every router, and the console with its API. `Lab.start` resolves once
 * everything listens; `stop` flushes flash and closes every listener.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { Clock, type WanPortName } from '../hal';
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
import { consolePort, internetProxyPort, routerPorts, serviceForwardPorts } from './portPlan';
import { normaliseOptions, type LabOptions, type NormalisedOptions } from './labOptions';
import { buildReadyInfo, type ReadyInfo } from './ready';
import { RouterDevice } from './router';
import { startServices, type Services } from './services';
import { Timeline } from './timeline';

export { MAX_ROUTERS, type LabOptions } from './labOptions';

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
  /** Removes the Internet hosts of the routers' public WAN addresses and stops publishing them. */
  private unpublishWanAddresses: (() => void)[] = [];
  private reloadRunning = false;
  /** Emits `reloaded` after `reload` has started new services and routers, so that holders of old ones can switch. */
  readonly events = new EventEmitter();

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

  /**
   * Drops a WAN's session at the ISP, and the router dials again. The new session gets a new
   * address when `newAddress` is true or the line is set to change it on every reconnect. A
   * `newAddress` request leaves the line's newAddressOnReconnect as it is.
   */
  reconnectLine(routerId: string, wan: WanPortName, newAddress = false): void {
    const router = this.router(routerId);
    if (!router) throw new RangeError(`There is no router ${routerId} in this lab`);
    if (newAddress || this.isp.lineOptions(routerId, wan).newAddressOnReconnect) this.isp.renumber(routerId, wan);
    router.hardware.uplink.dropLine(wan);
  }

  /** Whether `reload` is running. The console replies 503 to requests meanwhile. */
  get reloading(): boolean {
    return this.reloadRunning;
  }

  /**
   * Stops the services and routers (their writes reach the data directory first), runs `prepare`,
   * for example to replace the files of the data directory, then starts new services and routers
   * from the files. The console, the proxies and the port forwards keep listening on their ports.
   * When `prepare` throws, the lab starts again from whatever `prepare` left and the error is
   * raised. When the new start fails and `undo` is given, the lab stops again, runs `undo` and
   * starts once more, then raises the error of the failed start.
   */
  async reload(prepare: () => Promise<void>, undo?: () => Promise<void>): Promise<void> {
    if (this.reloadRunning) throw new Error('The lab is already reloading; wait for that reload to finish');
    if (this.stopped) throw new Error('The lab has stopped and cannot reload');
    this.reloadRunning = true;
    try {
      this.logger.info('Lab reload: stopping services and routers');
      await this.stopServicesAndRouters();
      let prepareError: unknown;
      try {
        await prepare();
      } catch (error) {
        prepareError = error;
      }
      try {
        await this.startServicesAndRouters();
      } catch (startError) {
        if (!undo) throw startError;
        this.logger.error({ err: startError }, 'Lab reload: the start from the new files failed; starting again from the previous files');
        await this.stopServicesAndRouters();
        await undo();
        await this.startServicesAndRouters();
        throw startError;
      }
      if (prepareError !== undefined) throw prepareError;
      this.logger.info({ routers: this.routers.length }, 'Lab reload: services and routers started again');
    } finally {
      this.reloadRunning = false;
      this.events.emit('reloaded');
    }
  }

  /** Resolves once every write of the services and routers has reached the data directory. */
  async flush(): Promise<void> {
    await this.services?.ddns?.flush();
    const mail = this.services?.mail;
    if (mail) await Promise.all([mail.store.flush(), mail.delivery.flush()]);
    await Promise.all(this.routers.map((router) => router.hardware.flash.flush()));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.consoleServer?.closeAllConnections();
    this.consoleServer?.close();
    for (const proxy of this.proxies.values()) proxy.close();
    this.forwards?.close();
    await this.stopServicesAndRouters();
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
    this.services = await this.startServices();

    const server = createServer(createConsoleApp(this));
    this.consoleServer = server;
    await listenOn(server, consolePort(portBase), host, 'lab console');

    this.forwards = new PortForwards(this.network, host, this.logger);
    const internetPlace: Place = { kind: 'internet', address: INTERNET_HOST_ADDRESS };
    await this.addProxy('internet', internetPlace, internetProxyPort(portBase));
    for (const forward of serviceForwardPorts(portBase)) {
      await this.forwards.add({ localPort: forward.localPort, purpose: `forward to ${forward.host}:${forward.port}`, place: internetPlace, host: forward.host, port: forward.port });
    }

    await this.startRouters();

    // The forwards and proxies find a router by its id at each connection, so they outlive a reload.
    for (const [index, router] of this.routers.entries()) {
      const ports = routerPorts(portBase, index + 1);
      const lanPc: Place = { kind: 'lan', routerId: router.id };
      await this.forwards.add({ localPort: ports.lanHttp, purpose: `router ${router.id} web UI over HTTP from its LAN PC`, place: lanPc, host: '192.168.1.1', port: 80 });
      await this.forwards.add({ localPort: ports.lanHttps, purpose: `router ${router.id} web UI over HTTPS from its LAN PC`, place: lanPc, host: '192.168.1.1', port: 443 });
      await this.addProxy(router.id, lanPc, ports.proxy);
    }
    this.logger.info({ routers, console: this.consoleUrl }, 'Lab started');
  }

  private async startServices(): Promise<Services> {
    for (const service of SERVICE_HOSTS) this.dns.set(service.name, service.address, 'service');
    return startServices(this);
  }

  /** Creates the routers from their flash files (or empty memory) and boots them. */
  private async startRouters(): Promise<void> {
    const { dataDir, routers, portBase, host } = this.options;
    for (let number = 1; number <= routers; number += 1) {
      const router = new RouterDevice({ id: `r${number}`, clock: this.clock, dataDir: dataDir ? path.join(dataDir, 'routers') : null, trustedCas: [this.ca.caPem()], logger: this.logger });
      const ports = routerPorts(portBase, number);
      router.lanUrl = `http://${host}:${ports.lanHttp}/`;
      router.lanHttpsUrl = `https://${host}:${ports.lanHttps}/`;
      router.attachLine(this.options.realUplink ? realLine(router, this.isp) : routerLine(router, this.isp, this.network));
      this.publishWanAddresses(router);
      this.routers.push(router);
    }
    await Promise.all(this.routers.map((router) => router.start()));
  }

  private async startServicesAndRouters(): Promise<void> {
    this.services = await this.startServices();
    await this.startRouters();
  }

  /**
   * Stops the services and routers and waits for their writes. Then it empties the routers list
   * and removes the DNS records that the DDNS providers published and the routers' WAN hosts
   * from the lab network.
   */
  private async stopServicesAndRouters(): Promise<void> {
    await this.services?.mail?.close();
    // The DDNS providers' last writes (history, seed accounts) reach their files before the data
    // directory lock is released.
    await this.services?.ddns?.flush();
    this.services?.close();
    await Promise.all(this.routers.map((router) => router.stop()));

    for (const record of this.dns.list()) {
      if (record.source === 'ddns') this.dns.remove(record.name);
    }
    for (const unpublish of this.unpublishWanAddresses) unpublish();
    this.unpublishWanAddresses = [];
    this.routers.length = 0;
  }

  private async addProxy(key: string, place: Place, port: number): Promise<void> {
    const proxy = new LabProxy(this.network, place, this.logger);
    await proxy.listen(port, this.options.host);
    this.proxies.set(key, proxy);
  }

  /** Puts each public WAN address of a router on the Internet while the WAN holds it. */
  private publishWanAddresses(router: RouterDevice): void {
    const removals = new Map<WanPortName, () => void>();
    const onAddress = ({ port, address }: { port: WanPortName; address: { ip: string } | null }) => {
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
    };
    router.hardware.ports.on('address', onAddress);
    this.unpublishWanAddresses.push(() => {
      router.hardware.ports.off('address', onAddress);
      for (const remove of removals.values()) remove();
      removals.clear();
    });
  }
}
