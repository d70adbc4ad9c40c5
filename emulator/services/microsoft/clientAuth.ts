/**
 * Client authentication at the token endpoint. A web app (confidential client) sends its secret as
 * the `client_secret` form field or with HTTP Basic. A single-page app sends none and must call
 * cross-origin, with an Origin header. Mobile and desktop apps send none.
 */
import type { Request } from 'express';
import { basicCredentials } from '../identity/web';
import { AadError } from './aadError';
import type { EntraId } from './entra';
import type { Application, Tenant } from './model';
import { resolveApp, type TenantTarget } from './resolve';
import type { ClientType } from './tokens';

export type TokenForm = Record<string, string | undefined>;

export function authenticateClient(entra: EntraId, req: Request, target: TenantTarget, form: TokenForm, clientType: ClientType): { app: Application; appTenant: Tenant } {
  const basic = basicCredentials(req);
  const clientId = form.client_id ?? basic?.id;
  if (!clientId) throw new AadError(900144, { parameter: 'client_id' });
  const found = resolveApp(entra, target, clientId);
  const secret = form.client_secret ?? basic?.secret;

  if (clientType !== 'confidential') {
    if (secret !== undefined) throw new AadError(700025);
    if (clientType === 'spa' && !req.get('origin')) throw new AadError(9002327);
    return found;
  }
  if (secret === undefined || secret === '') throw new AadError(7000218);
  const check = entra.apps.checkSecret(found.app, secret);
  if (check.result === 'wrong') {
    entra.logger.info({ appId: found.app.appId, code: 7000215 }, 'Token request with a wrong client secret');
    throw new AadError(7000215, { appId: found.app.appId });
  }
  if (check.result === 'expired') {
    entra.logger.info({ appId: found.app.appId, keyId: check.secret.keyId, code: 7000222 }, 'Token request with an expired client secret');
    throw new AadError(7000222, { appId: found.app.appId });
  }
  return found;
}
