/**
 * Sessions of the emulated Cloud console: a signed-in Google account, a CSRF token for every form
 * and the one-time message of the next page. A session ends with sign-out, when the account is
 * suspended or deleted, or after 8 hours of lab time.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ConsoleSession } from '../../identity/consoleForms';
import { readCookie, setSessionCookie } from '../../identity/web';
import type { GoogleIdentity } from '../googleIdentity';
import type { CloudProject, GoogleAccount } from '../model';

const COOKIE = 'CLOUD_CONSOLE_SESSION';
const SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;
const MAX_SESSIONS = 10_000;

export interface CloudConsoleSession extends ConsoleSession {
  id: string;
  email: string;
  createdAt: number;
}

export interface CloudConsoleView {
  session: CloudConsoleSession;
  account: GoogleAccount;
}

export class CloudConsoleSessions {
  private readonly sessions = new Map<string, CloudConsoleSession>();

  constructor(private readonly google: GoogleIdentity) {}

  create(res: Response, account: GoogleAccount): void {
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const session: CloudConsoleSession = { id: randomBytes(32).toString('base64url'), email: account.email, csrfToken: randomBytes(24).toString('base64url'), createdAt: this.google.now() };
    this.sessions.set(session.id, session);
    setSessionCookie(res, COOKIE, session.id);
  }

  lookup(req: Request): CloudConsoleView | undefined {
    const id = readCookie(req, COOKIE);
    const session = id ? this.sessions.get(id) : undefined;
    if (!session) return undefined;
    const account = this.google.accounts.find(session.email);
    if (!account?.enabled || this.google.now() - session.createdAt > SESSION_LIFETIME_MS) {
      this.sessions.delete(session.id);
      return undefined;
    }
    return { session, account };
  }

  destroy(req: Request, res: Response): void {
    const id = readCookie(req, COOKIE);
    if (id) this.sessions.delete(id);
    res.clearCookie(COOKIE, { path: '/' });
  }
}

/** Returns the projects the signed-in account owns; the console shows no others. */
export function ownedProjects(google: GoogleIdentity, view: CloudConsoleView): CloudProject[] {
  return google.projects.list().filter((project) => project.owner === view.account.email);
}
