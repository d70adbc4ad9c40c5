/**
 * Routing between places in the lab. A connection starts at a place (an Internet host, the LAN PC
 * of a router, or a router's WAN) and goes to a host name or address and a port. The route follows
 * what a real network would do: names resolve through the lab DNS (for the LAN PC, through the
 * router's DNS relay, so it needs the router's uplink), the LAN PC reaches its router on the LAN
 * side, everything else leaves through the router's active WAN with the line's public address.
 */
import { isIP, type Socket } from 'node:net';
import { NetworkError, type WanPortName } from '../../hal';
import type { RouterDevice } from '../router';
import { inSubnet } from './addressPlan';
import { DnsError, type LabDns } from './dns';
import type { Internet, PingResult, Route } from './internet';
import type { LabIsp } from './isp';
import type { LoopbackSwitch } from './switch';
import type { Timeline } from '../timeline';

export type Place = { kind: 'internet'; address: string } | { kind: 'lan'; routerId: string };

interface LanFacts {
  routerAddress: string;
  prefixLength: number;
  pcAddress: string;
}

export class LabNetwork {
  constructor(
    readonly dns: LabDns,
    readonly internet: Internet,
    readonly isp: LabIsp,
    private readonly loopback: LoopbackSwitch,
    private readonly findRouter: (id: string) => RouterDevice | undefined,
    private readonly timeline?: Timeline,
  ) {}

  /** Records a router's access-control decision over an inbound connection in the timeline. */
  recordAccess(router: RouterDevice, from: string, target: string, inbound: { outcome: string; reason?: string; service?: string }): void {
    this.timeline?.record({
      protocol: 'access',
      router: router.id,
      from,
      to: target,
      summary: inbound.outcome === 'accepted' ? `${target}: accepted for ${inbound.service}` : `${target}: ${inbound.outcome} (${inbound.reason ?? ''})`,
      detail: { outcome: inbound.outcome, service: inbound.service, reason: inbound.reason },
    });
  }

  describe(place: Place): string {
    return place.kind === 'internet' ? `the Internet host ${place.address}` : `the LAN PC of router ${place.routerId}`;
  }

  /** Returns the LAN PC's address and its router's LAN address; the PC is host .10 of the router's LAN. */
  lanFacts(router: RouterDevice): LanFacts {
    const lan = router.firmware.store.get<{ LAN1: { ip: string; prefixLength: number } }>('lan').LAN1;
    const pcAddress = `${lan.ip.split('.').slice(0, 3).join('.')}.10`;
    return { routerAddress: lan.ip, prefixLength: lan.prefixLength, pcAddress };
  }

  route(place: Place, host: string, port: number): Route {
    try {
      if (place.kind === 'internet') return this.routeFromInternet(place.address, host, port);
      return this.routeFromLan(this.mustFindRouter(place.routerId), host, port);
    } catch (error) {
      if (error instanceof NetworkError) return { ok: false, error };
      throw error;
    }
  }

  /** Sends a ping from a place, as the lab's ping tool does; failures come back as results. */
  ping(place: Place, host: string): PingResult {
    try {
      if (place.kind === 'internet') return this.internet.ping(place.address, this.lookup(host));
      return this.pingFromLan(this.mustFindRouter(place.routerId), host);
    } catch (error) {
      if (error instanceof NetworkError) return { reachable: false, detail: error.message };
      throw error;
    }
  }

  /** Routes a router's own outbound connection through one of its WANs. */
  routeFromWan(router: RouterDevice, wan: WanPortName, host: string, port: number): Route {
    try {
      return this.wanRoute(router, wan, host, port);
    } catch (error) {
      if (error instanceof NetworkError) return { ok: false, error };
      throw error;
    }
  }

  /** Opens a new connection along a route and returns the caller's end of it. */
  async open(route: Route): Promise<Socket> {
    if (!route.ok) throw route.error;
    const { client, server } = await this.loopback.pair();
    route.deliver(server);
    return client;
  }

  /** Resolves a name as a router's WAN does: with the lab DNS, if the line carries traffic. */
  resolveFromWan(router: RouterDevice, wan: WanPortName, hostname: string): string {
    this.assertLineCarries(router, wan);
    return this.lookup(hostname);
  }

  private routeFromInternet(sourceAddress: string, host: string, port: number): Route {
    const destinationAddress = this.lookup(host);
    return this.internet.route({ sourceAddress, destinationAddress, destinationPort: port, hostname: isIP(host) ? undefined : host });
  }

  private routeFromLan(router: RouterDevice, host: string, port: number): Route {
    const { hardware, firmware } = router;
    if (!hardware.ports.isUp('LAN1')) throw new NetworkError('ENETUNREACH', `Network unreachable: the LAN PC's cable in LAN1 of router ${router.id} is unplugged`);
    if (firmware.state !== 'running') throw new NetworkError('EHOSTUNREACH', `No route to host: router ${router.id} is restarting`);

    const lan = this.lanFacts(router);
    const destinationAddress = isIP(host) ? host : this.resolveThroughRouter(router, host);
    const ownWanAddresses = (['WAN1', 'WAN2'] as const).map((wan) => hardware.ports.address(wan)?.ip).filter(Boolean);

    // The router's own addresses, LAN or WAN, are delivered on its LAN side.
    if (destinationAddress === lan.routerAddress || ownWanAddresses.includes(destinationAddress)) {
      const inbound = hardware.inbound.route({ interface: 'LAN1', viaPort: 'LAN1', sourceAddress: lan.pcAddress, localPort: port });
      this.recordAccess(router, `LAN PC ${lan.pcAddress}`, `${router.id} LAN1 port ${port}`, inbound);
      return this.countOn(router, 'LAN1', 'toClient', fromInbound(inbound, `${destinationAddress} port ${port}`));
    }
    if (inSubnet(destinationAddress, lan.routerAddress, lan.prefixLength)) {
      throw new NetworkError('EHOSTUNREACH', `No route to host ${destinationAddress}: only the router (${lan.routerAddress}) and the LAN PC are on this LAN`);
    }

    const wan = this.activeWan(router);
    return this.countOn(router, 'LAN1', 'toClient', this.wanRoute(router, wan, destinationAddress, port, isIP(host) ? undefined : host));
  }

  private pingFromLan(router: RouterDevice, host: string): PingResult {
    const { hardware, firmware } = router;
    if (!hardware.ports.isUp('LAN1')) throw new NetworkError('ENETUNREACH', `Network unreachable: the LAN PC's cable in LAN1 of router ${router.id} is unplugged`);
    if (firmware.state !== 'running') throw new NetworkError('EHOSTUNREACH', `No route to host: router ${router.id} is restarting`);
    const lan = this.lanFacts(router);
    const address = isIP(host) ? host : this.resolveThroughRouter(router, host);
    const ownWanAddresses = (['WAN1', 'WAN2'] as const).map((wan) => hardware.ports.address(wan)?.ip).filter(Boolean);
    if (address === lan.routerAddress || ownWanAddresses.includes(address)) {
      const answers = hardware.inbound.answersPing({ interface: 'LAN1', viaPort: 'LAN1', sourceAddress: lan.pcAddress });
      return { reachable: answers, address, detail: answers ? `Reply from ${address} (router ${router.id})` : `Request timed out: router ${router.id} does not answer` };
    }
    if (inSubnet(address, lan.routerAddress, lan.prefixLength)) return { reachable: false, address, detail: `Destination host unreachable: no host at ${address} on the LAN` };
    const wan = this.activeWan(router);
    const wanAddress = this.assertLineCarries(router, wan);
    return this.internet.ping(this.isp.publicAddress(wanAddress), address);
  }

  private wanRoute(router: RouterDevice, wan: WanPortName, host: string, port: number, hostname?: string): Route {
    const address = this.assertLineCarries(router, wan);
    const destinationAddress = this.lookup(host);
    const sourceAddress = this.isp.publicAddress(address);
    const route = this.internet.route({ sourceAddress, destinationAddress, destinationPort: port, hostname: hostname ?? (isIP(host) ? undefined : host) });
    return this.countOn(router, wan, 'fromClient', route);
  }

  private resolveThroughRouter(router: RouterDevice, hostname: string): string {
    let wan: WanPortName;
    try {
      wan = this.activeWan(router);
    } catch {
      throw new NetworkError('ESERVFAIL', `DNS lookup of ${hostname} failed: router ${router.id} relays DNS for its LAN but has no WAN connection`);
    }
    return this.resolveFromWan(router, wan, hostname);
  }

  private activeWan(router: RouterDevice): WanPortName {
    return router.hardware.uplink.activeWan();
  }

  /** Checks that a WAN has an address and its line is up; returns the WAN's address. */
  private assertLineCarries(router: RouterDevice, wan: WanPortName): string {
    const address = router.hardware.ports.address(wan);
    if (!address) throw new NetworkError('ENETUNREACH', `Network unreachable: ${wan} of router ${router.id} has no address`);
    if (this.isp.isOutage(router.id, wan)) throw this.lineDownError(router.id, wan);
    return address.ip;
  }

  lineDownError(routerId: string, wan: WanPortName): NetworkError {
    return new NetworkError('ETIMEDOUT', `Connection timed out: the ISP line behind ${wan} of router ${routerId} is down`);
  }

  private lookup(host: string): string {
    try {
      return this.dns.resolve(host);
    } catch (error) {
      if (error instanceof DnsError) throw new NetworkError(error.errno === 'ENOTFOUND' ? 'ENOTFOUND' : 'ESERVFAIL', error.message);
      throw error;
    }
  }

  /**
   * Adds a connection's bytes to a port's counters when it closes. `fromClient` means the port
   * transmits what the client sends (a WAN carrying outbound traffic); `toClient` means it
   * transmits what the client receives (LAN1 towards the LAN PC).
   */
  private countOn(router: RouterDevice, port: 'LAN1' | WanPortName, direction: 'fromClient' | 'toClient', route: Route): Route {
    if (!route.ok) return route;
    return {
      ...route,
      deliver: (socket) => {
        socket.once('close', () => {
          const [tx, rx] = direction === 'fromClient' ? [socket.bytesRead, socket.bytesWritten] : [socket.bytesWritten, socket.bytesRead];
          router.hardware.ports.countTraffic(port, tx, rx);
        });
        route.deliver(socket);
      },
    };
  }

  private mustFindRouter(id: string): RouterDevice {
    const router = this.findRouter(id);
    if (!router) throw new NetworkError('EHOSTUNREACH', `There is no router ${id} in this lab`);
    return router;
  }
}

/** Turns the router's inbound decision into a network route. */
export function fromInbound(inbound: ReturnType<RouterDevice['hardware']['inbound']['route']>, target: string): Route {
  switch (inbound.outcome) {
    case 'accepted':
      return { ok: true, service: inbound.service, deliver: (socket) => inbound.deliver!(socket) };
    case 'refused':
      return { ok: false, error: new NetworkError('ECONNREFUSED', `Connection refused by ${target}: ${inbound.reason}`) };
    case 'filtered':
      return { ok: false, error: new NetworkError('ETIMEDOUT', `Connection timed out: ${target} is filtered (${inbound.reason})`) };
    default:
      return { ok: false, error: new NetworkError('EHOSTUNREACH', `No route to host ${target}: ${inbound.reason}`) };
  }
}
