/**
 * Login and logout. Login forms carry a CSRF token of a pre-login session; success starts a new
 * session. Brute force protection counts failures per source and service, a login from the WAN
 * needs "allow admin login from the Internet", and the validation code is checked when enabled.
 */
import { Router, type Request, type Response } from 'express';
import { connectionOf, type ManagementService } from '../../firmware';
import { csrfTokenMatches, CSRF_FIELD, requireCsrf } from '../csrf';
import { formString } from '../form';
import type { Session } from '../sessions';
import { newValidationCode, validationCodePicture } from '../validationCode';
import type { PageContext } from '.';

export function loginRoutes({ firmware, sessions }: PageContext): Router {
  const router = Router();

  const renderLogin = (response: Response, session: Session, message?: string): void => {
    const askCode = firmware.management.config().validationCode;
    session.validationCode = askCode ? newValidationCode() : undefined;
    response.render('login', { title: 'Login', csrfToken: session.csrfToken, message, validationPicture: session.validationCode ? validationCodePicture(session.validationCode) : undefined });
  };

  router.get('/login', (request, response) => {
    let session = response.locals.session as Session | undefined;
    if (session?.user) return response.redirect('/dashboard');
    session ??= sessions.create(response, request, response.locals.sourceAddress);
    renderLogin(response, session, request.query.expired === '1' ? 'Your session ended after a period without activity (auto-logout). Log in again.' : undefined);
  });

  router.post('/login', async (request, response) => {
    const session = response.locals.session as Session | undefined;
    if (!session || !csrfTokenMatches(session, (request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD])) {
      const fresh = session ?? sessions.create(response, request, response.locals.sourceAddress);
      response.status(403);
      return renderLogin(response, fresh, 'The login form was out of date or cookies are blocked. Make sure cookies are allowed for this router, then log in again.');
    }

    const username = formString(request.body, 'username', { maxLength: 64 });
    const password = formString(request.body, 'password', { maxLength: 64 });
    const source = response.locals.sourceAddress as string;
    const service = serviceOf(request);
    const fromWan = connectionOf(request.socket)?.interface.startsWith('WAN') ?? false;

    const attempt = firmware.management.bruteForce.attempt(source, service);
    if (!attempt.allowed) {
      response.status(403);
      if (attempt.reason === 'busy') return renderLogin(response, session, `Too many logins from ${source} are being checked at once; try again in a moment.`);
      return renderLogin(response, session, `Too many failed logins from ${source}: brute force protection blocks it until ${new Date(attempt.until).toISOString().replace('T', ' ').slice(0, 19)} UTC.`);
    }

    const expectedCode = session.validationCode;
    if (expectedCode !== undefined && formString(request.body, 'validationCode', { maxLength: 16 }).trim() !== expectedCode) {
      attempt.finish(false);
      firmware.syslog.warning('User', `Web UI login from ${source} failed: wrong validation code`);
      response.status(401);
      return renderLogin(response, session, 'Login failed: the validation code does not match the picture. Type the new code.');
    }

    if (!(await firmware.admin.checkLogin(username, password))) {
      attempt.finish(false);
      firmware.syslog.warning('User', `Web UI login failed for user "${username.slice(0, 32)}" from ${source}`);
      firmware.events.emit('admin.loginFailed', { username, source, service });
      response.status(401);
      return renderLogin(response, session, 'Login failed: wrong user name or password.');
    }
    if (fromWan && !firmware.admin.allowsInternetLogin()) {
      attempt.finish(true);
      firmware.syslog.warning('User', `${username} login from the Internet (${source}) refused: admin login from the Internet is disabled`);
      response.status(403);
      return renderLogin(response, session, 'Login from the Internet is disabled for this account (System Maintenance >> Administrator Password).');
    }

    attempt.finish(true);
    sessions.destroy(session, response);
    sessions.create(response, request, source, username);
    firmware.syslog.notice('User', `${username} logged in to the web UI from ${source}`);
    response.redirect(303, '/dashboard');
  });

  router.post('/logout', (request, response) => {
    const session = response.locals.session as Session | undefined;
    if (!session?.user) return response.redirect(303, '/login');
    requireCsrf(request, response, () => {
      firmware.syslog.info('User', `${session.user} logged out of the web UI`);
      sessions.destroy(session, response);
      response.redirect(303, '/login');
    });
  });

  return router;
}

function serviceOf(request: Request): ManagementService {
  return request.secure ? 'https' : 'http';
}
