/**
 * Certificates & secrets: the client secrets of an app (description, expiry, hint, secret ID),
 * "New client secret" with the expiry presets or a custom end date, and Delete. The value shows
 * once, on the page right after creation.
 */
import type { Router } from 'express';
import { html } from '../../../console/html';
import { formAction, notice, actionButton, csrfField, formatDate } from '../../identity/consoleForms';
import { invalidInput } from '../../identity/errors';
import { formField } from '../../identity/web';
import { MAX_SECRET_DAYS, SECRET_EXPIRY_PRESETS_DAYS } from '../applications';
import type { EntraId } from '../entra';
import { appMenu, appPage } from './appNavigation';
import { adminPage, type AdminView } from './layout';

const DAY_MS = 24 * 60 * 60 * 1000;
/** "Add a client secret" preselects 180 days, which the admin center marks as recommended. */
const RECOMMENDED_DAYS = 180;

export function registerSecretPages(router: Router, entra: EntraId): void {
  router.get(
    '/app-registrations/:appId/secrets',
    appPage(entra, (view, app) => {
      const now = entra.now();
      const rows = app.secrets.map(
        (secret) => html`<tr data-secret-id="${secret.keyId}"><td>${secret.displayName}</td><td>${formatDate(secret.endDateTime)}${secret.endDateTime <= now ? html` <strong class="error">Expired</strong>` : ''}</td><td>${secret.hint}${'*'.repeat(13)}</td><td class="secret-id">${secret.keyId}</td><td>${actionButton(view, `/app-registrations/${app.appId}/secrets/${secret.keyId}/delete`, 'Delete', 'danger')}</td></tr>`,
      );
      const presets = SECRET_EXPIRY_PRESETS_DAYS.map(
        (days) => html`<option value="${days}" ${days === RECOMMENDED_DAYS ? 'selected' : ''}>${days} days (${Math.round(days / 30.4)} months)${days === RECOMMENDED_DAYS ? ' (Recommended)' : ''}</option>`,
      );
      return adminPage(view, `${app.displayName} - Certificates & secrets`, html`${appMenu(app)}
<h2>Client secrets</h2>
<p>A secret string that the application uses to prove its identity when requesting a token. Send the value, not the secret ID.</p>
<table id="secrets"><tr><th>Description</th><th>Expires</th><th>Value</th><th>Secret ID</th><th></th></tr>${rows}</table>
<h2>New client secret</h2>
<form method="post" action="/app-registrations/${app.appId}/secrets">${csrfField(view)}
<label for="description">Description</label><input type="text" id="description" name="description">
<label for="expires">Expires</label><select id="expires" name="expires">${presets}<option value="custom">Custom</option></select>
<label for="end">End (with Custom; at most ${MAX_SECRET_DAYS} days from today)</label><input type="date" id="end" name="end">
<button type="submit">Add</button></form>`);
    }),
  );

  router.post(
    '/app-registrations/:appId/secrets',
    formAction<AdminView>(
      (req) => `/app-registrations/${req.params.appId}/secrets`,
      (req, view) => {
        const app = entra.apps.require(view.tenant, String(req.params.appId));
        const days = expiryDays(formField(req, 'expires') ?? String(RECOMMENDED_DAYS), formField(req, 'end'), entra.now());
        const { secret, value } = entra.apps.addSecret(view.tenant, app, formField(req, 'description')?.trim() ?? '', days);
        return notice(
          `/app-registrations/${app.appId}/secrets`,
          `Added client secret ${secret.displayName || secret.keyId}, secret ID ${secret.keyId}. Copy the value now: you won't be able to retrieve it after you leave this page.`,
          { label: 'Value', value },
        );
      },
    ),
  );

  router.post(
    '/app-registrations/:appId/secrets/:keyId/delete',
    formAction<AdminView>(
      (req) => `/app-registrations/${req.params.appId}/secrets`,
      (req, view) => {
        const app = entra.apps.require(view.tenant, String(req.params.appId));
        const secret = entra.apps.requireSecret(app, String(req.params.keyId));
        entra.apps.removeSecret(view.tenant, app, secret);
        return notice(`/app-registrations/${app.appId}/secrets`, `Deleted client secret ${secret.displayName || secret.keyId}.`);
      },
    ),
  );
}

/** Days until the secret expires: a preset, or a custom end date (YYYY-MM-DD) counted from lab time. */
function expiryDays(choice: string, end: string | undefined, now: number): number {
  if (choice !== 'custom') {
    const days = Number(choice);
    if (!SECRET_EXPIRY_PRESETS_DAYS.includes(days)) throw invalidInput('expires', `Expires must be one of ${SECRET_EXPIRY_PRESETS_DAYS.join(', ')} days or Custom.`);
    return days;
  }
  const endTime = end && /^\d{4}-\d{2}-\d{2}$/.test(end) ? Date.parse(`${end}T23:59:59Z`) : Number.NaN;
  if (Number.isNaN(endTime)) throw invalidInput('end', 'With Custom, End must be a date such as 2027-06-30.');
  const days = Math.ceil((endTime - now) / DAY_MS);
  if (days < 1 || days > MAX_SECRET_DAYS) throw invalidInput('end', `End must be between tomorrow and ${MAX_SECRET_DAYS} days (24 months) from today.`);
  return days;
}
