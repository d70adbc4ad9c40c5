/**
 * GET /o/oauth2/v2/auth on accounts.google.com. Invalid requests get Google's error page ("Error
 * 400: redirect_uri_mismatch"); a valid one starts a sign-in flow. Redirect URIs match exactly:
 * scheme, case, port, path and trailing slash.
 */
import type { Request, RequestHandler } from 'express';
import { queryField } from '../identity/web';
import { GoogleError } from './errors';
import { proceed } from './flow';
import type { GoogleAuthorizeRequest, GoogleIdentity, Prompt } from './googleIdentity';
import { sendErrorPage } from './pages';
import { parseGoogleScopes } from './scopes';

const PROMPTS: readonly Prompt[] = ['none', 'consent', 'select_account'];
/** RFC 7636: a code challenge is 43 to 128 characters of the unreserved URI alphabet. */
const CODE_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;

export function authorizeHandler(google: GoogleIdentity): RequestHandler {
  return async (req, res) => {
    let request: GoogleAuthorizeRequest;
    try {
      request = parseRequest(google, req);
    } catch (error) {
      if (!(error instanceof GoogleError)) throw error;
      google.logger.info({ error: error.entry.error }, 'Google authorize request rejected');
      sendErrorPage(res, error);
      return;
    }
    await proceed(google, google.signIn.startFlow(request), req, res);
  };
}

function parseRequest(google: GoogleIdentity, req: Request): GoogleAuthorizeRequest {
  const single = (name: string): string | undefined => {
    const value = queryField(req, name);
    if (value === null) throw new GoogleError('pageInvalidParameter', { parameter: name, value: '(given more than once)' });
    return value;
  };
  const required = (name: string): string => {
    const value = single(name)?.trim();
    if (!value) throw new GoogleError('pageMissingParameter', { parameter: name });
    return value;
  };

  const clientId = required('client_id');
  const found = google.projects.findClient(clientId);
  if (!found) throw new GoogleError('pageClientNotFound');
  const redirectUri = required('redirect_uri');
  if (!found.client.redirectUris.includes(redirectUri)) throw new GoogleError('pageRedirectUriMismatch', { redirectUri });

  const responseType = required('response_type');
  if (responseType !== 'code') throw new GoogleError('pageInvalidParameter', { parameter: 'response_type', value: responseType });
  const { scopes, unknown } = parseGoogleScopes(required('scope'));
  if (unknown.length > 0) throw new GoogleError('pageInvalidScope', { scopes: unknown.join(', ') });

  const accessType = single('access_type') ?? 'online';
  if (accessType !== 'online' && accessType !== 'offline') throw new GoogleError('pageInvalidParameter', { parameter: 'access_type', value: accessType });
  const prompts = (single('prompt') ?? '').split(/\s+/).filter((entry) => entry.length > 0);
  const badPrompt = prompts.find((prompt) => !PROMPTS.includes(prompt as Prompt));
  if (badPrompt !== undefined || (prompts.includes('none') && prompts.length > 1)) throw new GoogleError('pageInvalidParameter', { parameter: 'prompt', value: prompts.join(' ') });

  const request: GoogleAuthorizeRequest = { clientId, redirectUri, state: single('state'), scopes, offline: accessType === 'offline', prompts: prompts as Prompt[], loginHint: single('login_hint'), codeChallengeMethod: 'plain', nonce: single('nonce') };
  const challenge = single('code_challenge');
  const method = single('code_challenge_method');
  if (challenge !== undefined) {
    if (!CODE_CHALLENGE.test(challenge)) throw new GoogleError('pageInvalidParameter', { parameter: 'code_challenge', value: challenge.slice(0, 20) });
    if (method !== undefined && method !== 'S256' && method !== 'plain') throw new GoogleError('pageInvalidParameter', { parameter: 'code_challenge_method', value: method });
    request.codeChallenge = challenge;
    request.codeChallengeMethod = method === 'S256' ? 'S256' : 'plain';
  }
  // Google adds earlier grants of the account to the new code when asked to.
  if (single('include_granted_scopes') === 'true') request.includeGrantedScopes = true;
  return request;
}
