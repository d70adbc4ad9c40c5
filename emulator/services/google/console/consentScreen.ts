/**
 * APIs & Services >> OAuth consent screen: the app name, user type, publishing status with
 * "Publish app" and "Back to testing", and the test users who may use the app while it is in
 * Testing.
 */
import type { Request, Response, Router } from 'express';
import { html } from '../../../console/html';
import { actionButton, csrfField, formAction, notice, requiredField } from '../../identity/consoleForms';
import { DirectoryError } from '../../identity/errors';
import { formField } from '../../identity/web';
import type { GoogleIdentity } from '../googleIdentity';
import type { CloudProject } from '../model';
import { MAX_TEST_USERS } from '../projects';
import { consolePage, requestedProject } from './layout';
import type { CloudConsoleView } from './session';

function consentPath(project: CloudProject): string {
  return `/apis/credentials/consent?project=${project.id}`;
}

export function registerConsentScreenPages(router: Router, google: GoogleIdentity): void {
  router.get('/apis/credentials/consent', (req: Request, res: Response) => {
    const view = res.locals.view as CloudConsoleView;
    let project: CloudProject;
    try {
      project = requestedProject(google, view, req);
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      res.status(404).type('html').send(consolePage(view, 'Not found', html`<p class="error">${error.message}</p>`));
      return;
    }
    const screen = project.consentScreen;
    const action = (suffix: string) => `/apis/credentials/consent/${suffix}?project=${project.id}`;
    const testing = screen.publishingStatus === 'Testing';
    const users = screen.testUsers.map((email) => html`<tr><td class="test-user">${email}</td><td>${actionButton(view, action('test-users/remove'), 'Remove', 'secondary', { email })}</td></tr>`);
    res.type('html').send(
      consolePage(
        view,
        'OAuth consent screen',
        html`<table>
<tr><th>App name</th><td id="app-name">${screen.appName}</td></tr>
<tr><th>User support email</th><td>${screen.supportEmail}</td></tr>
<tr><th>User type</th><td>${screen.userType}</td></tr>
<tr><th>Publishing status</th><td id="publishing-status">${screen.publishingStatus}</td></tr>
</table>
${testing
  ? html`<p>While the app is in Testing, only test users can sign in, and their refresh tokens expire 7 days after consent.</p>${actionButton(view, action('publish'), 'Publish app')}`
  : actionButton(view, action('back-to-testing'), 'Back to testing', 'secondary')}
<h2>App information</h2>
<form method="post" action="${action('app')}">${csrfField(view)}
<label for="appName">App name</label><input type="text" id="appName" name="appName" value="${screen.appName}" required>
<label for="supportEmail">User support email</label><input type="email" id="supportEmail" name="supportEmail" value="${screen.supportEmail}" required>
<button type="submit">Save</button></form>
<h2>Test users (${screen.testUsers.length} of ${MAX_TEST_USERS})</h2>
<table id="test-users"><tr><th>User information</th><th></th></tr>${users}</table>
<form method="post" action="${action('test-users')}">${csrfField(view)}
<label for="email">Add users</label><input type="email" id="email" name="email" required>
<button type="submit">Add</button></form>`,
        project,
      ),
    );
  });

  const consentAction = (suffix: string, run: (project: CloudProject, req: Request) => ReturnType<typeof notice>) =>
    router.post(
      `/apis/credentials/consent/${suffix}`,
      formAction<CloudConsoleView>(
        (req) => `/apis/credentials/consent?project=${encodeURIComponent(String(req.query.project ?? ''))}`,
        (req, view) => run(requestedProject(google, view, req), req),
      ),
    );

  consentAction('publish', (project) => {
    google.projects.updateConsentScreen(project, { publishingStatus: 'In production' });
    return notice(consentPath(project), 'The app is In production: any Google account can use it.');
  });
  consentAction('back-to-testing', (project) => {
    google.projects.updateConsentScreen(project, { publishingStatus: 'Testing' });
    return notice(consentPath(project), 'The app is back in Testing: only test users can use it, and refresh tokens expire 7 days after consent.');
  });
  consentAction('app', (project, req) => {
    google.projects.updateConsentScreen(project, { appName: requiredField(req, 'appName', 'App name'), supportEmail: requiredField(req, 'supportEmail', 'User support email') });
    return notice(consentPath(project), 'Saved the app information.');
  });
  consentAction('test-users', (project, req) => {
    google.projects.addTestUser(project, requiredField(req, 'email', 'Email'));
    return notice(consentPath(project), 'Added the test user.');
  });
  consentAction('test-users/remove', (project, req) => {
    google.projects.removeTestUser(project, formField(req, 'email') ?? '');
    return notice(consentPath(project), 'Removed the test user.');
  });
}
