/** App registrations: the list, "New registration", the overview with the IDs, and Authentication. */
import type { Router } from 'express';
import { html } from '../../../console/html';
import { formAction, notice, requiredField, actionButton, csrfField, formatDate } from '../../identity/consoleForms';
import { invalidInput } from '../../identity/errors';
import { formField } from '../../identity/web';
import type { EntraId } from '../entra';
import { REDIRECT_PLATFORMS, SIGN_IN_AUDIENCES, type RedirectPlatform, type SignInAudience, type Tenant } from '../model';
import { appMenu, appPage } from './appNavigation';
import { adminPage, type AdminView } from './layout';

export const PLATFORM_LABELS: Record<RedirectPlatform, string> = { web: 'Web', spa: 'Single-page application', publicClient: 'Mobile and desktop applications' };

function audienceLabel(audience: SignInAudience, tenant: Tenant): string {
  switch (audience) {
    case 'AzureADMyOrg':
      return `Accounts in this organizational directory only (${tenant.displayName} only - Single tenant)`;
    case 'AzureADMultipleOrgs':
      return 'Accounts in any organizational directory (Any Microsoft Entra ID tenant - Multitenant)';
    default:
      return 'Accounts in any organizational directory (Any Microsoft Entra ID tenant - Multitenant) and personal Microsoft accounts (e.g. Skype, Xbox)';
  }
}

export function platformField(req: import('express').Request): RedirectPlatform {
  const platform = formField(req, 'platform') ?? 'web';
  if (!REDIRECT_PLATFORMS.includes(platform as RedirectPlatform)) throw invalidInput('platform', `Platform must be one of ${REDIRECT_PLATFORMS.join(', ')}.`);
  return platform as RedirectPlatform;
}

export function registerAppRegistrationPages(router: Router, entra: EntraId): void {
  router.get('/app-registrations', (_req, res) => {
    const view = res.locals.view as AdminView;
    const rows = view.tenant.applications.map((app) => html`<tr><td><a href="/app-registrations/${app.appId}">${app.displayName}</a></td><td>${app.appId}</td><td>${formatDate(app.createdAt)}</td></tr>`);
    res.type('html').send(
      adminPage(view, 'App registrations', html`<p><a class="button" href="/app-registrations/new">New registration</a></p>
<table id="apps"><tr><th>Display name</th><th>Application (client) ID</th><th>Created on</th></tr>${rows}</table>`),
    );
  });

  router.get('/app-registrations/new', (_req, res) => {
    const view = res.locals.view as AdminView;
    const audiences = SIGN_IN_AUDIENCES.map((audience, index) => html`<label><input type="radio" name="signInAudience" value="${audience}" ${index === 0 ? 'checked' : ''}> ${audienceLabel(audience, view.tenant)}</label>`);
    const platforms = REDIRECT_PLATFORMS.map((platform) => html`<option value="${platform}">${PLATFORM_LABELS[platform]}</option>`);
    res.type('html').send(
      adminPage(view, 'Register an application', html`<form method="post" action="/app-registrations">${csrfField(view)}
<label for="displayName">Name</label><input type="text" id="displayName" name="displayName" required>
<h2>Supported account types</h2>${audiences}
<h2>Redirect URI (optional)</h2>
<label for="platform">Select a platform</label><select id="platform" name="platform">${platforms}</select>
<label for="redirectUri">Redirect URI</label><input type="text" id="redirectUri" name="redirectUri" placeholder="https://oauth2.drayddns.com/doc/mailOAuth.htm">
<button type="submit">Register</button></form>`),
    );
  });

  router.post(
    '/app-registrations',
    formAction<AdminView>(
      () => '/app-registrations/new',
      (req, view) => {
        const displayName = requiredField(req, 'displayName', 'Name');
        const audience = (formField(req, 'signInAudience') ?? 'AzureADMyOrg') as SignInAudience;
        const redirectUri = formField(req, 'redirectUri')?.trim();
        const redirectUris = redirectUri ? { [platformField(req)]: [redirectUri] } : {};
        const app = entra.apps.create(view.tenant, { displayName, signInAudience: audience, redirectUris });
        return notice(`/app-registrations/${app.appId}`, `Successfully created application ${app.displayName}.`);
      },
    ),
  );

  router.get(
    '/app-registrations/:appId',
    appPage(entra, (view, app) => {
      const uriCount = REDIRECT_PLATFORMS.map((platform) => `${app.redirectUris[platform].length} ${PLATFORM_LABELS[platform].toLowerCase()}`).join(', ');
      return adminPage(view, app.displayName, html`${appMenu(app)}
<table id="essentials">
<tr><th>Display name</th><td id="display-name">${app.displayName}</td></tr>
<tr><th>Application (client) ID</th><td id="client-id">${app.appId}</td></tr>
<tr><th>Object ID</th><td>${app.id}</td></tr>
<tr><th>Directory (tenant) ID</th><td id="tenant-id">${view.tenant.id}</td></tr>
<tr><th>Supported account types</th><td>${audienceLabel(app.signInAudience, view.tenant)}</td></tr>
<tr><th>Client credentials</th><td>0 certificate, ${app.secrets.length} secret</td></tr>
<tr><th>Redirect URIs</th><td>${uriCount}</td></tr>
</table>
${actionButton(view, `/app-registrations/${app.appId}/delete`, 'Delete', 'danger')}`);
    }),
  );

  router.post(
    '/app-registrations/:appId/delete',
    formAction<AdminView>(
      (req) => `/app-registrations/${req.params.appId}`,
      (req, view) => {
        const app = entra.apps.require(view.tenant, String(req.params.appId));
        entra.apps.remove(view.tenant, app);
        return notice('/app-registrations', `Deleted application ${app.displayName}.`);
      },
    ),
  );

  router.get(
    '/app-registrations/:appId/authentication',
    appPage(entra, (view, app) => {
      const sections = REDIRECT_PLATFORMS.map((platform) => {
        const rows = app.redirectUris[platform].map(
          (uri) => html`<tr><td class="redirect-uri">${uri}</td><td>${actionButton(view, `/app-registrations/${app.appId}/authentication/remove`, 'Remove', 'secondary', { platform, uri })}</td></tr>`,
        );
        return html`<h2>${PLATFORM_LABELS[platform]}</h2><table data-platform="${platform}"><tr><th>Redirect URIs</th><th></th></tr>${rows}</table>`;
      });
      const platforms = REDIRECT_PLATFORMS.map((platform) => html`<option value="${platform}">${PLATFORM_LABELS[platform]}</option>`);
      return adminPage(view, `${app.displayName} - Authentication`, html`${appMenu(app)}
<p>Redirect URIs must match exactly: scheme, host, port, path and trailing slash.</p>
${sections}
<h2>Add a redirect URI</h2>
<form method="post" action="/app-registrations/${app.appId}/authentication">${csrfField(view)}
<label for="platform">Platform</label><select id="platform" name="platform">${platforms}</select>
<label for="uri">Redirect URI</label><input type="text" id="uri" name="uri" required>
<button type="submit">Save</button></form>`);
    }),
  );

  router.post(
    '/app-registrations/:appId/authentication',
    formAction<AdminView>(
      (req) => `/app-registrations/${req.params.appId}/authentication`,
      (req, view) => {
        const app = entra.apps.require(view.tenant, String(req.params.appId));
        entra.apps.addRedirectUri(app, platformField(req), requiredField(req, 'uri', 'Redirect URI'));
        return notice(`/app-registrations/${app.appId}/authentication`, 'Successfully updated the redirect URIs.');
      },
    ),
  );

  router.post(
    '/app-registrations/:appId/authentication/remove',
    formAction<AdminView>(
      (req) => `/app-registrations/${req.params.appId}/authentication`,
      (req, view) => {
        const app = entra.apps.require(view.tenant, String(req.params.appId));
        entra.apps.removeRedirectUri(app, platformField(req), requiredField(req, 'uri', 'Redirect URI'));
        return notice(`/app-registrations/${app.appId}/authentication`, 'Removed the redirect URI.');
      },
    ),
  );
}
