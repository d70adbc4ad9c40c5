/**
 * Lab API routes of the guided walkthrough: one router's checklist, and every router's for the
 * trainer view. docs/lab-api.md describes them.
 */
import express, { type Request, type Router } from 'express';
import type { Lab } from '../../lab';
import { methodNotAllowed } from '../errors';
import { optionalOneOf, queryStrings } from '../validate';
import { findRouter } from '../views';
import { evaluateWalkthrough } from './evaluate';
import { WALKTHROUGH_PROVIDERS, type WalkthroughProvider } from './steps';

export const WALKTHROUGH_API_ROUTES = ['GET /api/routers/{id}/walkthrough', 'GET /api/walkthrough'];

/** Reads `?provider=microsoft|google`; Microsoft when it is left out. */
export function providerQuery(req: Request): WalkthroughProvider {
  return optionalOneOf(queryStrings(req, ['provider']).provider, 'provider', WALKTHROUGH_PROVIDERS) ?? 'microsoft';
}

export function createWalkthroughApi(lab: Lab): Router {
  const api = express.Router();

  api
    .route('/routers/:id/walkthrough')
    .get((req, res) => {
      const router = findRouter(lab, req.params.id);
      res.json(evaluateWalkthrough(lab, router, providerQuery(req)));
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/walkthrough')
    .get((req, res) => {
      const provider = providerQuery(req);
      res.json({ provider, routers: lab.routers.map((router) => evaluateWalkthrough(lab, router, provider)) });
    })
    .all(methodNotAllowed(['GET']));

  return api;
}
