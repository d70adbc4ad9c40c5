/**
 * The form posts of the sign-in site: POST /{tenant}/login (user name, password, account picker)
 * and POST /{tenant}/Consent/Set (Accept or Cancel on the consent page).
 */
import type { Request, RequestHandler, Response } from 'express';
import { formField } from '../identity/web';
import { AadError, errorContext, sendErrorPage, type ErrorContext } from './aadError';
import type { EntraId } from './entra';
import { afterAccount, issueCode, missingConsent, signInMessage } from './flowSteps';
import { passwordPage, usernamePage } from './loginPages';
import { sendErrorToClient } from './respond';
import { neededPermissions, parseScopes } from './scopes';
import type { SignInFlow } from './signInState';

export function loginHandler(entra: EntraId): RequestHandler {
  return async (req, res) => {
    const context = errorContext(req, entra.now());
    const flow = entra.signIn.flow(formField(req, 'flowToken'));
    if (!flow) return sendErrorPage(res, new AadError(50089), context);

    switch (formField(req, 'step')) {
      case 'username':
        return submitUsername(entra, flow, req, res);
      case 'password':
        return submitPassword(entra, flow, req, res, context);
      case 'pick':
        return pickAccount(entra, flow, req, res, context);
      case 'another':
        res.type('html').send(usernamePage(flow, ''));
        return;
      default:
        return sendErrorPage(res, new AadError(9002313, { detail: "The form field 'step' must be username, password, pick or another." }), context);
    }
  };
}

function submitUsername(entra: EntraId, flow: SignInFlow, req: Request, res: Response): void {
  const login = formField(req, 'login')?.trim() ?? '';
  if (!login) {
    res.type('html').send(usernamePage(flow, '', { text: 'Enter a valid email address, phone number, or Skype name.' }));
    return;
  }
  const found = entra.tenants.findUserAnywhere(login);
  if (!found) {
    entra.logger.info({ code: 50034 }, 'Sign-in with an unknown user name');
    res.type('html').send(usernamePage(flow, login, signInMessage(50034)));
    return;
  }
  flow.username = found.user.userPrincipalName;
  res.type('html').send(passwordPage(flow, flow.username));
}

async function submitPassword(entra: EntraId, flow: SignInFlow, req: Request, res: Response, context: ErrorContext): Promise<void> {
  const found = flow.username ? entra.tenants.findUserAnywhere(flow.username) : undefined;
  if (!found) {
    res.type('html').send(usernamePage(flow, flow.username ?? '', flow.username ? signInMessage(50034) : undefined));
    return;
  }
  const { tenant, user } = found;
  if (!(await entra.tenants.checkUserPassword(user, formField(req, 'passwd') ?? ''))) {
    entra.logger.info({ tenant: tenant.id, user: user.id, code: 50126 }, 'Sign-in with a wrong password');
    res.type('html').send(passwordPage(flow, user.userPrincipalName, signInMessage(50126)));
    return;
  }
  if (!user.accountEnabled) {
    entra.logger.info({ tenant: tenant.id, user: user.id, code: 50057 }, 'Sign-in of a disabled user');
    res.type('html').send(passwordPage(flow, user.userPrincipalName, signInMessage(50057)));
    return;
  }
  const account = entra.signIn.signInUser(req, res, tenant.id, user.id, user.sessionRevocations ?? 0);
  entra.logger.info({ tenant: tenant.id, user: user.id }, 'User signed in');
  await afterAccount(entra, flow, { tenant, user, account }, res, context);
}

async function pickAccount(entra: EntraId, flow: SignInFlow, req: Request, res: Response, context: ErrorContext): Promise<void> {
  const userId = formField(req, 'account');
  const account = entra.signIn.session(req)?.accounts.find((entry) => entry.userId === userId);
  const live = account && entra.liveAccount(account);
  if (!account || !live) {
    // The session ended or was revoked since the picker was shown: sign in again.
    res.type('html').send(usernamePage(flow, ''));
    return;
  }
  await afterAccount(entra, flow, { ...live, account }, res, context);
}

export function consentHandler(entra: EntraId): RequestHandler {
  return async (req, res) => {
    const context = errorContext(req, entra.now());
    const flow = entra.signIn.flow(formField(req, 'flowToken'));
    const live = flow?.account && entra.liveAccount(flow.account);
    if (!flow || !flow.account || !live) return sendErrorPage(res, new AadError(50089), context);
    const decision = formField(req, 'decision');

    if (decision === 'cancel') {
      entra.signIn.endFlow(flow);
      entra.logger.info({ tenant: live.tenant.id, user: live.user.id, appId: flow.request.appId }, 'User declined consent');
      return sendErrorToClient(res, flow.request, new AadError(65004), context);
    }
    if (decision !== 'accept') return sendErrorPage(res, new AadError(9002313, { detail: "The form field 'decision' must be accept or cancel." }), context);

    const liveAccount = { ...live, account: flow.account };
    const app = entra.apps.find(flow.request.appId)?.app;
    if (!app) return sendErrorPage(res, new AadError(700016, { appId: flow.request.appId, tenant: live.tenant.displayName }), context);
    const grant = flow.request.prompt === 'consent' ? neededPermissions(parseScopes(flow.request.scopes.join(' '), live.tenant.displayName), app) : missingConsent(entra, flow, liveAccount);
    const forEveryone = formField(req, 'consentForOrganization') === 'true' && live.user.globalAdmin;
    entra.consents.grantUserConsent(live.tenant, app, live.user, grant, forEveryone);
    issueCode(entra, flow, liveAccount, res);
  };
}
