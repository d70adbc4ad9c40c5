/** Login and logout. Login forms carry a CSRF token of a pre-login session; success starts a new session. */
import { Router } from 'express';
import { csrfTokenMatches, CSRF_FIELD, requireCsrf } from '../csrf';
import { formString } from '../form';
import type { Session } from '../sessions';
import type { PageContext } from '.';

export function loginRoutes({ firmware, sessions }: PageContext): Router {
  const router = Router();

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
    if (!(await firmware.admin.checkLogin(username, password))) {
      firmware.syslog.warning('User', `Web UI login failed for user "${username.slice(0, 32)}" from ${source}`);
      firmware.events.emit('admin.loginFailed', { username, source, service: 'http' });
      response.status(401);
      return renderLogin(response, session, 'Login failed: wrong user name or password.');
    }

    sessions.destroy(session, response);
    sessions.create(response, request, source, username);
    firmware.syslog.notice('User', `${username} logged in to the web UI from ${source}`);
    response.redirect(303, '/dashboard');
  });

  router.post('/logout', (request, response, next) => {
    const session = response.locals.session as Session | undefined;
    if (!session?.user) return response.redirect(303, '/login');
    requireCsrf(request, response, () => {
      firmware.syslog.info('User', `${session.user} logged out of the web UI`);
      sessions.destroy(session, response);
      response.redirect(303, '/login');
    });
    void next;
  });

  return router;
}

function renderLogin(response: import('express').Response, session: Session, message?: string): void {
  response.render('login', { title: 'Login', csrfToken: session.csrfToken, message });
}
