/** Lab API routes of the lab clock: read it, switch between real and paused time, jump forward. */
import express, { type Router } from 'express';
import type { ClockMode } from '../../hal';
import type { Lab } from '../lab';
import { ApiError, methodNotAllowed } from './errors';
import { bodyObject, parseJsonBody, rejectQueryParameters, requireJsonContentType, requireNumberInRange, requireOneOf } from './validate';

/** Maximum length of one advance in seconds: 10 years of 365 days. */
export const MAX_ADVANCE_SECONDS = 10 * 365 * 24 * 60 * 60;
export const CLOCK_MODES: readonly ClockMode[] = ['real', 'paused'];

export function createClockApi(lab: Lab): Router {
  const api = express.Router();
  let advancing = false;

  api
    .route('/clock')
    .get(rejectQueryParameters, (_req, res) => {
      res.json(lab.clock.state());
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/clock/advance')
    .post(rejectQueryParameters, requireJsonContentType, parseJsonBody, async (req, res) => {
      const seconds = requireNumberInRange(bodyObject(req, ['seconds'], '{"seconds": 3600}'), 'seconds', 0, MAX_ADVANCE_SECONDS, 'seconds');
      if (advancing) {
        throw new ApiError(409, 'CONFLICT', 'The lab clock is already advancing for another request; send this one again when that one has replied.');
      }
      advancing = true;
      try {
        lab.logger.info({ seconds }, 'Lab API advances the lab clock');
        res.json(await lab.clock.advance(Math.round(seconds * 1000)));
      } finally {
        advancing = false;
      }
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/clock/mode')
    .post(rejectQueryParameters, requireJsonContentType, parseJsonBody, (req, res) => {
      const mode = requireOneOf(bodyObject(req, ['mode'], '{"mode": "paused"}'), 'mode', CLOCK_MODES);
      if (mode !== lab.clock.getMode()) lab.logger.info({ mode }, 'Lab API sets the lab clock mode');
      lab.clock.setMode(mode);
      res.json(lab.clock.state());
    })
    .all(methodNotAllowed(['POST']));

  return api;
}
