/**
 * Sending the result of an authorize request to the client's redirect URI in the requested
 * response mode: query string (the default for code), fragment, or a form posted by the browser.
 */
import type { Response } from 'express';
import { noStore } from '../identity/web';
import { redirectErrorParams, type AadError, type ErrorContext } from './aadError';
import { formPostPage } from './loginPages';
import type { AuthorizeRequest } from './signInState';

export function sendToClient(res: Response, request: Pick<AuthorizeRequest, 'redirectUri' | 'responseMode' | 'state'>, params: Record<string, string>): void {
  const all = request.state === undefined ? params : { ...params, state: request.state };
  noStore(res);
  if (request.responseMode === 'form_post') {
    res.status(200).type('html').send(formPostPage(request.redirectUri, all));
    return;
  }
  const encoded = new URLSearchParams(all).toString();
  if (request.responseMode === 'fragment') {
    res.redirect(302, `${request.redirectUri.split('#')[0]}#${encoded}`);
    return;
  }
  const separator = request.redirectUri.includes('?') ? '&' : '?';
  res.redirect(302, `${request.redirectUri}${separator}${encoded}`);
}

export function sendErrorToClient(res: Response, request: Pick<AuthorizeRequest, 'redirectUri' | 'responseMode' | 'state'>, error: AadError, context: ErrorContext): void {
  sendToClient(res, request, redirectErrorParams(error, context));
}
