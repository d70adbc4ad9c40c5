/**
 * grant_type=client_credentials: an app-only token on a tenant endpoint for `<API>/.default`, with
 * the application permissions an admin granted as `roles`. There is no refresh token.
 */
import type { Request } from 'express';
import { AadError } from '../aadError';
import { authenticateClient, type TokenForm } from '../clientAuth';
import type { EntraId } from '../entra';
import type { TenantTarget } from '../resolve';
import { parseScopes, splitScopes } from '../scopes';
import { clientAddress } from '../../identity/web';

export async function clientCredentialsGrant(entra: EntraId, req: Request, target: TenantTarget, form: TokenForm): Promise<Record<string, unknown>> {
  if (target.kind !== 'tenant') throw new AadError(50059);
  const { app, appTenant } = authenticateClient(entra, req, target, form, 'confidential');
  const { tenant } = target;

  const scope = form.scope;
  if (!scope) throw new AadError(900144, { parameter: 'scope' });
  const raw = splitScopes(scope);
  if (raw.length !== 1 || !raw[0]!.endsWith('/.default')) throw new AadError(1002012, { scope });
  const request = parseScopes(scope, tenant.displayName, raw);

  // An app's own tenant always has its enterprise application; another tenant has one only after consent.
  const principal = appTenant.id === tenant.id ? entra.consents.ensure(tenant, app) : entra.consents.find(tenant, app.appId);
  if (!principal) throw new AadError(700016, { appId: app.appId, tenant: tenant.displayName });
  const roles = entra.consents.appRoles(tenant, app.appId, request.resource);

  const access = await entra.tokens.appAccessToken({ tenant, app, servicePrincipalId: principal.id, audience: request.audience, roles, clientAddress: clientAddress(req) });
  entra.logger.info({ tenant: tenant.id, appId: app.appId, roles }, 'App-only token issued');
  return { token_type: 'Bearer', expires_in: access.expiresIn, ext_expires_in: access.expiresIn, access_token: access.token };
}
