/**
 * console.cloud.google.com: sign in with a lab Google account, pick or create a project, then
 * manage its OAuth consent screen and OAuth clients. Pages are rendered on the server.
 */
import express, { type ErrorRequestHandler } from 'express';
import { html } from '../../../console/html';
import { csrfField, csrfValid, formAction, formatDate, notice, requiredField } from '../../identity/consoleForms';
import { createSiteApp, formField, noStore, renderPage } from '../../identity/web';
import type { GoogleIdentity } from '../googleIdentity';
import { registerConsentScreenPages } from './consentScreen';
import { registerCredentialPages } from './credentials';
import { consolePage } from './layout';
import { CloudConsoleSessions, ownedProjects, type CloudConsoleView } from './session';

export function createCloudConsole(google: GoogleIdentity): express.Express {
  const app = createSiteApp();
  const sessions = new CloudConsoleSessions(google);
  app.use((_req, res, next) => {
    noStore(res);
    next();
  });

  app.get('/signin', (_req, res) => {
    res.type('html').send(signInPage());
  });
  app.post('/signin', async (req, res) => {
    const email = formField(req, 'email')?.trim().toLowerCase() ?? '';
    const account = google.accounts.find(email);
    if (!account || !(await google.accounts.checkPassword(account, formField(req, 'password') ?? ''))) {
      res.type('html').send(signInPage(email, 'Wrong email or password. Try again.'));
      return;
    }
    if (!account.enabled) {
      res.type('html').send(signInPage(email, 'Your account has been disabled.'));
      return;
    }
    sessions.create(res, account);
    res.redirect(303, '/');
  });

  const signedIn = express.Router();
  signedIn.use((req, res, next) => {
    const view = sessions.lookup(req);
    if (!view) {
      res.redirect(303, '/signin');
      return;
    }
    res.locals.view = view;
    if (req.method === 'POST' && !csrfValid(view.session, req)) {
      res.status(403).type('html').send(renderPage('Request rejected', html`<h1>Request rejected</h1><p class="error">The form's security token is missing or out of date. Reload the page and try again.</p>`));
      return;
    }
    next();
  });
  signedIn.post('/signout', (req, res) => {
    sessions.destroy(req, res);
    res.redirect(303, '/signin');
  });
  signedIn.get('/', (_req, res) => {
    const view = res.locals.view as CloudConsoleView;
    const rows = ownedProjects(google, view).map(
      (project) => html`<tr><td><a href="/apis/credentials?project=${project.id}">${project.name}</a></td><td class="project-id">${project.id}</td><td>${project.number}</td><td>${formatDate(project.createdAt)}</td></tr>`,
    );
    res.type('html').send(
      consolePage(view, 'Select a project', html`<table id="projects"><tr><th>Name</th><th>ID</th><th>Number</th><th>Created</th></tr>${rows}</table>
<h2>New project</h2>
<form method="post" action="/projects">${csrfField(view)}<label for="name">Project name</label><input type="text" id="name" name="name" required><button type="submit">Create</button></form>`),
    );
  });
  signedIn.post(
    '/projects',
    formAction<CloudConsoleView>(
      () => '/',
      (req, view) => {
        const project = google.projects.create({ name: requiredField(req, 'name', 'Project name'), owner: view.account.email });
        return notice(`/apis/credentials/consent?project=${project.id}`, `Created project ${project.name} (${project.id}). Set up its OAuth consent screen next.`);
      },
    ),
  );
  registerConsentScreenPages(signedIn, google);
  registerCredentialPages(signedIn, google);
  app.use(signedIn);

  app.use((req, res) => {
    res.status(404).type('html').send(renderPage('Not found', html`<h1>Not found</h1><p>The emulated Cloud console has no page at ${req.path}. <a href="/">All projects</a></p>`));
  });
  app.use(((error: { status?: number; message?: string }, req, res, _next) => {
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) google.logger.error({ err: error, method: req.method, path: req.path }, 'The Cloud console failed to handle a request');
    res.status(status).type('html').send(renderPage('Error', html`<h1>Error</h1><p class="error">${status === 500 ? 'The Cloud console failed; the lab log has the details.' : `The request is malformed: ${error.message ?? 'unreadable'}.`}</p>`));
  }) as ErrorRequestHandler);
  return app;
}

function signInPage(email = '', error?: string): string {
  return renderPage(
    'Sign in - Google Cloud',
    html`<div class="brand">Google Cloud</div><h1>Sign in</h1><p>Sign in with a lab Google account to manage its projects.</p>
${error ? html`<p class="error" id="error-message">${error}</p>` : ''}
<form method="post" action="/signin"><label for="email">Email</label><input type="email" id="email" name="email" value="${email}" required>
<label for="password">Password</label><input type="password" id="password" name="password" required><button type="submit">Sign in</button></form>`,
  );
}
