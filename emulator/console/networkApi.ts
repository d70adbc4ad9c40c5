/**
 * Lab API routes of the emulated network: the ready information, the lab DNS, the ISP lines behind
 * each WAN (switches, reconnect, one-off renumbering), and a port probe that reports what a
 * connection from a place would meet.
 */
import { isIP } from 'node:net';
import express, { type Router } from 'express';
import { WAN_PORTS, type WanPortName } from '../../hal';
import type { Lab } from '../lab';
import type { Place } from '../network/network';
import { ApiError, invalidField, methodNotAllowed } from './errors';
import { bodyObject, describeValue, parseJsonBody, queryStrings, rejectQueryParameters, requireBoolean, requireJsonContentType } from './validate';
import { findRouter } from './views';

export type ProbeResult = 'open' | 'closed' | 'filtered' | 'unreachable' | 'unresolved';

const LINE_FIELDS = ['outage', 'cgnat', 'newAddressOnReconnect'] as const;

/** A host name as the lab DNS accepts it: dot-separated labels of letters, digits and inner dashes. */
const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export function createNetworkApi(lab: Lab): Router {
  const api = express.Router();

  api
    .route('/lab')
    .get(rejectQueryParameters, (_req, res) => {
      res.json(lab.ready());
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/dns')
    .get(rejectQueryParameters, (_req, res) => {
      res.json({ failing: lab.dns.isFailing(), records: lab.dns.list() });
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/dns/records')
    .post(rejectQueryParameters, requireJsonContentType, parseJsonBody, (req, res) => {
      const body = bodyObject(req, ['name', 'address'], '{"name": "test.example.net", "address": "192.0.2.41"}');
      const name = requireText(body, 'name');
      const address = requireText(body, 'address');
      // The lab DNS returns an IP literal as it is, so a record named like an address would never be used.
      if (!HOST_NAME.test(name) || isIP(name) !== 0) {
        throw invalidField('name', `"name" must be a host name of letters, digits, dots and dashes, such as test.example.net; got ${describeValue(name)}.`);
      }
      if (isIP(address) !== 4) throw invalidField('address', `"address" must be an IPv4 address such as 192.0.2.41; got ${describeValue(address)}.`);
      res.status(201).json(lab.dns.set(name, address, 'lab'));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/dns/records/:name')
    .delete(rejectQueryParameters, (req, res) => {
      if (!lab.dns.remove(req.params.name)) throw new ApiError(404, 'NOT_FOUND', `The lab DNS has no record for "${req.params.name}".`, 'name');
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  api
    .route('/dns/failure')
    .post(rejectQueryParameters, requireJsonContentType, parseJsonBody, (req, res) => {
      const failing = requireBoolean(bodyObject(req, ['failing'], '{"failing": true}'), 'failing');
      lab.dns.setFailing(failing);
      lab.logger.info({ failing }, 'Lab API sets the DNS failure');
      res.json({ failing });
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/routers/:id/wan/:wan/line')
    .get(rejectQueryParameters, (req, res) => {
      const router = findRouter(lab, req.params.id);
      res.json(lab.isp.lineStates(router.id).find((line) => line.line === `${router.id}/${findWan(req.params.wan)}`));
    })
    .post(rejectQueryParameters, requireJsonContentType, parseJsonBody, (req, res) => {
      const router = findRouter(lab, req.params.id);
      const wan = findWan(req.params.wan);
      const body = bodyObject(req, [...LINE_FIELDS], '{"outage": true}');
      const changes: Record<string, boolean> = {};
      for (const field of LINE_FIELDS) if (field in body) changes[field] = requireBoolean(body, field);
      if (Object.keys(changes).length === 0) {
        throw invalidField('body', `The request body must set at least one of ${LINE_FIELDS.map((field) => `"${field}"`).join(', ')}, e.g. {"outage": true}.`);
      }
      lab.setLine(router.id, wan, changes);
      res.json(lab.isp.lineStates(router.id).find((line) => line.line === `${router.id}/${wan}`));
    })
    .all(methodNotAllowed(['GET', 'POST']));

  for (const action of ['reconnect', 'renumber'] as const) {
    api
      .route(`/routers/:id/wan/:wan/${action}`)
      .post(rejectQueryParameters, async (req, res) => {
        const router = findRouter(lab, req.params.id);
        const wan = findWan(req.params.wan);
        const previous = router.hardware.ports.address(wan)?.ip ?? null;
        if (previous === null) throw new ApiError(409, 'CONFLICT', `${wan} of ${router.id} has no session to drop; plug its cable in or wait for it to connect.`);
        const renumber = action === 'renumber';
        lab.reconnectLine(router.id, wan, renumber);
        const note = renumber ? 'The router dials again after 5 s of lab time and gets a new address.' : 'The router dials again after 5 s of lab time.';
        res.status(202).json({ router: router.id, wan, previousAddress: previous, note });
      })
      .all(methodNotAllowed(['POST']));
  }

  api
    .route('/network/probe')
    .get((req, res) => {
      const query = queryStrings(req, ['from', 'host', 'port']);
      const from = query.from ?? 'internet';
      const place = placeFrom(lab, from);
      const host = query.host ?? '';
      if (host === '') throw invalidField('host', 'Query parameter "host" is missing; give a host name or IPv4 address, e.g. host=checkip.dyndns.org.');
      if (isIP(host) !== 4 && (!HOST_NAME.test(host) || isIP(host) !== 0)) {
        throw invalidField('host', `Query parameter "host" must be a host name or IPv4 address; got ${describeValue(host)}.`);
      }
      const port = /^\d{1,5}$/.test(query.port ?? '') ? Number(query.port) : Number.NaN;
      if (!(port >= 1 && port <= 65535)) throw invalidField('port', `Query parameter "port" must be a whole number from 1 to 65535; got ${describeValue(query.port)}.`);

      const route = lab.network.route(place, host, port);
      res.json(route.ok ? { from, host, port, result: 'open', service: route.service } : { from, host, port, result: probeResult(route.error.code), detail: route.error.message });
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/network/ping')
    .get((req, res) => {
      const query = queryStrings(req, ['from', 'host']);
      const place = placeFrom(lab, query.from ?? 'internet');
      if (!query.host) throw invalidField('host', 'Query parameter "host" is missing; give a host name or IPv4 address to ping.');
      res.json({ from: query.from ?? 'internet', host: query.host, ...lab.network.ping(place, query.host) });
    })
    .all(methodNotAllowed(['GET']));

  return api;
}

function probeResult(code: string): ProbeResult {
  switch (code) {
    case 'ECONNREFUSED':
      return 'closed';
    case 'ETIMEDOUT':
      return 'filtered';
    case 'ENOTFOUND':
    case 'ESERVFAIL':
      return 'unresolved';
    default:
      return 'unreachable';
  }
}

/** The place a proxy key stands for: `internet` or a router id for its LAN PC. */
export function placeFrom(lab: Lab, key: string): Place {
  const place = lab.place(key);
  if (!place) throw invalidField('from', `Query parameter "from" must be "internet" or a router id (${routerIdList(lab)}); got ${describeValue(key)}.`);
  return place;
}

function findWan(name: string): WanPortName {
  if ((WAN_PORTS as readonly string[]).includes(name)) return name as WanPortName;
  throw new ApiError(404, 'NOT_FOUND', `No WAN is named "${name}"; valid WANs are ${WAN_PORTS.join(', ')}.`, 'wan');
}

function requireText(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') throw invalidField(field, `"${field}" must be a non-empty string; got ${describeValue(value)}.`);
  return value.trim();
}

/** Lists the router ids for a message: all of them, or the first and last of a long list. */
function routerIdList(lab: Lab): string {
  const ids = lab.routers.map((router) => router.id);
  return ids.length <= 10 ? ids.join(', ') : `${ids[0]} to ${ids[ids.length - 1]}`;
}
