/** GET /api/faults: the fault catalogue, with the lab API requests that switch each fault. */
import express, { type Router } from 'express';
import type { Lab } from '../lab';
import { methodNotAllowed } from './errors';
import { FAULTS } from './faults';
import { rejectQueryParameters } from './validate';

export function createFaultsApi(_lab: Lab): Router {
  const api = express.Router();

  api
    .route('/faults')
    .get(rejectQueryParameters, (_req, res) => {
      res.json({ faults: FAULTS });
    })
    .all(methodNotAllowed(['GET']));

  return api;
}
