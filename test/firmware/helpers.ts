/** Test rig for firmware tests: a fake ISP, routers on a paused clock, and their teardown. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Firmware, MODEL, type SyslogEntry } from '../../firmware';
import { Clock, NetworkError, RouterHardware, UplinkError, type AddressRequest, type Lease, type PortName, type UplinkProvider, type WanPortName } from '../../hal';

export const LAB_START = Date.parse('2026-01-15T08:00:00.000Z');
export const FAKE_LEASE: Lease = { ip: '203.0.113.10', prefixLength: 24, gateway: '203.0.113.1', dns: ['198.51.100.53'] };

/** Lab ISP stand-in: leases FAKE_LEASE for DHCP, or throws UplinkError NO_OFFER while `failuresLeft` is above 0. */
export class FakeIsp implements UplinkProvider {
  readonly requests: { port: WanPortName; request: AddressRequest }[] = [];
  readonly released: WanPortName[] = [];
  failuresLeft = 0;
  /** While set, every lease waits for this promise before it resolves. */
  hold: Promise<void> | undefined;

  async lease(port: WanPortName, request: AddressRequest): Promise<Lease> {
    this.requests.push({ port, request });
    await (this.hold ?? Promise.resolve());
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new UplinkError('NO_OFFER', 'no DHCP offer received');
    }
    if (request.mode !== 'dhcp') throw new UplinkError('NO_OFFER', `the fake ISP only serves DHCP, not ${request.mode}`);
    return { ...FAKE_LEASE, dns: [...FAKE_LEASE.dns] };
  }

  async connect(): Promise<never> {
    throw new NetworkError('ECONNREFUSED', 'the fake ISP carries no traffic');
  }

  async resolve(_port: WanPortName, hostname: string): Promise<never> {
    throw new NetworkError('ENOTFOUND', `the fake ISP resolves nothing, not even ${hostname}`);
  }

  release(port: WanPortName): void {
    this.released.push(port);
  }
}

export interface TestRouter {
  clock: Clock;
  hardware: RouterHardware;
  firmware: Firmware;
  isp: FakeIsp;
  /** Directory containing this router's flash files. */
  flashDir: string;
}

export interface RouterOptions {
  dataDir: string;
  id?: string;
  initialLinks?: Partial<Record<PortName, boolean>>;
}

/** Creates temp data directories and routers, and tears all of them down in `cleanup`. */
export class Lab {
  private readonly routers: TestRouter[] = [];
  private readonly directories: string[] = [];

  tempDir(): string {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'vigor-firmware-'));
    this.directories.push(directory);
    return directory;
  }

  /** Builds hardware and firmware on a paused clock without booting, so the caller can subscribe to events first. */
  build(options: RouterOptions): TestRouter {
    const id = options.id ?? 'router-1';
    const clock = new Clock({ mode: 'paused', start: LAB_START });
    const hardware = new RouterHardware({ id, model: MODEL, clock, dataDir: options.dataDir, initialLinks: options.initialLinks });
    const isp = new FakeIsp();
    hardware.uplink.attach(isp);
    const router = { clock, hardware, firmware: new Firmware(hardware), isp, flashDir: path.join(options.dataDir, id) };
    this.routers.push(router);
    return router;
  }

  async boot(options: RouterOptions): Promise<TestRouter> {
    const router = this.build(options);
    await router.firmware.boot();
    return router;
  }

  async cleanup(): Promise<void> {
    for (const router of this.routers.splice(0)) {
      await router.firmware.shutdown();
      router.clock.dispose();
    }
    for (const directory of this.directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  }
}

export function readFlashText(router: TestRouter, name: string): string {
  return readFileSync(path.join(router.flashDir, name), 'utf8');
}

export function readFlashJson<T = Record<string, any>>(router: TestRouter, name: string): T {
  return JSON.parse(readFlashText(router, name)) as T;
}

export function writeFlashText(router: TestRouter, name: string, text: string): void {
  writeFileSync(path.join(router.flashDir, name), text);
}

/** Lets pending promise chains and I/O callbacks run, because the fake ISP resolves leases asynchronously. */
export async function settle(rounds = 3): Promise<void> {
  for (let round = 0; round < rounds; round += 1) await new Promise((resolve) => setImmediate(resolve));
}

export function messages(entries: SyslogEntry[]): string[] {
  return entries.map((entry) => entry.message);
}

/** Awaits a promise that must reject and returns its error. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved');
}
