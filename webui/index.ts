import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';
import type { Firmware } from '../firmware';

export function createWebUi(firmware: Firmware, options: { logger: Logger }): { handler: RequestListener } {
  void firmware; void options;
  return { handler: (_req, res) => res.end('web UI under construction') };
}
