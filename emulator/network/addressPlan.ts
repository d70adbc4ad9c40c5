import { inSubnet, ipToNumber } from '../../firmware/ipv4';

export { inSubnet, ipToNumber };

/**
 * Addresses of the emulated network. Public addresses come from the RFC 5737 documentation ranges
 * and carrier-grade NAT from RFC 6598, so nothing in the lab looks like a real host.
 */

/** The lab ISP's customer pools, used in order; host numbers 1-9 are the ISP's own. */
export const ISP_POOLS = ['203.0.113', '198.51.100'];
export const ISP_FIRST_HOST = 10;
export const ISP_LAST_HOST = 254;
/** Public addresses of the ISP's carrier-grade NAT, shared by every line behind it. */
export const CGNAT_PUBLIC_ADDRESSES = ['203.0.113.2', '203.0.113.3', '203.0.113.4', '203.0.113.5'];
/** Shared address space for carrier-grade NAT (RFC 6598), 100.64.0.0/10. */
export const CGNAT_PREFIX = '100.64';
export const CGNAT_GATEWAY = '100.64.0.1';

/** The emulated Internet's own hosts: services, the lab DNS and Internet clients (RFC 5737 TEST-NET-1). */
export const LAB_DNS_SERVER = '192.0.2.53';
/** The default Internet host, a person outside every router's LAN. */
export const INTERNET_HOST_ADDRESS = '192.0.2.100';

/** The factory LAN: router 192.168.1.1, the LAN PC at 192.168.1.10. */
export const LAN_PC_ADDRESS = '192.168.1.10';

export function isCgnatAddress(address: string): boolean {
  const [first, second] = address.split('.').map(Number);
  return first === 100 && second! >= 64 && second! <= 127;
}

/** RFC 1918 private ranges, which the Internet does not route. */
export function isPrivateAddress(address: string): boolean {
  const [first, second] = address.split('.').map(Number);
  return first === 10 || (first === 172 && second! >= 16 && second! <= 31) || (first === 192 && second === 168);
}
