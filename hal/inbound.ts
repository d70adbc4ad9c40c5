/**
 * Inbound connections to the router. The lab delivers each connection with the interface it came
 * in on, its virtual source address and the virtual destination port; the firmware registers its
 * services by interface side and port and installs the filter that enforces management access
 * rules. A virtual port is real in effect: a service listening on 8443 receives nothing sent to 443.
 */
import type { Duplex } from 'node:stream';
import type { PortName } from './ports';

/** Logical interfaces: the LAN subnet (reached through any LAN port) and each WAN. */
export type InterfaceName = 'LAN1' | 'WAN1' | 'WAN2';
export type InterfaceSide = 'lan' | 'wan';

export interface InboundConnection {
  interface: InterfaceName;
  /** Physical port the packets arrived on (for the LAN, the port the client is plugged into). */
  viaPort: PortName;
  sourceAddress: string;
  /** Virtual destination port, e.g. 80 or 443. */
  localPort: number;
}

export type FilterVerdict = 'accept' | 'drop' | 'reject';

/** Decides over each connection before a service sees it; `drop` is silent, `reject` is a RST. */
export type InboundFilter = (connection: InboundConnection, service: string | undefined) => FilterVerdict;

export type ServiceHandler = (socket: Duplex, connection: InboundConnection) => void;

/** Outcome of a delivered connection, in network terms. */
export type DeliveryResult =
  | { outcome: 'accepted'; service: string }
  | { outcome: 'no-link'; reason: string }
  | { outcome: 'filtered'; reason: string }
  | { outcome: 'refused'; reason: string };

interface Registration {
  service: string;
  side: InterfaceSide;
  port: number;
  handler: ServiceHandler;
}

const CONNECTION_INFO = Symbol('vigor-sim inbound connection');

/** Returns the virtual connection a socket was delivered with, for services that log or filter by source. */
export function connectionOf(socket: object): InboundConnection | undefined {
  return (socket as { [CONNECTION_INFO]?: InboundConnection })[CONNECTION_INFO];
}

/** Carries a connection over to a socket wrapped around the delivered one (e.g. for TLS). */
export function copyConnection(from: object, to: object): void {
  const connection = connectionOf(from);
  if (connection) (to as { [CONNECTION_INFO]?: InboundConnection })[CONNECTION_INFO] = connection;
}

export function sideOf(name: InterfaceName): InterfaceSide {
  return name === 'LAN1' ? 'lan' : 'wan';
}

export class Inbound {
  private readonly registrations: Registration[] = [];
  private filter: InboundFilter = () => 'accept';
  private pingResponder: (connection: Omit<InboundConnection, 'localPort'>) => boolean = () => true;

  /**
   * @param linkReady returns whether packets can arrive on a port: link up and, for a WAN, an address.
   */
  constructor(private readonly linkReady: (port: PortName) => boolean) {}

  /** Registers a service on one side and virtual port; returns a function that unregisters it. */
  listen(service: string, side: InterfaceSide, port: number, handler: ServiceHandler): () => void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`Invalid port ${port} for ${service}: use 1-65535`);
    const clash = this.registrations.find((entry) => entry.side === side && entry.port === port);
    if (clash) throw new Error(`Port ${port} on the ${side.toUpperCase()} side is already used by ${clash.service}`);

    const registration: Registration = { service, side, port, handler };
    this.registrations.push(registration);
    return () => {
      const index = this.registrations.indexOf(registration);
      if (index >= 0) this.registrations.splice(index, 1);
    };
  }

  setFilter(filter: InboundFilter): void {
    this.filter = filter;
  }

  /** Decides whether the router answers an ICMP echo request (ping) arriving as `connection`. */
  setPingResponder(responder: (connection: Omit<InboundConnection, 'localPort'>) => boolean): void {
    this.pingResponder = responder;
  }

  /** True when a ping would get a reply: the link carries packets and the responder agrees. */
  answersPing(connection: Omit<InboundConnection, 'localPort'>): boolean {
    return this.linkReady(connection.viaPort) && this.pingResponder(connection);
  }

  /** Virtual ports with a service on one side, for port probes and status pages. */
  openPorts(side: InterfaceSide): { port: number; service: string }[] {
    return this.registrations.filter((entry) => entry.side === side).map(({ port, service }) => ({ port, service }));
  }

  /** Decides over a connection without taking it; an accepted result carries the handoff. */
  route(connection: InboundConnection): DeliveryResult & { deliver?: (socket: Duplex) => void } {
    if (!this.linkReady(connection.viaPort)) {
      return { outcome: 'no-link', reason: `${connection.viaPort} has no link, so nothing reaches ${connection.interface}` };
    }

    const registration = this.registrations.find((entry) => entry.side === sideOf(connection.interface) && entry.port === connection.localPort);
    const verdict = this.filter(connection, registration?.service);
    if (verdict === 'drop') return { outcome: 'filtered', reason: `${connection.interface} port ${connection.localPort} is filtered for ${connection.sourceAddress}` };
    if (verdict === 'reject' || !registration) {
      return { outcome: 'refused', reason: `Nothing accepts connections on ${connection.interface} port ${connection.localPort}` };
    }

    return {
      outcome: 'accepted',
      service: registration.service,
      deliver: (socket) => {
        (socket as { [CONNECTION_INFO]?: InboundConnection })[CONNECTION_INFO] = connection;
        registration.handler(socket, connection);
      },
    };
  }

  /** Delivers a connection; the caller closes the socket unless the outcome is `accepted`. */
  deliver(socket: Duplex, connection: InboundConnection): DeliveryResult {
    const { deliver, ...result } = this.route(connection);
    deliver?.(socket);
    return result;
  }
}
