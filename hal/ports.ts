/**
 * Ethernet ports of one router: WAN1, WAN2 and LAN1-LAN4, with link state, speed, counters and, for
 * WANs, the address the uplink gave them. Link and address changes are events the firmware
 * subscribes to; the lab (or a test) plugs cables and the ISP hands out addresses.
 */
import { EventEmitter } from 'node:events';

export const WAN_PORTS = ['WAN1', 'WAN2'] as const;
export const LAN_PORTS = ['LAN1', 'LAN2', 'LAN3', 'LAN4'] as const;
export const PORT_NAMES = [...WAN_PORTS, ...LAN_PORTS] as const;

export type WanPortName = (typeof WAN_PORTS)[number];
export type LanPortName = (typeof LAN_PORTS)[number];
export type PortName = (typeof PORT_NAMES)[number];

/** How a WAN obtains its address, as set in WAN >> General Setup. */
export type WanAddressMode = 'dhcp' | 'static' | 'pppoe';

export interface WanAddress {
  ip: string;
  prefixLength: number;
  gateway: string;
  dns: string[];
  /** How the address was obtained. */
  mode: WanAddressMode;
  /** Lab time (ms) when the address was obtained. */
  since: number;
}

export interface PortCounters {
  txBytes: number;
  rxBytes: number;
  txPackets: number;
  rxPackets: number;
}

export interface PortState {
  name: PortName;
  kind: 'wan' | 'lan';
  /** Cable plugged in and the far end answering. */
  linkUp: boolean;
  /** Negotiated speed in Mbit/s, 0 while the link is down. */
  speedMbps: number;
  fullDuplex: boolean;
  counters: PortCounters;
  /** Lab time (ms) of the last link change. */
  linkChangedAt: number;
  /** WAN ports only: the current address, or null while none is held. */
  address?: WanAddress | null;
}

export interface LinkEvent {
  port: PortName;
  up: boolean;
}

/** Why a WAN address changed: obtained, given back, lost with the cable, or dropped by the line. */
export type AddressChangeReason = 'assigned' | 'released' | 'link-down' | 'line-drop';

export interface AddressEvent {
  port: WanPortName;
  /** The new address, or null when the address was released. */
  address: WanAddress | null;
  previous: WanAddress | null;
  reason: AddressChangeReason;
}

/** Speed the emulated PHY negotiates on every port (a Vigor 2927 has gigabit ports). */
const LINK_SPEED_MBPS = 1000;

export class Ports extends EventEmitter {
  private readonly states = new Map<PortName, PortState>();

  constructor(private readonly now: () => number, initialLinks: Partial<Record<PortName, boolean>> = {}) {
    super();
    for (const name of PORT_NAMES) {
      const kind = name.startsWith('WAN') ? 'wan' : 'lan';
      const linkUp = initialLinks[name] ?? false;
      this.states.set(name, {
        name,
        kind,
        linkUp,
        speedMbps: linkUp ? LINK_SPEED_MBPS : 0,
        fullDuplex: linkUp,
        counters: { txBytes: 0, rxBytes: 0, txPackets: 0, rxPackets: 0 },
        linkChangedAt: now(),
        ...(kind === 'wan' ? { address: null } : {}),
      });
    }
  }

  static isPortName(value: unknown): value is PortName {
    return typeof value === 'string' && (PORT_NAMES as readonly string[]).includes(value);
  }

  static isWan(name: PortName): name is WanPortName {
    return (WAN_PORTS as readonly string[]).includes(name);
  }

  get(name: PortName): PortState {
    return copyPortState(this.mustGet(name));
  }

  list(): PortState[] {
    return PORT_NAMES.map((name) => this.get(name));
  }

  isUp(name: PortName): boolean {
    return this.mustGet(name).linkUp;
  }

  address(name: WanPortName): WanAddress | null {
    const address = this.mustGet(name).address;
    return address ? { ...address, dns: [...address.dns] } : null;
  }

  /** Plugs or pulls the cable. Pulling a WAN cable also releases its address. */
  setLink(name: PortName, up: boolean): void {
    const state = this.mustGet(name);
    if (state.linkUp === up) return;
    state.linkUp = up;
    state.speedMbps = up ? LINK_SPEED_MBPS : 0;
    state.fullDuplex = up;
    state.linkChangedAt = this.now();
    this.emit('link', { port: name, up } satisfies LinkEvent);
    // The line drops after the carrier does, so the address goes after the link event.
    if (!up && Ports.isWan(name)) this.setAddress(name, null, 'link-down');
  }

  /** Sets or releases a WAN address; called by whatever serves the uplink (the lab ISP). */
  setAddress(name: WanPortName, address: Omit<WanAddress, 'since'> | null, reason?: AddressChangeReason): void {
    const state = this.mustGet(name);
    const previous = state.address ?? null;
    if (address && !state.linkUp) throw new Error(`${name} has no link; plug the cable before assigning an address`);
    const next = address ? { ...address, dns: [...address.dns], since: this.now() } : null;
    if (previous === null && next === null) return;
    state.address = next;
    this.emit('address', { port: name, address: next, previous, reason: reason ?? (next ? 'assigned' : 'released') } satisfies AddressEvent);
  }

  /** Adds traffic to a port's counters (bytes seen in each direction). */
  countTraffic(name: PortName, txBytes: number, rxBytes: number): void {
    const counters = this.mustGet(name).counters;
    counters.txBytes += txBytes;
    counters.rxBytes += rxBytes;
    if (txBytes > 0) counters.txPackets += Math.ceil(txBytes / 1500);
    if (rxBytes > 0) counters.rxPackets += Math.ceil(rxBytes / 1500);
  }

  private mustGet(name: PortName): PortState {
    const state = this.states.get(name);
    if (!state) throw new Error(`Unknown port "${name}"; valid ports are ${PORT_NAMES.join(', ')}`);
    return state;
  }
}

/**
 * Copies a port state field by field. The Dashboard reads every port several times per request,
 * and structuredClone of these small objects was 4% of its CPU time under load.
 */
function copyPortState(state: PortState): PortState {
  const copy: PortState = { ...state, counters: { ...state.counters } };
  if (state.address) copy.address = { ...state.address, dns: [...state.address.dns] };
  return copy;
}
