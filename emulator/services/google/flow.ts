/**
 * The steps of a Google sign-in flow. They choose the account (session, account chooser or sign-in
 * form), reject accounts that are not test users of an app in Testing, ask for consent unless the
 * account granted the scopes before, and redirect the code to the client. Only a consent given in
 * this flow with access_type=offline yields a refresh token, as Google documents.
 */
import type { Request, Response } from 'express';
import { BASE64URL_ALPHABET, randomText } from '../identity/credentials';
import { noStore } from '../identity/web';
import { GoogleError } from './errors';
import type { GoogleFlow, GoogleIdentity } from './googleIdentity';
import type { GoogleAccount } from './model';
import { chooserPage, consentPage, sendErrorPage, signInPage, unverifiedAppPage } from './pages';
import { findGoogleScope } from './scopes';

export async function proceed(google: GoogleIdentity, flow: GoogleFlow, req: Request, res: Response): Promise<void> {
  const { request } = flow;
  const appName = google.projects.findClient(request.clientId)?.project.consentScreen.appName ?? 'the app';
  const eligible = (google.signIn.session(req)?.accounts ?? []).map((entry) => google.accounts.find(entry.key)).filter((account): account is GoogleAccount => account?.enabled === true);
  const hint = request.loginHint?.trim().toLowerCase();
  const hinted = hint ? eligible.find((account) => account.email === hint) : undefined;
  const chosen = hinted ?? (eligible.length === 1 ? eligible[0] : undefined);

  if (request.prompts.includes('none')) {
    google.signIn.endFlow(flow);
    if (eligible.length === 0) return redirectError(res, flow, 'loginRequired');
    if (!chosen) return redirectError(res, flow, 'interactionRequired');
    return afterAccount(google, flow, chosen, res);
  }
  if (eligible.length === 0) {
    res.type('html').send(signInPage(flow, appName, request.loginHint ?? ''));
    return;
  }
  if (request.prompts.includes('select_account') || !chosen) {
    res.type('html').send(chooserPage(flow, appName, eligible.map((account) => ({ email: account.email, displayName: account.displayName }))));
    return;
  }
  return afterAccount(google, flow, chosen, res);
}

export async function afterAccount(google: GoogleIdentity, flow: GoogleFlow, account: GoogleAccount, res: Response): Promise<void> {
  const { request } = flow;
  const found = google.projects.findClient(request.clientId);
  if (!found) return sendErrorPage(res, new GoogleError('pageClientNotFound'));
  const screen = found.project.consentScreen;
  if (screen.publishingStatus === 'Testing' && !screen.testUsers.includes(account.email)) {
    google.signIn.endFlow(flow);
    google.logger.info({ email: account.email, clientId: request.clientId }, 'Sign-in rejected: the account is not a test user of an app in Testing');
    return sendErrorPage(res, new GoogleError('pageTestersOnly', { appName: screen.appName }));
  }
  flow.account = { key: account.email, authTime: google.now() };

  const grant = google.grants.find(account.email, request.clientId);
  const covered = grant !== undefined && request.scopes.every((scope) => grant.scopes.includes(scope)) && (!request.offline || grant.offline);
  if (covered && !request.prompts.includes('consent')) return issueCode(google, flow, account, res, false);
  if (request.prompts.includes('none')) return redirectError(res, flow, 'consentRequired');
  showConsent(google, flow, account, res);
}

/** Shows the unverified-app warning first when sensitive scopes are requested, then the consent screen. */
export function showConsent(google: GoogleIdentity, flow: GoogleFlow, account: GoogleAccount, res: Response): void {
  const screen = google.projects.findClient(flow.request.clientId)!.project.consentScreen;
  const sensitive = flow.request.scopes.some((scope) => findGoogleScope(scope)?.sensitive);
  if (sensitive && !flow.warningAccepted) {
    res.type('html').send(unverifiedAppPage(flow, screen.appName, screen.supportEmail));
    return;
  }
  const permissions = flow.request.scopes.map((scope) => ({ scope, description: findGoogleScope(scope)?.description ?? scope }));
  if (flow.request.offline) permissions.push({ scope: 'offline', description: 'Have offline access to the data you have given it access to' });
  res.type('html').send(consentPage(flow, screen.appName, account.email, permissions));
}

/** Stores a code for the flow and redirects it to the client, as Google does (code, scope, authuser, prompt). */
export function issueCode(google: GoogleIdentity, flow: GoogleFlow, account: GoogleAccount, res: Response, consentGiven: boolean): void {
  const { request } = flow;
  const grant = google.grants.find(account.email, request.clientId);
  const scopes = request.includeGrantedScopes && grant ? [...new Set([...grant.scopes, ...request.scopes])] : request.scopes;
  const code = `4/0A${randomText(70, BASE64URL_ALPHABET)}`;
  google.codes.add(code, {
    email: account.email,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scopes,
    issueRefreshToken: consentGiven && request.offline,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    nonce: request.nonce,
  });
  google.signIn.endFlow(flow);
  google.logger.info({ email: account.email, clientId: request.clientId, consentGiven }, 'Google authorization code issued');
  const params: Record<string, string> = {};
  if (request.state !== undefined) params.state = request.state;
  Object.assign(params, { code, scope: scopes.join(' '), authuser: '0', prompt: consentGiven ? 'consent' : 'none' });
  redirectTo(res, request.redirectUri, params);
}

export function redirectError(res: Response, flow: GoogleFlow, key: 'accessDenied' | 'loginRequired' | 'consentRequired' | 'interactionRequired'): void {
  const error = new GoogleError(key);
  const params: Record<string, string> = { error: error.entry.error };
  if (flow.request.state !== undefined) params.state = flow.request.state;
  redirectTo(res, flow.request.redirectUri, params);
}

function redirectTo(res: Response, redirectUri: string, params: Record<string, string>): void {
  noStore(res);
  res.redirect(302, `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}`);
}
