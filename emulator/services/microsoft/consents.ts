/**
 * Consent in a tenant: enterprise applications (service principals) with their delegated
 * permission grants, for everyone (admin consent) or for one user (user consent), and the
 * application permissions an admin granted. Token requests check these grants every time, so a
 * revoked consent stops refreshes at once.
 */
import { newGuid } from '../identity/credentials';
import { notFound } from '../identity/errors';
import type { EntraContext } from './context';
import type { Application, PermissionGrant, ResourceKey, ServicePrincipal, Tenant, User } from './model';

export class Consents {
  constructor(private readonly context: EntraContext) {}

  find(tenant: Tenant, appId: string): ServicePrincipal | undefined {
    return tenant.servicePrincipals.find((principal) => principal.appId === appId.trim().toLowerCase());
  }

  require(tenant: Tenant, appId: string, field = 'appId'): ServicePrincipal {
    const principal = this.find(tenant, appId);
    if (principal) return principal;
    throw notFound(field, `The tenant ${tenant.domains[0]} has no enterprise application for the application (client) ID "${appId}".`);
  }

  /** Returns the app's enterprise application in the tenant, creating it on first use as consent does. */
  ensure(tenant: Tenant, app: Application): ServicePrincipal {
    const existing = this.find(tenant, app.appId);
    if (existing) return existing;
    const principal: ServicePrincipal = { appId: app.appId, id: newGuid(), displayName: app.displayName, createdAt: this.context.now(), grants: [], appRoles: [] };
    tenant.servicePrincipals.push(principal);
    this.context.file.save();
    return principal;
  }

  /** "Grant admin consent for <tenant>": every configured permission, for every user of the tenant. */
  grantAdminConsent(tenant: Tenant, app: Application): ServicePrincipal {
    const principal = this.ensure(tenant, app);
    const now = this.context.now();
    for (const permission of app.requiredPermissions) {
      if (permission.type === 'application') {
        if (!principal.appRoles.some((role) => role.resource === permission.resource && role.name === permission.name)) {
          principal.appRoles.push({ resource: permission.resource, name: permission.name, grantedAt: now });
        }
      } else {
        addScopes(principal, { consentType: 'AllPrincipals', principalId: null, resource: permission.resource }, [permission.name], now);
      }
    }
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, appId: app.appId }, 'Admin consent granted');
    return principal;
  }

  /** Records consent given on the consent page, for the user alone or, by an admin, for everyone. */
  grantUserConsent(tenant: Tenant, app: Application, user: User, scopes: Map<ResourceKey, string[]>, forEveryone: boolean): void {
    const principal = this.ensure(tenant, app);
    const now = this.context.now();
    for (const [resource, names] of scopes) {
      const owner = forEveryone ? { consentType: 'AllPrincipals' as const, principalId: null } : { consentType: 'Principal' as const, principalId: user.id };
      addScopes(principal, { ...owner, resource }, names, now);
    }
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, appId: app.appId, user: user.id, forEveryone }, 'Consent granted on the consent page');
  }

  /** Removes the admin consent (grants for everyone and application permissions); user consents stay. */
  revokeAdminConsent(tenant: Tenant, appId: string): void {
    const principal = this.require(tenant, appId);
    principal.grants = principal.grants.filter((grant) => grant.consentType !== 'AllPrincipals');
    principal.appRoles = [];
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, appId }, 'Admin consent revoked');
  }

  /** Removes every grant of the app in the tenant, as an admin revoking its permissions does. */
  revokeAll(tenant: Tenant, appId: string): void {
    const principal = this.require(tenant, appId);
    principal.grants = [];
    principal.appRoles = [];
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, appId }, 'All consent revoked');
  }

  remove(tenant: Tenant, appId: string): void {
    const principal = this.require(tenant, appId);
    tenant.servicePrincipals.splice(tenant.servicePrincipals.indexOf(principal), 1);
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, appId }, 'Enterprise application deleted');
  }

  /** Delegated scopes the user may receive for the app: the admin's grant plus the user's own. */
  grantedScopes(tenant: Tenant, appId: string, userId: string, resource: ResourceKey): Set<string> {
    const granted = new Set<string>();
    for (const grant of this.find(tenant, appId)?.grants ?? []) {
      if (grant.resource !== resource) continue;
      if (grant.consentType === 'AllPrincipals' || grant.principalId === userId) grant.scopes.forEach((scope) => granted.add(scope.toLowerCase()));
    }
    return granted;
  }

  /** Returns whether an admin granted `permission` of the app for the whole tenant. */
  adminConsentCovers(tenant: Tenant, app: Application, permission: { resource: ResourceKey; name: string; type: 'delegated' | 'application' }): boolean {
    const principal = this.find(tenant, app.appId);
    if (!principal) return false;
    if (permission.type === 'application') return principal.appRoles.some((role) => role.resource === permission.resource && role.name === permission.name);
    return principal.grants.some((grant) => grant.consentType === 'AllPrincipals' && grant.resource === permission.resource && grant.scopes.includes(permission.name));
  }

  appRoles(tenant: Tenant, appId: string, resource: ResourceKey): string[] {
    return (this.find(tenant, appId)?.appRoles ?? []).filter((role) => role.resource === resource).map((role) => role.name);
  }
}

function addScopes(principal: ServicePrincipal, owner: Pick<PermissionGrant, 'consentType' | 'principalId' | 'resource'>, names: string[], now: number): void {
  let grant = principal.grants.find((entry) => entry.consentType === owner.consentType && entry.principalId === owner.principalId && entry.resource === owner.resource);
  if (!grant) {
    grant = { id: newGuid(), ...owner, scopes: [], grantedAt: now };
    principal.grants.push(grant);
  }
  for (const name of names) if (!grant.scopes.includes(name)) grant.scopes.push(name);
  grant.grantedAt = now;
}
