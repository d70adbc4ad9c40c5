/** Options of a lab and their defaults and checks. */
import path from 'node:path';
import type { Logger } from 'pino';
import type { ClockMode } from '../hal';
import { DEFAULT_PORT_BASE, highestPort } from './portPlan';

export const MAX_ROUTERS = 200;

export interface LabOptions {
  /** Number of routers, 1 to MAX_ROUTERS. */
  routers?: number;
  /** Data directory; null runs an ephemeral lab that keeps nothing. */
  dataDir?: string | null;
  portBase?: number;
  /** Address every listener binds to; the lab only serves loopback. */
  host?: string;
  clockMode?: ClockMode;
  /** Lab time at start, ms since the epoch; defaults to the host's time. */
  clockStart?: number;
  /** Send the routers' outbound traffic to the host's real network instead of the emulated Internet. */
  realUplink?: boolean;
  logger?: Logger;
}

export type NormalisedOptions = Required<Omit<LabOptions, 'logger' | 'clockStart'>> & { clockStart?: number };

export function normaliseOptions(options: LabOptions): NormalisedOptions {
  const routers = options.routers ?? 1;
  if (!Number.isInteger(routers) || routers < 1 || routers > MAX_ROUTERS) {
    throw new RangeError(`--routers must be a whole number from 1 to ${MAX_ROUTERS}, got ${String(options.routers)}`);
  }
  const portBase = options.portBase ?? DEFAULT_PORT_BASE;
  if (!Number.isInteger(portBase) || portBase < 1024 || highestPort(portBase, routers) > 65535) {
    throw new RangeError(`--port-base must be a whole number from 1024 to ${65535 - highestPort(0, routers)} for ${routers} router(s), got ${String(options.portBase)}`);
  }
  let dataDir: string | null = path.resolve('lab-data');
  if (options.dataDir === null) dataDir = null;
  else if (options.dataDir !== undefined) dataDir = path.resolve(options.dataDir);
  return { routers, portBase, dataDir, host: options.host ?? '127.0.0.1', clockMode: options.clockMode ?? 'real', clockStart: options.clockStart, realUplink: options.realUplink ?? false };
}
