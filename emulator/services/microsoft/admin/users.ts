/**
 * Users: the list, "New user", and a user's page with Reset password, Revoke sessions, Block or
 * Unblock sign-in, the mailbox's Authenticated SMTP switch, and Delete.
 */
import type { Router } from 'express';
import { html } from '../../../console/html';
import { formAction, notice, requiredField, actionButton, csrfField } from '../../identity/consoleForms';
import { DirectoryError, invalidInput } from '../../identity/errors';
import { formField } from '../../identity/web';
import type { EntraId } from '../entra';
import type { User } from '../model';
import { adminPage, type AdminView } from './layout';

export function smtpAuthLabel(value: boolean | null): string {
  if (value === null) return 'Default (organization setting)';
  return value ? 'On' : 'Off';
}

/** Parses the form value of an Authenticated SMTP choice: `default`, `on` or `off`. */
export function smtpAuthChoice(value: string | undefined): boolean | null {
  if (value === 'default') return null;
  if (value === 'on' || value === 'off') return value === 'on';
  throw invalidInput('smtpAuth', 'Authenticated SMTP must be Default, On or Off.');
}

export function registerUserPages(router: Router, entra: EntraId): void {
  router.get('/users', (_req, res) => {
    const view = res.locals.view as AdminView;
    const rows = view.tenant.users.map(
      (user) => html`<tr><td><a href="/users/${user.id}">${user.displayName}</a></td><td>${user.userPrincipalName}</td><td>${user.globalAdmin ? 'Global Administrator' : 'Member'}</td><td>${user.accountEnabled ? 'Yes' : 'No'}</td><td>${user.mail ? smtpAuthLabel(user.smtpAuthEnabled) : 'No mailbox'}</td></tr>`,
    );
    res.type('html').send(
      adminPage(view, 'Users', html`<table id="users"><tr><th>Display name</th><th>User principal name</th><th>Role</th><th>Account enabled</th><th>Authenticated SMTP</th></tr>${rows}</table>
<h2>New user</h2>
<form method="post" action="/users">${csrfField(view)}
<label for="userPrincipalName">User principal name</label><input type="text" id="userPrincipalName" name="userPrincipalName" placeholder="alerts@${view.tenant.domains[0]}" required>
<label for="displayName">Display name</label><input type="text" id="displayName" name="displayName" required>
<label for="password">Password (leave empty to generate one)</label><input type="password" id="password" name="password" autocomplete="new-password">
<label><input type="checkbox" name="globalAdmin" value="true"> Global Administrator</label>
<button type="submit">Create</button></form>`),
    );
  });

  router.post(
    '/users',
    formAction<AdminView>(
      () => '/users',
      async (req, view) => {
        const password = formField(req, 'password') || undefined;
        const { user, generatedPassword } = await entra.tenants.createUser(view.tenant, {
          userPrincipalName: requiredField(req, 'userPrincipalName', 'User principal name'),
          displayName: requiredField(req, 'displayName', 'Display name'),
          password,
          globalAdmin: formField(req, 'globalAdmin') === 'true',
        });
        return notice(`/users/${user.id}`, `Created user ${user.userPrincipalName}.`, generatedPassword ? { label: 'Password', value: generatedPassword } : undefined);
      },
    ),
  );

  router.get('/users/:userId', (req, res) => {
    const view = res.locals.view as AdminView;
    let user: User;
    try {
      user = entra.tenants.requireUser(view.tenant, String(req.params.userId));
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      res.status(404).type('html').send(adminPage(view, 'User not found', html`<p class="error">${error.message}</p>`));
      return;
    }
    const base = `/users/${user.id}`;
    const smtpChoices = (['default', 'on', 'off'] as const).map((choice) => {
      const selected = smtpAuthChoice(choice) === user.smtpAuthEnabled;
      return html`<option value="${choice}" ${selected ? 'selected' : ''}>${smtpAuthLabel(smtpAuthChoice(choice))}</option>`;
    });
    const mailbox = user.mail
      ? html`<h2>Mail apps</h2><form method="post" action="${base}/smtp-auth">${csrfField(view)}<label for="smtpAuth">Authenticated SMTP</label><select id="smtpAuth" name="smtpAuth">${smtpChoices}</select><button type="submit">Save changes</button></form>`
      : html`<p>This user has no mailbox.</p>`;
    res.type('html').send(
      adminPage(view, user.displayName, html`<table id="user">
<tr><th>User principal name</th><td>${user.userPrincipalName}</td></tr>
<tr><th>Object ID</th><td>${user.id}</td></tr>
<tr><th>Mail</th><td>${user.mail ?? ''}</td></tr>
<tr><th>Account enabled</th><td id="account-enabled">${user.accountEnabled ? 'Yes' : 'No'}</td></tr>
<tr><th>Role</th><td>${user.globalAdmin ? 'Global Administrator' : 'Member'}</td></tr>
</table>
${actionButton(view, `${base}/reset-password`, 'Reset password')}
${actionButton(view, `${base}/revoke-sessions`, 'Revoke sessions')}
${actionButton(view, `${base}/account-enabled`, user.accountEnabled ? 'Block sign-in' : 'Unblock sign-in', user.accountEnabled ? 'danger' : 'primary', { enabled: user.accountEnabled ? 'false' : 'true' })}
${actionButton(view, `${base}/delete`, 'Delete', 'danger')}
${mailbox}`),
    );
  });

  const userAction = (build: (user: User, view: AdminView, req: import('express').Request) => Promise<string | { text: string; password?: string }> | string) =>
    formAction<AdminView>(
      (req) => `/users/${req.params.userId}`,
      async (req, view) => {
        const user = entra.tenants.requireUser(view.tenant, String(req.params.userId));
        const result = await build(user, view, req);
        const text = typeof result === 'string' ? result : result.text;
        const password = typeof result === 'string' ? undefined : result.password;
        return notice(`/users/${user.id}`, text, password ? { label: 'Temporary password', value: password } : undefined);
      },
    );

  router.post(
    '/users/:userId/reset-password',
    userAction(async (user, view) => {
      const { generatedPassword } = await entra.tenants.resetPassword(view.tenant, user);
      return { text: `Reset the password of ${user.userPrincipalName} and revoked its sessions and refresh tokens.`, password: generatedPassword };
    }),
  );
  router.post(
    '/users/:userId/revoke-sessions',
    userAction((user, view) => {
      entra.tenants.revokeSessions(view.tenant, user);
      return `Revoked the sessions and refresh tokens of ${user.userPrincipalName}.`;
    }),
  );
  router.post(
    '/users/:userId/account-enabled',
    userAction((user, view, req) => {
      const enabled = formField(req, 'enabled') === 'true';
      entra.tenants.setAccountEnabled(view.tenant, user, enabled);
      return enabled ? `Sign-in of ${user.userPrincipalName} is allowed.` : `Sign-in of ${user.userPrincipalName} is blocked.`;
    }),
  );
  router.post(
    '/users/:userId/smtp-auth',
    userAction((user, view, req) => {
      const value = smtpAuthChoice(formField(req, 'smtpAuth'));
      entra.tenants.setMailboxSmtpAuth(view.tenant, user, value);
      return `Authenticated SMTP of ${user.mail}: ${smtpAuthLabel(value)}.`;
    }),
  );
  router.post(
    '/users/:userId/delete',
    formAction<AdminView>(
      (req) => `/users/${req.params.userId}`,
      (req, view) => {
        const user = entra.tenants.requireUser(view.tenant, String(req.params.userId));
        if (user.id === view.admin.id) throw invalidInput('user', 'You cannot delete the account you are signed in with.');
        entra.tenants.removeUser(view.tenant, user);
        return notice('/users', `Deleted user ${user.userPrincipalName}.`);
      },
    ),
  );
}
