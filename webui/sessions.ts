/**
 * Web UI sessions. Idle time is measured on the router's clock, so the Vigor auto-logout (5 idle
 * minutes by default) also happens when a lab jumps time forward. A login gets a new session id,
 * so an id planted before login is worthless afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

/** Start of the session cookie name, which is `SESSION_ID_VIGOR` on a real Vigor. */
export const SESSION_COOKIE_PREFIX = 'SESSION_ID_VIGOR';
/** Sessions kept at once per router; the oldest idle one goes first beyond this. */
const MAX_SESSIONS = 1000;

export interface Session {
  id: string;
  /** Logged-in user, or undefined for a pre-login session that only carries a CSRF token. */
  user?: string;
  csrfToken: string;
  /** Lab time (ms) of the last request. */
  lastSeen: number;
  sourceAddress: string;
  /** Validation code shown on this pre-login session's login page, when the router asks for one. */
  validationCode?: string;
  /** One-time message shown on the next page (e.g. "Settings saved"). */
  flash?: { kind: 'ok' | 'error'; text: string };
}

/**
 * Returns the session cookie name of the router with this serial number, e.g.
 * `SESSION_ID_VIGOR_26128D86FF`. Browsers share cookies between ports of one host, so routers of a
 * lab, which all listen on 127.0.0.1, need different names. The serial number stays the same across
 * reboots and lab restarts with the same data directory, so the name does too.
 */
export function sessionCookieName(serialNumber: string): string {
  return `${SESSION_COOKIE_PREFIX}_${serialNumber.replace(/[^A-Za-z0-9]/g, '')}`;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly now: () => number,
    /** Idle limit in ms, or null when auto-logout is disabled. */
    private readonly idleLimitMs: () => number | null,
    /** Name of the session cookie, read on every request because the board identity arrives with the first boot. */
    private readonly cookieName: () => string,
  ) {}

  /** The request's live session; an expired one is removed and reported as `expired`. */
  lookup(request: Request): { session?: Session; expired: boolean } {
    const id = readCookie(request, this.cookieName());
    const session = id ? this.sessions.get(id) : undefined;
    if (!session) return { expired: false };

    const limit = this.idleLimitMs();
    if (session.user && limit !== null && this.now() - session.lastSeen > limit) {
      this.sessions.delete(session.id);
      return { expired: true };
    }
    session.lastSeen = this.now();
    return { session, expired: false };
  }

  create(response: Response, request: Request, sourceAddress: string, user?: string): Session {
    const session: Session = { id: randomBytes(24).toString('base64url'), user, csrfToken: randomBytes(24).toString('base64url'), lastSeen: this.now(), sourceAddress };
    if (this.sessions.size >= MAX_SESSIONS) this.evictOldest();
    this.sessions.set(session.id, session);
    response.cookie(this.cookieName(), session.id, { httpOnly: true, sameSite: 'strict', secure: request.secure, path: '/' });
    return session;
  }

  destroy(session: Session, response: Response): void {
    this.sessions.delete(session.id);
    response.clearCookie(this.cookieName(), { path: '/' });
  }

  /** True while the session exists and has not passed the idle limit. */
  isAlive(id: string): boolean {
    const session = this.sessions.get(id);
    if (!session?.user) return false;
    const limit = this.idleLimitMs();
    return limit === null || this.now() - session.lastSeen <= limit;
  }

  /** Ends every session, as a reboot does. */
  clear(): void {
    this.sessions.clear();
  }

  count(): number {
    return [...this.sessions.values()].filter((session) => session.user).length;
  }

  private evictOldest(): void {
    let oldest: Session | undefined;
    for (const session of this.sessions.values()) if (!oldest || session.lastSeen < oldest.lastSeen) oldest = session;
    if (oldest) this.sessions.delete(oldest.id);
  }
}

function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
