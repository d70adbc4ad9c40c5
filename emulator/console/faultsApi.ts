/**
 * GET /api/faults: the fault catalogue, with the lab API requests that switch each fault.
 * GET /api/routers/{id}/fault-parameters: the catalogue's parameter values for one router.
 */
import express, { type Router } from 'express';
import type { Lab } from '../lab';
import { methodNotAllowed } from './errors';
import { faultParameterValues } from './faultParameters';
import { FAULTS } from './faults';
import { rejectQueryParameters } from './validate';
import { findRouter } from './views';

export function createFaultsApi(lab: Lab): Router {
  const api = express.Router();

  api
    .route('/faults')
    .get(rejectQueryParameters, (_req, res) => {
      res.json({ faults: FAULTS });
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/routers/:id/fault-parameters')
    .get(rejectQueryParameters, (req, res) => {
      const router = findRouter(lab, req.params.id);
      res.json({ router: router.id, parameters: faultParameterValues(lab, router) });
    })
    .all(methodNotAllowed(['GET']));

  return api;
}
