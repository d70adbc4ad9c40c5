/**
 * One emulated dyndns2 provider: its accounts, hostnames, faults and history, kept in its store and
 * mirrored into the lab DNS. The lab API, the console and the update and certificate endpoints all
 * change the provider through this class, which checks every value it is given.
 */
import type { Logger } from 'pino';
import { hashPassword, verifyPassword } from '../../../firmware/crypto';
import { hashSeedPassword } from './seedPassword';
import type { Clock } from '../../../hal';
import type { LabDns } from '../../network/dns';
import type { ProviderDefinition } from './providers';
import type { AuthResult, HostnameEffect } from './rules';
import type { ParsedAuthorization } from './basicAuth';
import { checkAddress, checkHostname, checkPassword, checkUsername, ProviderInputError } from './input';
import { HISTORY_CAPACITY, NO_FAULTS, type AccountRecord, type DdnsStore, type Faults, type HistoryEntry, type HostnameRecord, type ProviderState } from './store';
import { VerifiedCredentials } from './verifiedCredentials';

export interface ProviderDeps {
  dns: LabDns;
  clock: Clock;
  logger: Logger;
  /** Whether a name belongs to a lab service host and so cannot be a DDNS hostname. */
  isServiceName(name: string): boolean;
}

export interface AccountView {
  username: string;
  credited: boolean;
  seededFor: string | null;
  /** The documented seed password while it is unchanged, else null. */
  documentedPassword: string | null;
  hostnames: string[];
  faults: Faults;
  createdAt: number;
}

export interface HostnameView extends Omit<HostnameRecord, 'nochgTimes'> {
  /** nochg replies within the abuse window. */
  recentNochg: number;
}

export class DdnsProvider {
  private readonly verified = new VerifiedCredentials();

  constructor(
    readonly definition: ProviderDefinition,
    private readonly store: DdnsStore,
    private readonly state: ProviderState,
    private readonly deps: ProviderDeps,
  ) {}

  get id(): string {
    return this.definition.id;
  }

  get faults(): Faults {
    return { ...this.state.faults };
  }

  /** Creates the seed account and hostname of each router that lacks them, and stores them. */
  async seedRouters(routerIds: string[]): Promise<void> {
    let added = false;
    for (const routerId of routerIds) {
      const seed = this.definition.seed(routerId);
      if (!this.findAccount(seed.username)) {
        const passwordHash = await hashSeedPassword(seed.password);
        this.state.accounts.push({ username: seed.username, passwordHash, credited: true, seededFor: routerId, seedPasswordUnchanged: true, faults: { ...NO_FAULTS }, createdAt: this.deps.clock.now() });
        added = true;
      }
      if (!this.findHostname(seed.hostname)) {
        this.state.hostnames.push(newHostname(seed.hostname, seed.username, null, this.deps.clock.now()));
        added = true;
      }
    }
    if (added) await this.persist();
  }

  /** Writes every hostname that has an address into the lab DNS, as at provider start. */
  publishRecords(): void {
    for (const record of this.state.hostnames) {
      if (record.address) this.deps.dns.set(record.hostname, record.address, 'ddns');
    }
  }

  findAccount(username: string): AccountRecord | undefined {
    return this.state.accounts.find((account) => account.username === username);
  }

  findHostname(hostname: string): HostnameRecord | undefined {
    const key = hostname.toLowerCase().replace(/\.$/, '');
    return this.state.hostnames.find((record) => record.hostname === key);
  }

  /** Checks Basic credentials; the account is returned whenever the user name exists. */
  async authenticate(authorization: ParsedAuthorization): Promise<{ auth: AuthResult; account: AccountRecord | undefined }> {
    if (authorization.kind !== 'basic') return { auth: authorization.kind, account: undefined };
    const account = this.findAccount(authorization.credentials.username);
    if (!account) return { auth: 'unknown-user', account: undefined };

    const { username, password } = authorization.credentials;
    const { passwordHash } = account;
    if (this.verified.matches(username, passwordHash, password)) return { auth: 'ok', account };
    const matches = await verifyPassword(password, passwordHash);
    if (matches) this.verified.remember(username, passwordHash, password);
    return { auth: matches ? 'ok' : 'wrong-password', account };
  }

  async createAccount(input: { username: string; password: string; credited?: boolean }): Promise<AccountView> {
    const username = checkUsername(input.username);
    this.requireNewUsername(username);
    const passwordHash = await hashPassword(checkPassword(input.password));
    // Another request may have created the same account while the password was being hashed.
    this.requireNewUsername(username);
    const account: AccountRecord = { username, passwordHash, credited: input.credited ?? true, seededFor: null, seedPasswordUnchanged: false, faults: { ...NO_FAULTS }, createdAt: this.deps.clock.now() };
    this.state.accounts.push(account);
    this.deps.logger.info({ provider: this.id, account: account.username }, 'DDNS account created');
    await this.persist();
    return this.accountView(account);
  }

  /** Changes an account's password or credit. A new password makes clients with the old one get badauth. */
  async updateAccount(username: string, changes: { password?: string; credited?: boolean }): Promise<AccountView> {
    const account = this.requireAccount(username, 'username', 404);
    if (changes.password !== undefined) {
      account.passwordHash = await hashPassword(checkPassword(changes.password));
      account.seedPasswordUnchanged = false;
    }
    if (changes.credited !== undefined) account.credited = changes.credited;
    this.deps.logger.info({ provider: this.id, account: username, passwordChanged: changes.password !== undefined, credited: account.credited }, 'DDNS account changed');
    await this.persist();
    return this.accountView(account);
  }

  async setFaults(changes: Partial<Faults>): Promise<Faults> {
    Object.assign(this.state.faults, changes);
    this.deps.logger.info({ provider: this.id, ...changes }, 'DDNS provider faults set');
    await this.persist();
    return this.faults;
  }

  async setAccountFaults(username: string, changes: Partial<Faults>): Promise<Faults> {
    const account = this.requireAccount(username, 'username', 404);
    Object.assign(account.faults, changes);
    this.deps.logger.info({ provider: this.id, account: username, ...changes }, 'DDNS account faults set');
    await this.persist();
    return { ...account.faults };
  }

  async createHostname(input: { hostname: string; account: string; address?: string | null }): Promise<HostnameView> {
    const hostname = checkHostname(this.definition, input.hostname);
    if (this.deps.isServiceName(hostname)) throw new ProviderInputError('hostname', `${hostname} is the name of a lab service and cannot be a DDNS hostname.`, 409);
    if (this.findHostname(hostname)) throw new ProviderInputError('hostname', `${hostname} already exists at ${this.definition.name}.`, 409);
    this.requireAccount(input.account, 'account', 400);
    const address = checkAddress(input.address ?? null);

    const record = newHostname(hostname, input.account, address, this.deps.clock.now());
    this.state.hostnames.push(record);
    if (address) this.deps.dns.set(hostname, address, 'ddns');
    this.deps.logger.info({ provider: this.id, account: input.account, hostname, address }, 'DDNS hostname created');
    await this.persist();
    return this.hostnameView(record);
  }

  /** Blocks a hostname for abuse, or unblocks it and clears its recent nochg replies. */
  async setBlocked(hostname: string, blocked: boolean): Promise<HostnameView> {
    const record = this.findHostname(hostname);
    if (!record) throw new ProviderInputError('hostname', `${this.definition.name} has no hostname "${hostname}".`, 404);
    record.blocked = blocked;
    if (!blocked) record.nochgTimes = [];
    this.deps.logger.info({ provider: this.id, hostname: record.hostname, blocked }, blocked ? 'DDNS hostname blocked for abuse' : 'DDNS hostname unblocked');
    await this.persist();
    return this.hostnameView(record);
  }

  /** nochg replies a hostname got within the abuse window, dropping older ones. */
  recentNochg(record: HostnameRecord): number {
    const since = this.deps.clock.now() - this.definition.abuse.windowMs;
    record.nochgTimes = record.nochgTimes.filter((time) => time > since);
    return record.nochgTimes.length;
  }

  /** Records the outcome of an update for one hostname and writes a new address into the lab DNS. */
  applyHostnameOutcome(record: HostnameRecord, effect: HostnameEffect, address: string, replyLine: string): void {
    const now = this.deps.clock.now();
    record.lastReply = replyLine;
    if (effect === 'set-address') {
      record.address = address;
      record.updatedAt = now;
      record.nochgTimes = [];
      this.deps.dns.set(record.hostname, address, 'ddns');
    } else if (effect === 'count-nochg') {
      record.nochgTimes.push(now);
    } else if (effect === 'block') {
      record.blocked = true;
    }
  }

  async recordHistory(entry: Omit<HistoryEntry, 'seq' | 'time'>): Promise<HistoryEntry> {
    const recorded: HistoryEntry = { seq: this.state.nextSeq, time: this.deps.clock.now(), ...entry };
    this.state.nextSeq += 1;
    this.state.history.push(recorded);
    if (this.state.history.length > HISTORY_CAPACITY) this.state.history.splice(0, this.state.history.length - HISTORY_CAPACITY);
    await this.persist();
    return recorded;
  }

  history(filter: { after?: number; limit?: number; hostname?: string; account?: string } = {}): HistoryEntry[] {
    const matching = this.state.history.filter(
      (entry) =>
        entry.seq > (filter.after ?? 0) &&
        (filter.account === undefined || entry.username === filter.account) &&
        (filter.hostname === undefined || entry.hostnames.includes(filter.hostname.toLowerCase())),
    );
    return structuredClone(filter.limit === undefined ? matching : matching.slice(-filter.limit));
  }

  accounts(): AccountView[] {
    return this.state.accounts.map((account) => this.accountView(account));
  }

  hostnames(): HostnameView[] {
    return this.state.hostnames.map((record) => this.hostnameView(record));
  }

  accountView(account: AccountRecord): AccountView {
    const documented = account.seededFor !== null && account.seedPasswordUnchanged ? this.definition.seed(account.seededFor).password : null;
    return {
      username: account.username,
      credited: account.credited,
      seededFor: account.seededFor,
      documentedPassword: documented,
      hostnames: this.state.hostnames.filter((record) => record.account === account.username).map((record) => record.hostname),
      faults: { ...account.faults },
      createdAt: account.createdAt,
    };
  }

  hostnameView(record: HostnameRecord): HostnameView {
    const { nochgTimes: _nochgTimes, ...rest } = record;
    return { ...rest, recentNochg: this.recentNochg(record) };
  }

  persist(): Promise<void> {
    return this.store.write(this.state);
  }

  /** Resolves once every write has reached the store. */
  flush(): Promise<void> {
    return this.store.flush();
  }

  private requireNewUsername(username: string): void {
    if (this.findAccount(username)) throw new ProviderInputError('username', `${this.definition.name} already has an account "${username}".`, 409);
  }

  private requireAccount(username: string, field: string, status: 400 | 404): AccountRecord {
    const account = this.findAccount(username);
    if (!account) throw new ProviderInputError(field, `${this.definition.name} has no account "${username}".`, status);
    return account;
  }
}

function newHostname(hostname: string, account: string, address: string | null, now: number): HostnameRecord {
  return { hostname, account, address, updatedAt: address ? now : null, lastReply: null, blocked: false, nochgTimes: [], createdAt: now };
}
