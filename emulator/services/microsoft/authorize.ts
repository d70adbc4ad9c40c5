/**
 * GET /{tenant}/oauth2/v2.0/authorize. Errors about the tenant, the app or the redirect URI are
 * shown as the error page, because the redirect URI cannot be trusted yet. Every later error is
 * redirected to the client with `error` and `error_description`. A valid request starts a sign-in
 * flow, which continues on the sign-in, account picker and consent pages.
 */
import type { Request, RequestHandler } from 'express';
import { queryField } from '../identity/web';
import { AadError, errorContext, sendErrorPage } from './aadError';
import type { EntraId } from './entra';
import { proceed } from './flowSteps';
import { REDIRECT_PLATFORMS } from './model';
import { sendErrorToClient } from './respond';
import { resolveApp, resolveTenant, tenantLabel, type TenantTarget } from './resolve';
import { parseScopes } from './scopes';
import type { AuthorizeRequest, Prompt, ResponseMode } from './signInState';
import type { ClientType } from './tokens';

const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'fragment', 'form_post'];
const PROMPTS: readonly Prompt[] = ['login', 'none', 'consent', 'select_account'];
/** RFC 7636: a code challenge is 43 to 128 characters of the unreserved URI alphabet. */
const CODE_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;
const CLIENT_TYPE: Record<(typeof REDIRECT_PLATFORMS)[number], ClientType> = { web: 'confidential', spa: 'spa', publicClient: 'public' };

export function authorizeHandler(entra: EntraId): RequestHandler {
  return async (req, res) => {
    const context = errorContext(req, entra.now());
    let request: AuthorizeRequest;
    try {
      const client = checkClient(entra, req);
      request = client.request;
      try {
        completeRequest(req, request, tenantLabel(client.target), client.invalidMode);
      } catch (error) {
        if (!(error instanceof AadError)) throw error;
        entra.logger.info({ code: error.code, appId: request.appId }, 'Authorize request rejected');
        sendErrorToClient(res, request, error, context);
        return;
      }
    } catch (error) {
      if (!(error instanceof AadError)) throw error;
      entra.logger.info({ code: error.code }, 'Authorize request rejected with the error page');
      sendErrorPage(res, error, context);
      return;
    }
    await proceed(entra, entra.signIn.startFlow(request), req, res, context);
  };
}

/** Checks what decides where errors may go: tenant, client ID, redirect URI and response mode. */
function checkClient(entra: EntraId, req: Request): { request: AuthorizeRequest; target: TenantTarget; invalidMode?: string } {
  const target = resolveTenant(entra, String(req.params.tenant));
  const clientId = single(req, 'client_id');
  if (!clientId) throw new AadError(900144, { parameter: 'client_id' });
  const { app } = resolveApp(entra, target, clientId);

  const requested = single(req, 'redirect_uri');
  const registered = REDIRECT_PLATFORMS.flatMap((platform) => app.redirectUris[platform].map((uri) => ({ platform, uri })));
  if (registered.length === 0) throw new AadError(500113);
  // Matching is exact: scheme, host, port, path and trailing slash must all be the same.
  const match = requested === undefined ? registered[0] : registered.find((entry) => entry.uri === requested);
  if (!match) throw new AadError(50011, { redirectUri: requested!, appId: app.appId });

  // An invalid response_mode is reported with the default mode, query.
  const mode = single(req, 'response_mode');
  const responseMode = RESPONSE_MODES.includes(mode as ResponseMode) ? (mode as ResponseMode) : 'query';
  const request: AuthorizeRequest = {
    tenantSegment: String(req.params.tenant),
    tenantId: target.kind === 'tenant' ? target.tenant.id : undefined,
    appId: app.appId,
    redirectUri: match.uri,
    clientType: CLIENT_TYPE[match.platform],
    responseMode,
    state: single(req, 'state'),
    scopes: [],
    codeChallengeMethod: 'plain',
    clientInfo: single(req, 'client_info') === '1',
  };
  return { request, target, invalidMode: mode !== undefined && mode !== responseMode ? mode : undefined };
}

/** Checks and copies the remaining parameters; errors from here on are redirected to the client. */
function completeRequest(req: Request, request: AuthorizeRequest, tenantName: string, invalidMode: string | undefined): void {
  if (invalidMode !== undefined) throw invalidParameter('response_mode', `use one of ${RESPONSE_MODES.join(', ')}`);
  const responseType = single(req, 'response_type');
  if (!responseType) throw new AadError(900144, { parameter: 'response_type' });
  if (responseType !== 'code') throw new AadError(700051, { responseType });

  const scope = single(req, 'scope');
  if (!scope || !scope.trim()) throw new AadError(900144, { parameter: 'scope' });
  request.scopes = parseScopes(scope, tenantName).raw;

  const prompt = single(req, 'prompt');
  if (prompt !== undefined) {
    if (!PROMPTS.includes(prompt as Prompt)) throw invalidParameter('prompt', `use one of ${PROMPTS.join(', ')}`);
    request.prompt = prompt as Prompt;
  }

  const challenge = single(req, 'code_challenge');
  const method = single(req, 'code_challenge_method');
  if (challenge !== undefined) {
    if (!CODE_CHALLENGE.test(challenge)) throw new AadError(501491);
    if (method !== undefined && method !== 'S256' && method !== 'plain') throw invalidParameter('code_challenge_method', 'use S256 or plain');
    request.codeChallenge = challenge;
    request.codeChallengeMethod = method === 'S256' ? 'S256' : 'plain';
  }

  request.nonce = single(req, 'nonce');
  request.loginHint = single(req, 'login_hint');
}

function invalidParameter(name: string, fix: string): AadError {
  return new AadError(9002313, { detail: `The value of '${name}' is not supported; ${fix}.` });
}

/** Returns a query parameter; a repeated one makes the request malformed. */
function single(req: Request, name: string): string | undefined {
  const value = queryField(req, name);
  if (value === null) throw new AadError(9002313, { detail: `The parameter '${name}' is given more than once.` });
  return value;
}
