/** The Express apps of accounts.google.com (sign-in, consent) and oauth2.googleapis.com (tokens). */
import type { ErrorRequestHandler, Express } from 'express';
import { html } from '../../console/html';
import { createSiteApp, noStore, renderPage } from '../identity/web';
import { authorizeHandler } from './authorize';
import type { GoogleIdentity } from './googleIdentity';
import { consentHandler, signInHandler } from './signIn';
import { deviceCodeHandler, revokeHandler, tokenHandler, tokenInfoHandler } from './token';

const ISSUER = 'https://accounts.google.com';

export function createAccountsSite(google: GoogleIdentity): Express {
  const app = createSiteApp();
  // /o/oauth2/auth is the older path of the same endpoint, which many clients still use.
  app.get(['/o/oauth2/v2/auth', '/o/oauth2/auth'], authorizeHandler(google));
  app.post('/o/oauth2/v2/signin', signInHandler(google));
  app.post('/o/oauth2/v2/consent', consentHandler(google));
  app.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/o/oauth2/v2/auth`,
      device_authorization_endpoint: 'https://oauth2.googleapis.com/device/code',
      token_endpoint: 'https://oauth2.googleapis.com/token',
      // NOTE: www.googleapis.com is not a lab host yet, so the keys and user info are not reachable.
      userinfo_endpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
      revocation_endpoint: 'https://oauth2.googleapis.com/revoke',
      jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs',
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      code_challenge_methods_supported: ['plain', 'S256'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    });
  });
  app.get('/Logout', (req, res) => {
    google.signIn.signOut(req, res);
    noStore(res);
    res.type('html').send(renderPage('Signed out', html`<div class="brand">Google</div><h1>You’re signed out</h1>`));
  });
  finish(app, google, 'accounts.google.com');
  return app;
}

export function createOAuth2Site(google: GoogleIdentity): Express {
  const app = createSiteApp();
  app.post('/token', tokenHandler(google));
  app.post('/revoke', revokeHandler(google));
  app.all('/tokeninfo', tokenInfoHandler(google));
  app.post('/device/code', deviceCodeHandler(google));
  finish(app, google, 'oauth2.googleapis.com');
  return app;
}

function finish(app: Express, google: GoogleIdentity, host: string): void {
  app.use((req, res) => {
    res.status(404).type('html').send(renderPage('Error 404 (Not Found)', html`<h1>404. That’s an error.</h1><p>The requested URL ${req.path} was not found on the emulated ${host}.</p>`));
  });
  app.use(((error: { status?: number; message?: string }, req, res, _next) => {
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) google.logger.error({ err: error, method: req.method, path: req.path, host }, 'A Google site failed to handle a request');
    res.status(status).json({ error: status === 500 ? 'internal_failure' : 'invalid_request', error_description: status === 500 ? 'The emulated service failed; the lab log has the details.' : `The request is malformed: ${error.message ?? 'unreadable'}.` });
  }) as ErrorRequestHandler);
}
