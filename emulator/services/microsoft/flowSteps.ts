/**
 * The steps of a sign-in flow after the authorize request. They pick the account (from the
 * browser's session, the account picker or the sign-in form) and check that it may use the app.
 * Then they show the consent page where the grants do not cover the request, or send the
 * authorization code to the client.
 */
import type { Request, Response } from 'express';
import { AadError, sendErrorPage, type ErrorContext } from './aadError';
import { aadstsEntry } from './aadsts';
import type { EntraId } from './entra';
import { accountPickerPage, consentPage, usernamePage, type FieldErrorMessage } from './loginPages';
import type { ResourceKey, Tenant, User } from './model';
import { describePermission, RESOURCE_APIS } from './permissions';
import { sendErrorToClient, sendToClient } from './respond';
import { neededPermissions, parseScopes } from './scopes';
import type { SessionAccount, SignInFlow } from './signInState';
import { newAuthorizationCode } from './tokens';

export interface LiveAccount {
  tenant: Tenant;
  user: User;
  account: SessionAccount;
}

/** Continues a new flow with silent sign-in, the account picker or the sign-in form, as the prompt requests. */
export async function proceed(entra: EntraId, flow: SignInFlow, req: Request, res: Response, context: ErrorContext): Promise<void> {
  const { request } = flow;
  const eligible = (entra.signIn.session(req)?.accounts ?? [])
    .map((account) => ({ account, live: entra.liveAccount(account) }))
    .filter((entry): entry is { account: SessionAccount; live: { tenant: Tenant; user: User } } => entry.live !== undefined)
    .filter((entry) => !request.tenantId || entry.account.tenantId === request.tenantId)
    .map((entry) => ({ ...entry.live, account: entry.account }));
  const hint = request.loginHint?.toLowerCase();
  const hinted = hint ? eligible.find((entry) => entry.user.userPrincipalName === hint || entry.user.mail === hint) : undefined;
  const chosen = hinted ?? (eligible.length === 1 ? eligible[0] : undefined);

  if (request.prompt === 'none') {
    entra.signIn.endFlow(flow);
    if (eligible.length === 0) return sendErrorToClient(res, request, new AadError(50058), context);
    if (!chosen) return sendErrorToClient(res, request, new AadError(16000), context);
    return afterAccount(entra, flow, chosen, res, context);
  }
  if (request.prompt === 'login' || eligible.length === 0) {
    res.type('html').send(usernamePage(flow, request.loginHint ?? ''));
    return;
  }
  if (request.prompt === 'select_account' || !chosen) {
    const accounts = eligible.map((entry) => ({ userId: entry.user.id, userPrincipalName: entry.user.userPrincipalName, displayName: entry.user.displayName }));
    res.type('html').send(accountPickerPage(flow, accounts));
    return;
  }
  return afterAccount(entra, flow, chosen, res, context);
}

/** Checks that the signed-in account may use the app here, then shows the consent page or sends the code. */
export async function afterAccount(entra: EntraId, flow: SignInFlow, live: LiveAccount, res: Response, context: ErrorContext): Promise<void> {
  const { request } = flow;
  const found = entra.apps.find(request.appId);
  if (!found) return sendErrorPage(res, new AadError(700016, { appId: request.appId, tenant: live.tenant.displayName }), context);
  const { app, appTenant } = found;

  const urlTenant = request.tenantId ? entra.tenants.find(request.tenantId) : undefined;
  const outsider = (urlTenant && urlTenant.id !== live.tenant.id) || !entra.appUsableIn(app, appTenant, live.tenant);
  if (outsider) {
    const tenant = urlTenant ?? appTenant;
    return sendErrorPage(res, new AadError(50020, { user: live.user.userPrincipalName, userTenantId: live.tenant.id, tenant: tenant.displayName, appId: app.appId, appName: app.displayName }), context);
  }

  flow.account = live.account;
  const missing = missingConsent(entra, flow, live);
  if (missing.size > 0 || request.prompt === 'consent') {
    if (request.prompt === 'none') return sendErrorToClient(res, request, new AadError(65001, { appId: app.appId, appName: app.displayName }), context);
    const shown = request.prompt === 'consent' ? neededPermissions(parseScopes(request.scopes.join(' '), live.tenant.displayName), app) : missing;
    const permissions = [...shown].flatMap(([resource, names]) => names.map((name) => ({ scope: `${RESOURCE_APIS[resource].displayName}/${name}`, description: describePermission(resource, name) })));
    res.type('html').send(consentPage(flow, { appName: app.displayName, userPrincipalName: live.user.userPrincipalName, permissions, canConsentForOrganization: live.user.globalAdmin }));
    return;
  }
  issueCode(entra, flow, live, res);
}

/** Delegated permissions of the request that neither the admin nor the user has granted yet. */
export function missingConsent(entra: EntraId, flow: SignInFlow, live: LiveAccount): Map<ResourceKey, string[]> {
  const app = entra.apps.find(flow.request.appId)!.app;
  const needed = neededPermissions(parseScopes(flow.request.scopes.join(' '), live.tenant.displayName), app);
  const missing = new Map<ResourceKey, string[]>();
  for (const [resource, names] of needed) {
    const granted = entra.consents.grantedScopes(live.tenant, app.appId, live.user.id, resource);
    const absent = names.filter((name) => !granted.has(name.toLowerCase()));
    if (absent.length > 0) missing.set(resource, absent);
  }
  return missing;
}

/** Stores an authorization code for the flow and sends it to the client's redirect URI. */
export function issueCode(entra: EntraId, flow: SignInFlow, live: LiveAccount, res: Response): void {
  const { request } = flow;
  const code = newAuthorizationCode();
  entra.codes.add(code, {
    tenantId: live.tenant.id,
    userId: live.user.id,
    appId: request.appId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    nonce: request.nonce,
    clientType: request.clientType,
    sid: live.account.sid,
  });
  entra.signIn.endFlow(flow);
  entra.logger.info({ tenant: live.tenant.id, user: live.user.id, appId: request.appId, responseMode: request.responseMode }, 'Authorization code issued');

  const params: Record<string, string> = { code };
  if (request.clientInfo) params.client_info = Buffer.from(JSON.stringify({ uid: live.user.id, utid: live.tenant.id })).toString('base64url');
  params.session_state = live.account.sid;
  sendToClient(res, request, params);
}

/** Returns the sign-in form's message for an AADSTS code from the catalogue. */
export function signInMessage(code: number): FieldErrorMessage {
  return { code, text: aadstsEntry(code).signIn ?? aadstsEntry(code).message };
}
