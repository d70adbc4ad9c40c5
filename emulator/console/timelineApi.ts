/** Lab API routes of the event timeline: filtered lists and one event's details. */
import express, { type Router } from 'express';
import type { Lab } from '../lab';
import { TIMELINE_CAPACITY, TIMELINE_PROTOCOLS } from '../timeline';
import { ApiError, methodNotAllowed } from './errors';
import { optionalOneOf, optionalWholeNumber, queryStrings, rejectQueryParameters } from './validate';

export function createTimelineApi(lab: Lab): Router {
  const api = express.Router();

  api
    .route('/timeline')
    .get((req, res) => {
      const query = queryStrings(req, ['router', 'protocol', 'after', 'limit']);
      if (query.router !== undefined && !lab.router(query.router)) {
        throw new ApiError(400, 'INVALID_REQUEST', `No router is named "${query.router}"; valid routers are ${lab.routers.map((router) => router.id).join(', ')}.`, 'router');
      }
      const events = lab.timeline.query({
        router: query.router,
        protocol: optionalOneOf(query.protocol, 'protocol', TIMELINE_PROTOCOLS),
        after: optionalWholeNumber(query.after, 'after', 0, Number.MAX_SAFE_INTEGER),
        limit: optionalWholeNumber(query.limit, 'limit', 1, TIMELINE_CAPACITY) ?? 200,
      });
      res.json({ events });
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/timeline/:seq')
    .get(rejectQueryParameters, (req, res) => {
      const seq = Number(req.params.seq);
      const event = Number.isInteger(seq) ? lab.timeline.get(seq) : undefined;
      if (!event) throw new ApiError(404, 'NOT_FOUND', `The timeline has no event ${req.params.seq}; it keeps the newest ${TIMELINE_CAPACITY}.`, 'seq');
      res.json(event);
    })
    .all(methodNotAllowed(['GET']));

  return api;
}
