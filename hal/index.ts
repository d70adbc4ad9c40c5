/**
 * The emulated hardware of one router. It imports nothing of the project: the firmware runs on
 * top of it and the lab wires it to the emulated network.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { loadBoardIdentity, type BoardIdentity } from './board';
import { ResetButton } from './button';
import type { Clock } from './clock';
import { Flash } from './flash';
import { Inbound } from './inbound';
import { deriveLeds, type LedPanel } from './leds';
import { Ports, type PortName } from './ports';
import { RouterClock } from './routerClock';
import { Sensors } from './sensors';
import { Uplink } from './uplink';

export * from './board';
export * from './button';
export * from './clock';
export * from './flash';
export * from './inbound';
export * from './leds';
export * from './ports';
export * from './routerClock';
export * from './sensors';
export * from './uplink';

export interface HardwareOptions {
  id: string;
  model: string;
  /** The shared lab clock; the router reads its time through a RouterClock on top of it. */
  clock: Clock;
  /** Lab data directory; the router keeps its flash in `<dataDir>/<id>/`. Null keeps it in memory. */
  dataDir: string | null;
  /** Ports whose cable is plugged in at power-on. */
  initialLinks?: Partial<Record<PortName, boolean>>;
  /**
   * CA certificates (PEM) the firmware trusts besides the public roots, as if built into its
   * image: the lab CA, so that the router can verify the emulated services.
   */
  extraTrustedCas?: string[];
}

export class RouterHardware extends EventEmitter {
  readonly id: string;
  /** The router's own time: lab time plus the offset of a wrong boot date, timers on the lab clock. */
  readonly clock: RouterClock;
  readonly flash: Flash;
  readonly ports: Ports;
  readonly uplink: Uplink;
  readonly inbound: Inbound;
  readonly sensors = new Sensors();
  readonly resetButton = new ResetButton();
  /** Set by `powerOn`. */
  board!: BoardIdentity;
  readonly extraTrustedCas: string[];
  private running = false;

  constructor(private readonly options: HardwareOptions) {
    super();
    this.id = options.id;
    this.clock = new RouterClock(options.clock);
    this.extraTrustedCas = options.extraTrustedCas ?? [];
    this.flash = new Flash(options.dataDir ? path.join(options.dataDir, options.id) : null);
    this.ports = new Ports(() => this.clock.now(), options.initialLinks);
    this.uplink = new Uplink(this.ports);
    this.inbound = new Inbound((port) => this.ports.isUp(port) && (!Ports.isWan(port) || this.ports.address(port) !== null));
  }

  async powerOn(): Promise<void> {
    this.board = await loadBoardIdentity(this.flash, this.options.model, this.clock.date());
  }

  /** Set by the firmware when it has booted or halted; drives the ACT LED. */
  setRunning(running: boolean): void {
    this.running = running;
    this.emit('leds', this.leds());
  }

  leds(): LedPanel {
    return deriveLeds(this.ports.list(), { running: this.running });
  }
}
