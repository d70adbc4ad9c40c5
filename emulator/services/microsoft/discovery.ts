/**
 * OpenID Connect discovery for v2.0 endpoints and the signing keys (JWKS). For `common`,
 * `organizations` and `consumers` the issuer contains the literal `{tenantid}` placeholder, as Entra
 * ID publishes it, because tokens come from the user's own tenant.
 */
import type { RequestHandler } from 'express';
import { AadError, errorContext, sendTokenError } from './aadError';
import type { EntraId } from './entra';
import { resolveTenant } from './resolve';

const HOST = 'https://login.microsoftonline.com';

export function openIdConfigurationHandler(entra: EntraId): RequestHandler {
  return (req, res) => {
    const segment = String(req.params.tenant);
    let target;
    try {
      target = resolveTenant(entra, segment);
    } catch (error) {
      if (!(error instanceof AadError)) throw error;
      sendTokenError(res, error, errorContext(req, entra.now()));
      return;
    }
    const tenantId = target.kind === 'tenant' ? target.tenant.id : '{tenantid}';
    const path = target.kind === 'tenant' ? target.tenant.id : target.kind;
    res.json({
      token_endpoint: `${HOST}/${path}/oauth2/v2.0/token`,
      // NOTE: the lab accepts client_secret_post and client_secret_basic only; private_key_jwt is listed as Entra lists it.
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${HOST}/${path}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${HOST}/${tenantId}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${HOST}/${path}/oauth2/v2.0/authorize`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${HOST}/${path}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    });
  };
}

export function jwksHandler(entra: EntraId): RequestHandler {
  return async (_req, res) => {
    const { publicJwk } = await entra.tokens.signingKey;
    res.json({ keys: [{ ...publicJwk, issuer: `${HOST}/{tenantid}/v2.0` }] });
  };
}
