/**
 * Class labs: each router gets its own Microsoft tenant and its own Google Cloud project with its
 * own accounts, so trainees who share a lab never meet each other's apps, consents or mailboxes.
 * Router r1 uses the documented seed (microsoft/seed.ts, google/seed.ts) unchanged. Router rN
 * (N >= 2) gets names derived from it, which docs/identity.md lists.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { EntraId } from '../microsoft/entra';
import { SEED_TENANT, SEED_USERS } from '../microsoft/seed';
import type { GoogleIdentity } from '../google/googleIdentity';
import { SEED_ACCOUNTS, SEED_PROJECT } from '../google/seed';
import { hashSeedPassword, type PasswordHasher } from './credentials';

export interface LabUser {
  /** User principal name or Gmail address. */
  address: string;
  displayName: string;
  password: string;
}

/** The tenant and Google project that belong to one router, with the accounts seeded in them. */
export interface RouterIdentity {
  router: string;
  microsoft: { tenantId: string; displayName: string; domain: string; admin: LabUser; alerts: LabUser; trainee: LabUser };
  google: { projectId: string; projectName: string; appName: string; owner: LabUser; alerts: LabUser; trainee: LabUser };
}

/** The tenant and project of a router as the lab API shows them: names and addresses, no passwords. */
export interface RouterIdentitySummary {
  microsoft: { tenantId: string; displayName: string; domain: string; admin: string; alerts: string; trainee: string };
  google: { projectId: string; projectName: string; owner: string; alerts: string; trainee: string };
}

export function routerIdentitySummary(routerId: string): RouterIdentitySummary {
  const { microsoft, google } = routerIdentity(routerId);
  return {
    microsoft: { tenantId: microsoft.tenantId, displayName: microsoft.displayName, domain: microsoft.domain, admin: microsoft.admin.address, alerts: microsoft.alerts.address, trainee: microsoft.trainee.address },
    google: { projectId: google.projectId, projectName: google.projectName, owner: google.owner.address, alerts: google.alerts.address, trainee: google.trainee.address },
  };
}

/** Returns the tenant and project of a router id (`r1`, `r2`, ...); r1 gets the documented seed. */
export function routerIdentity(routerId: string): RouterIdentity {
  const [admin, alerts, trainee] = SEED_USERS.map((user) => ({ address: user.userPrincipalName, displayName: user.displayName, password: user.password }));
  const [owner, googleAlerts, googleTrainee] = SEED_ACCOUNTS.map((account) => ({ address: account.email, displayName: account.displayName, password: account.password }));
  const seeded: RouterIdentity = {
    router: routerId,
    microsoft: { tenantId: SEED_TENANT.id, displayName: SEED_TENANT.displayName, domain: SEED_TENANT.domain, admin: admin!, alerts: alerts!, trainee: trainee! },
    google: { projectId: SEED_PROJECT.id, projectName: SEED_PROJECT.name, appName: SEED_PROJECT.appName, owner: owner!, alerts: googleAlerts!, trainee: googleTrainee! },
  };
  if (routerId === 'r1') return seeded;

  // Entra initial domains allow letters and digits only, so r2's is contosolabr2.onmicrosoft.com.
  const domain = SEED_TENANT.domain.replace('.onmicrosoft.com', `${routerId}.onmicrosoft.com`);
  const inTenant = (user: LabUser): LabUser => ({ ...user, address: `${user.address.split('@')[0]}@${domain}` });
  // lab.alerts@gmail.com becomes lab.alerts.r2@gmail.com.
  const ofRouter = (account: LabUser): LabUser => ({ ...account, address: account.address.replace('@', `.${routerId}@`) });
  return {
    router: routerId,
    microsoft: { tenantId: derivedGuid(`vigor-sim class lab tenant ${routerId}`), displayName: `${SEED_TENANT.displayName} ${routerId}`, domain, admin: inTenant(admin!), alerts: inTenant(alerts!), trainee: inTenant(trainee!) },
    google: { projectId: `${SEED_PROJECT.id}-${routerId}`, projectName: `${SEED_PROJECT.name} ${routerId}`, appName: SEED_PROJECT.appName, owner: ofRouter(owner!), alerts: ofRouter(googleAlerts!), trainee: ofRouter(googleTrainee!) },
  };
}

/**
 * Seeds the tenant and project of every router from r2 on that has never had them, so the IDs are
 * the same in every lab and CI scripts can name them. Each provider's state records the routers
 * it seeded, so a restart with a larger `--routers` adds only the new ones, and a tenant or
 * project the trainer deleted stays deleted. Each distinct password is hashed once, at the seed
 * cost, and every user with that password shares the hash (salt included), so 30 routers cost six
 * hashes instead of 174.
 */
export async function seedClassLab(microsoft: EntraId, google: GoogleIdentity, routerIds: string[], logger: Logger): Promise<void> {
  const pending = routerIds.filter((id) => id !== 'r1').map(routerIdentity);
  const microsoftPending = pending.filter((identity) => !microsoft.routerSeeded(identity.router));
  const googlePending = pending.filter((identity) => !google.routerSeeded(identity.router));
  if (microsoftPending.length === 0 && googlePending.length === 0) return;

  const hash = await hashOnce([...SEED_USERS.map((user) => user.password), ...SEED_ACCOUNTS.map((account) => account.password)]);
  for (const identity of microsoftPending) await seedTenant(microsoft, identity, hash);
  for (const identity of googlePending) await seedProject(google, identity, hash);
  logger.info({ tenants: microsoftPending.length, projects: googlePending.length }, 'Class lab tenants and projects seeded');
}

async function seedTenant(microsoft: EntraId, identity: RouterIdentity, hash: PasswordHasher): Promise<void> {
  const { microsoft: seed } = identity;
  // A tenant of that domain may exist already, made through the lab API before this router was added.
  if (!microsoft.tenants.find(seed.domain) && !microsoft.tenants.find(seed.tenantId)) {
    const tenant = microsoft.tenants.create({ id: seed.tenantId, displayName: seed.displayName, domain: seed.domain, smtpAuthEnabled: SEED_TENANT.smtpAuthEnabled });
    const users = [seed.admin, seed.alerts, seed.trainee];
    for (const [index, user] of users.entries()) {
      const globalAdmin = SEED_USERS[index]!.globalAdmin;
      await microsoft.tenants.createUser(tenant, { userPrincipalName: user.address, displayName: user.displayName, password: user.password, globalAdmin }, hash);
    }
  }
  microsoft.recordRouterSeeded(identity.router);
}

async function seedProject(google: GoogleIdentity, identity: RouterIdentity, hash: PasswordHasher): Promise<void> {
  const { google: seed } = identity;
  if (!google.projects.find(seed.projectId)) {
    for (const account of [seed.owner, seed.alerts, seed.trainee]) {
      if (!google.accounts.find(account.address)) {
        await google.accounts.create({ email: account.address, displayName: account.displayName, password: account.password }, hash);
      }
    }
    const project = google.projects.create({ id: seed.projectId, name: seed.projectName, owner: seed.owner.address, appName: seed.appName });
    // The same test users as the documented project: the owner and the alerts account, not the trainee.
    for (const user of [seed.owner, seed.alerts]) google.projects.addTestUser(project, user.address);
  }
  google.recordRouterSeeded(identity.router);
}

/** Hashes each distinct password once and returns a hasher that hands out those hashes. */
async function hashOnce(passwords: string[]): Promise<PasswordHasher> {
  const distinct = [...new Set(passwords)];
  const hashes = await Promise.all(distinct.map((password) => hashSeedPassword(password)));
  const byPassword = new Map(distinct.map((password, index) => [password, hashes[index]!]));
  return async (password) => byPassword.get(password) ?? hashSeedPassword(password);
}

/** A GUID made from the SHA-256 of `name`, with the version 4 and variant bits set so it parses as one. */
function derivedGuid(name: string): string {
  const hex = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 32).split('');
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20, 32)}`;
}
