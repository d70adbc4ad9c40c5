/**
 * The `scope` parameter of Entra ID requests: OpenID Connect scopes plus permissions of one API,
 * named with the API's identifier URI (`https://outlook.office.com/SMTP.Send`), bare for Microsoft
 * Graph (`User.Read`), or `<identifier URI>/.default` for every configured permission.
 */
import { AadError } from './aadError';
import type { Application, ResourceKey } from './model';
import { findPermission, OIDC_SCOPES, RESOURCE_APIS } from './permissions';

export interface ScopeRequest {
  resource: ResourceKey;
  /** Token audience: the identifier URI the request used, e.g. `https://outlook.office.com`. */
  audience: string;
  /** Delegated permission names on the resource, e.g. `SMTP.Send`; empty with `.default`. */
  permissions: string[];
  isDefault: boolean;
  /** Requested OpenID Connect scopes: openid, profile, email, offline_access. */
  oidc: string[];
  /** The scope strings as requested. */
  raw: string[];
}

export function splitScopes(value: string): string[] {
  return value.split(/\s+/).filter((scope) => scope.length > 0);
}

/** Parses a scope list; throws AADSTS70011 (unknown scope), 500011 (unknown API) or 28000 (two APIs). */
export function parseScopes(value: string, tenantName: string, raw = splitScopes(value)): ScopeRequest {
  const oidc: string[] = [];
  const apis = new Map<ResourceKey, { audience: string; permissions: string[]; isDefault: boolean }>();

  for (const scope of raw) {
    if (OIDC_SCOPES.includes(scope.toLowerCase())) {
      if (!oidc.includes(scope.toLowerCase())) oidc.push(scope.toLowerCase());
      continue;
    }
    const target = resolveScope(scope, tenantName);
    const entry = apis.get(target.resource) ?? { audience: target.audience, permissions: [], isDefault: false };
    if (target.name === '.default') entry.isDefault = true;
    else if (!entry.permissions.includes(target.name)) entry.permissions.push(target.name);
    apis.set(target.resource, entry);
  }

  if (apis.size > 1) throw new AadError(28000, { scope: raw.join(' ') });
  const [resource, entry] = [...apis.entries()][0] ?? ['graph' as const, { audience: RESOURCE_APIS.graph.identifierUris[0]!, permissions: [], isDefault: false }];
  return { resource, audience: entry.audience, permissions: entry.permissions, isDefault: entry.isDefault, oidc, raw };
}

function resolveScope(scope: string, tenantName: string): { resource: ResourceKey; audience: string; name: string } {
  if (!scope.includes('://')) {
    const permission = findPermission('graph', scope, 'delegated');
    if (!permission) throw new AadError(70011, { scope });
    return { resource: 'graph', audience: RESOURCE_APIS.graph.identifierUris[0]!, name: permission.name };
  }
  for (const api of Object.values(RESOURCE_APIS)) {
    const uri = api.identifierUris.find((candidate) => scope.toLowerCase().startsWith(`${candidate}/`));
    if (!uri) continue;
    const name = scope.slice(uri.length + 1);
    if (name === '.default') return { resource: api.key, audience: uri, name };
    const permission = findPermission(api.key, name, 'delegated');
    if (!permission) throw new AadError(70011, { scope });
    return { resource: api.key, audience: uri, name: permission.name };
  }
  throw new AadError(500011, { resource: scope.replace(/\/[^/]*$/, ''), tenant: tenantName });
}

/**
 * Delegated permissions the request needs consent for, per API: the named permissions or, for
 * `.default`, those configured on the app, plus the OpenID Connect scopes (Microsoft Graph).
 */
export function neededPermissions(request: ScopeRequest, app: Application): Map<ResourceKey, string[]> {
  const needed = new Map<ResourceKey, string[]>();
  const resourceNames = request.isDefault
    ? app.requiredPermissions.filter((entry) => entry.resource === request.resource && entry.type === 'delegated').map((entry) => entry.name)
    : request.permissions;
  if (resourceNames.length > 0) needed.set(request.resource, [...resourceNames]);
  if (request.oidc.length > 0) needed.set('graph', [...new Set([...(needed.get('graph') ?? []), ...request.oidc])]);
  return needed;
}

/** Builds the `scope` of a token response: the API's permissions (prefixed except for Graph) and openid, profile, email. */
export function responseScope(request: ScopeRequest, granted: string[]): string {
  const prefix = request.resource === 'graph' ? '' : `${request.audience}/`;
  const oidc = request.oidc.filter((scope) => scope !== 'offline_access');
  return [...granted.map((name) => `${prefix}${name}`), ...oidc].join(' ');
}
