/**
 * One emulated router as the lab runs it: hardware, firmware and admin UI, plus the loopback
 * listener that stands for the LAN PC reaching the router's web UI.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { Firmware } from '../firmware';
import { MODEL } from '../firmware/version';
import { RouterHardware, type Clock } from '../hal';
import { createWebUi } from '../webui';
import type { LabIsp } from './isp';
import { listenOn } from './listen';
import type { RouterPorts } from './portPlan';

/** Address and port of the LAN PC: 192.168.1.10 on LAN port 1 (the factory LAN is 192.168.1.0/24). */
export const LAN_PC = { address: '192.168.1.10', port: 'LAN1' } as const;

export interface RouterDeviceOptions {
  id: string;
  clock: Clock;
  dataDir: string | null;
  isp: LabIsp;
  ports: RouterPorts;
  host: string;
  logger: Logger;
}

export class RouterDevice {
  readonly id: string;
  readonly hardware: RouterHardware;
  readonly firmware: Firmware;
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: RouterDeviceOptions) {
    this.id = options.id;
    this.hardware = new RouterHardware({
      id: options.id,
      model: MODEL,
      clock: options.clock,
      dataDir: options.dataDir,
      // Factory cabling of the lab: the ISP line in WAN1, the LAN PC in LAN1.
      initialLinks: { WAN1: true, LAN1: true },
    });
    this.hardware.uplink.attach(options.isp.lineFor(options.id));
    this.firmware = new Firmware(this.hardware, { logger: options.logger });
    this.firmware.installWebHandler(createWebUi(this.firmware, { logger: options.logger }).handler);
  }

  get lanUrl(): string {
    return `http://${this.options.host}:${this.options.ports.lanHttp}/`;
  }

  async start(): Promise<void> {
    await this.firmware.boot();
    const lanForward = createServer((socket) => this.deliverFromLanPc(socket, 80));
    await listenOn(lanForward, this.options.ports.lanHttp, this.options.host, `router ${this.id} LAN web UI`);
    this.servers.push(lanForward);
  }

  async stop(): Promise<void> {
    for (const server of this.servers) server.close();
    for (const socket of this.sockets) socket.destroy();
    await this.firmware.shutdown();
    await this.hardware.flash.flush();
  }

  private deliverFromLanPc(socket: Socket, virtualPort: number): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      // The router's transmit direction is what it wrote to the LAN PC.
      this.hardware.ports.countTraffic(LAN_PC.port, socket.bytesWritten, socket.bytesRead);
    });
    socket.on('error', () => socket.destroy());
    const result = this.hardware.inbound.deliver(socket, {
      interface: 'LAN1',
      viaPort: LAN_PC.port,
      sourceAddress: LAN_PC.address,
      localPort: virtualPort,
    });
    if (result.outcome !== 'accepted') {
      this.options.logger.debug({ router: this.id, outcome: result.outcome }, result.reason);
      socket.destroy();
    }
  }
}
