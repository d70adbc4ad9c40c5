/**
 * The lab ISP: serves the line behind every router WAN. DHCP and PPPoE get a public address from
 * the customer pools (the same one each time unless the line is set to change it on reconnect), or
 * a carrier-grade NAT address that the Internet sees as a shared public one. A trainer can drop a
 * line's session, change its address, put it behind CGNAT or take it down.
 *
 * Each line's first public address is fixed by its router and WAN (homeAddress), so a lab starts
 * with the same addresses whatever order its routers dial in. A line that gets a new address takes
 * the next spare one: hosts above the last home address, then addresses other lines gave up.
 */
import { UplinkError, WAN_PORTS, type AddressRequest, type Lease, type WanPortName } from '../../hal';
import { MAX_ROUTERS } from '../labOptions';
import { CGNAT_GATEWAY, CGNAT_PREFIX, CGNAT_PUBLIC_ADDRESSES, ISP_FIRST_HOST, ISP_LAST_HOST, ISP_POOLS, LAB_DNS_SERVER } from './addressPlan';

export interface LineOptions {
  /** A new public address on every reconnect, as many ISPs do. */
  newAddressOnReconnect: boolean;
  /** The line sits behind carrier-grade NAT: a 100.64.0.0/10 address, not reachable from the Internet. */
  cgnat: boolean;
  /** The ISP carries no traffic on this line and makes no DHCP offers. */
  outage: boolean;
}

export interface LineState extends LineOptions {
  line: string;
  /** Public address the line's current or next lease gets (or the CGNAT address). */
  address: string | null;
  /** What the Internet sees as the source of this line's traffic. */
  publicAddress: string | null;
}

const DEFAULT_OPTIONS: LineOptions = { newAddressOnReconnect: false, cgnat: false, outage: false };

/** First host number after the home addresses of rMAX_ROUTERS; the hosts from here up are spare. */
const FIRST_SPARE_HOST = ISP_FIRST_HOST + MAX_ROUTERS;

/** Addresses for lines that change address, in the order the ISP hands them out. */
const SPARE_ADDRESSES = ISP_POOLS.flatMap((pool) => Array.from({ length: ISP_LAST_HOST - FIRST_SPARE_HOST + 1 }, (_, index) => `${pool}.${FIRST_SPARE_HOST + index}`));

/**
 * Returns the public address a line gets on its first lease. Router rN's WAN1 gets host 9 + N of
 * the first customer pool, and its WAN2 the same host of the second: r1 has 203.0.113.10 and
 * 198.51.100.10, r2 has 203.0.113.11 and 198.51.100.11. Returns undefined for a router id that is
 * not rN with N from 1 to MAX_ROUTERS.
 */
export function homeAddress(routerId: string, wan: WanPortName): string | undefined {
  const match = /^r([1-9]\d*)$/.exec(routerId);
  const number = match ? Number(match[1]) : 0;
  if (number < 1 || number > MAX_ROUTERS) return undefined;
  return `${ISP_POOLS[WAN_PORTS.indexOf(wan)]}.${ISP_FIRST_HOST + number - 1}`;
}

export class LabIsp {
  private readonly addresses = new Map<string, string>();
  private readonly cgnatAddresses = new Map<string, string>();
  private readonly options = new Map<string, LineOptions>();
  private readonly freed: string[] = [];
  /** Lines that have had their home address, so a new lease after a renumbering takes a spare one. */
  private readonly homed = new Set<string>();
  private nextSpare = 0;
  private nextCgnat = 2;

  /** Options of the line behind a router's WAN. */
  lineOptions(routerId: string, wan: WanPortName): LineOptions {
    return { ...(this.options.get(lineKey(routerId, wan)) ?? DEFAULT_OPTIONS) };
  }

  setLineOptions(routerId: string, wan: WanPortName, changes: Partial<LineOptions>): LineOptions {
    const next = { ...this.lineOptions(routerId, wan), ...changes };
    this.options.set(lineKey(routerId, wan), next);
    return next;
  }

  isOutage(routerId: string, wan: WanPortName): boolean {
    return this.lineOptions(routerId, wan).outage;
  }

  /** Source address the Internet sees for traffic from this WAN holding `wanAddress`. */
  publicAddress(wanAddress: string): string {
    if (!wanAddress.startsWith(`${CGNAT_PREFIX}.`)) return wanAddress;
    const index = Number(wanAddress.split('.')[3]) % CGNAT_PUBLIC_ADDRESSES.length;
    return CGNAT_PUBLIC_ADDRESSES[index]!;
  }

  lineStates(routerId: string): LineState[] {
    return (['WAN1', 'WAN2'] as const).map((wan) => {
      const options = this.lineOptions(routerId, wan);
      const address = (options.cgnat ? this.cgnatAddresses : this.addresses).get(lineKey(routerId, wan)) ?? null;
      return { line: lineKey(routerId, wan), ...options, address, publicAddress: address ? this.publicAddress(address) : null };
    });
  }

  /** Answers a router WAN's DHCP or PPPoE request, or accepts its static address. */
  lease(routerId: string, wan: WanPortName, request: AddressRequest): Lease {
    const options = this.lineOptions(routerId, wan);
    if (options.outage) throw new UplinkError('NO_OFFER', 'No DHCP offer or PPPoE answer: the ISP line is down');
    if (request.mode === 'static') {
      return { ip: request.ip, prefixLength: request.prefixLength, gateway: request.gateway, dns: request.dns.length ? request.dns : [LAB_DNS_SERVER] };
    }
    if (request.mode === 'pppoe' && request.username.trim() === '') {
      throw new UplinkError('AUTH_FAILED', 'PPPoE authentication failed: the ISP rejected an empty user name');
    }
    // NOTE: the lab ISP accepts any PPPoE user name and password; per-line accounts are not modelled yet.

    const key = lineKey(routerId, wan);
    if (options.cgnat) {
      let ip = this.cgnatAddresses.get(key);
      if (!ip) {
        ip = `${CGNAT_PREFIX}.${Math.floor(this.nextCgnat / 256)}.${this.nextCgnat % 256}`;
        this.nextCgnat += 1;
        this.cgnatAddresses.set(key, ip);
      }
      return { ip, prefixLength: 10, gateway: CGNAT_GATEWAY, dns: [LAB_DNS_SERVER] };
    }

    let ip = this.addresses.get(key);
    if (!ip) {
      const home = this.homed.has(key) ? undefined : homeAddress(routerId, wan);
      ip = home ?? this.allocate();
      this.homed.add(key);
      this.addresses.set(key, ip);
    }
    const network = ip.split('.').slice(0, 3).join('.');
    return { ip, prefixLength: 24, gateway: `${network}.1`, dns: [LAB_DNS_SERVER] };
  }

  /** Releases a WAN's address; a line set to change addresses drops it and leases another next time. */
  release(routerId: string, wan: WanPortName): void {
    const key = lineKey(routerId, wan);
    if (!this.lineOptions(routerId, wan).newAddressOnReconnect) return;
    const ip = this.addresses.get(key);
    if (ip) this.freed.push(ip);
    this.addresses.delete(key);
    this.cgnatAddresses.delete(key);
  }

  /** Makes the next lease of a line get a different address. */
  renumber(routerId: string, wan: WanPortName): void {
    const key = lineKey(routerId, wan);
    const ip = this.addresses.get(key);
    this.addresses.delete(key);
    this.cgnatAddresses.delete(key);
    if (ip) this.freed.push(ip);
  }

  /** Hands out the next spare address, then the addresses that lines gave up, oldest first. */
  private allocate(): string {
    const spare = SPARE_ADDRESSES[this.nextSpare];
    if (spare) {
      this.nextSpare += 1;
      return spare;
    }
    const reused = this.freed.shift();
    if (reused) return reused;
    throw new UplinkError('NO_OFFER', 'The lab ISP has no public addresses left');
  }
}

export function lineKey(routerId: string, wan: WanPortName): string {
  return `${routerId}/${wan}`;
}
