/** Lab API routes of the routers: state, port links (cables) and syslog. */
import express, { type Router } from 'express';
import { CATEGORIES, SEVERITIES, SYSLOG_CAPACITY } from '../../firmware';
import { PORT_NAMES, Ports, type AddressEvent, type PortName, type PortState } from '../../hal';
import type { Lab } from '../lab';
import type { RouterDevice } from '../router';
import { ApiError, methodNotAllowed } from './errors';
import { bodyObject, optionalOneOf, optionalWholeNumber, queryStrings, requireBoolean, requireJsonContentType } from './validate';
import { findRouter, routerView, syslogEntryView } from './views';

/** Host time a link-up request waits for the WAN to get its address before it replies anyway. */
export const ADDRESS_WAIT_MS = 1000;

export function createRoutersApi(lab: Lab): Router {
  const api = express.Router();
  const json = express.json();

  api
    .route('/routers')
    .get((_req, res) => {
      res.json({ routers: lab.routers.map(routerView) });
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/routers/:id')
    .get((req, res) => {
      res.json(routerView(findRouter(lab, req.params.id)));
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/routers/:id/ports/:port/link')
    .post(requireJsonContentType, json, async (req, res) => {
      const router = findRouter(lab, req.params.id);
      const port = findPort(req.params.port);
      const up = requireBoolean(bodyObject(req, ['up'], '{"up": false}'), 'up');
      res.json(await setLink(lab, router, port, up));
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
    .get((req, res) => {
      const router = findRouter(lab, req.params.id);
      const routerName = router.firmware.state === 'running' ? router.firmware.management.routerName() : router.id;
      res.attachment(`${router.id}-syslog.txt`);
      res.type('text/plain; charset=utf-8').send(router.firmware.syslog.exportText(routerName));
    })
    .all(methodNotAllowed(['GET']));

  return api;
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
