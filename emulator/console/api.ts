/** The JSON lab API, mounted at /api. docs/lab-api.md describes every route. */
import express, { type Router } from 'express';
import type { Lab } from '../lab';
import { createClockApi } from './clockApi';
import { createDdnsApi } from './ddnsApi';
import { createEventsApi } from './eventsApi';
import { createFaultsApi } from './faultsApi';
import { createNetworkApi } from './networkApi';
import { apiErrorHandler, apiRouteNotFound, methodNotAllowed } from './errors';
import { createIdentityApi, IDENTITY_API_ROUTES } from './identityApi';
import { createMailApi } from './mailApi';
import { createRouterClockApi } from './routerClockApi';
import { createRoutersApi } from './routersApi';
import { createSnapshotApi, SNAPSHOT_API_ROUTES } from './snapshotApi';
import { createTimelineApi } from './timelineApi';
import { rejectQueryParameters } from './validate';
import { createWalkthroughApi, WALKTHROUGH_API_ROUTES } from './walkthrough/api';

/** Route list that GET /api returns, so a client can find its way without the docs. */
export const API_ROUTES = [
  'GET /api',
  'GET /api/routers',
  'GET /api/routers/{id}',
  'POST /api/routers/{id}/ports/{port}/link',
  'GET /api/routers/{id}/sensors',
  'POST /api/routers/{id}/sensors',
  'POST /api/routers/{id}/reset-button',
  'GET /api/routers/{id}/syslog',
  'GET /api/routers/{id}/syslog.txt',
  'GET /api/routers/{id}/clock',
  'POST /api/routers/{id}/clock-offset',
  'DELETE /api/routers/{id}/clock-offset',
  'GET /api/clock',
  'POST /api/clock/advance',
  'POST /api/clock/mode',
  'GET /api/lab',
  ...SNAPSHOT_API_ROUTES,
  'GET /api/dns',
  'POST /api/dns/records',
  'DELETE /api/dns/records/{name}',
  'POST /api/dns/failure',
  'GET /api/routers/{id}/wan/{wan}/line',
  'POST /api/routers/{id}/wan/{wan}/line',
  'POST /api/routers/{id}/wan/{wan}/reconnect',
  'POST /api/routers/{id}/wan/{wan}/renumber',
  'GET /api/network/probe',
  'GET /api/network/ping',
  'GET /api/ddns',
  'GET /api/ddns/{provider}',
  'GET /api/ddns/{provider}/faults',
  'POST /api/ddns/{provider}/faults',
  'GET /api/ddns/{provider}/accounts',
  'POST /api/ddns/{provider}/accounts',
  'GET /api/ddns/{provider}/accounts/{username}',
  'POST /api/ddns/{provider}/accounts/{username}',
  'POST /api/ddns/{provider}/accounts/{username}/faults',
  'GET /api/ddns/{provider}/hostnames',
  'POST /api/ddns/{provider}/hostnames',
  'POST /api/ddns/{provider}/hostnames/{hostname}/block',
  'GET /api/ddns/{provider}/history',
  'GET /api/mail/mailboxes',
  'GET /api/mail/mailboxes/{address}/messages',
  'GET /api/mail/mailboxes/{address}/messages/{id}',
  'GET /api/mail/mailboxes/{address}/messages/{id}/raw',
  'GET /api/mail/mailboxes/{address}/wait',
  'POST /api/mail/transcripts',
  'GET /api/mail/servers',
  'POST /api/mail/servers',
  'GET /api/events',
  'GET /api/timeline',
  'GET /api/timeline/{seq}',
  'GET /api/faults',
  'GET /api/routers/{id}/fault-parameters',
  ...WALKTHROUGH_API_ROUTES,
  ...IDENTITY_API_ROUTES,
];

export function createApiRouter(lab: Lab): Router {
  const api = express.Router();

  api
    .route('/')
    .get(rejectQueryParameters, (_req, res) => {
      res.json({ routes: API_ROUTES, docs: 'docs/lab-api.md' });
    })
    .all(methodNotAllowed(['GET']));

  api.use(createRoutersApi(lab));
  api.use(createRouterClockApi(lab));
  api.use(createClockApi(lab));
  api.use(createNetworkApi(lab));
  api.use(createMailApi(lab));
  api.use(createDdnsApi(lab));
  api.use(createIdentityApi(lab));
  api.use(createEventsApi(lab));
  api.use(createTimelineApi(lab));
  api.use(createFaultsApi(lab));
  api.use(createWalkthroughApi(lab));
  api.use(createSnapshotApi(lab));
  api.use(apiRouteNotFound);
  api.use(apiErrorHandler(lab.logger));
  return api;
}
