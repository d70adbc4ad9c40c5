/** Lab API routes of the routers: state, port links (cables), board sensors, the reset button and syslog. */
import express, { type Router } from 'express';
import { CATEGORIES, SEVERITIES, SYSLOG_CAPACITY, type Firmware } from '../../firmware';
import { PORT_NAMES, Ports, type AddressEvent, type PortName, type PortState, type SensorReadings } from '../../hal';
import type { Lab } from '../lab';
import type { RouterDevice } from '../router';
import { ApiError, invalidField, methodNotAllowed } from './errors';
import { bodyObject, optionalOneOf, optionalWholeNumber, parseJsonBody, queryStrings, rejectQueryParameters, requireBoolean, requireJsonContentType, requireNumberInRange } from './validate';
import { findRouter, routerView, syslogEntryView } from './views';

/** Host time a link-up request waits for the WAN to get its address before it replies anyway. */
export const ADDRESS_WAIT_MS = 1000;

/** Maximum reset-button press the API accepts, in seconds. */
export const MAX_HOLD_SECONDS = 60;

/** Host time a reset-button request waits for the firmware to boot again before it replies 504. */
export const BOOT_WAIT_MS = 10_000;

export interface ResetButtonResult {
  action: 'factoryReset' | 'restart';
  router: string;
}

export function createRoutersApi(lab: Lab): Router {
  const api = express.Router();
  // Ids of the routers whose reset button a request has pressed and is waiting on.
  const pressing = new Set<string>();

  api
    .route('/routers')
    .get(rejectQueryParameters, (_req, res) => {
      res.json({ routers: lab.routers.map(routerView) });
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/routers/:id')
    .get(rejectQueryParameters, (req, res) => {
      res.json(routerView(findRouter(lab, req.params.id)));
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/routers/:id/ports/:port/link')
    .post(rejectQueryParameters, requireJsonContentType, parseJsonBody, async (req, res) => {
      const router = findRouter(lab, req.params.id);
      const port = findPort(req.params.port);
      const up = requireBoolean(bodyObject(req, ['up'], '{"up": false}'), 'up');
      res.json(await setLink(lab, router, port, up));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/routers/:id/sensors')
    .get(rejectQueryParameters, (req, res) => {
      res.json(findRouter(lab, req.params.id).hardware.sensors.read());
    })
    .post(rejectQueryParameters, requireJsonContentType, parseJsonBody, (req, res) => {
      const router = findRouter(lab, req.params.id);
      const changes = sensorChanges(bodyObject(req, Object.keys(SENSOR_RANGES), '{"temperatureC": 85}'));
      const readings = router.hardware.sensors.set(changes);
      lab.logger.info({ router: router.id, ...changes }, 'Lab API set board sensors');
      res.json(readings);
    })
    .all(methodNotAllowed(['GET', 'POST']));

  api
    .route('/routers/:id/reset-button')
    .post(rejectQueryParameters, requireJsonContentType, parseJsonBody, async (req, res) => {
      const router = findRouter(lab, req.params.id);
      const holdSeconds = requireNumberInRange(bodyObject(req, ['holdSeconds'], '{"holdSeconds": 1}'), 'holdSeconds', 0, MAX_HOLD_SECONDS, 'seconds');
      if (pressing.has(router.id)) {
        throw new ApiError(409, 'CONFLICT', `Another request pressed the reset button of ${router.id} and is waiting for it to boot; send this one again when that one has replied.`);
      }
      if (router.firmware.state !== 'running') {
        throw new ApiError(409, 'CONFLICT', `The firmware of ${router.id} is ${router.firmware.state}, so it cannot act on the reset button; send the request again once GET /api/routers/${router.id} shows "firmwareState": "running".`);
      }
      pressing.add(router.id);
      try {
        res.status(202).json(await pressResetButton(lab, router, holdSeconds));
      } finally {
        pressing.delete(router.id);
      }
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/routers/:id/syslog')
    .get((req, res) => {
      const router = findRouter(lab, req.params.id);
      const query = queryStrings(req, ['after', 'limit', 'category', 'severity']);
      const entries = router.firmware.syslog.query({
        after: optionalWholeNumber(query.after, 'after', 0, Number.MAX_SAFE_INTEGER),
        limit: optionalWholeNumber(query.limit, 'limit', 1, SYSLOG_CAPACITY),
        category: optionalOneOf(query.category, 'category', CATEGORIES),
        severity: optionalOneOf(query.severity, 'severity', SEVERITIES),
      });
      res.json({ router: router.id, entries: entries.map(syslogEntryView) });
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/routers/:id/syslog.txt')
    .get(rejectQueryParameters, (req, res) => {
      const router = findRouter(lab, req.params.id);
      const routerName = router.firmware.state === 'running' ? router.firmware.management.routerName() : router.id;
      res.attachment(`${router.id}-syslog.txt`);
      res.type('text/plain; charset=utf-8').send(router.firmware.syslog.exportText(routerName));
    })
    .all(methodNotAllowed(['GET']));

  return api;
}

/** Sensor ranges the lab API accepts, the same as the board's sensors (hal/sensors.ts) accept. */
export const SENSOR_RANGES: Record<keyof SensorReadings, { min: number; max: number; unit: string }> = {
  temperatureC: { min: -40, max: 125, unit: 'degrees Celsius' },
  cpuPercent: { min: 0, max: 100, unit: 'percent' },
  memoryPercent: { min: 0, max: 100, unit: 'percent' },
};

/** Validates a sensors body: at least one known sensor, each a number in its range. */
function sensorChanges(body: Record<string, unknown>): Partial<SensorReadings> {
  const changes: Partial<SensorReadings> = {};
  for (const [field, range] of Object.entries(SENSOR_RANGES) as [keyof SensorReadings, (typeof SENSOR_RANGES)[keyof SensorReadings]][]) {
    if (body[field] !== undefined) changes[field] = requireNumberInRange(body, field, range.min, range.max, range.unit);
  }
  if (Object.keys(changes).length === 0) {
    throw invalidField('body', `The request body sets no sensor; send one or more of ${Object.keys(SENSOR_RANGES).map((name) => `"${name}"`).join(', ')}, e.g. {"temperatureC": 85}.`);
  }
  return changes;
}

function findPort(name: string): PortName {
  if (Ports.isPortName(name)) return name;
  throw new ApiError(404, 'NOT_FOUND', `No port is named "${name}"; valid ports are ${PORT_NAMES.join(', ')}.`, 'port', [...PORT_NAMES]);
}

/**
 * Plugs or pulls the cable of a port. After plugging a WAN cable it waits up to ADDRESS_WAIT_MS for
 * the firmware to get an address from the lab ISP, so the reply usually shows it.
 */
async function setLink(lab: Lab, router: RouterDevice, port: PortName, up: boolean): Promise<PortState> {
  const { ports } = router.hardware;
  const wasUp = ports.isUp(port);
  const addressArrived = up && !wasUp && Ports.isWan(port) ? waitForAddress(ports, port, ADDRESS_WAIT_MS) : undefined;
  ports.setLink(port, up);
  if (wasUp !== up) lab.logger.info({ router: router.id, port, up }, `Lab API ${up ? 'plugged in' : 'pulled'} the ${port} cable`);
  await addressArrived;
  return ports.get(port);
}

/**
 * Presses the router's reset button for `holdSeconds` and waits up to BOOT_WAIT_MS of host time for
 * the firmware to boot again. A press of more than FACTORY_RESET_HOLD_SECONDS (hal/button.ts)
 * restores factory defaults before the restart.
 */
async function pressResetButton(lab: Lab, router: RouterDevice, holdSeconds: number): Promise<ResetButtonResult> {
  // Listen before pressing, so that no boot can finish unseen.
  const booted = waitForBoot(router.firmware, BOOT_WAIT_MS);
  const action = router.hardware.resetButton.press(holdSeconds);
  lab.logger.info({ router: router.id, holdSeconds, action }, `Lab API pressed the reset button of ${router.id} for ${holdSeconds} s`);

  if (!(await booted)) {
    lab.logger.warn({ router: router.id, action, firmwareState: router.firmware.state, timeoutMs: BOOT_WAIT_MS }, 'Timed out waiting for the router to boot again after a reset-button press');
    throw new ApiError(
      504,
      'GATEWAY_TIMEOUT',
      `Timed out after ${BOOT_WAIT_MS / 1000} s (host time) waiting for ${router.id} to boot again after its reset button was pressed (action "${action}"). Its firmware is now ${router.firmware.state}. GET /api/routers/${router.id} shows its state, and the lab log (stderr) has any error from the restart.`,
    );
  }
  return { action, router: router.id };
}

/** Resolves true when the firmware emits `booted`, or false after `timeoutMs` of host time. */
function waitForBoot(firmware: Firmware, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (booted: boolean) => {
      clearTimeout(timer);
      firmware.off('booted', onBooted);
      resolve(booted);
    };
    const onBooted = () => finish(true);
    const timer = setTimeout(() => finish(false), timeoutMs);
    timer.unref();
    firmware.on('booted', onBooted);
  });
}

/** Resolves when `port` gets an address or after `timeoutMs` of host time, whichever is first. */
function waitForAddress(ports: Ports, port: PortName, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      ports.off('address', onAddress);
      resolve();
    };
    const onAddress = (event: AddressEvent) => {
      if (event.port === port && event.address) done();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    ports.on('address', onAddress);
  });
}
