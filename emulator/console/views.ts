/**
 * JSON views of lab objects as the lab API returns them and the console page renders them. Times
 * are lab time in milliseconds since the Unix epoch unless a field name says otherwise.
 */
import { FIRMWARE_VERSION, type FirmwareState, type SyslogEntry } from '../../firmware';
import type { LedPanel, PortState, SensorReadings } from '../../hal';
import type { Lab } from '../lab';
import type { RouterDevice } from '../router';
import { routerIdentitySummary, type RouterIdentitySummary } from '../services/identity/classLab';
import { ApiError } from './errors';

export interface RouterView {
  id: string;
  /** URL of the router's web UI as the LAN PC reaches it. */
  lanUrl: string;
  /** Null until the hardware has read its board identity during the first boot. */
  model: string | null;
  serialNumber: string | null;
  firmwareState: FirmwareState;
  firmwareVersion: string;
  /** Router Name from System Maintenance >> Management; null while the firmware is not running. */
  routerName: string | null;
  /** Whole seconds since the firmware finished booting; 0 while it is not running. */
  uptimeSeconds: number;
  ports: PortState[];
  leds: LedPanel;
  /** Board temperature, CPU load and memory use, as the trainer last set them. */
  sensors: SensorReadings;
  /** The router's own Microsoft tenant and Google project in a class lab. */
  identity: RouterIdentitySummary;
}

export interface SyslogEntryView extends SyslogEntry {
  /** `time` as an ISO 8601 string in UTC. */
  iso: string;
}

export function routerView(router: RouterDevice): RouterView {
  const { firmware, hardware } = router;
  // The board identity is read during the first boot, so it is missing while a router powers on.
  const board = hardware.board as typeof hardware.board | undefined;
  return {
    id: router.id,
    lanUrl: router.lanUrl,
    model: board?.model ?? null,
    serialNumber: board?.serialNumber ?? null,
    firmwareState: firmware.state,
    firmwareVersion: FIRMWARE_VERSION,
    routerName: firmware.state === 'running' ? firmware.management.routerName() : null,
    uptimeSeconds: Math.floor(firmware.uptimeMs() / 1000),
    ports: hardware.ports.list(),
    leds: hardware.leds(),
    sensors: hardware.sensors.read(),
    identity: routerIdentitySummary(router.id),
  };
}

export function syslogEntryView(entry: SyslogEntry): SyslogEntryView {
  return { ...entry, iso: new Date(entry.time).toISOString() };
}

/** Finds a router by id or throws a 404 that lists the valid ids. */
export function findRouter(lab: Lab, id: string): RouterDevice {
  const router = lab.router(id);
  if (router) return router;
  const ids = lab.routers.map((candidate) => candidate.id);
  const listed = ids.length <= 10 ? ids.join(', ') : `${ids[0]} to ${ids[ids.length - 1]}`;
  throw new ApiError(404, 'NOT_FOUND', `No router has the id "${id}"; valid router ids are ${listed || 'none (the lab has not started any router yet)'}.`, 'id', ids);
}
