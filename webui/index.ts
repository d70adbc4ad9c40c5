/**
 * The router's admin web UI: login, sessions with the Vigor idle auto-logout, CSRF protection on
 * every form, security headers, and one route per menu page. It sees the router only through the
 * firmware.
 */
import type { RequestListener } from 'node:http';
import path from 'node:path';
import ejs from 'ejs';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { CALLBACK_PATH, connectionOf, effectivePorts, type Firmware } from '../firmware';
import { mailOAuthCallback } from './pages/mailOAuthCallback';
import { CSRF_FIELD, requireCsrf } from './csrf';
import { FormError } from './form';
import { MENU, menuGroups, menuPages, type MenuPage } from './menu';
import { menuRenderer } from './menuHtml';
import { PAGES, type PageContext } from './pages';
import { loginRoutes } from './pages/login';
import { SessionStore, sessionCookieName, type Session } from './sessions';
import { formatDuration, formatLabTime } from './format';

export interface WebUi {
  handler: RequestListener;
  sessions: SessionStore;
}

export function createWebUi(firmware: Firmware, options: { logger: Logger }): WebUi {
  const logger = options.logger.child({ module: 'webui' });
  const sessions = new SessionStore(
    () => firmware.hardware.clock.now(),
    () => firmware.management.sessionIdleMs(),
    () => sessionCookieName(firmware.hardware.board.serialNumber),
  );
  // A reboot ends every web session, as on the real router.
  firmware.on('booted', () => sessions.clear());
  const context: PageContext = { firmware, sessions, logger };

  const app = express();
  app.disable('x-powered-by');
  const viewsDirectory = path.join(__dirname, 'views');
  app.set('views', viewsDirectory);
  app.set('view engine', 'ejs');
  // Templates include partials by absolute paths under `root`, because EJS checks a relative
  // include with existsSync at every render (7% of a Dashboard request's CPU time).
  app.engine('ejs', (file: string, data: object, callback: (error: Error | null, html?: string) => void) => {
    ejs.renderFile(file, data as ejs.Data, { root: viewsDirectory, cache: app.enabled('view cache') }, callback);
  });
  // Express caches compiled views only when NODE_ENV is production. Without the cache, every page
  // compiled its EJS templates again, which took about half of a Dashboard request's CPU time.
  app.set('view cache', true);
  app.locals.menuHtml = menuRenderer(viewsDirectory);
  app.set('trust proxy', false);
  // Pages are sent with Cache-Control: no-store (below), so a browser never revalidates them and an
  // ETag is of no use. Express hashed every page for one, 3% of a Dashboard request's CPU time.
  // express.static sets its own ETags, so this leaves /static as it is.
  app.set('etag', false);

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      // NOTE: HSTS is off while the UI is served over plain HTTP on the LAN only.
      strictTransportSecurity: false,
    }),
  );
  app.use('/static', express.static(path.join(__dirname, 'static'), { maxAge: '1h' }));
  // The router has no icon; 204 keeps browsers from logging a 404 on every page load.
  app.get('/favicon.ico', (_request, response) => {
    response.status(204).end();
  });
  // Pages show settings and state of this moment, and Back after Logout must not show a
  // logged-in page from the browser cache.
  app.use((_request, response, next) => {
    response.set('Cache-Control', 'no-store');
    next();
  });
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));

  app.use((request, response, next) => {
    if (firmware.state !== 'running') {
      response.status(503).set('retry-after', '5').render('restarting', { title: 'Restarting' });
      return;
    }
    const { session, expired } = sessions.lookup(request);
    response.locals.session = session;
    response.locals.sessionExpired = expired;
    response.locals.sourceAddress = connectionOf(request.socket)?.sourceAddress ?? request.socket.remoteAddress ?? 'unknown';
    response.locals.info = firmware.info();
    response.locals.labTime = formatLabTime(firmware.hardware.clock.now());
    response.locals.formatDuration = formatDuration;
    response.locals.formatLabTime = formatLabTime;
    response.locals.csrfField = CSRF_FIELD;
    response.locals.csrfToken = session?.csrfToken ?? '';
    response.locals.menu = MENU;
    response.locals.currentPath = request.path;
    response.locals.fieldErrors = {};
    response.locals.flash = session?.flash;
    if (session) session.flash = undefined;
    next();
  });

  app.use((request, response, next) => wanGate(firmware, request, response, next));
  app.use(loginRoutes(context));
  app.get(CALLBACK_PATH, (request, response) => mailOAuthCallback(firmware, sessions, request, response));

  app.use((request, response, next) => {
    const session = response.locals.session as Session | undefined;
    if (session?.user) return next();
    if (request.method === 'GET') {
      response.redirect(response.locals.sessionExpired ? '/login?expired=1' : '/login');
      return;
    }
    response.status(401).render('error', { title: 'Not logged in', message: 'Your session has ended. Log in again and repeat the change.' });
  });

  app.get('/', (_request, response) => response.redirect('/dashboard'));
  for (const group of menuGroups()) app.get(group.url, (_request, response) => response.redirect(group.firstPage));
  for (const page of menuPages()) registerPage(app, page, context);

  app.use((request, response) => {
    response.status(404).render('error', { title: 'Page not found', message: `There is no page at ${request.path}. Choose a page from the menu.` });
  });
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    if (error instanceof FormError) {
      response.status(400).render('error', { title: 'Invalid form', message: error.message });
      return;
    }
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500) {
      response.status(status).render('error', { title: 'Request rejected', message: (error as Error).message });
      return;
    }
    logger.error({ err: error, path: request.path }, 'Web UI request failed');
    response.status(500).render('error', { title: 'Internal error', message: 'The router could not complete the request. The lab log has the details.' });
  });

  return { handler: app as unknown as RequestListener, sessions };
}

function registerPage(app: express.Express, page: MenuPage, context: PageContext): void {
  const view = page.view ? PAGES[page.view] : undefined;
  if (!view) {
    app.get(page.url, (_request, response) => response.render('notEmulated', { title: page.title, page }));
    return;
  }
  app.get(page.url, (request, response) => view.get(request, response, { ...context, page }));
  if (view.post) {
    const post = view.post;
    const middleware = view.upload ? [view.upload] : [];
    app.post(page.url, ...middleware, requireCsrf, (request, response) => post(request, response, { ...context, page }));
  }
  for (const [suffix, handler] of Object.entries(view.extra ?? {})) {
    app.get(`${page.url}/${suffix}`, (request, response) => handler(request, response, { ...context, page }));
  }
}

/**
 * Rules for requests that came in on a WAN: "Domain name allowed" restricts the host name the
 * browser used, and "Enforce HTTPS Access" redirects plain HTTP to the HTTPS port.
 */
function wanGate(firmware: Firmware, request: Request, response: Response, next: NextFunction): void {
  const connection = connectionOf(request.socket);
  if (!connection?.interface.startsWith('WAN')) return next();

  const config = firmware.management.config();
  const allowedName = config.internet.domainNameAllowed.toLowerCase();
  if (allowedName !== '' && request.hostname.toLowerCase() !== allowedName) {
    response.status(403).render('error', { title: 'Request rejected', message: `Management from the Internet is allowed only through https://${allowedName}/ on this router.` });
    return;
  }
  if (!request.secure && config.internet.services.enforceHttps) {
    const port = effectivePorts(config).https;
    response.redirect(301, `https://${request.hostname}${port === 443 ? '' : `:${port}`}${request.originalUrl}`);
    return;
  }
  next();
}
