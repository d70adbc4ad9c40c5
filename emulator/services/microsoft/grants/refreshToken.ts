/**
 * grant_type=refresh_token. Every use returns a new refresh token. A token dies 90 days after it
 * was issued, which is 90 days without use because a used token is replaced. Tokens of single-page
 * apps die 24 hours after issue. All die when an admin revokes the user's sessions or resets the
 * password.
 * Earlier refresh tokens stay valid after a refresh, as in Entra ID; clients should keep the newest.
 */
import type { Request } from 'express';
import { AadError } from '../aadError';
import { authenticateClient, type TokenForm } from '../clientAuth';
import type { EntraId } from '../entra';
import type { TenantTarget } from '../resolve';
import { splitScopes } from '../scopes';
import { sessionRevoked } from '../tenants';
import { REFRESH_TOKEN_IDLE_MS, SPA_REFRESH_TOKEN_MS } from '../tokens';
import { clientAddress } from '../../identity/web';
import { issueDelegatedTokens } from './issue';

export async function refreshTokenGrant(entra: EntraId, req: Request, target: TenantTarget, form: TokenForm): Promise<Record<string, unknown>> {
  const text = form.refresh_token;
  if (!text) throw new AadError(900144, { parameter: 'refresh_token' });
  const payload = entra.tokens.openRefreshToken(text);
  if (!payload) throw new AadError(9002313, { detail: "The 'refresh_token' is not a refresh token of this service." });

  const { app } = authenticateClient(entra, req, target, form, payload.ct);
  if (payload.cid !== app.appId || (target.kind === 'tenant' && target.tenant.id !== payload.tid)) throw new AadError(70000, { parameter: 'refresh_token' });
  const tenant = entra.tenants.find(payload.tid);
  const user = tenant && entra.tenants.findUser(tenant, payload.uid);
  if (!tenant || !user) throw new AadError(70000, { parameter: 'refresh_token' });

  const now = entra.now();
  if (payload.ct === 'spa' && payload.iat + SPA_REFRESH_TOKEN_MS <= now) throw new AadError(700084, { issuedAt: dotNetTime(payload.iat) });
  if (payload.iat + REFRESH_TOKEN_IDLE_MS <= now) throw new AadError(700082, { issuedAt: dotNetTime(payload.iat) });
  if (sessionRevoked(user, { revocations: payload.rv, time: payload.iat })) {
    throw new AadError(50173, { issuedAt: dotNetTime(payload.iat), validFrom: dotNetTime(user.signInSessionsValidFrom) });
  }
  if (!user.accountEnabled) throw new AadError(50057);

  const scopes = form.scope ? splitScopes(form.scope) : payload.scp;
  const body = await issueDelegatedTokens(entra, {
    tenant,
    user,
    app,
    scopes,
    refreshScopes: [...new Set([...payload.scp, ...scopes])],
    offline: true,
    clientType: payload.ct,
    sid: payload.sid,
    clientInfo: form.client_info === '1',
    clientAddress: clientAddress(req),
  });
  entra.logger.info({ tenant: tenant.id, user: user.id, appId: app.appId }, 'Refresh token redeemed');
  return body;
}

/** Formats a time as Entra prints it in error texts: ISO 8601 with seven fractional digits. */
function dotNetTime(time: number): string {
  return new Date(time).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}
