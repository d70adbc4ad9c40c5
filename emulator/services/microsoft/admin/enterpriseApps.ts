/**
 * Enterprise applications: the apps used in the tenant with the consent given (by the admin for
 * everyone, or by single users), "Revoke permissions" and Delete.
 */
import type { Router } from 'express';
import { html } from '../../../console/html';
import { formAction, notice, actionButton, formatDate } from '../../identity/consoleForms';
import { DirectoryError } from '../../identity/errors';
import type { EntraId } from '../entra';
import { RESOURCE_APIS } from '../permissions';
import { adminPage, type AdminView } from './layout';

export function registerEnterpriseAppPages(router: Router, entra: EntraId): void {
  router.get('/enterprise-apps', (_req, res) => {
    const view = res.locals.view as AdminView;
    const rows = view.tenant.servicePrincipals.map(
      (principal) => html`<tr><td><a href="/enterprise-apps/${principal.appId}">${principal.displayName}</a></td><td>${principal.appId}</td><td>${principal.id}</td><td>${formatDate(principal.createdAt)}</td></tr>`,
    );
    res.type('html').send(adminPage(view, 'Enterprise applications', html`<table id="enterprise-apps"><tr><th>Name</th><th>Application ID</th><th>Object ID</th><th>Created on</th></tr>${rows}</table>`));
  });

  router.get('/enterprise-apps/:appId', (req, res) => {
    const view = res.locals.view as AdminView;
    let principal;
    try {
      principal = entra.consents.require(view.tenant, String(req.params.appId));
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      res.status(404).type('html').send(adminPage(view, 'Enterprise application not found', html`<p class="error">${error.message}</p>`));
      return;
    }
    const grants = principal.grants.flatMap((grant) =>
      grant.scopes.map((scope) => {
        const user = grant.principalId ? entra.tenants.findUser(view.tenant, grant.principalId) : undefined;
        const grantedBy = grant.consentType === 'AllPrincipals' ? 'Admin consent' : `User consent (${user?.userPrincipalName ?? grant.principalId})`;
        return html`<tr><td>${RESOURCE_APIS[grant.resource].displayName}</td><td>${scope}</td><td>Delegated</td><td>${grantedBy}</td><td>${formatDate(grant.grantedAt)}</td></tr>`;
      }),
    );
    const roles = principal.appRoles.map((role) => html`<tr><td>${RESOURCE_APIS[role.resource].displayName}</td><td>${role.name}</td><td>Application</td><td>Admin consent</td><td>${formatDate(role.grantedAt)}</td></tr>`);
    res.type('html').send(
      adminPage(view, `${principal.displayName} - Permissions`, html`<p>Application ID ${principal.appId}</p>
<table id="granted"><tr><th>API</th><th>Permission</th><th>Type</th><th>Granted through</th><th>Granted on</th></tr>${grants}${roles}</table>
${actionButton(view, `/enterprise-apps/${principal.appId}/revoke`, 'Revoke permissions', 'danger')}
${actionButton(view, `/enterprise-apps/${principal.appId}/delete`, 'Delete', 'danger')}`),
    );
  });

  router.post(
    '/enterprise-apps/:appId/revoke',
    formAction<AdminView>(
      (req) => `/enterprise-apps/${req.params.appId}`,
      (req, view) => {
        entra.consents.revokeAll(view.tenant, String(req.params.appId));
        return notice(`/enterprise-apps/${req.params.appId}`, 'Revoked every permission granted to the application. Its refresh tokens stop working at their next use.');
      },
    ),
  );

  router.post(
    '/enterprise-apps/:appId/delete',
    formAction<AdminView>(
      (req) => `/enterprise-apps/${req.params.appId}`,
      (req, view) => {
        entra.consents.remove(view.tenant, String(req.params.appId));
        return notice('/enterprise-apps', 'Deleted the enterprise application and its permissions.');
      },
    ),
  );
}
