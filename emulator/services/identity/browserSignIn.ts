/**
 * Browser-side state of a provider's sign-in site, kept in memory only. A sign-in flow is one
 * authorize request on its way through the sign-in and consent pages; an unguessable flow token,
 * which every form posts, names it. A browser session lists the accounts signed in on a browser and
 * is found by a cookie, as with the providers' own session cookies.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { readCookie, setSessionCookie } from './web';

/** A flow that is not finished within 30 minutes of lab time has expired. */
export const FLOW_LIFETIME_MS = 30 * 60 * 1000;
/** Flows and sessions kept at once; the oldest go first beyond this. */
const MAX_ENTRIES = 10_000;

export interface Flow<R, A> {
  id: string;
  request: R;
  createdAt: number;
  /** The account name typed on the first page, before the password. */
  username?: string;
  /** The signed-in account, once known. */
  account?: A;
  /** Whether the user has passed the unverified-app warning (Google). */
  warningAccepted?: boolean;
}

export interface Session<A> {
  id: string;
  accounts: A[];
}

export class BrowserSignIn<R, A extends { key: string }> {
  private readonly flows = new Map<string, Flow<R, A>>();
  private readonly sessions = new Map<string, Session<A>>();

  constructor(
    private readonly now: () => number,
    private readonly cookieName: string,
  ) {}

  startFlow(request: R): Flow<R, A> {
    const flow: Flow<R, A> = { id: randomBytes(32).toString('base64url'), request, createdAt: this.now() };
    trim(this.flows);
    this.flows.set(flow.id, flow);
    return flow;
  }

  /** Returns the flow a form post names, or undefined when it is unknown or older than FLOW_LIFETIME_MS. */
  flow(id: string | undefined): Flow<R, A> | undefined {
    const flow = id ? this.flows.get(id) : undefined;
    if (!flow) return undefined;
    if (this.now() - flow.createdAt > FLOW_LIFETIME_MS) {
      this.flows.delete(flow.id);
      return undefined;
    }
    return flow;
  }

  endFlow(flow: Flow<R, A>): void {
    this.flows.delete(flow.id);
  }

  session(req: Request): Session<A> | undefined {
    const id = readCookie(req, this.cookieName);
    return id ? this.sessions.get(id) : undefined;
  }

  /** Adds an account to the browser's session (replacing an older entry with the same key), creating the session and its cookie if needed. */
  signIn(req: Request, res: Response, account: A): A {
    let session = this.session(req);
    if (!session) {
      session = { id: randomBytes(32).toString('base64url'), accounts: [] };
      trim(this.sessions);
      this.sessions.set(session.id, session);
      setSessionCookie(res, this.cookieName, session.id);
    }
    session.accounts = session.accounts.filter((entry) => entry.key !== account.key);
    session.accounts.push(account);
    return account;
  }

  signOut(req: Request, res: Response): void {
    const session = this.session(req);
    if (session) this.sessions.delete(session.id);
    res.clearCookie(this.cookieName, { path: '/' });
  }
}

function trim(map: Map<string, unknown>): void {
  while (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
}
