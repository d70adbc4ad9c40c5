/**
 * POST /{tenant}/oauth2/v2.0/token: reads the form, dispatches by grant_type and turns every
 * AADSTS error into the JSON error with its documented status.
 */
import type { Request, RequestHandler } from 'express';
import { noStore } from '../identity/web';
import { AadError, errorContext, sendTokenError } from './aadError';
import type { TokenForm } from './clientAuth';
import type { EntraId } from './entra';
import { authorizationCodeGrant } from './grants/authorizationCode';
import { clientCredentialsGrant } from './grants/clientCredentials';
import { refreshTokenGrant } from './grants/refreshToken';
import { resolveTenant, type TenantTarget } from './resolve';

type Grant = (entra: EntraId, req: Request, target: TenantTarget, form: TokenForm) => Promise<Record<string, unknown>>;

const GRANTS: Record<string, Grant> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
};

export function tokenHandler(entra: EntraId): RequestHandler {
  return async (req, res) => {
    const context = errorContext(req, entra.now());
    try {
      const target = resolveTenant(entra, String(req.params.tenant));
      const form = readForm(req);
      const grantType = form.grant_type;
      if (!grantType) throw new AadError(900144, { parameter: 'grant_type' });
      const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType]! : undefined;
      if (!grant) throw new AadError(70003, { grantType });
      const body = await grant(entra, req, target, form);
      noStore(res);
      res.set('x-ms-request-id', context.traceId);
      res.set('client-request-id', context.correlationId);
      res.json(body);
    } catch (error) {
      if (!(error instanceof AadError)) throw error;
      entra.logger.info({ code: error.code, grantType: (req.body as Record<string, unknown> | undefined)?.grant_type }, 'Token request rejected');
      sendTokenError(res, error, context);
    }
  };
}

/** Returns the form fields as single strings; a repeated field makes the request malformed. */
function readForm(req: Request): TokenForm {
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  const form: TokenForm = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string') throw new AadError(9002313, { detail: `The parameter '${name}' is given more than once.` });
    form[name] = value;
  }
  return form;
}
