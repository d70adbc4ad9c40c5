/**
 * entra.microsoft.com: the admin center where a Global Administrator registers apps, creates
 * client secrets, configures and grants API permissions, manages enterprise applications and
 * users, and switches SMTP AUTH. Pages are rendered on the server and work without JavaScript.
 */
import express, { type ErrorRequestHandler } from 'express';
import { html } from '../../../console/html';
import { csrfValid } from '../../identity/consoleForms';
import { createSiteApp, formField, noStore, renderPage } from '../../identity/web';
import type { EntraId } from '../entra';
import { registerAppRegistrationPages } from './appRegistrations';
import { registerEnterpriseAppPages } from './enterpriseApps';
import { registerExchangePage } from './exchange';
import { adminPage, type AdminView } from './layout';
import { registerPermissionPages } from './permissions';
import { registerSecretPages } from './secrets';
import { AdminSessions } from './session';
import { registerUserPages } from './users';

export function createAdminCenter(entra: EntraId): express.Express {
  const app = createSiteApp();
  const sessions = new AdminSessions(entra);
  app.use((_req, res, next) => {
    noStore(res);
    next();
  });

  app.get('/signin', (_req, res) => {
    res.type('html').send(signInPage());
  });
  app.post('/signin', async (req, res) => {
    const username = formField(req, 'username')?.trim() ?? '';
    const found = entra.tenants.findUserAnywhere(username);
    const passwordOk = found ? await entra.tenants.checkUserPassword(found.user, formField(req, 'password') ?? '') : false;
    if (!found || !passwordOk) {
      res.status(200).type('html').send(signInPage(username, "Your account or password is incorrect. If you don't remember your password, reset it now.", 50126));
      return;
    }
    if (!found.user.accountEnabled) {
      res.type('html').send(signInPage(username, 'Your account has been locked. Contact your support person to unlock it, then try again.', 50057));
      return;
    }
    if (!found.user.globalAdmin) {
      res.status(403).type('html').send(signInPage(username, `${found.user.userPrincipalName} is not a Global Administrator of ${found.tenant.displayName}, so it cannot use the admin center. Sign in with an administrator account.`));
      return;
    }
    sessions.create(res, found.tenant, found.user);
    entra.logger.info({ tenant: found.tenant.id, user: found.user.id }, 'Admin center sign-in');
    res.redirect(303, '/');
  });

  const admin = express.Router();
  admin.use((req, res, next) => {
    const found = sessions.lookup(req);
    if (!found) {
      res.redirect(303, '/signin');
      return;
    }
    res.locals.view = { session: found.session, tenant: found.tenant, admin: found.admin } satisfies AdminView;
    if (req.method === 'POST' && !csrfValid(found.session, req)) {
      res.status(403).type('html').send(renderPage('Request rejected', html`<h1>Request rejected</h1><p class="error">The form's security token is missing or out of date. Reload the page and try again.</p>`));
      return;
    }
    next();
  });
  admin.post('/signout', (req, res) => {
    sessions.destroy(req, res);
    res.redirect(303, '/signin');
  });
  admin.get('/', (_req, res) => {
    const view = res.locals.view as AdminView;
    const { tenant } = view;
    res.type('html').send(
      adminPage(
        view,
        'Overview',
        html`<table>
<tr><th>Name</th><td id="tenant-name">${tenant.displayName}</td></tr>
<tr><th>Tenant ID</th><td id="tenant-id">${tenant.id}</td></tr>
<tr><th>Primary domain</th><td>${tenant.domains[0]}</td></tr>
<tr><th>Users</th><td>${tenant.users.length}</td></tr>
<tr><th>Applications</th><td>${tenant.applications.length}</td></tr>
</table>`,
      ),
    );
  });
  registerUserPages(admin, entra);
  registerAppRegistrationPages(admin, entra);
  registerSecretPages(admin, entra);
  registerPermissionPages(admin, entra);
  registerEnterpriseAppPages(admin, entra);
  registerExchangePage(admin, entra);
  app.use(admin);

  app.use((req, res) => {
    res.status(404).type('html').send(renderPage('Not found', html`<h1>Not found</h1><p>The admin center has no page at ${req.path}. <a href="/">Overview</a></p>`));
  });
  app.use(adminErrorHandler(entra));
  return app;
}

function signInPage(username = '', error?: string, code?: number): string {
  const message = error ? html`<p class="error" id="error-message" ${code ? html`data-aadsts="${code}"` : ''}>${error}</p>` : '';
  return renderPage(
    'Sign in - Microsoft Entra admin center',
    html`<div class="brand">Microsoft Entra admin center</div>
<h1>Sign in</h1>
<p>Sign in with a Global Administrator of a lab tenant.</p>
${message}
<form method="post" action="/signin">
<label for="username">Email</label><input type="email" id="username" name="username" value="${username}" autocomplete="username" required>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

function adminErrorHandler(entra: EntraId): ErrorRequestHandler {
  return (error: { status?: number; message?: string }, req, res, _next) => {
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) entra.logger.error({ err: error, method: req.method, path: req.path }, 'The admin center failed to handle a request');
    const message = status === 500 ? 'The admin center failed; the lab log has the details.' : `The request is malformed: ${error.message ?? 'unreadable'}.`;
    res.status(status).type('html').send(renderPage('Error', html`<h1>Error</h1><p class="error">${message}</p>`));
  };
}
