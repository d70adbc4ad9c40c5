/**
 * The lab ISP: serves the line behind every router WAN. DHCP and PPPoE get a public address from a
 * documentation range (RFC 5737), the same one each time for the same router and WAN.
 */
import { UplinkError, type AddressRequest, type Lease, type UplinkProvider, type WanPortName } from '../hal';

/** RFC 5737 documentation networks, used in order as routers are added. */
const PUBLIC_POOLS = ['203.0.113', '198.51.100'];
/** Host numbers 1-9 are kept for the ISP's own gateway and servers. */
const FIRST_HOST = 10;
const LAST_HOST = 254;
export const ISP_DNS_SERVERS = ['198.51.100.53'];

export class LabIsp {
  private readonly leases = new Map<string, string>();
  private nextIndex = 0;

  /** The provider that serves one router's WAN ports. */
  lineFor(routerId: string): UplinkProvider {
    return {
      lease: async (port, request) => this.lease(routerId, port, request),
      release: () => undefined,
    };
  }

  /** Addresses currently assigned, keyed `routerId/WANn`. */
  assignments(): Record<string, string> {
    return Object.fromEntries(this.leases);
  }

  private lease(routerId: string, port: WanPortName, request: AddressRequest): Lease {
    if (request.mode === 'static') {
      return { ip: request.ip, prefixLength: request.prefixLength, gateway: request.gateway, dns: request.dns.length ? request.dns : ISP_DNS_SERVERS };
    }
    if (request.mode === 'pppoe' && request.username.trim() === '') {
      throw new UplinkError('AUTH_FAILED', 'PPPoE authentication failed: the ISP rejected an empty user name');
    }
    // NOTE: the lab ISP accepts any PPPoE user name and password; per-line accounts are not modelled yet.

    const key = `${routerId}/${port}`;
    let ip = this.leases.get(key);
    if (!ip) {
      ip = this.allocate();
      this.leases.set(key, ip);
    }
    const network = ip.split('.').slice(0, 3).join('.');
    return { ip, prefixLength: 24, gateway: `${network}.1`, dns: ISP_DNS_SERVERS };
  }

  private allocate(): string {
    const perPool = LAST_HOST - FIRST_HOST + 1;
    const pool = PUBLIC_POOLS[Math.floor(this.nextIndex / perPool)];
    if (!pool) throw new UplinkError('NO_OFFER', 'The lab ISP has no public addresses left');
    const host = FIRST_HOST + (this.nextIndex % perPool);
    this.nextIndex += 1;
    return `${pool}.${host}`;
  }
}
