/**
 * Text forms of lab values for the console page. assets/console.js formats the same values in the
 * browser when it refreshes the page; keep the two in step.
 */
import type { PortState } from '../../hal';

/** Formats a duration such as `1 d 2 h 3 min 4 s`, leaving out leading zero units. */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['min', 60]] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count} ${unit}`);
  }
  parts.push(`${rest} s`);
  return parts.join(' ');
}

/** Formats lab time (ms since the Unix epoch) as `2026-05-01 12:00:00 UTC`. */
export function formatLabTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** WAN cell text: the address with its prefix length, or why there is none. */
export function formatWanAddress(port: PortState | undefined): string {
  if (!port) return 'unknown port';
  if (!port.linkUp) return 'no link (cable unplugged)';
  return port.address ? `${port.address.ip}/${port.address.prefixLength}` : 'no address yet';
}

/** Tooltip of a port switch: link state, speed and traffic counters. */
export function describePort(port: PortState): string {
  const link = port.linkUp ? `link up at ${port.speedMbps} Mbit/s ${port.fullDuplex ? 'full' : 'half'} duplex` : 'link down (cable unplugged)';
  const { txBytes, rxBytes } = port.counters;
  const action = port.linkUp ? 'pull the cable' : 'plug the cable in';
  return `${port.name}: ${link}; sent ${txBytes} bytes, received ${rxBytes} bytes. Click to ${action}.`;
}
