/**
 * The lab console: the console page at /, its script and style sheet, and the JSON lab API at /api.
 * It listens on loopback and has no login, so it serves only requests addressed to a loopback host
 * name.
 */
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Lab } from '../lab';
import { createApiRouter } from './api';
import { renderDdnsPage } from './ddnsPage';
import { renderFaultsPage } from './faultsPage';
import { ApiError, apiErrorHandler } from './errors';
import { pacFile } from '../network/pac';
import { renderIdentityPage } from './identityPage';
import { renderLabPage } from './labPage';
import { renderConsolePage } from './page';
import { renderTimelineEventPage, renderTimelinePage, renderSequenceSvg, timelineFilter } from './timelinePage';
import { renderTranscriptPage } from './transcriptPage';
import { queryStrings } from './validate';
import { providerQuery } from './walkthrough/api';
import { renderRouterWalkthroughPage, renderTrainerPage } from './walkthrough/pages';
import { findRouter } from './views';

/** console.js and console.css; `npm run build` compiles or copies them next to this file in dist/. */
const ASSETS_DIR = path.join(__dirname, 'assets');

export function createConsoleApp(lab: Lab): express.Express {
  const app = express();

  app.use(securityHeaders());
  app.use(requireLoopbackHost(lab.options.host));
  app.use(rejectWhileReloading(lab));

  app.get('/', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.type('html').send(renderConsolePage(lab));
  });
  app.get('/ddns', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.type('html').send(renderDdnsPage(lab));
  });
  app.get('/identity', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.type('html').send(renderIdentityPage(lab));
  });
  app.get('/lab', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.type('html').send(renderLabPage(lab));
  });
  app.get('/faults', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.type('html').send(renderFaultsPage(lab));
  });
  app.get('/timeline', (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.type('html').send(renderTimelinePage(lab, timelineFilter(lab, queryStrings(req, ['router', 'protocol']))));
  });
  app.get('/timeline/sequence.svg', (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.type('image/svg+xml').send(renderSequenceSvg(lab, timelineFilter(lab, queryStrings(req, ['router'])).router));
  });
  app.get('/timeline/:seq', (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.type('html').send(renderTimelineEventPage(lab, req.params.seq));
  });
  // The routers are listed on the console page, which links to each one's walkthrough.
  app.get('/routers', (_req, res) => {
    res.redirect(302, '/#routers');
  });
  app.get('/routers/:id/walkthrough', (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.type('html').send(renderRouterWalkthroughPage(lab, findRouter(lab, req.params.id), providerQuery(req)));
  });
  app.get('/trainer', (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.type('html').send(renderTrainerPage(lab, providerQuery(req)));
  });
  app.get('/mail/transcript', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.type('html').send(renderTranscriptPage(lab));
  });
  app.use(express.static(ASSETS_DIR, { index: false, redirect: false }));
  // The console has no icon; 204 keeps browsers from logging a 404 on every page load.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });

  // Proxy auto-config for browsers: ?from=internet or ?from=<router id> picks the place to browse as.
  app.get('/proxy.pac', (req, res) => {
    // queryStrings rejects a repeated `from`, which would otherwise fall back to the Internet host's PAC.
    const key = queryStrings(req, ['from']).from ?? 'internet';
    const proxy = lab.proxies.get(key);
    if (!proxy) throw new ApiError(404, 'NOT_FOUND', `No lab proxy for "${key}"; use from=internet or a router id (${lab.routers.map((router) => router.id).join(', ')}).`, 'from');
    const port = lab.ready().proxies[key]!.port;
    res.set('Cache-Control', 'no-store');
    res.type('application/x-ns-proxy-autoconfig').send(pacFile(lab.options.host, port, lab.network.describe(proxy.place)));
  });
  app.get('/lab-ca.crt', (_req, res) => {
    res.attachment('vigor-sim-lab-ca.crt').type('application/x-pem-file').send(lab.ca.caPem());
  });

  app.use(
    '/api',
    (_req, res, next) => {
      res.set('Cache-Control', 'no-store');
      next();
    },
    createApiRouter(lab),
  );

  app.use((req, res) => {
    res.status(404).type('text/plain').send(`Not found: ${req.path}. The lab console is at / and the lab API at /api.\n`);
  });
  app.use(apiErrorHandler(lab.logger));
  return app;
}

/**
 * Helmet with a Content Security Policy that allows scripts and styles from the console itself
 * only. HSTS and upgrade-insecure-requests stay off because the console is plain HTTP on loopback,
 * where an upgrade to HTTPS would break every request the page makes.
 */
function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'font-src': ["'self'"],
        'upgrade-insecure-requests': null,
      },
    },
    strictTransportSecurity: false,
  });
}

/** Retry-After value, in seconds, of the 503 replies sent while the lab restores a snapshot or resets. */
const RELOAD_RETRY_AFTER_SECONDS = 2;

/**
 * Replies 503 while the lab reloads its services and routers, because the objects the routes read
 * are being replaced. The style sheet and scripts are still served.
 */
function rejectWhileReloading(lab: Lab): RequestHandler {
  return (req, res, next) => {
    if (!lab.reloading || /^\/[\w-]+\.(js|css)$/.test(req.path)) {
      next();
      return;
    }
    res.set('Retry-After', String(RELOAD_RETRY_AFTER_SECONDS));
    throw new ApiError(503, 'SERVICE_UNAVAILABLE', `The lab is restoring a snapshot or resetting to factory; try again in ${RELOAD_RETRY_AFTER_SECONDS} s.`);
  };
}

/**
 * Rejects requests whose Host header is not a loopback name. A web page that points its own domain
 * at 127.0.0.1 (DNS rebinding) could otherwise use the lab API from the browser as same-origin.
 */
function requireLoopbackHost(labHost: string): RequestHandler {
  const allowed = new Set(['localhost', '127.0.0.1', '[::1]', labHost.includes(':') ? `[${labHost}]` : labHost]);
  return (req, _res, next) => {
    const hostname = req.hostname?.toLowerCase();
    if (hostname && allowed.has(hostname)) {
      next();
      return;
    }
    throw new ApiError(403, 'HOST_NOT_ALLOWED', `The lab console serves only requests to ${[...allowed].join(', ')}; this request was for "${hostname ?? ''}".`, 'Host');
  };
}
