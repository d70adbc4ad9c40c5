/** One emulated router as the lab runs it: hardware, firmware and admin UI. */
import type { Logger } from 'pino';
import { Firmware } from '../firmware';
import { MODEL } from '../firmware/version';
import { RouterHardware, type Clock, type UplinkProvider } from '../hal';
import { createWebUi } from '../webui';

export interface RouterDeviceOptions {
  id: string;
  clock: Clock;
  dataDir: string | null;
  /** CA certificates the router trusts besides the public roots (the lab CA). */
  trustedCas?: string[];
  logger: Logger;
}

export class RouterDevice {
  readonly id: string;
  readonly hardware: RouterHardware;
  readonly firmware: Firmware;
  /** Loopback URLs of the web UI as the LAN PC reaches it, set by the lab when it opens them. */
  lanUrl = '';
  lanHttpsUrl = '';

  constructor(options: RouterDeviceOptions) {
    this.id = options.id;
    this.hardware = new RouterHardware({
      id: options.id,
      model: MODEL,
      clock: options.clock,
      dataDir: options.dataDir,
      // Factory cabling of the lab: the ISP line in WAN1, the LAN PC in LAN1.
      initialLinks: { WAN1: true, LAN1: true },
      extraTrustedCas: options.trustedCas,
    });
    this.firmware = new Firmware(this.hardware, { logger: options.logger });
    this.firmware.installWebHandler(createWebUi(this.firmware, { logger: options.logger }).handler);
  }

  /** Connects the WAN ports to the line that serves them. */
  attachLine(line: UplinkProvider): void {
    this.hardware.uplink.attach(line);
  }

  async start(): Promise<void> {
    await this.firmware.boot();
  }

  async stop(): Promise<void> {
    await this.firmware.shutdown();
    await this.hardware.flash.flush();
  }
}
