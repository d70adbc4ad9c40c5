/** grant_type=authorization_code: redeems a code once, with the same redirect URI and the PKCE verifier. */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { AadError } from '../aadError';
import { authenticateClient, type TokenForm } from '../clientAuth';
import type { EntraId } from '../entra';
import { REDIRECT_PLATFORMS } from '../model';
import type { TenantTarget } from '../resolve';
import type { ClientType } from '../tokens';
import { clientAddress } from '../../identity/web';
import { issueDelegatedTokens } from './issue';

const PLATFORM_CLIENT_TYPE: Record<(typeof REDIRECT_PLATFORMS)[number], ClientType> = { web: 'confidential', spa: 'spa', publicClient: 'public' };

export async function authorizationCodeGrant(entra: EntraId, req: Request, target: TenantTarget, form: TokenForm): Promise<Record<string, unknown>> {
  const code = form.code;
  if (!code) throw new AadError(900144, { parameter: 'code' });
  const redirectUri = form.redirect_uri;
  if (!redirectUri) throw new AadError(900144, { parameter: 'redirect_uri' });

  // The redirect URI's platform decides how the client must authenticate.
  const registered = form.client_id ? entra.apps.find(form.client_id)?.app : undefined;
  const platform = registered && REDIRECT_PLATFORMS.find((name) => registered.redirectUris[name].includes(redirectUri));
  const { app } = authenticateClient(entra, req, target, form, platform ? PLATFORM_CLIENT_TYPE[platform] : 'confidential');

  const lookup = entra.codes.lookup(code);
  if (lookup.status === 'unknown') throw new AadError(70000, { parameter: 'code' });
  if (lookup.status === 'redeemed') throw new AadError(54005);
  if (lookup.status === 'expired') throw new AadError(70008);
  const grant = lookup.grant;
  if (grant.appId !== app.appId || (target.kind === 'tenant' && target.tenant.id !== grant.tenantId)) throw new AadError(70000, { parameter: 'code' });
  if (grant.redirectUri !== redirectUri) throw new AadError(500112, { redirectUri, expected: grant.redirectUri });
  if (grant.codeChallenge !== undefined && !verifierMatches(grant.codeChallenge, grant.codeChallengeMethod, form.code_verifier)) throw new AadError(501481);

  const tenant = entra.tenants.find(grant.tenantId);
  const user = tenant && entra.tenants.findUser(tenant, grant.userId);
  if (!tenant || !user) throw new AadError(70000, { parameter: 'code' });
  if (!user.accountEnabled) throw new AadError(50057);

  entra.codes.markRedeemed(code);
  const offline = grant.scopes.some((scope) => scope.toLowerCase() === 'offline_access');
  const body = await issueDelegatedTokens(entra, {
    tenant,
    user,
    app,
    scopes: grant.scopes,
    refreshScopes: grant.scopes,
    offline,
    clientType: grant.clientType,
    sid: grant.sid,
    nonce: grant.nonce,
    clientInfo: form.client_info === '1',
    clientAddress: clientAddress(req),
  });
  entra.logger.info({ tenant: tenant.id, user: user.id, appId: app.appId }, 'Authorization code redeemed');
  return body;
}

function verifierMatches(challenge: string, method: 'S256' | 'plain', verifier: string | undefined): boolean {
  if (!verifier) return false;
  const expected = method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
  return expected === challenge;
}
