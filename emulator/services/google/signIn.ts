/**
 * The form posts of accounts.google.com: POST /o/oauth2/v2/signin (e-mail, password, account
 * chooser) and POST /o/oauth2/v2/consent (the unverified-app warning and the consent screen).
 */
import type { Request, RequestHandler, Response } from 'express';
import { formField } from '../identity/web';
import { GoogleError } from './errors';
import { afterAccount, issueCode, redirectError, showConsent } from './flow';
import type { GoogleFlow, GoogleIdentity } from './googleIdentity';
import { passwordPage, sendErrorPage, signInPage } from './pages';

export function signInHandler(google: GoogleIdentity): RequestHandler {
  return async (req, res) => {
    const flow = google.signIn.flow(formField(req, 'flowToken'));
    if (!flow) return sendErrorPage(res, new GoogleError('pageFlowExpired'));
    const appName = google.projects.findClient(flow.request.clientId)?.project.consentScreen.appName ?? 'the app';

    switch (formField(req, 'step')) {
      case 'identifier': {
        const email = formField(req, 'identifier')?.trim().toLowerCase() ?? '';
        const account = google.accounts.find(email);
        if (!account) {
          res.type('html').send(signInPage(flow, appName, email, email ? 'Couldn’t find your Google Account' : 'Enter an email or phone number'));
          return;
        }
        flow.username = account.email;
        res.type('html').send(passwordPage(flow, account.email));
        return;
      }
      case 'password':
        return submitPassword(google, flow, req, res, appName);
      case 'choose': {
        const email = formField(req, 'account') ?? '';
        const inSession = google.signIn.session(req)?.accounts.some((entry) => entry.key === email);
        const account = inSession ? google.accounts.find(email) : undefined;
        if (!account?.enabled) {
          res.type('html').send(signInPage(flow, appName, ''));
          return;
        }
        return afterAccount(google, flow, account, res);
      }
      case 'another':
        res.type('html').send(signInPage(flow, appName, ''));
        return;
      default:
        return sendErrorPage(res, new GoogleError('pageInvalidParameter', { parameter: 'step', value: String(formField(req, 'step') ?? '') }));
    }
  };
}

async function submitPassword(google: GoogleIdentity, flow: GoogleFlow, req: Request, res: Response, appName: string): Promise<void> {
  const account = flow.username ? google.accounts.find(flow.username) : undefined;
  if (!account) {
    res.type('html').send(signInPage(flow, appName, ''));
    return;
  }
  if (!(await google.accounts.checkPassword(account, formField(req, 'Passwd') ?? ''))) {
    google.logger.info({ account: account.id }, 'Google sign-in with a wrong password');
    res.type('html').send(passwordPage(flow, account.email, 'Wrong password. Try again or click Forgot password to reset it.'));
    return;
  }
  if (!account.enabled) {
    res.type('html').send(passwordPage(flow, account.email, 'Your account has been disabled.'));
    return;
  }
  google.signIn.signIn(req, res, { key: account.email, authTime: google.now() });
  google.logger.info({ account: account.id }, 'Google account signed in');
  await afterAccount(google, flow, account, res);
}

export function consentHandler(google: GoogleIdentity): RequestHandler {
  return async (req, res) => {
    const flow = google.signIn.flow(formField(req, 'flowToken'));
    const account = flow?.account && google.accounts.find(flow.account.key);
    if (!flow || !account?.enabled) return sendErrorPage(res, new GoogleError('pageFlowExpired'));
    const step = formField(req, 'step');
    const decision = formField(req, 'decision');

    if (step === 'warning' && decision === 'continue') {
      flow.warningAccepted = true;
      return showConsent(google, flow, account, res);
    }
    if (step === 'consent' && decision === 'allow') {
      google.grants.recordConsent(account.email, flow.request.clientId, flow.request.scopes, flow.request.offline);
      return issueCode(google, flow, account, res, true);
    }
    if ((step === 'warning' && decision === 'back') || (step === 'consent' && decision === 'cancel')) {
      google.signIn.endFlow(flow);
      google.logger.info({ account: account.id, clientId: flow.request.clientId }, 'Google consent denied');
      return redirectError(res, flow, 'accessDenied');
    }
    return sendErrorPage(res, new GoogleError('pageInvalidParameter', { parameter: 'decision', value: String(decision ?? '') }));
  };
}

