/**
 * Exchange settings: the organization's SMTP AUTH switch and each mailbox's Authenticated SMTP.
 * In Microsoft 365 these live in the Exchange and Microsoft 365 admin centers; the lab keeps them
 * here next to the users.
 */
import type { Router } from 'express';
import { html } from '../../../console/html';
import { formAction, notice, csrfField } from '../../identity/consoleForms';
import { formField } from '../../identity/web';
import type { EntraId } from '../entra';
import { adminPage, type AdminView } from './layout';
import { smtpAuthChoice, smtpAuthLabel } from './users';

export function registerExchangePage(router: Router, entra: EntraId): void {
  router.get('/exchange', (_req, res) => {
    const view = res.locals.view as AdminView;
    const mailboxes = view.tenant.users.filter((user) => user.mail);
    const rows = mailboxes.map((user) => {
      const effective = user.smtpAuthEnabled ?? view.tenant.smtpAuthEnabled;
      const choices = (['default', 'on', 'off'] as const).map(
        (choice) => html`<option value="${choice}" ${smtpAuthChoice(choice) === user.smtpAuthEnabled ? 'selected' : ''}>${smtpAuthLabel(smtpAuthChoice(choice))}</option>`,
      );
      return html`<tr data-mailbox="${user.mail}"><td>${user.mail}</td><td><form method="post" action="/users/${user.id}/smtp-auth" class="inline">${csrfField(view)}<select name="smtpAuth">${choices}</select><button type="submit" class="secondary">Save</button></form></td><td class="effective">${effective ? 'Allowed' : 'Blocked'}</td></tr>`;
    });
    res.type('html').send(
      adminPage(view, 'Exchange settings', html`<h2>Modern authentication</h2>
<form method="post" action="/exchange/smtp-auth">${csrfField(view)}
<label><input type="checkbox" name="disabled" value="true" ${view.tenant.smtpAuthEnabled ? '' : 'checked'}> Turn off SMTP AUTH protocol for your organization</label>
<button type="submit">Save</button></form>
<h2>Mailboxes: Authenticated SMTP</h2>
<p>A mailbox setting of On or Off overrides the organization setting.</p>
<table id="mailboxes"><tr><th>Mailbox</th><th>Authenticated SMTP</th><th>SMTP AUTH now</th></tr>${rows}</table>`),
    );
  });

  router.post(
    '/exchange/smtp-auth',
    formAction<AdminView>(
      () => '/exchange',
      (req, view) => {
        const enabled = formField(req, 'disabled') !== 'true';
        entra.tenants.setSmtpAuth(view.tenant, enabled);
        return notice('/exchange', enabled ? 'SMTP AUTH is on for the organization.' : 'SMTP AUTH is off for the organization.');
      },
    ),
  );
}
