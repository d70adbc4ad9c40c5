/** CSRF protection: every form post must carry the session's token in the `_csrf` field. */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Session } from './sessions';

export const CSRF_FIELD = '_csrf';

export function csrfTokenMatches(session: Session | undefined, submitted: unknown): boolean {
  if (!session || typeof submitted !== 'string') return false;
  const expected = Buffer.from(session.csrfToken);
  const actual = Buffer.from(submitted);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Rejects a POST whose token is missing or wrong with 403 and a page that says what to do. */
export function requireCsrf(request: Request, response: Response, next: NextFunction): void {
  const submitted = (request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD] ?? request.get('x-csrf-token');
  if (csrfTokenMatches(response.locals.session as Session | undefined, submitted)) return next();
  response.status(403).render('error', {
    title: 'Request rejected',
    message: 'The form was rejected because its security token is missing or out of date (CSRF protection). Reload the page and submit it again.',
  });
}
