/**
 * Which tenant and app a request means. The tenant segment of a URL is `common`, `organizations`,
 * `consumers`, a tenant ID or a verified domain. The app must be registered in the tenant or be
 * multitenant. Failures are the AADSTS errors that both the authorize and the token endpoint use.
 */
import { AadError } from './aadError';
import type { EntraId } from './entra';
import type { Application, Tenant } from './model';
import { isGuid } from './tenants';

export type TenantTarget = { kind: 'common' | 'organizations' | 'consumers' } | { kind: 'tenant'; tenant: Tenant };

const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
/** Display name of Microsoft's directory of personal accounts, which the lab does not emulate. */
const CONSUMERS_TENANT_NAME = 'Microsoft Accounts';

export function resolveTenant(entra: EntraId, segment: string): TenantTarget {
  const key = segment.toLowerCase();
  if (key === 'common' || key === 'organizations' || key === 'consumers') return { kind: key };
  if (!isGuid(key) && !DOMAIN.test(key)) throw new AadError(900023, { tenant: segment });
  const tenant = entra.tenants.find(key);
  if (!tenant) throw new AadError(90002, { tenant: segment });
  return { kind: 'tenant', tenant };
}

export function tenantLabel(target: TenantTarget): string {
  if (target.kind === 'tenant') return target.tenant.displayName;
  return target.kind === 'consumers' ? CONSUMERS_TENANT_NAME : target.kind;
}

/**
 * Finds the app a client ID names, as seen from the URL's tenant. NOTE: the lab has no personal
 * Microsoft accounts, so `consumers` finds no app.
 */
export function resolveApp(entra: EntraId, target: TenantTarget, clientId: string): { app: Application; appTenant: Tenant } {
  const found = isGuid(clientId) ? entra.apps.find(clientId) : undefined;
  const notFound = new AadError(700016, { appId: clientId, tenant: tenantLabel(target) });
  if (!found || target.kind === 'consumers') throw notFound;
  if (target.kind === 'tenant') {
    if (!entra.appUsableIn(found.app, found.appTenant, target.tenant)) throw notFound;
  } else if (found.app.signInAudience === 'AzureADMyOrg') {
    throw new AadError(50194, { appId: found.app.appId, appName: found.app.displayName });
  }
  return found;
}
