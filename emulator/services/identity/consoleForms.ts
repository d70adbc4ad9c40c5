/**
 * Forms of the admin consoles (Entra admin center, Google Cloud console). Every post runs one
 * action, then redirects (303) to a page that shows the outcome once, so reloading a page never
 * repeats an action. A DirectoryError becomes the page's error message, naming the field. Every
 * form carries the session's CSRF token.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { html, type SafeHtml } from '../../console/html';
import { DirectoryError, invalidInput } from './errors';
import { formField } from './web';

export const CSRF_FIELD = '_csrf';

export interface Flash {
  kind: 'notice' | 'error';
  text: string;
  /** A value shown once in a copy box, such as a new client secret or a temporary password. */
  secret?: { label: string; value: string };
}

export interface ConsoleSession {
  csrfToken: string;
  /** The message for the next page, shown once. */
  flash?: Flash;
}

/** Context of a console page, stored in `res.locals.view` once the session is checked. */
export interface ConsoleView {
  session: ConsoleSession;
}

export interface ActionResult {
  redirectTo: string;
  flash: Flash;
}

export function csrfValid(session: ConsoleSession, req: Request): boolean {
  const submitted = Buffer.from(formField(req, CSRF_FIELD) ?? '');
  const expected = Buffer.from(session.csrfToken);
  return submitted.length === expected.length && timingSafeEqual(submitted, expected);
}

/** Runs `action` for a POST; on a DirectoryError shows its message on the page `fallback(req)`. */
export function formAction<V extends ConsoleView>(fallback: (req: Request) => string, action: (req: Request, view: V) => Promise<ActionResult> | ActionResult): RequestHandler {
  return async (req: Request, res: Response) => {
    const view = res.locals.view as V;
    try {
      const result = await action(req, view);
      view.session.flash = result.flash;
      res.redirect(303, result.redirectTo);
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      view.session.flash = { kind: 'error', text: error.message };
      res.redirect(303, fallback(req));
    }
  };
}

/** Returns a required text field of the form, trimmed; a missing one is an error naming the field. */
export function requiredField(req: Request, name: string, label: string): string {
  const value = formField(req, name)?.trim();
  if (!value) throw invalidInput(name, `${label} is required.`);
  return value;
}

export function notice(redirectTo: string, text: string, secret?: Flash['secret']): ActionResult {
  return { redirectTo, flash: { kind: 'notice', text, secret } };
}

export function csrfField(view: ConsoleView): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${view.session.csrfToken}">`;
}

/** Renders a form with a single button that posts to `action`, for actions such as Delete or Revoke. */
export function actionButton(view: ConsoleView, action: string, label: string, style: 'primary' | 'danger' | 'secondary' = 'primary', hidden: Record<string, string> = {}): SafeHtml {
  const fields = Object.entries(hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return html`<form method="post" action="${action}" class="inline">${csrfField(view)}${fields}<button type="submit" class="${style === 'primary' ? '' : style}">${label}</button></form>`;
}

/** Takes the session's one-time message and renders it. */
export function flashBox(session: ConsoleSession): SafeHtml | string {
  const flash = session.flash;
  session.flash = undefined;
  if (!flash) return '';
  const secret = flash.secret ? html`<p>${flash.secret.label}: <span class="secret" id="shown-once">${flash.secret.value}</span></p>` : '';
  return html`<div class="${flash.kind === 'error' ? 'error' : 'notice'}" id="flash" role="status">${flash.text}${secret}</div>`;
}

export function formatDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
