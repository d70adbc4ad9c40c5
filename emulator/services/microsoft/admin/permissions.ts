/**
 * API permissions: the configured permissions with their consent status, "Add a permission",
 * Remove, "Grant admin consent for <tenant>" and "Remove admin consent".
 */
import type { Router } from 'express';
import { html } from '../../../console/html';
import { formAction, notice, actionButton, csrfField } from '../../identity/consoleForms';
import { invalidInput } from '../../identity/errors';
import { formField } from '../../identity/web';
import type { EntraId } from '../entra';
import type { PermissionRef, PermissionType } from '../model';
import { PERMISSIONS, RESOURCE_APIS, describePermission } from '../permissions';
import { appMenu, appPage } from './appNavigation';
import { adminPage, type AdminView } from './layout';

const TYPE_LABELS: Record<PermissionType, string> = { delegated: 'Delegated', application: 'Application' };

/** Form value of a permission: `<api key>:<type>:<name>`, e.g. `exchange:delegated:SMTP.Send`. */
function permissionValue(permission: PermissionRef): string {
  return `${permission.resource}:${permission.type}:${permission.name}`;
}

function permissionField(value: string | undefined): PermissionRef {
  const [resource, type, name] = (value ?? '').split(':');
  const known = PERMISSIONS.find((entry) => entry.resource === resource && entry.type === type && entry.name === name);
  if (!known) throw invalidInput('permission', 'Choose a permission from the list.');
  return { resource: known.resource, type: known.type, name: known.name };
}

export function registerPermissionPages(router: Router, entra: EntraId): void {
  router.get(
    '/app-registrations/:appId/permissions',
    appPage(entra, (view, app) => {
      const tenantName = view.tenant.displayName;
      const rows = app.requiredPermissions.map((permission) => {
        const definition = PERMISSIONS.find((entry) => entry.resource === permission.resource && entry.type === permission.type && entry.name === permission.name);
        const granted = entra.consents.adminConsentCovers(view.tenant, app, permission);
        return html`<tr data-permission="${permissionValue(permission)}"><td>${RESOURCE_APIS[permission.resource].displayName}</td><td>${permission.name}</td><td>${TYPE_LABELS[permission.type]}</td><td>${describePermission(permission.resource, permission.name)}</td><td>${definition?.adminConsentRequired ? 'Yes' : 'No'}</td><td class="status">${granted ? `Granted for ${tenantName}` : `Not granted for ${tenantName}`}</td><td>${actionButton(view, `/app-registrations/${app.appId}/permissions/remove`, 'Remove', 'secondary', { permission: permissionValue(permission) })}</td></tr>`;
      });
      const options = PERMISSIONS.map((entry) => html`<option value="${permissionValue(entry)}">${RESOURCE_APIS[entry.resource].displayName} - ${TYPE_LABELS[entry.type]} - ${entry.name}</option>`);
      return adminPage(view, `${app.displayName} - API permissions`, html`${appMenu(app)}
<p>Configured permissions. "Grant admin consent" consents for every user of ${tenantName}, so they are not asked on the consent page.</p>
<table id="permissions"><tr><th>API</th><th>Permission</th><th>Type</th><th>Description</th><th>Admin consent required</th><th>Status</th><th></th></tr>${rows}</table>
${actionButton(view, `/app-registrations/${app.appId}/permissions/grant-admin-consent`, `Grant admin consent for ${tenantName}`)}
${actionButton(view, `/app-registrations/${app.appId}/permissions/remove-admin-consent`, 'Remove admin consent', 'secondary')}
<h2>Add a permission</h2>
<form method="post" action="/app-registrations/${app.appId}/permissions">${csrfField(view)}
<label for="permission">Permission</label><select id="permission" name="permission">${options}</select>
<button type="submit">Add permissions</button></form>`);
    }),
  );

  router.post(
    '/app-registrations/:appId/permissions',
    formAction<AdminView>(
      (req) => `/app-registrations/${req.params.appId}/permissions`,
      (req, view) => {
        const app = entra.apps.require(view.tenant, String(req.params.appId));
        const permission = permissionField(formField(req, 'permission'));
        entra.apps.addPermission(app, permission);
        return notice(`/app-registrations/${app.appId}/permissions`, `Added ${RESOURCE_APIS[permission.resource].displayName} ${permission.name}.`);
      },
    ),
  );

  router.post(
    '/app-registrations/:appId/permissions/remove',
    formAction<AdminView>(
      (req) => `/app-registrations/${req.params.appId}/permissions`,
      (req, view) => {
        const app = entra.apps.require(view.tenant, String(req.params.appId));
        const permission = permissionField(formField(req, 'permission'));
        entra.apps.removePermission(app, permission);
        return notice(`/app-registrations/${app.appId}/permissions`, `Removed ${RESOURCE_APIS[permission.resource].displayName} ${permission.name}.`);
      },
    ),
  );

  router.post(
    '/app-registrations/:appId/permissions/grant-admin-consent',
    formAction<AdminView>(
      (req) => `/app-registrations/${req.params.appId}/permissions`,
      (req, view) => {
        const app = entra.apps.require(view.tenant, String(req.params.appId));
        entra.consents.grantAdminConsent(view.tenant, app);
        return notice(`/app-registrations/${app.appId}/permissions`, `Successfully granted admin consent for the requested permissions.`);
      },
    ),
  );

  router.post(
    '/app-registrations/:appId/permissions/remove-admin-consent',
    formAction<AdminView>(
      (req) => `/app-registrations/${req.params.appId}/permissions`,
      (req, view) => {
        const app = entra.apps.require(view.tenant, String(req.params.appId));
        if (entra.consents.find(view.tenant, app.appId)) entra.consents.revokeAdminConsent(view.tenant, app.appId);
        return notice(`/app-registrations/${app.appId}/permissions`, 'Removed admin consent.');
      },
    ),
  );
}

