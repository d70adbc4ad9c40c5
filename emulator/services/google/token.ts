/**
 * oauth2.googleapis.com: POST /token (authorization_code and refresh_token grants), POST /revoke,
 * GET or POST /tokeninfo, and POST /device/code as far as refusing Gmail scopes.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { basicCredentials, noStore } from '../identity/web';
import { GoogleError } from './errors';
import { ACCESS_TOKEN_SECONDS } from './grants';
import type { GoogleIdentity } from './googleIdentity';
import type { OAuthClient } from './model';
import { holdsGmailScope, parseGoogleScopes } from './scopes';

type Form = Record<string, string | undefined>;

export function tokenHandler(google: GoogleIdentity): RequestHandler {
  return async (req, res) => {
    try {
      const form = readForm(req);
      const grantType = form.grant_type;
      if (!grantType) throw new GoogleError('missingParameter', { parameter: 'grant_type' });
      if (grantType === 'authorization_code') return sendJson(res, await redeemCode(google, req, form));
      if (grantType === 'refresh_token') return sendJson(res, await refresh(google, req, form));
      throw new GoogleError('unsupportedGrantType', { grantType });
    } catch (error) {
      if (!(error instanceof GoogleError)) throw error;
      google.logger.info({ error: error.entry.error, description: error.message }, 'Google token request rejected');
      sendError(res, error);
    }
  };
}

function authenticateClient(google: GoogleIdentity, req: Request, form: Form): OAuthClient {
  const basic = basicCredentials(req);
  const clientId = form.client_id ?? basic?.id;
  if (!clientId) throw new GoogleError('missingClientId');
  const found = google.projects.findClient(clientId);
  if (!found) throw new GoogleError('clientNotFound');
  const secret = form.client_secret ?? basic?.secret;
  if (!secret) throw new GoogleError('missingClientSecret');
  if (!google.projects.checkSecret(found.client, secret)) throw new GoogleError('wrongClientSecret');
  return found.client;
}

async function redeemCode(google: GoogleIdentity, req: Request, form: Form): Promise<Record<string, unknown>> {
  const client = authenticateClient(google, req, form);
  const code = form.code;
  if (!code) throw new GoogleError('missingParameter', { parameter: 'code' });
  const lookup = google.codes.lookup(code);
  if (lookup.status !== 'valid' || lookup.grant.clientId !== client.clientId) throw new GoogleError('badCode');
  const grantOfCode = lookup.grant;
  if (!form.redirect_uri) throw new GoogleError('missingParameter', { parameter: 'redirect_uri' });
  if (form.redirect_uri !== grantOfCode.redirectUri) throw new GoogleError('tokenRedirectUriMismatch');
  if (grantOfCode.codeChallenge !== undefined) {
    if (!form.code_verifier) throw new GoogleError('missingCodeVerifier');
    const expected = grantOfCode.codeChallengeMethod === 'S256' ? createHash('sha256').update(form.code_verifier, 'ascii').digest('base64url') : form.code_verifier;
    if (expected !== grantOfCode.codeChallenge) throw new GoogleError('invalidCodeVerifier');
  }
  const account = google.accounts.find(grantOfCode.email);
  const grant = google.grants.find(grantOfCode.email, client.clientId);
  if (!account?.enabled || !grant) throw new GoogleError('badCode');

  google.codes.markRedeemed(code);
  const accessToken = google.grants.accessToken(account.id, grant, grantOfCode.scopes);
  const body: Record<string, unknown> = { access_token: accessToken, expires_in: ACCESS_TOKEN_SECONDS, scope: grantOfCode.scopes.join(' '), token_type: 'Bearer' };
  if (grantOfCode.issueRefreshToken) body.refresh_token = google.grants.issueRefreshToken(grant);
  if (grantOfCode.scopes.includes('openid')) body.id_token = await google.idToken(account, client.clientId, grantOfCode.scopes, accessToken, grantOfCode.nonce);
  google.logger.info({ account: account.id, clientId: client.clientId, refreshToken: grantOfCode.issueRefreshToken }, 'Google authorization code redeemed');
  return body;
}

/** NOTE: a `scope` parameter on refresh is ignored; the token covers everything the grant holds. */
async function refresh(google: GoogleIdentity, req: Request, form: Form): Promise<Record<string, unknown>> {
  const client = authenticateClient(google, req, form);
  const value = form.refresh_token;
  if (!value) throw new GoogleError('missingParameter', { parameter: 'refresh_token' });
  const use = google.grants.useRefreshToken(value, client.clientId, google.appInTesting(client.clientId));
  if (use.status === 'other-client') throw new GoogleError('tokenOfAnotherClient');
  if (use.status !== 'valid') throw new GoogleError('tokenExpiredOrRevoked');
  const account = google.accounts.find(use.grant.email);
  if (!account?.enabled) throw new GoogleError('tokenExpiredOrRevoked');

  const accessToken = google.grants.accessToken(account.id, use.grant, use.grant.scopes);
  const body: Record<string, unknown> = { access_token: accessToken, expires_in: ACCESS_TOKEN_SECONDS, scope: use.grant.scopes.join(' '), token_type: 'Bearer' };
  if (use.grant.scopes.includes('openid')) body.id_token = await google.idToken(account, client.clientId, use.grant.scopes, accessToken);
  google.logger.info({ account: account.id, clientId: client.clientId }, 'Google refresh token used');
  return body;
}

export function revokeHandler(google: GoogleIdentity): RequestHandler {
  return (req, res) => {
    const token = (req.body as Form | undefined)?.token ?? (typeof req.query.token === 'string' ? req.query.token : undefined);
    // Revoking either token of a grant revokes the whole grant, as Google does.
    let grantId: string | undefined;
    if (token) grantId = google.grants.removeRefreshToken(token)?.grantId ?? google.grants.openAccessToken(token)?.gid;
    const grant = grantId ? google.grants.findById(grantId) : undefined;
    if (!grant) return sendError(res, new GoogleError('revokeUnknownToken'));
    google.grants.revoke(grant);
    sendJson(res, {});
  };
}

export function tokenInfoHandler(google: GoogleIdentity): RequestHandler {
  return (req, res) => {
    // The token comes as a form field, a query parameter or a bearer Authorization header.
    const bearer = /^bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const value = (req.body as Form | undefined)?.access_token ?? (typeof req.query.access_token === 'string' ? req.query.access_token : undefined) ?? bearer;
    const payload = value ? google.grants.openAccessToken(value) : undefined;
    const grant = payload && google.grants.findById(payload.gid);
    if (!payload || !grant || payload.exp <= google.now()) return sendError(res, new GoogleError('invalidToken'));
    const expiresIn = Math.floor((payload.exp - google.now()) / 1000);
    sendJson(res, { azp: payload.cid, aud: payload.cid, sub: payload.sub, scope: payload.scp.join(' '), exp: String(Math.floor(payload.exp / 1000)), expires_in: String(expiresIn), email: payload.email, email_verified: 'true', access_type: grant.offline ? 'offline' : 'online' });
  };
}

/** Rejects Gmail scopes in the device flow, as Google does; the rest of that flow is not emulated. */
export function deviceCodeHandler(google: GoogleIdentity): RequestHandler {
  return (req, res) => {
    const form = (req.body ?? {}) as Form;
    const { scopes, unknown } = parseGoogleScopes(typeof form.scope === 'string' ? form.scope : '');
    const gmail = [...scopes, ...unknown].find((scope) => holdsGmailScope([scope]) || scope.startsWith('https://www.googleapis.com/auth/gmail'));
    if (gmail) return sendError(res, new GoogleError('deviceFlowScope', { scope: gmail }));
    google.logger.info({}, 'Device flow requested; not emulated');
    sendError(res, new GoogleError('deviceFlowNotEmulated'));
  };
}

function readForm(req: Request): Form {
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  const form: Form = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string') throw new GoogleError('repeatedParameter', { parameter: name });
    form[name] = value;
  }
  return form;
}

function sendJson(res: Response, body: Record<string, unknown>): void {
  noStore(res);
  res.json(body);
}

function sendError(res: Response, error: GoogleError): void {
  noStore(res);
  res.status(error.entry.status).json({ error: error.entry.error, error_description: error.message });
}
