/**
 * Sessions of the Entra admin center: a Global Administrator of one tenant, a CSRF token for
 * every form, and one-time messages for the next page (a secret value or a new password is shown
 * once this way). A session ends with sign-out, or when the admin loses the role, is blocked,
 * deleted, or has their sessions revoked.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Flash } from '../../identity/consoleForms';
import { readCookie, setSessionCookie } from '../../identity/web';
import type { EntraId } from '../entra';
import type { Tenant, User } from '../model';

const COOKIE = 'ENTRA_ADMIN_SESSION';
/** An admin center session ends after 8 hours of lab time. */
const SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;
const MAX_SESSIONS = 10_000;

export interface AdminSession {
  id: string;
  tenantId: string;
  userId: string;
  csrfToken: string;
  createdAt: number;
  flash?: Flash;
}

export class AdminSessions {
  private readonly sessions = new Map<string, AdminSession>();

  constructor(private readonly entra: EntraId) {}

  create(res: Response, tenant: Tenant, user: User): AdminSession {
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const session: AdminSession = { id: randomBytes(32).toString('base64url'), tenantId: tenant.id, userId: user.id, csrfToken: randomBytes(24).toString('base64url'), createdAt: this.entra.now() };
    this.sessions.set(session.id, session);
    setSessionCookie(res, COOKIE, session.id);
    return session;
  }

  /** Returns the request's session with its tenant and admin, while they may still use the admin center. */
  lookup(req: Request): { session: AdminSession; tenant: Tenant; admin: User } | undefined {
    const id = readCookie(req, COOKIE);
    const session = id ? this.sessions.get(id) : undefined;
    if (!session) return undefined;
    const tenant = this.entra.tenants.find(session.tenantId);
    const admin = tenant && this.entra.tenants.findUser(tenant, session.userId);
    const expired = this.entra.now() - session.createdAt > SESSION_LIFETIME_MS;
    if (!tenant || !admin || !admin.accountEnabled || !admin.globalAdmin || admin.signInSessionsValidFrom > session.createdAt || expired) {
      this.sessions.delete(session.id);
      return undefined;
    }
    return { session, tenant, admin };
  }

  destroy(req: Request, res: Response): void {
    const id = readCookie(req, COOKIE);
    if (id) this.sessions.delete(id);
    res.clearCookie(COOKIE, { path: '/' });
  }
}
