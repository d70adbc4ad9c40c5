/**
 * The router's way out: its WAN ports reach a network through an uplink that the lab supplies (the
 * lab ISP). The firmware asks for addresses here as a DHCP or PPPoE client would on a real line;
 * the provider answers or refuses.
 */
import type { Ports, WanAddress, WanAddressMode, WanPortName } from './ports';

export type AddressRequest =
  | { mode: 'dhcp' }
  | { mode: 'static'; ip: string; prefixLength: number; gateway: string; dns: string[] }
  | { mode: 'pppoe'; username: string; password: string };

/** Answer of the network behind a WAN port to an address request. */
export type Lease = Omit<WanAddress, 'since' | 'mode'>;

/** What serves the line behind each WAN port, implemented by the lab ISP. */
export interface UplinkProvider {
  /** Returns an address for the port, or throws an UplinkError saying why none is given. */
  lease(port: WanPortName, request: AddressRequest): Promise<Lease>;
  /** Tells the provider the port gave its address back. */
  release(port: WanPortName): void;
}

export type UplinkErrorCode = 'NO_CARRIER' | 'NO_OFFER' | 'AUTH_FAILED' | 'NO_PROVIDER';

export class UplinkError extends Error {
  constructor(readonly code: UplinkErrorCode, message: string) {
    super(message);
    this.name = 'UplinkError';
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
}
