/**
 * The events a notification object can select, grouped as on the Vigor page. The lab produces the
 * emulated ones; the others are listed so the page matches the router and are marked as such.
 */

export interface EventDefinition {
  id: string;
  label: string;
  emulated: boolean;
}

export interface EventCategory {
  id: string;
  label: string;
  events: EventDefinition[];
}

export const EVENT_CATEGORIES: EventCategory[] = [
  {
    id: 'wan',
    label: 'WAN',
    events: [
      { id: 'wan.disconnected', label: 'WAN disconnected', emulated: true },
      { id: 'wan.reconnected', label: 'WAN reconnected', emulated: true },
      { id: 'wan.budget', label: 'WAN budget limit reached', emulated: false },
    ],
  },
  {
    id: 'vpn',
    label: 'VPN Tunnel',
    events: [
      { id: 'vpn.disconnected', label: 'VPN tunnel disconnected', emulated: false },
      { id: 'vpn.reconnected', label: 'VPN tunnel reconnected', emulated: false },
    ],
  },
  { id: 'ddns', label: 'Dynamic DNS', events: [{ id: 'ddns.failed', label: 'DDNS update failure', emulated: true }] },
  {
    id: 'admin',
    label: 'Administration',
    events: [
      { id: 'admin.loginFailed', label: 'Admin login failure', emulated: true },
      { id: 'admin.bruteForceBlocked', label: 'Brute force block', emulated: true },
      { id: 'config.changed', label: 'Configuration change', emulated: true },
    ],
  },
  {
    id: 'system',
    label: 'System',
    events: [
      { id: 'system.startup', label: 'Router start-up', emulated: true },
      { id: 'sensor.temperature', label: 'Temperature out of range', emulated: true },
      { id: 'sensor.cpu', label: 'CPU usage high', emulated: true },
      { id: 'sensor.memory', label: 'Memory usage high', emulated: true },
      { id: 'certificate.expiry', label: 'Certificate expiry', emulated: true },
    ],
  },
  { id: 'mail', label: 'Mail', events: [{ id: 'mail.reauthorizationRequired', label: 'Mail profile re-authorization required', emulated: true }] },
  {
    id: 'central',
    label: 'Central Management',
    events: [
      { id: 'central.ap', label: 'Central AP management event', emulated: false },
      { id: 'central.switch', label: 'Central switch management event', emulated: false },
    ],
  },
  { id: 'ha', label: 'High Availability', events: [{ id: 'ha.failover', label: 'High availability failover', emulated: false }] },
];

export const EVENT_IDS = EVENT_CATEGORIES.flatMap((category) => category.events.map((event) => event.id));

export function eventLabel(id: string): string {
  return EVENT_CATEGORIES.flatMap((category) => category.events).find((event) => event.id === id)?.label ?? id;
}

/** Sensor limits beyond which the router raises an alert (once per crossing). */
export const SENSOR_LIMITS = { temperatureHighC: 70, temperatureLowC: 0, cpuPercent: 90, memoryPercent: 90 };

/** A certificate expiry alert goes out this long before the end of validity. */
export const CERTIFICATE_WARNING_MS = 14 * 86_400_000;
