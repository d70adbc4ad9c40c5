/**
 * The lab: the shared clock, the lab ISP, every router, and the console with its API. `Lab.start`
 * resolves once everything listens; `stop` flushes flash and closes every listener.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { Clock, type ClockMode } from '../hal';
import { createConsoleApp } from './console/app';
import { LabIsp } from './isp';
import { listenOn } from './listen';
import { acquireDataDirLock, type DataDirLock } from './lock';
import { consolePort, DEFAULT_PORT_BASE, highestPort, routerPorts } from './portPlan';
import { RouterDevice } from './router';

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
  logger?: Logger;
}

export interface ReadyInfo {
  ready: true;
  console: string;
  api: string;
  dataDir: string | null;
  clock: { mode: ClockMode; now: string };
  routers: { id: string; lanUrl: string; lanHttpPort: number; wan: Record<string, string | null> }[];
  ports: { console: number; routers: Record<string, { lanHttp: number }> };
}

export class Lab {
  readonly clock: Clock;
  readonly isp = new LabIsp();
  readonly routers: RouterDevice[] = [];
  readonly logger: Logger;
  private consoleServer: Server | undefined;
  private lock: DataDirLock | undefined;
  private stopped = false;

  private constructor(readonly options: Required<Omit<LabOptions, 'logger' | 'clockStart'>> & { clockStart?: number }, logger: Logger) {
    this.logger = logger;
    this.clock = new Clock({ mode: options.clockMode, start: options.clockStart });
    this.clock.on('timerError', (error) => this.logger.error({ err: error }, 'A timer callback failed'));
  }

  static async start(options: LabOptions = {}): Promise<Lab> {
    const normalised = normaliseOptions(options);
    const lab = new Lab(normalised, options.logger ?? pino({ level: 'silent' }));
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

  get consoleUrl(): string {
    return `http://${this.options.host}:${consolePort(this.options.portBase)}/`;
  }

  ready(): ReadyInfo {
    return {
      ready: true,
      console: this.consoleUrl,
      api: `${this.consoleUrl}api`,
      dataDir: this.options.dataDir,
      clock: { mode: this.clock.getMode(), now: this.clock.date().toISOString() },
      routers: this.routers.map((router) => ({
        id: router.id,
        lanUrl: router.lanUrl,
        lanHttpPort: routerPorts(this.options.portBase, this.routers.indexOf(router) + 1).lanHttp,
        wan: Object.fromEntries(['WAN1', 'WAN2'].map((port) => [port, router.hardware.ports.address(port as 'WAN1' | 'WAN2')?.ip ?? null])),
      })),
      ports: {
        console: consolePort(this.options.portBase),
        routers: Object.fromEntries(this.routers.map((router, index) => [router.id, routerPorts(this.options.portBase, index + 1)])),
      },
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.consoleServer?.closeAllConnections();
    this.consoleServer?.close();
    await Promise.all(this.routers.map((router) => router.stop()));
    this.clock.dispose();
    this.lock?.release();
  }

  private async boot(): Promise<void> {
    const { dataDir, routers, portBase, host } = this.options;
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      this.lock = acquireDataDirLock(dataDir);
    }

    const server = createServer(createConsoleApp(this));
    this.consoleServer = server;
    await listenOn(server, consolePort(portBase), host, 'lab console');

    for (let number = 1; number <= routers; number += 1) {
      const router = new RouterDevice({
        id: `r${number}`,
        clock: this.clock,
        dataDir: dataDir ? path.join(dataDir, 'routers') : null,
        isp: this.isp,
        ports: routerPorts(portBase, number),
        host,
        logger: this.logger,
      });
      this.routers.push(router);
    }
    await Promise.all(this.routers.map((router) => router.start()));
    this.logger.info({ routers: routers, console: this.consoleUrl }, 'Lab started');
  }
}

function normaliseOptions(options: LabOptions): Required<Omit<LabOptions, 'logger' | 'clockStart'>> & { clockStart?: number } {
  const routers = options.routers ?? 1;
  if (!Number.isInteger(routers) || routers < 1 || routers > MAX_ROUTERS) {
    throw new RangeError(`--routers must be a whole number from 1 to ${MAX_ROUTERS}, got ${String(options.routers)}`);
  }
  const portBase = options.portBase ?? DEFAULT_PORT_BASE;
  if (!Number.isInteger(portBase) || portBase < 1024 || highestPort(portBase, routers) > 65535) {
    throw new RangeError(`--port-base must be a whole number from 1024 to ${65535 - (highestPort(0, routers))} for ${routers} router(s), got ${String(options.portBase)}`);
  }
  const dataDir = options.dataDir === undefined ? path.resolve('lab-data') : options.dataDir === null ? null : path.resolve(options.dataDir);
  return { routers, portBase, dataDir, host: options.host ?? '127.0.0.1', clockMode: options.clockMode ?? 'real', clockStart: options.clockStart };
}
