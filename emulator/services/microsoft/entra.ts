/**
 * The emulated Microsoft Entra ID: the directory (tenants, users, app registrations, consent) kept
 * in `<data>/lab/microsoft-identity.json`, its tokens, authorization codes and browser sign-in
 * state. The sign-in site, the admin center and the lab API all work on one instance.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { CodeStore } from '../identity/codes';
import { hashSeedPassword } from '../identity/credentials';
import type { IdentityKeys } from '../identity/keys';
import { TokenSealer } from '../identity/sealer';
import { StateFile } from '../identity/stateFile';
import { Applications } from './applications';
import { Consents } from './consents';
import type { EntraContext } from './context';
import { MICROSOFT_STATE_VERSION, type Application, type MicrosoftState, type Tenant, type User } from './model';
import { SEED_TENANT, SEED_USERS } from './seed';
import { SignInState, type SessionAccount } from './signInState';
import { sessionRevoked, Tenants } from './tenants';
import { MicrosoftTokens, type ClientType } from './tokens';

/** Entra ID authorization codes live 10 minutes. */
export const CODE_LIFETIME_MS = 10 * 60 * 1000;

/** Grant an authorization code stands for until it is redeemed. */
export interface CodeGrant {
  tenantId: string;
  userId: string;
  appId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod: 'S256' | 'plain';
  nonce?: string;
  clientType: ClientType;
  sid: string;
}

export class EntraId {
  readonly tenants: Tenants;
  readonly apps: Applications;
  readonly consents: Consents;
  readonly tokens: MicrosoftTokens;
  readonly codes: CodeStore<CodeGrant>;
  readonly signIn: SignInState;

  private constructor(
    private readonly context: EntraContext,
    keys: IdentityKeys,
  ) {
    this.tenants = new Tenants(context);
    this.apps = new Applications(context);
    this.consents = new Consents(context);
    this.tokens = new MicrosoftTokens(keys.microsoft, new TokenSealer(keys.sealingKey), context.now);
    this.codes = new CodeStore<CodeGrant>(context.now, CODE_LIFETIME_MS);
    this.signIn = new SignInState(context.now);
  }

  /** Opens the directory of a lab (labDir null: in memory) and seeds the default tenant on first use. */
  static async open(labDir: string | null, now: () => number, keys: IdentityKeys, logger: Logger): Promise<EntraId> {
    const file = new StateFile<MicrosoftState & { seeded: boolean }>(labDir && path.join(labDir, 'microsoft-identity.json'), () => ({ version: MICROSOFT_STATE_VERSION, seeded: false, tenants: [] }), now(), logger);
    const entra = new EntraId({ file, now, logger: logger.child({ service: 'entra' }) }, keys);
    if (!file.data.seeded) await entra.seed();
    return entra;
  }

  get logger(): Logger {
    return this.context.logger;
  }

  now(): number {
    return this.context.now();
  }

  /** Returns whether the class-lab seed of a router (r2 and up) was created once, even if deleted since. */
  routerSeeded(routerId: string): boolean {
    return this.context.file.data.seededRouters?.includes(routerId) ?? false;
  }

  recordRouterSeeded(routerId: string): void {
    (this.context.file.data.seededRouters ??= []).push(routerId);
    this.context.file.save();
  }

  /** Returns the tenant and user of a signed-in account, while the account may still be used. */
  liveAccount(account: SessionAccount): { tenant: Tenant; user: User } | undefined {
    const tenant = this.tenants.find(account.tenantId);
    const user = tenant && this.tenants.findUser(tenant, account.userId);
    if (!tenant || !user || !user.accountEnabled || sessionRevoked(user, { revocations: account.revocations, time: account.authTime })) return undefined;
    return { tenant, user };
  }

  /** Returns whether an app may be used in `tenant`: its own tenant, or any tenant when it is multitenant. */
  appUsableIn(app: Application, appTenant: Tenant, tenant: Tenant): boolean {
    return appTenant.id === tenant.id || app.signInAudience !== 'AzureADMyOrg';
  }

  private async seed(): Promise<void> {
    const tenant = this.tenants.create(SEED_TENANT);
    for (const user of SEED_USERS) await this.tenants.createUser(tenant, user, hashSeedPassword);
    this.context.file.data.seeded = true;
    this.context.file.save();
  }
}
