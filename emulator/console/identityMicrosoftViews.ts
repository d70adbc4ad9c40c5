/** JSON views of the Entra directory as the lab API returns them, without password hashes or secret values. */
import type { Application, ServicePrincipal, Tenant, User } from '../services/microsoft/model';
import { RESOURCE_APIS } from '../services/microsoft/permissions';

export function userView(user: User) {
  const { passwordHash: _passwordHash, ...visible } = user;
  return visible;
}

export function appView(tenant: Tenant, app: Application, now: number) {
  return {
    appId: app.appId,
    id: app.id,
    displayName: app.displayName,
    tenantId: tenant.id,
    signInAudience: app.signInAudience,
    redirectUris: app.redirectUris,
    permissions: app.requiredPermissions.map((entry) => ({ api: RESOURCE_APIS[entry.resource].displayName, resourceAppId: RESOURCE_APIS[entry.resource].appId, permission: entry.name, type: entry.type })),
    secrets: app.secrets.map((secret) => ({ secretId: secret.keyId, description: secret.displayName, hint: secret.hint, startDateTime: secret.startDateTime, endDateTime: secret.endDateTime, expired: secret.endDateTime <= now })),
    createdAt: app.createdAt,
  };
}

export function servicePrincipalView(principal: ServicePrincipal) {
  return {
    ...principal,
    grants: principal.grants.map((grant) => ({ ...grant, api: RESOURCE_APIS[grant.resource].displayName })),
    appRoles: principal.appRoles.map((role) => ({ ...role, api: RESOURCE_APIS[role.resource].displayName })),
  };
}

export function tenantView(tenant: Tenant) {
  return { id: tenant.id, displayName: tenant.displayName, domains: tenant.domains, smtpAuthEnabled: tenant.smtpAuthEnabled, createdAt: tenant.createdAt, users: tenant.users.length, applications: tenant.applications.length };
}
