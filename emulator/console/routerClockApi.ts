/**
 * Lab API routes of a router's own clock: read it, give it a wrong time from its next boot (the
 * "router clock wrong at boot" fault), and set it right again as an NTP synchronisation does.
 */
import express, { type Router } from 'express';
import type { BootTime, RouterClockState } from '../../hal';
import type { Lab } from '../lab';
import type { RouterDevice } from '../router';
import { ApiError, invalidField, methodNotAllowed } from './errors';
import { bodyObject, describeValue, parseJsonBody, rejectQueryParameters, requireJsonContentType, requireNumberInRange } from './validate';
import { findRouter } from './views';

/** Maximum clock offset the API accepts, in seconds: 30 years of 365 days either way. */
export const MAX_CLOCK_OFFSET_SECONDS = 30 * 365 * 24 * 60 * 60;

/** Host time a reboot request waits for the firmware to boot again before it replies 504. */
const BOOT_WAIT_MS = 10_000;

const EXAMPLE = '{"date": "2020-01-01T00:00:00Z", "reboot": true}';

export interface RouterClockView extends Omit<RouterClockState, 'atNextBoot'> {
  router: string;
  labIso: string;
  /** The wrong boot time as the request set it: an ISO date or an offset in seconds. */
  atNextBoot: { date: string } | { offsetSeconds: number } | null;
  rebooted?: boolean;
}

export function createRouterClockApi(lab: Lab): Router {
  const api = express.Router();

  api
    .route('/routers/:id/clock')
    .get(rejectQueryParameters, (req, res) => {
      res.json(routerClockView(findRouter(lab, req.params.id)));
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/routers/:id/clock-offset')
    .post(rejectQueryParameters, requireJsonContentType, parseJsonBody, async (req, res) => {
      const router = findRouter(lab, req.params.id);
      const body = bodyObject(req, ['date', 'offsetSeconds', 'reboot'], EXAMPLE);
      const bootTime = parseBootTime(body);
      const reboot = body.reboot === undefined ? false : requireReboot(body.reboot);

      router.hardware.clock.setBootTime(bootTime);
      lab.logger.info({ router: router.id, bootTime, reboot }, 'Lab API set a wrong router clock for the next boot');
      if (reboot) await rebootRouter(lab, router);
      res.json({ ...routerClockView(router), rebooted: reboot });
    })
    .delete(rejectQueryParameters, (req, res) => {
      const router = findRouter(lab, req.params.id);
      router.hardware.clock.synchronise();
      lab.logger.info({ router: router.id }, 'Lab API set the router clock to lab time');
      res.json(routerClockView(router));
    })
    .all(methodNotAllowed(['POST', 'DELETE']));

  return api;
}

export function routerClockView(router: RouterDevice): RouterClockView {
  const { atNextBoot, ...state } = router.hardware.clock.state();
  let bootView: RouterClockView['atNextBoot'] = null;
  if (atNextBoot && 'date' in atNextBoot) bootView = { date: new Date(atNextBoot.date).toISOString() };
  else if (atNextBoot) bootView = { offsetSeconds: atNextBoot.offsetMs / 1000 };
  return { router: router.id, ...state, labIso: new Date(state.labNow).toISOString(), atNextBoot: bootView };
}

/** Reads exactly one of `date` (an ISO 8601 date-time) and `offsetSeconds` from the body. */
function parseBootTime(body: Record<string, unknown>): BootTime {
  if ((body.date === undefined) === (body.offsetSeconds === undefined)) {
    throw invalidField('body', `Send exactly one of "date" and "offsetSeconds", e.g. ${EXAMPLE} or {"offsetSeconds": -86400}.`);
  }
  if (body.offsetSeconds !== undefined) {
    const seconds = requireNumberInRange(body, 'offsetSeconds', -MAX_CLOCK_OFFSET_SECONDS, MAX_CLOCK_OFFSET_SECONDS, 'seconds');
    return { offsetMs: Math.round(seconds * 1000) };
  }
  const date = typeof body.date === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(body.date) ? Date.parse(body.date) : Number.NaN;
  if (!Number.isFinite(date)) {
    throw invalidField('date', `"date" must be an ISO 8601 date or UTC date-time such as "2020-01-01" or "2020-01-01T00:00:00Z"; got ${describeValue(body.date)}.`);
  }
  return { date };
}

function requireReboot(value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidField('reboot', `"reboot" must be true or false (a JSON boolean); got ${describeValue(value)}.`);
  return value;
}

/** Restarts the router's firmware, as a power cycle does, so that the wrong clock applies now. */
async function rebootRouter(lab: Lab, router: RouterDevice): Promise<void> {
  if (router.firmware.state !== 'running') {
    throw new ApiError(409, 'CONFLICT', `The wrong clock is set for ${router.id}'s next boot, but its firmware is ${router.firmware.state}, so it cannot restart now; it applies when the router boots.`);
  }
  const restart = router.firmware.reboot('lab', 'power cycled by the lab');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), BOOT_WAIT_MS).unref());
  if ((await Promise.race([restart.then(() => 'booted' as const), timeout])) === 'timeout') {
    lab.logger.warn({ router: router.id, timeoutMs: BOOT_WAIT_MS }, 'Timed out waiting for the router to boot again after a clock fault');
    throw new ApiError(504, 'GATEWAY_TIMEOUT', `Timed out after ${BOOT_WAIT_MS / 1000} s (host time) waiting for ${router.id} to boot again. GET /api/routers/${router.id} shows its state.`);
  }
}
