/**
 * The token response of the delegated grants (authorization code and refresh token): an access
 * token for the one API the scopes name, a refresh token with offline_access, an id token with
 * openid, and client_info when the client asks for it.
 */
import { AadError } from '../aadError';
import type { EntraId } from '../entra';
import type { Application, Tenant, User } from '../model';
import { neededPermissions, parseScopes, responseScope, type ScopeRequest } from '../scopes';
import type { ClientType } from '../tokens';

export interface DelegatedGrant {
  tenant: Tenant;
  user: User;
  app: Application;
  /** Scopes of this token request. */
  scopes: string[];
  /** Scopes the new refresh token covers; refresh tokens keep the scopes of the original grant. */
  refreshScopes: string[];
  /** Whether to issue a refresh token: offline_access was granted. */
  offline: boolean;
  clientType: ClientType;
  sid: string;
  nonce?: string;
  clientInfo: boolean;
  clientAddress: string;
}

/** Throws AADSTS65001 unless the admin or the user consented to every delegated permission of the request. */
export function requireConsent(entra: EntraId, tenant: Tenant, app: Application, user: User, request: ScopeRequest): void {
  for (const [resource, names] of neededPermissions(request, app)) {
    const granted = entra.consents.grantedScopes(tenant, app.appId, user.id, resource);
    if (names.some((name) => !granted.has(name.toLowerCase()))) throw new AadError(65001, { appId: app.appId, appName: app.displayName });
  }
}

export async function issueDelegatedTokens(entra: EntraId, grant: DelegatedGrant): Promise<Record<string, unknown>> {
  const request = parseScopes(grant.scopes.join(' '), grant.tenant.displayName);
  requireConsent(entra, grant.tenant, grant.app, grant.user, request);
  const permissions = neededPermissions(request, grant.app).get(request.resource)?.filter((name) => !request.oidc.includes(name)) ?? [];

  const access = await entra.tokens.delegatedAccessToken({
    tenant: grant.tenant,
    app: grant.app,
    user: grant.user,
    audience: request.audience,
    permissions: permissions.length > 0 ? permissions : request.oidc.filter((scope) => scope !== 'offline_access'),
    clientType: grant.clientType,
    clientAddress: grant.clientAddress,
    sid: grant.sid,
  });
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: responseScope(request, permissions),
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
  if (grant.offline) {
    body.refresh_token = entra.tokens.refreshToken({ tid: grant.tenant.id, uid: grant.user.id, cid: grant.app.appId, scp: grant.refreshScopes, ct: grant.clientType, sid: grant.sid, rv: grant.user.sessionRevocations ?? 0 });
  }
  if (request.oidc.includes('openid')) {
    body.id_token = await entra.tokens.idToken({ tenant: grant.tenant, app: grant.app, user: grant.user, oidc: request.oidc, nonce: grant.nonce, sid: grant.sid });
  }
  if (grant.clientInfo) body.client_info = Buffer.from(JSON.stringify({ uid: grant.user.id, utid: grant.tenant.id })).toString('base64url');
  return body;
}
