/** Port and WAN facts shared by the Dashboard, Physical Connection and System Status pages. */
import { WAN_PORTS, type Firmware, type PortState, type WanConfig } from '../../firmware';

export interface WanStatus {
  name: string;
  enabled: boolean;
  connected: boolean;
  status: 'Connected' | 'Disconnected' | 'Connecting' | 'Disabled';
  mode: string;
  ip: string;
  gateway: string;
  dns: string;
  upTimeMs: number;
  port: PortState;
}

const MODE_LABELS: Record<string, string> = { dhcp: 'DHCP Client', static: 'Static IP', pppoe: 'PPPoE' };

export function wanStatuses(firmware: Firmware): WanStatus[] {
  const config = firmware.store.read<WanConfig>('wan');
  const now = firmware.hardware.clock.now();
  return WAN_PORTS.map((name) => {
    const port = firmware.hardware.ports.get(name);
    const address = port.address ?? null;
    const enabled = config[name].enabled;
    let status: WanStatus['status'] = 'Disconnected';
    if (!enabled) status = 'Disabled';
    else if (address) status = 'Connected';
    else if (port.linkUp) status = 'Connecting';
    return {
      name,
      enabled,
      connected: address !== null,
      status,
      mode: MODE_LABELS[config[name].mode] ?? config[name].mode,
      ip: address ? `${address.ip}/${address.prefixLength}` : '---',
      gateway: address?.gateway ?? '---',
      dns: address?.dns.join(', ') || '---',
      upTimeMs: address ? now - address.since : 0,
      port,
    };
  });
}
