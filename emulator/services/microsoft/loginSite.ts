/**
 * login.microsoftonline.com: the v2.0 authorize and token endpoints, discovery and keys, the
 * sign-in and consent pages, sign-out and the error lookup page that `error_uri` points to.
 */
import type { ErrorRequestHandler } from 'express';
import { html } from '../../console/html';
import { createSiteApp, noStore, queryField, renderPage } from '../identity/web';
import { AADSTS } from './aadsts';
import { authorizeHandler } from './authorize';
import { jwksHandler, openIdConfigurationHandler } from './discovery';
import type { EntraId } from './entra';
import { consentHandler, loginHandler } from './signIn';
import { tokenHandler } from './token';

export function createLoginSite(entra: EntraId): import('express').Express {
  const app = createSiteApp();

  app.get('/:tenant/oauth2/v2.0/authorize', authorizeHandler(entra));
  app.post('/:tenant/login', loginHandler(entra));
  app.post('/:tenant/Consent/Set', consentHandler(entra));

  // Single-page apps call the token endpoint cross-origin; Entra allows any origin there.
  app.options('/:tenant/oauth2/v2.0/token', (req, res) => {
    res.set({ 'Access-Control-Allow-Origin': req.get('origin') ?? '*', 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': req.get('access-control-request-headers') ?? 'content-type', 'Access-Control-Max-Age': '86400' });
    res.status(204).end();
  });
  app.post(
    '/:tenant/oauth2/v2.0/token',
    (req, res, next) => {
      if (req.get('origin')) res.set('Access-Control-Allow-Origin', req.get('origin')!);
      next();
    },
    tokenHandler(entra),
  );

  app.get('/:tenant/v2.0/.well-known/openid-configuration', openIdConfigurationHandler(entra));
  app.get('/:tenant/discovery/v2.0/keys', jwksHandler(entra));

  app.get('/:tenant/oauth2/v2.0/logout', (req, res) => {
    entra.signIn.signOut(req, res);
    noStore(res);
    res.type('html').send(renderPage('Sign out', html`<div class="brand">Microsoft</div><h1>You signed out of your account</h1><p>It’s a good idea to close all browser windows.</p>`));
  });

  app.get('/error', (req, res) => {
    const code = Number(queryField(req, 'code'));
    const entry = AADSTS.find((candidate) => candidate.code === code);
    const text = entry ? html`<h1>AADSTS${entry.code}</h1><p>${entry.message}</p>` : html`<h1>Error code not found</h1><p>The lab's AADSTS catalogue has no code "${String(queryField(req, 'code') ?? '')}".</p>`;
    res.status(entry ? 200 : 404).type('html').send(renderPage('Error code lookup', html`<div class="brand">Microsoft</div>${text}`));
  });

  app.use((req, res) => {
    res.status(404).type('html').send(renderPage('Not found', html`<div class="brand">Microsoft</div><h1>Not found</h1><p>The emulated login.microsoftonline.com has nothing at ${req.path}.</p>`));
  });
  app.use(siteErrorHandler(entra));
  return app;
}

/** Client errors from Express (a bad form encoding) keep their status; anything else is a lab bug, logged. */
function siteErrorHandler(entra: EntraId): ErrorRequestHandler {
  return (error: { status?: number; message?: string }, req, res, _next) => {
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) entra.logger.error({ err: error, method: req.method, path: req.path }, 'The sign-in site failed to handle a request');
    const message = status === 500 ? 'The emulated sign-in service failed; the lab log has the details.' : `The request is malformed: ${error.message ?? 'unreadable'}.`;
    res.status(status).type('html').send(renderPage('Error', html`<div class="brand">Microsoft</div><h1>Sign in</h1><p class="error">${message}</p>`));
  };
}
