/**
 * The console page of the emulated identity providers at /identity, for trainers: every tenant
 * with its users, apps, secrets and enterprise applications, every Google project and account,
 * and a button per fault. /identity.js sends each button's request to the lab API as JSON and
 * reloads the page; without JavaScript the page shows the state at load time.
 */
import type { Lab } from '../lab';
import type { GoogleIdentity } from '../services/google/googleIdentity';
import type { Tenant } from '../services/microsoft/model';
import { RESOURCE_APIS } from '../services/microsoft/permissions';
import { formatLabTime } from './format';
import { html, type SafeHtml } from './html';
import { identityOf } from './identityApi';
import { consolePage } from './shell';

/**
 * Renders a button that sends one lab API request. `body` null sends none, because the action
 * routes take none. With `confirm`, the page requests confirmation before sending.
 */
function apiButton(label: string, method: 'POST' | 'DELETE', path: string, body: object | null, confirm?: string): SafeHtml {
  return html`<button type="button" data-api-method="${method}" data-api-path="${path}" data-api-body="${body === null ? '' : JSON.stringify(body)}" ${confirm ? html`data-confirm="${confirm}"` : ''}>${label}</button>`;
}

export function renderIdentityPage(lab: Lab): string {
  const { microsoft, google } = identityOf(lab);
  const now = lab.clock.now();
  return consolePage(lab, {
    title: 'Identity providers',
    scripts: ['/identity.js'],
    intro: html`<p class="muted"><a href="/">Back to the lab console</a>. Lab time ${formatLabTime(now)}. <a href="/identity">Refresh</a>. The lab API serves the same data under <a href="/api/identity">/api/identity</a>; docs/identity.md describes it.
Trainees work in <a href="https://entra.microsoft.com/" target="_blank" rel="noopener noreferrer">the Entra admin center</a> and <a href="https://console.cloud.google.com/" target="_blank" rel="noopener noreferrer">the Cloud console</a> through the lab proxy.</p>`,
    errorBanner: true,
    noscript: 'JavaScript is off, so the buttons on this page do nothing. Use the lab API to inject faults.',
    main: html`${microsoft.tenants.list().map((tenant) => renderTenant(tenant, now))}
${renderGoogle(google)}`,
  });
}

function renderTenant(tenant: Tenant, now: number): SafeHtml {
  const base = `/api/identity/microsoft/tenants/${tenant.id}`;
  const users = tenant.users.map((user) => {
    const userBase = `${base}/users/${encodeURIComponent(user.userPrincipalName)}`;
    const mailbox = user.mail
      ? html`${user.smtpAuthEnabled === null ? 'default' : user.smtpAuthEnabled ? 'on' : 'off'} ${apiButton('Off', 'POST', `${userBase}/smtp-auth`, { enabled: false })}${apiButton('On', 'POST', `${userBase}/smtp-auth`, { enabled: true })}${apiButton('Default', 'POST', `${userBase}/smtp-auth`, { enabled: null })}`
      : 'no mailbox';
    return html`<tr><td>${user.userPrincipalName}${user.globalAdmin ? ' (admin)' : ''}</td><td>${user.accountEnabled ? 'yes' : 'blocked'}</td><td>${mailbox}</td>
<td>${apiButton(user.accountEnabled ? 'Block sign-in' : 'Unblock', 'POST', `${userBase}/account-enabled`, { enabled: !user.accountEnabled })}${apiButton('Revoke sessions', 'POST', `${userBase}/revoke-sessions`, null)}</td></tr>`;
  });
  const apps = tenant.applications.flatMap((app) => {
    const secrets = app.secrets.map((secret) => {
      const secretBase = `${base}/apps/${app.appId}/secrets/${secret.keyId}`;
      const state = secret.endDateTime <= now ? 'expired' : `expires ${formatLabTime(secret.endDateTime)}`;
      return html`<li>${secret.displayName || secret.keyId} (${secret.hint}..., ${state}) ${apiButton('Expire now', 'POST', `${secretBase}/expire`, null)}${apiButton('Delete', 'DELETE', secretBase, null, `Delete the secret ${secret.displayName || secret.keyId}?`)}</li>`;
    });
    return [html`<tr><td>${app.displayName}<br><span class="muted">${app.appId}</span></td><td><ul>${secrets}</ul></td></tr>`];
  });
  const consents = tenant.servicePrincipals.map((principal) => {
    const granted = [...principal.grants.flatMap((grant) => grant.scopes.map((scope) => `${RESOURCE_APIS[grant.resource].displayName} ${scope} (${grant.consentType === 'AllPrincipals' ? 'admin' : 'user'})`)), ...principal.appRoles.map((role) => `${role.name} (application)`)];
    return html`<tr><td>${principal.displayName}</td><td>${granted.join(', ') || 'none'}</td><td>${apiButton('Revoke consent', 'DELETE', `${base}/enterprise-apps/${principal.appId}/consent`, null)}</td></tr>`;
  });
  return html`<section aria-labelledby="tenant-${tenant.id}">
<h2 id="tenant-${tenant.id}">${tenant.displayName} <span class="muted">(${tenant.domains[0]}, ${tenant.id})</span></h2>
<p>SMTP AUTH for the organization: ${tenant.smtpAuthEnabled ? 'on' : 'off'} ${apiButton(tenant.smtpAuthEnabled ? 'Switch off' : 'Switch on', 'POST', `${base}/smtp-auth`, { enabled: !tenant.smtpAuthEnabled })}</p>
<div class="table-wrap"><table><thead><tr><th scope="col">User</th><th scope="col">Sign-in</th><th scope="col">Authenticated SMTP</th><th scope="col">Faults</th></tr></thead><tbody>${users}</tbody></table></div>
<div class="table-wrap"><table><thead><tr><th scope="col">App registration</th><th scope="col">Client secrets</th></tr></thead><tbody>${apps}</tbody></table></div>
<div class="table-wrap"><table><thead><tr><th scope="col">Enterprise application</th><th scope="col">Granted</th><th scope="col">Fault</th></tr></thead><tbody>${consents}</tbody></table></div>
</section>`;
}

function renderGoogle(google: GoogleIdentity): SafeHtml {
  const projects = google.projects.list().map((project) => {
    const testing = project.consentScreen.publishingStatus === 'Testing';
    const status = testing ? 'In production' : 'Testing';
    return html`<tr><td>${project.name} <span class="muted">(${project.id})</span></td><td>${project.consentScreen.publishingStatus}</td><td>${project.clients.length}</td>
<td>${apiButton(testing ? 'Publish' : 'Back to Testing', 'POST', `/api/identity/google/projects/${project.id}/consent-screen`, { publishingStatus: status })}</td></tr>`;
  });
  const accounts = google.accounts.list().map((account) => {
    const base = `/api/identity/google/accounts/${encodeURIComponent(account.email)}`;
    const grants = google.grants.listFor(account.email).map((grant) => html`<li>${grant.clientId} ${apiButton('Remove access', 'DELETE', `${base}/grants/${encodeURIComponent(grant.clientId)}`, null)}</li>`);
    return html`<tr><td>${account.email}</td><td>${account.enabled ? 'active' : 'suspended'} ${apiButton(account.enabled ? 'Suspend' : 'Restore', 'POST', `${base}/enabled`, { enabled: !account.enabled })}</td><td><ul>${grants}</ul></td></tr>`;
  });
  return html`<section aria-labelledby="google-heading">
<h2 id="google-heading">Google</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">Project</th><th scope="col">Publishing status</th><th scope="col">OAuth clients</th><th scope="col">Fault</th></tr></thead><tbody>${projects}</tbody></table></div>
<div class="table-wrap"><table><thead><tr><th scope="col">Account</th><th scope="col">State</th><th scope="col">Apps with access</th></tr></thead><tbody>${accounts}</tbody></table></div>
</section>`;
}
