/**
 * Proxy auto-config files. A browser set to a PAC URL sends every request through the lab proxy of
 * one place, except the lab console itself on loopback, so it reaches lab hosts by their real names.
 */

/** The PAC script for a proxy on `proxyHost:proxyPort`. */
export function pacFile(proxyHost: string, proxyPort: number, placeLabel: string): string {
  return [
    `// vigor-sim lab proxy: browse as ${placeLabel}.`,
    'function FindProxyForURL(url, host) {',
    '  // The lab console and other loopback services are reached directly.',
    '  if (host === "localhost" || host === "127.0.0.1" || host === "[::1]") return "DIRECT";',
    `  return "PROXY ${proxyHost}:${proxyPort}";`,
    '}',
    '',
  ].join('\n');
}
