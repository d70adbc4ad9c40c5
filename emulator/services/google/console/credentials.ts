/**
 * APIs & Services >> Credentials: the project's OAuth 2.0 client IDs, "Create OAuth client ID"
 * (Web application: name and authorized redirect URIs), and a client's page with its redirect
 * URIs and secrets. A new secret's value shows once, on the page right after it is created.
 */
import type { Request, Response, Router } from 'express';
import { html } from '../../../console/html';
import { actionButton, csrfField, formAction, formatDate, notice, requiredField } from '../../identity/consoleForms';
import { DirectoryError } from '../../identity/errors';
import { formField } from '../../identity/web';
import type { GoogleIdentity } from '../googleIdentity';
import type { CloudProject, OAuthClient } from '../model';
import { consolePage, requestedProject } from './layout';
import type { CloudConsoleView } from './session';

/** Splits the form's text area into URIs, one per line, skipping blank lines. */
function redirectUrisField(req: Request): string[] {
  return (formField(req, 'redirectUris') ?? '').split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
}

function clientPath(project: CloudProject, client: OAuthClient): string {
  return `/apis/credentials/oauthclient/${encodeURIComponent(client.clientId)}?project=${project.id}`;
}

/** Runs `render` for a GET page; an unknown project or client shows a 404 page with the reason. */
function page(google: GoogleIdentity, render: (view: CloudConsoleView, req: Request) => string) {
  return (req: Request, res: Response) => {
    const view = res.locals.view as CloudConsoleView;
    try {
      res.type('html').send(render(view, req));
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      res.status(404).type('html').send(consolePage(view, 'Not found', html`<p class="error">${error.message}</p>`));
    }
  };
}

export function registerCredentialPages(router: Router, google: GoogleIdentity): void {
  router.get(
    '/apis/credentials',
    page(google, (view, req) => {
      const project = requestedProject(google, view, req);
      const rows = project.clients.map((client) => html`<tr><td><a href="${clientPath(project, client)}">${client.name}</a></td><td>${formatDate(client.createdAt)}</td><td>${client.type}</td><td class="client-id">${client.clientId}</td></tr>`);
      return consolePage(
        view,
        'Credentials',
        html`<h2>OAuth 2.0 Client IDs</h2>
<table id="clients"><tr><th>Name</th><th>Creation date</th><th>Type</th><th>Client ID</th></tr>${rows}</table>
<h2>Create OAuth client ID</h2>
<form method="post" action="/apis/credentials?project=${project.id}">${csrfField(view)}
<label for="type">Application type</label><select id="type" name="type"><option value="web">Web application</option></select>
<label for="name">Name</label><input type="text" id="name" name="name" value="Web client 1" required>
<label for="redirectUris">Authorized redirect URIs (one per line)</label><textarea id="redirectUris" name="redirectUris" rows="3"></textarea>
<button type="submit">Create</button></form>`,
        project,
      );
    }),
  );

  router.post(
    '/apis/credentials',
    formAction<CloudConsoleView>(
      (req) => `/apis/credentials?project=${encodeURIComponent(String(req.query.project ?? ''))}`,
      (req, view) => {
        const project = requestedProject(google, view, req);
        const { client, secretValue } = google.projects.createClient(project, { name: requiredField(req, 'name', 'Name'), redirectUris: redirectUrisField(req) });
        return notice(clientPath(project, client), `OAuth client created. Client ID: ${client.clientId}. Copy the client secret now: it is shown only this once.`, { label: 'Client secret', value: secretValue });
      },
    ),
  );

  router.get(
    '/apis/credentials/oauthclient/:clientId',
    page(google, (view, req) => {
      const project = requestedProject(google, view, req);
      const client = google.projects.requireClient(project, String(req.params.clientId));
      const base = clientPath(project, client);
      const action = (suffix: string) => `/apis/credentials/oauthclient/${encodeURIComponent(client.clientId)}/${suffix}?project=${project.id}`;
      const secrets = client.secrets.map((secret) => html`<tr><td>****${secret.hint}</td><td>${formatDate(secret.createdAt)}</td><td>${actionButton(view, action(`secrets/${secret.id}/delete`), 'Delete', 'danger')}</td></tr>`);
      return consolePage(
        view,
        `Client ID for Web application`,
        html`<table><tr><th>Client ID</th><td id="client-id">${client.clientId}</td></tr><tr><th>Creation date</th><td>${formatDate(client.createdAt)}</td></tr></table>
<form method="post" action="${action('update')}">${csrfField(view)}
<label for="name">Name</label><input type="text" id="name" name="name" value="${client.name}" required>
<label for="redirectUris">Authorized redirect URIs (one per line; matching is exact)</label><textarea id="redirectUris" name="redirectUris" rows="4">${client.redirectUris.join('\n')}</textarea>
<button type="submit">Save</button></form>
<h2>Client secrets</h2>
<table id="secrets"><tr><th>Client secret</th><th>Creation date</th><th></th></tr>${secrets}</table>
${actionButton(view, action('secrets'), 'Add secret')}
${actionButton(view, action('delete'), 'Delete OAuth client', 'danger')}
<p><a href="${base}">Reload</a></p>`,
        project,
      );
    }),
  );

  const clientAction = (suffix: string, run: (project: CloudProject, client: OAuthClient, req: Request) => ReturnType<typeof notice>) =>
    router.post(
      `/apis/credentials/oauthclient/:clientId/${suffix}`,
      formAction<CloudConsoleView>(
        (req) => `/apis/credentials/oauthclient/${encodeURIComponent(String(req.params.clientId))}?project=${encodeURIComponent(String(req.query.project ?? ''))}`,
        (req, view) => {
          const project = requestedProject(google, view, req);
          return run(project, google.projects.requireClient(project, String(req.params.clientId)), req);
        },
      ),
    );

  clientAction('update', (project, client, req) => {
    google.projects.updateClient(client, { name: requiredField(req, 'name', 'Name'), redirectUris: redirectUrisField(req) });
    return notice(clientPath(project, client), 'OAuth client saved.');
  });
  clientAction('secrets', (project, client) => {
    const value = google.projects.addSecret(project, client);
    return notice(clientPath(project, client), 'Client secret added. Copy it now: it is shown only this once.', { label: 'Client secret', value });
  });
  clientAction('secrets/:secretId/delete', (project, client, req) => {
    google.projects.removeSecret(project, client, String(req.params.secretId));
    return notice(clientPath(project, client), 'Client secret deleted.');
  });
  clientAction('delete', (project, client) => {
    google.projects.removeClient(project, client);
    return notice(`/apis/credentials?project=${project.id}`, `Deleted OAuth client ${client.name}.`);
  });
}
