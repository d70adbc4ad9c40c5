/** IPv4 arithmetic for address checks. Addresses are dotted quads already checked by the schema. */

export function ipToNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function mask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

export function inSubnet(address: string, network: string, prefixLength: number): boolean {
  const bits = mask(prefixLength);
  return ((ipToNumber(address) & bits) >>> 0) === ((ipToNumber(network) & bits) >>> 0);
}

/** True for the network and broadcast addresses of a subnet, which no host may use (except in /31 and /32). */
export function isNetworkOrBroadcast(address: string, prefixLength: number): boolean {
  if (prefixLength >= 31) return false;
  const value = ipToNumber(address);
  const host = (value & ~mask(prefixLength)) >>> 0;
  return host === 0 || host === (~mask(prefixLength) >>> 0);
}
