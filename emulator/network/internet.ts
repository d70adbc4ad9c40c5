/**
 * The emulated Internet: hosts by public address. A service host dispatches by port to the servers
 * registered on it; a router's WAN address hands connections to the router's inbound side. Every
 * delivery ends in an outcome a real network would produce: accepted, refused, timed out or
 * unreachable.
 */
import type { Socket } from 'node:net';
import { NetworkError } from '../../hal';
import { isCgnatAddress, isPrivateAddress } from './addressPlan';
import { serviceHostByAddress } from './hosts';

export interface ConnectionInfo {
  sourceAddress: string;
  destinationAddress: string;
  destinationPort: number;
  /** Name the client looked up, when it used one. */
  hostname?: string;
}

export type ConnectionHandler = (socket: Socket, info: ConnectionInfo) => void;

export type Outcome = { ok: true; service: string } | { ok: false; error: NetworkError };

/** A delivery decided but not yet made: the proxy answers its client before the handoff. */
export type Route = { ok: true; service: string; deliver(socket: Socket): void } | { ok: false; error: NetworkError };

export interface InternetHost {
  address: string;
  label: string;
  route(info: ConnectionInfo): Route;
  /** Whether the host answers an ICMP echo request from `sourceAddress`; hosts answer by default. */
  answersPing?(sourceAddress: string): boolean;
}

export interface PingResult {
  reachable: boolean;
  address?: string;
  detail: string;
}

const CONNECTION_INFO = Symbol('vigor-sim internet connection');

/** Returns the connection a socket arrived with at an Internet service. */
export function internetConnectionOf(socket: object): ConnectionInfo | undefined {
  return (socket as { [CONNECTION_INFO]?: ConnectionInfo })[CONNECTION_INFO];
}

export function tagInternetConnection(socket: object, info: ConnectionInfo): void {
  (socket as { [CONNECTION_INFO]?: ConnectionInfo })[CONNECTION_INFO] = info;
}

export class Internet {
  private readonly hosts = new Map<string, InternetHost>();
  private readonly services = new Map<string, Map<number, { service: string; handler: ConnectionHandler }>>();

  /** Adds a host that decides over its own connections (a router's WAN); returns its removal. */
  addHost(host: InternetHost): () => void {
    this.hosts.set(host.address, host);
    return () => {
      if (this.hosts.get(host.address) === host) this.hosts.delete(host.address);
    };
  }

  /** Registers a server on a service host's port; the host appears on the Internet with its first service. */
  listen(address: string, port: number, service: string, handler: ConnectionHandler): () => void {
    let ports = this.services.get(address);
    if (!ports) {
      ports = new Map();
      this.services.set(address, ports);
      const label = serviceHostByAddress(address)?.name ?? address;
      this.hosts.set(address, { address, label, route: (info) => this.routeToService(label, info) });
    }
    if (ports.has(port)) throw new Error(`${address} port ${port} is already served by ${ports.get(port)!.service}`);
    ports.set(port, { service, handler });
    return () => ports!.delete(port);
  }

  /** Decides where a connection goes; `deliver` on the result hands the socket over. */
  route(info: ConnectionInfo): Route {
    const host = this.hosts.get(info.destinationAddress);
    if (host) return host.route(info);

    const known = serviceHostByAddress(info.destinationAddress);
    if (known) return refused(`Connection refused: ${known.name} (${known.address}) port ${info.destinationPort} is not emulated in this version (${known.description})`);
    if (isPrivateAddress(info.destinationAddress) || isCgnatAddress(info.destinationAddress)) {
      return { ok: false, error: new NetworkError('EHOSTUNREACH', `No route to host ${info.destinationAddress}: private and carrier-grade NAT addresses are not routed on the Internet`) };
    }
    return { ok: false, error: new NetworkError('ETIMEDOUT', `Connection timed out: no host answers at ${info.destinationAddress}`) };
  }

  deliver(socket: Socket, info: ConnectionInfo): Outcome {
    const route = this.route(info);
    if (!route.ok) return route;
    route.deliver(socket);
    return { ok: true, service: route.service };
  }

  /** Sends an ICMP echo request across the Internet. */
  ping(sourceAddress: string, destinationAddress: string): PingResult {
    const host = this.hosts.get(destinationAddress);
    if (!host) return { reachable: false, address: destinationAddress, detail: `Request timed out: no host answers at ${destinationAddress}` };
    if (host.answersPing && !host.answersPing(sourceAddress)) return { reachable: false, address: destinationAddress, detail: `Request timed out: ${host.label} (${destinationAddress}) does not answer pings from ${sourceAddress}` };
    return { reachable: true, address: destinationAddress, detail: `Reply from ${destinationAddress} (${host.label})` };
  }

  label(address: string): string {
    return this.hosts.get(address)?.label ?? address;
  }

  private routeToService(label: string, info: ConnectionInfo): Route {
    const entry = this.services.get(info.destinationAddress)?.get(info.destinationPort);
    if (!entry) {
      const known = serviceHostByAddress(info.destinationAddress);
      const note = known && !known.ports.some((port) => port.port === info.destinationPort) ? '' : ' (not emulated in this version)';
      return refused(`Connection refused: nothing listens on ${label} (${info.destinationAddress}) port ${info.destinationPort}${note}`);
    }
    return {
      ok: true,
      service: entry.service,
      deliver: (socket) => {
        tagInternetConnection(socket, info);
        entry.handler(socket, info);
      },
    };
  }
}

function refused(message: string): Route {
  return { ok: false, error: new NetworkError('ECONNREFUSED', message) };
}
