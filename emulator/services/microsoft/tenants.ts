/**
 * Tenants and their users: creation with an initial `*.onmicrosoft.com` domain, user accounts with
 * mailboxes and passwords, and the administrator actions that revoke sign-ins (password reset,
 * revoke sessions, block sign-in) or switch SMTP AUTH.
 */
import { conflict, invalidInput, notFound } from '../identity/errors';
import { hashPassword, newGuid, newTemporaryPassword, verifyPassword, type PasswordHasher } from '../identity/credentials';
import { checkDisplayName, checkEmailAddress, checkPassword } from '../identity/validation';
import type { EntraContext } from './context';
import type { Tenant, User } from './model';

export const INITIAL_DOMAIN_SUFFIX = '.onmicrosoft.com';
/** Entra allows 27 letters or digits before `.onmicrosoft.com` in an initial domain. */
const DOMAIN_PREFIX = /^[a-z0-9]{1,27}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NewTenant {
  displayName: string;
  /** `contosolab` or `contosolab.onmicrosoft.com`. */
  domain: string;
  /** Tenant ID; a new GUID when left out. */
  id?: string;
  smtpAuthEnabled?: boolean;
}

export interface NewUser {
  /** `alerts@contosolab.onmicrosoft.com`, or just `alerts` for the tenant's initial domain. */
  userPrincipalName: string;
  displayName: string;
  /** A temporary password is generated and returned once when left out. */
  password?: string;
  globalAdmin?: boolean;
  /** Whether the user has an Exchange Online mailbox; default true. */
  mailbox?: boolean;
}

export class Tenants {
  constructor(private readonly context: EntraContext) {}

  list(): Tenant[] {
    return this.context.file.data.tenants;
  }

  /** Finds a tenant by ID or by one of its domains. */
  find(idOrDomain: string): Tenant | undefined {
    const key = idOrDomain.trim().toLowerCase();
    return this.list().find((tenant) => tenant.id === key || tenant.domains.includes(key));
  }

  require(idOrDomain: string, field = 'tenant'): Tenant {
    const tenant = this.find(idOrDomain);
    if (tenant) return tenant;
    const known = this.list().map((entry) => entry.domains[0]!);
    throw notFound(field, `No lab tenant has the ID or domain "${idOrDomain}"; lab tenants are ${known.join(', ') || 'none'}.`, known);
  }

  create(input: NewTenant): Tenant {
    const displayName = checkDisplayName(input.displayName, 'displayName');
    const domain = normaliseInitialDomain(input.domain);
    if (this.find(domain)) throw conflict('domain', `The domain ${domain} belongs to another lab tenant; choose another name.`);
    const id = input.id?.toLowerCase() ?? newGuid();
    if (!GUID.test(id)) throw invalidInput('id', `"id" must be a GUID such as 4d8b6e2a-93f1-4c0e-b7a5-1e6f2c9d8a47; got "${input.id}".`);
    if (this.find(id)) throw conflict('id', `A lab tenant already has the ID ${id}.`);

    const tenant: Tenant = { id, displayName, domains: [domain], createdAt: this.context.now(), smtpAuthEnabled: input.smtpAuthEnabled ?? true, users: [], applications: [], servicePrincipals: [] };
    this.list().push(tenant);
    this.context.file.save();
    this.context.logger.info({ tenant: id, domain }, 'Entra tenant created');
    return tenant;
  }

  remove(tenant: Tenant): void {
    const tenants = this.list();
    tenants.splice(tenants.indexOf(tenant), 1);
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id }, 'Entra tenant deleted');
  }

  setSmtpAuth(tenant: Tenant, enabled: boolean): void {
    tenant.smtpAuthEnabled = enabled;
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, enabled }, 'Tenant SMTP AUTH switched');
  }

  /** Creates a user; returns the password too when the lab generated it, because it is shown only once. */
  async createUser(tenant: Tenant, input: NewUser, hash: PasswordHasher = hashPassword): Promise<{ user: User; generatedPassword?: string }> {
    const userPrincipalName = this.normaliseUpn(tenant, input.userPrincipalName);
    if (this.findUserAnywhere(userPrincipalName)) throw conflict('userPrincipalName', `A lab user already has the name ${userPrincipalName}.`);
    const displayName = checkDisplayName(input.displayName, 'displayName');
    const generatedPassword = input.password === undefined ? newTemporaryPassword() : undefined;
    const password = checkPassword(input.password ?? generatedPassword!, 'password');

    const now = this.context.now();
    const user: User = {
      id: newGuid(),
      userPrincipalName,
      displayName,
      mail: input.mailbox === false ? null : userPrincipalName,
      passwordHash: await hash(password),
      accountEnabled: true,
      globalAdmin: input.globalAdmin ?? false,
      smtpAuthEnabled: null,
      sendAs: [],
      signInSessionsValidFrom: now,
      createdAt: now,
    };
    tenant.users.push(user);
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, user: user.id, upn: userPrincipalName }, 'Entra user created');
    return { user, generatedPassword };
  }

  findUser(tenant: Tenant, idOrUpn: string): User | undefined {
    const key = idOrUpn.trim().toLowerCase();
    return tenant.users.find((user) => user.id === key || user.userPrincipalName === key);
  }

  requireUser(tenant: Tenant, idOrUpn: string, field = 'user'): User {
    const user = this.findUser(tenant, idOrUpn);
    if (user) return user;
    throw notFound(field, `The tenant ${tenant.domains[0]} has no user with the ID or name "${idOrUpn}".`);
  }

  /** Finds a user of any tenant by user principal name or mailbox address. */
  findUserAnywhere(address: string): { tenant: Tenant; user: User } | undefined {
    const key = address.trim().toLowerCase();
    for (const tenant of this.list()) {
      const user = tenant.users.find((candidate) => candidate.userPrincipalName === key || candidate.mail === key);
      if (user) return { tenant, user };
    }
    return undefined;
  }

  removeUser(tenant: Tenant, user: User): void {
    tenant.users.splice(tenant.users.indexOf(user), 1);
    for (const principal of tenant.servicePrincipals) principal.grants = principal.grants.filter((grant) => grant.principalId !== user.id);
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, user: user.id }, 'Entra user deleted');
  }

  /** Sets a new password and revokes the user's sessions and refresh tokens, as a reset in the admin center does. */
  async resetPassword(tenant: Tenant, user: User, password?: string): Promise<{ generatedPassword?: string }> {
    const generatedPassword = password === undefined ? newTemporaryPassword() : undefined;
    user.passwordHash = await hashPassword(checkPassword(password ?? generatedPassword!, 'password'));
    revokeUserSessions(user, this.context.now());
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, user: user.id }, 'Entra user password reset; sessions revoked');
    return { generatedPassword };
  }

  revokeSessions(tenant: Tenant, user: User): void {
    revokeUserSessions(user, this.context.now());
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, user: user.id }, 'Entra user sessions revoked');
  }

  setAccountEnabled(tenant: Tenant, user: User, enabled: boolean): void {
    user.accountEnabled = enabled;
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, user: user.id, enabled }, 'Entra user sign-in switched');
  }

  setMailboxSmtpAuth(tenant: Tenant, user: User, enabled: boolean | null): void {
    if (!user.mail) throw invalidInput('user', `${user.userPrincipalName} has no mailbox, so it has no Authenticated SMTP setting.`);
    user.smtpAuthEnabled = enabled;
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, user: user.id, enabled }, 'Mailbox Authenticated SMTP switched');
  }

  checkUserPassword(user: User, password: string): Promise<boolean> {
    return verifyPassword(user.passwordHash, password);
  }

  /** Accepts `alias` (initial domain added) or `alias@domain` with one of the tenant's domains. */
  private normaliseUpn(tenant: Tenant, value: string): string {
    const text = value.trim().toLowerCase();
    const upn = text.includes('@') ? text : `${text}@${tenant.domains[0]}`;
    checkEmailAddress(upn, 'userPrincipalName');
    const domain = upn.slice(upn.indexOf('@') + 1);
    if (!tenant.domains.includes(domain)) {
      throw invalidInput('userPrincipalName', `"userPrincipalName" must end in @${tenant.domains.join(' or @')}, a domain of the tenant; got "${value}".`, tenant.domains);
    }
    return upn;
  }
}

/** `contosolab` or `contosolab.onmicrosoft.com` becomes `contosolab.onmicrosoft.com`. */
export function normaliseInitialDomain(value: string): string {
  const text = value.trim().toLowerCase();
  const prefix = text.endsWith(INITIAL_DOMAIN_SUFFIX) ? text.slice(0, -INITIAL_DOMAIN_SUFFIX.length) : text;
  if (!DOMAIN_PREFIX.test(prefix)) {
    throw invalidInput('domain', `"domain" must be 1 to 27 lower-case letters or digits, optionally followed by ${INITIAL_DOMAIN_SUFFIX} (e.g. "contosolab"); got "${value}".`);
  }
  return `${prefix}${INITIAL_DOMAIN_SUFFIX}`;
}

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** Ends every session and refresh token the user has now, and none issued later. */
function revokeUserSessions(user: User, now: number): void {
  user.signInSessionsValidFrom = now;
  user.sessionRevocations = (user.sessionRevocations ?? 0) + 1;
}

/**
 * Tells whether a session or refresh token of `user` was revoked: it began with an older revocation
 * count, or, for one from before counts were kept, before the user's sessions became valid.
 */
export function sessionRevoked(user: User, began: { revocations?: number; time: number }): boolean {
  if (began.revocations !== undefined) return began.revocations < (user.sessionRevocations ?? 0);
  return began.time < user.signInSessionsValidFrom;
}
