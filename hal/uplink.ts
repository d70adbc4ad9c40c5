/**
 * The router's way out: its WAN ports reach a network through an uplink that the lab supplies (the
 * lab ISP). The firmware asks for addresses here as a DHCP or PPPoE client would on a real line,
 * and opens every outbound connection here, so pulling a cable really cuts the router off.
 */
import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { WAN_PORTS, type Ports, type WanAddress, type WanAddressMode, type WanPortName } from './ports';

export type AddressRequest =
  | { mode: 'dhcp' }
  | { mode: 'static'; ip: string; prefixLength: number; gateway: string; dns: string[] }
  | { mode: 'pppoe'; username: string; password: string };

/** Reply of the network behind a WAN port to an address request. */
export type Lease = Omit<WanAddress, 'since' | 'mode'>;

/** Provider of the line behind each WAN port: the lab ISP, or the real network. */
export interface UplinkProvider {
  /** Returns an address for the port, or throws an UplinkError saying why none is given. */
  lease(port: WanPortName, request: AddressRequest): Promise<Lease>;
  /** Tells the provider the port gave its address back. */
  release(port: WanPortName): void;
  /** Opens a TCP connection through the line behind `port`; failures are NetworkErrors. */
  connect(port: WanPortName, host: string, destinationPort: number): Promise<Socket>;
  /** Resolves a host name to an IPv4 address with the line's DNS; failures are NetworkErrors. */
  resolve(port: WanPortName, hostname: string): Promise<string>;
}

export type UplinkErrorCode = 'NO_CARRIER' | 'NO_OFFER' | 'AUTH_FAILED' | 'NO_PROVIDER';

export class UplinkError extends Error {
  constructor(
    readonly code: UplinkErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UplinkError';
  }
}

/** Error codes of failed connections and lookups, the same ones Node.js uses for real sockets. */
export type NetworkErrorCode = 'ENOTFOUND' | 'ESERVFAIL' | 'ECONNREFUSED' | 'ETIMEDOUT' | 'ENETUNREACH' | 'EHOSTUNREACH';

/** A connection or lookup that failed as it would on a real network. */
export class NetworkError extends Error {
  constructor(
    readonly code: NetworkErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

export class Uplink {
  private provider: UplinkProvider | undefined;

  constructor(private readonly ports: Ports) {}

  attach(provider: UplinkProvider): void {
    this.provider = provider;
  }

  /** Brings a WAN up with the given addressing; resolves with the address now held. */
  async connect(port: WanPortName, request: AddressRequest): Promise<WanAddress> {
    if (!this.ports.isUp(port)) throw new UplinkError('NO_CARRIER', `${port} has no link (cable unplugged)`);
    if (!this.provider) throw new UplinkError('NO_PROVIDER', `${port} is not attached to any network`);

    const lease = await this.provider.lease(port, request);
    if (!this.ports.isUp(port)) throw new UplinkError('NO_CARRIER', `${port} lost its link while connecting`);
    const mode: WanAddressMode = request.mode;
    this.ports.setAddress(port, { ...lease, mode });
    return this.ports.address(port)!;
  }

  /** Releases a WAN's address, as on a PPPoE hang-up or a DHCP release. */
  disconnect(port: WanPortName): void {
    if (this.ports.address(port) === null) return;
    this.ports.setAddress(port, null);
    this.provider?.release(port);
  }

  /** Drops the WAN's session as the line does on an ISP reconnect, so the firmware dials again. */
  dropLine(port: WanPortName): void {
    if (this.ports.address(port) === null) return;
    this.ports.setAddress(port, null, 'line-drop');
  }

  /** Returns the WAN outbound traffic leaves through: WAN1 while it has an address, else WAN2. */
  activeWan(): WanPortName {
    const wan = WAN_PORTS.find((port) => this.ports.address(port) !== null);
    if (!wan) throw new NetworkError('ENETUNREACH', 'Network unreachable: no WAN is connected, so the router has no route to the Internet');
    return wan;
  }

  /** Opens a TCP connection to `host:port` through `via`, or else the active WAN. */
  async openConnection(host: string, port: number, via?: WanPortName): Promise<Socket> {
    const wan = via ?? this.activeWan();
    if (via && this.ports.address(via) === null) throw new NetworkError('ENETUNREACH', `Network unreachable: ${via} has no address`);
    if (!this.provider) throw new NetworkError('ENETUNREACH', `Network unreachable: ${wan} is not attached to any network`);
    const socket = await this.provider.connect(wan, host, port);
    socket.once('close', () => this.ports.countTraffic(wan, socket.bytesWritten, socket.bytesRead));
    return socket;
  }

  /** Resolves a host name with the DNS of `via`, or else of the active WAN. */
  async resolve(hostname: string, via?: WanPortName): Promise<string> {
    const wan = via ?? this.activeWan();
    if (via && this.ports.address(via) === null) throw new NetworkError('ENETUNREACH', `Network unreachable: ${via} has no address`);
    if (!this.provider) throw new NetworkError('ENETUNREACH', `Network unreachable: ${wan} is not attached to any network`);
    return this.provider.resolve(wan, hostname);
  }

  /** Opens a TLS connection through the active WAN; `tls` carries the trusted CAs and the like. */
  async openTlsConnection(host: string, port: number, tls: ConnectionOptions = {}, via?: WanPortName): Promise<Socket> {
    const raw = await this.openConnection(host, port, via);
    return new Promise((resolve, reject) => {
      const secure = tlsConnect({ ...tls, socket: raw, servername: tls.servername ?? host }, () => resolve(secure));
      secure.once('error', (error) => {
        raw.destroy();
        reject(error);
      });
    });
  }

  /** Creates an HTTP agent whose connections go through this uplink, for HTTP clients of the firmware. */
  httpAgent(options: AgentOptions = {}, via?: WanPortName): HttpAgent {
    const agent = new HttpAgent({ keepAlive: false, ...options });
    agent.createConnection = ((connectOptions: { host?: string; port?: number }, callback: (error: Error | null, socket?: Socket) => void) => {
      this.openConnection(connectOptions.host ?? 'localhost', Number(connectOptions.port ?? 80), via).then(
        (socket) => callback(null, socket),
        (error: Error) => callback(error),
      );
    }) as unknown as HttpAgent['createConnection'];
    return agent;
  }

  /** Creates an HTTPS agent whose connections go through this uplink; `tls` sets the trusted CAs. */
  httpsAgent(tls: ConnectionOptions = {}, via?: WanPortName): HttpsAgent {
    const agent = new HttpsAgent({ keepAlive: false });
    agent.createConnection = ((connectOptions: ConnectionOptions & { host?: string; port?: number }, callback: (error: Error | null, socket?: Socket) => void) => {
      const host = connectOptions.host ?? 'localhost';
      this.openTlsConnection(host, Number(connectOptions.port ?? 443), { ...tls, servername: connectOptions.servername || host }, via).then(
        (socket) => callback(null, socket),
        (error: Error) => callback(error),
      );
    }) as unknown as HttpsAgent['createConnection'];
    return agent;
  }
}
