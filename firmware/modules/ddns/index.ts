/**
 * Applications >> Dynamic DNS Setup. Each enabled account registers its WAN's address with its
 * provider when the address changes, when the WAN comes up, on its update interval (lab time) and
 * on Force Update. Replies are handled as a careful dyndns2 client should: success, stop until the
 * settings change, retry after 10 minutes (911, dnserr), or retry network failures with backoff.
 */
import { isDeepStrictEqual } from 'node:util';
import type { TimerHandle, WanPortName } from '../../../hal';
import type { FirmwareModule, ModuleContext } from '../../config/module';
import type { FieldError } from '../../errors';
import { fetchDdnsCertificate } from './certificate';
import { providerById } from './providers';
import { SERVER_ERROR_RETRY_MS } from './returnCodes';
import { DDNS_ACCOUNT_COUNT, ddnsSchema, emptyAccount, type DdnsAccount, type DdnsConfig } from './schema';
import { addressToRegister, fullHostname, pickWan, sendUpdate, wansOf, type UpdateResult } from './updater';

export * from './schema';
export { DDNS_PROVIDERS } from './providers';
export { fullHostname } from './updater';

export type AccountStatus = 'disabled' | 'waiting' | 'updating' | 'registered' | 'stopped' | 'retrying';

export interface AccountState {
  status: AccountStatus;
  message: string;
  hostname: string;
  registeredIp?: string;
  lastUpdate?: number;
  lastCode?: string;
  nextAttempt?: number;
}

export interface DdnsLogEntry {
  time: number;
  index: number;
  hostname: string;
  message: string;
}

/** First wait after a network failure; it doubles up to the maximum. */
const NETWORK_RETRY_MS = 30_000;
const MAX_NETWORK_RETRY_MS = 30 * 60_000;
const LOG_CAPACITY = 500;

interface Runtime {
  state: AccountState;
  interval?: TimerHandle;
  retry?: TimerHandle;
  networkFailures: number;
  running: boolean;
  /** A trigger that arrived while an update was running. */
  pending?: 'change' | 'force';
}

export class DdnsModule implements FirmwareModule<DdnsConfig> {
  readonly name = 'ddns';
  readonly title = 'Dynamic DNS Setup';
  readonly schema = ddnsSchema;
  private context!: ModuleContext;
  private runtimes: Runtime[] = [];
  private log: DdnsLogEntry[] = [];
  private running = false;
  private readonly onWanUp = ({ port }: { port: WanPortName }) => this.wanUp(port);

  factoryDefaults(): DdnsConfig {
    return { enabled: false, accounts: Array.from({ length: DDNS_ACCOUNT_COUNT }, emptyAccount) };
  }

  validate(config: DdnsConfig): FieldError[] {
    const errors: FieldError[] = [];
    config.accounts.forEach((account, index) => {
      if (!account.enabled) return;
      const field = `accounts.${index}`;
      if (account.domain === '') errors.push({ field: `${field}.domain`, message: 'is missing; an enabled account needs a host name', title: 'Domain Name' });
      if (account.provider === 'user-defined' && account.userDefined.providerHost === '') {
        errors.push({ field: `${field}.userDefined.providerHost`, message: 'is missing; the User-Defined provider needs its host', title: 'Provider Host' });
      }
      if (account.provider !== 'user-defined' && account.login === '') errors.push({ field: `${field}.login`, message: 'is missing; the provider needs the account name', title: 'Login Name' });
    });
    return errors;
  }

  start(context: ModuleContext): void {
    this.context = context;
    this.running = true;
    this.runtimes = Array.from({ length: DDNS_ACCOUNT_COUNT }, () => ({ state: { status: 'disabled', message: 'Disabled', hostname: '' }, networkFailures: 0, running: false }));
    context.events.on('wan.up', this.onWanUp);
    this.configure(this.config(), undefined);
  }

  stop(): void {
    this.running = false;
    this.context.events.off('wan.up', this.onWanUp);
    this.runtimes.forEach((runtime) => this.cancelTimers(runtime));
  }

  configChanged(next: DdnsConfig, previous: DdnsConfig): void {
    this.configure(next, previous);
  }

  states(): AccountState[] {
    return this.runtimes.map((runtime) => ({ ...runtime.state }));
  }

  logEntries(): DdnsLogEntry[] {
    return [...this.log].reverse();
  }

  /** Force Update: sends at once, even when the address is unchanged or the account was stopped. */
  async forceUpdate(index: number): Promise<AccountState> {
    await this.update(index, 'force');
    return this.states()[index]!;
  }

  private config(): DdnsConfig {
    return this.context.store.get<DdnsConfig>(this.name);
  }

  private configure(next: DdnsConfig, previous: DdnsConfig | undefined): void {
    next.accounts.forEach((account, index) => {
      const runtime = this.runtimes[index]!;
      const changed = !previous || previous.enabled !== next.enabled || !isDeepStrictEqual(previous.accounts[index], account);
      if (!changed) return;

      // New settings clear a stop and every schedule; the account starts over.
      this.cancelTimers(runtime);
      runtime.networkFailures = 0;
      if (!next.enabled || !account.enabled) {
        runtime.state = { status: 'disabled', message: next.enabled ? 'Disabled' : 'Dynamic DNS Setup is disabled', hostname: fullHostname(account) };
        return;
      }
      runtime.state = { status: 'waiting', message: 'Waiting for the first update', hostname: fullHostname(account) };
      runtime.interval = this.context.hardware.clock.setInterval(() => void this.update(index, 'force'), account.intervalMinutes * 60_000);
      void this.update(index, 'change');
    });
  }

  private wanUp(port: WanPortName): void {
    const config = this.config();
    if (!config.enabled) return;
    config.accounts.forEach((account, index) => {
      if (account.enabled && wansOf(account.wan).includes(port) && this.runtimes[index]!.state.status !== 'stopped') void this.update(index, 'change');
    });
  }

  private async update(index: number, trigger: 'change' | 'force'): Promise<void> {
    const runtime = this.runtimes[index]!;
    const config = this.config();
    const account = config.accounts[index]!;
    if (!this.running || !config.enabled || !account.enabled) return;
    if (trigger === 'change' && runtime.state.status === 'stopped') return;
    if (runtime.running) {
      runtime.pending = runtime.pending === 'force' ? 'force' : trigger;
      return;
    }

    const hardware = this.context.hardware;
    const wan = pickWan(hardware, account.wan);
    if (!wan) {
      runtime.state = { ...runtime.state, status: 'waiting', message: `Waiting for ${wansOf(account.wan).join(' or ')} to connect`, nextAttempt: undefined };
      return;
    }

    runtime.running = true;
    runtime.state = { ...runtime.state, status: 'updating', message: `Updating through ${wan}` };
    try {
      let ip: string;
      try {
        ip = await addressToRegister(hardware, account, wan);
      } catch (error) {
        this.handle(index, account, { kind: 'network', error: `cannot learn the public address: ${(error as Error).message}`, hostname: fullHostname(account), wan });
        return;
      }
      if (trigger === 'change' && ip === runtime.state.registeredIp) {
        runtime.state = { ...runtime.state, status: 'registered', message: `${ip} is already registered; nothing sent` };
        return;
      }
      this.handle(index, account, await sendUpdate(hardware, account, wan, ip));
    } finally {
      runtime.running = false;
      const pending = runtime.pending;
      runtime.pending = undefined;
      if (pending && this.running) void this.update(index, pending);
    }
  }

  private handle(index: number, account: DdnsAccount, result: UpdateResult): void {
    if (!this.running || result.kind === 'no-wan') return;
    const runtime = this.runtimes[index]!;
    const now = this.context.hardware.clock.now();
    const provider = providerById(account.provider).name;

    if (result.kind === 'network') {
      runtime.networkFailures += 1;
      const delay = Math.min(NETWORK_RETRY_MS * 2 ** (runtime.networkFailures - 1), MAX_NETWORK_RETRY_MS);
      this.retryAfter(index, delay, `Network error: ${result.error}; retrying in ${Math.round(delay / 1000)} s`, result.hostname, 'warning');
      return;
    }

    runtime.networkFailures = 0;
    const rule = result.rule;
    runtime.state = { ...runtime.state, lastUpdate: now, lastCode: result.code, hostname: result.hostname };
    if (rule?.outcome === 'success') {
      runtime.state = { ...runtime.state, status: 'registered', registeredIp: result.ip, message: `${result.code}: ${result.ip} registered with ${provider}`, nextAttempt: undefined };
      this.record(index, result.hostname, `${provider} replied "${result.code}": ${rule.meaning}; ${result.hostname} is ${result.ip}`, 'notice');
      if (providerById(account.provider).issuesCertificates) void this.refreshCertificate(account, result.hostname);
      return;
    }
    if (rule?.outcome === 'retry') {
      this.retryAfter(index, SERVER_ERROR_RETRY_MS, `${result.code}: ${rule.meaning}. ${rule.action}`, result.hostname, 'warning');
      return;
    }
    const text = rule ? `${result.code}: ${rule.meaning}. ${rule.action}` : `unexpected reply "${result.body}". Check the provider settings`;
    runtime.state = { ...runtime.state, status: 'stopped', message: `Stopped: ${text}`, nextAttempt: undefined };
    this.cancelTimers(runtime);
    this.record(index, result.hostname, `${provider} replied "${result.code}"; updates stop until the account settings change (${text})`, 'error');
    this.context.events.emit('ddns.failed', { index: index + 1, hostname: result.hostname, code: result.code, message: text });
  }

  private retryAfter(index: number, delayMs: number, message: string, hostname: string, severity: 'warning'): void {
    const runtime = this.runtimes[index]!;
    const clock = this.context.hardware.clock;
    clock.clearTimer(runtime.retry);
    runtime.retry = clock.setTimeout(() => void this.update(index, 'force'), delayMs);
    runtime.state = { ...runtime.state, status: 'retrying', message, nextAttempt: clock.now() + delayMs };
    this.record(index, hostname, message, severity);
    this.context.events.emit('ddns.failed', { index: index + 1, hostname, message });
  }

  private async refreshCertificate(account: DdnsAccount, hostname: string): Promise<void> {
    try {
      const renewed = await fetchDdnsCertificate(this.context.hardware, account, hostname);
      if (renewed) {
        this.context.syslog.notice('DDNS', `Certificate for ${hostname} installed (valid until ${new Date(renewed.notAfter).toISOString().slice(0, 10)}); HTTPS management uses it for that name`);
        this.context.events.emit('ddns.certificate', { hostname });
      }
    } catch (error) {
      this.context.syslog.warning('DDNS', `Certificate for ${hostname} could not be obtained: ${(error as Error).message}; HTTPS keeps the router's own certificate`);
    }
  }

  private record(index: number, hostname: string, message: string, severity: 'notice' | 'warning' | 'error'): void {
    this.log.push({ time: this.context.hardware.clock.now(), index: index + 1, hostname, message });
    if (this.log.length > LOG_CAPACITY) this.log.splice(0, this.log.length - LOG_CAPACITY);
    this.context.syslog.add(severity, 'DDNS', `Account ${index + 1} (${hostname}): ${message}`);
  }

  private cancelTimers(runtime: Runtime): void {
    const clock = this.context.hardware.clock;
    clock.clearTimer(runtime.interval);
    clock.clearTimer(runtime.retry);
    runtime.interval = undefined;
    runtime.retry = undefined;
  }
}
