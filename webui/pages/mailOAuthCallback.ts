/**
 * The router's OAuth callback page, `/doc/mailOAuth.htm`: the DrayDDNS relay forwards the
 * provider's code and state here. The browser that arrives may have no session on this host name,
 * so the page needs no login; the state ties it to the admin session that pressed Authorize.
 */
import type { Request, Response } from 'express';
import type { Firmware } from '../../firmware';
import type { SessionStore } from '../sessions';

export async function mailOAuthCallback(firmware: Firmware, sessions: SessionStore, request: Request, response: Response): Promise<void> {
  const value = (name: string): string | undefined => (typeof request.query[name] === 'string' ? (request.query[name] as string) : undefined);
  const result = await firmware.mail.completeAuthorization(
    { code: value('code'), state: value('state'), error: value('error'), errorDescription: value('error_description') },
    (sessionId) => sessions.isAlive(sessionId),
  );
  response.status(result.ok ? 200 : 400).render('mailOAuthCallback', { title: 'Mail OAuth 2.0 authorization', result });
}
