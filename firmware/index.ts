/**
 * The router's firmware: boots its modules on top of the hardware, owns the config store and the
 * syslog, and carries out reboot, factory reset, backup and restore. It reaches the outside world
 * only through the hardware it runs on.
 */
import { EventEmitter } from 'node:events';
import type { RequestListener } from 'node:http';
import pino, { type Logger } from 'pino';
import type { RouterHardware } from '../hal';
import { createBackup, readBackup, type BackupFile } from './config/backup';
import type { FirmwareModule, ModuleContext } from './config/module';
import { ConfigStore, type ConfigChange, type ConfigSource } from './config/store';
import { FirmwareError } from './errors';
import { AdminModule } from './modules/admin';
import { LanModule } from './modules/lan';
import { DdnsModule } from './modules/ddns';
import { AlertsModule } from './modules/alerts';
import { MailModule } from './modules/mail';
import { ManagementModule } from './modules/management';
import { ObjectsModule } from './modules/objects';
import { WanModule } from './modules/wan';
import { Syslog } from './syslog';
import { FIRMWARE_BUILD_DATE, FIRMWARE_VERSION } from './version';

export * from './errors';
export * from './syslog';
export * from './version';
export type { ConfigDocument, ConfigChange } from './config/store';
export type { AdminConfig } from './modules/admin';
export type { ManagementConfig, ManagementService, BlockedSource } from './modules/management';
export { MANAGEMENT_SERVICES, ROUTER_NAME_PATTERN, DEFAULT_PORTS, ACCESS_LIST_SIZE, OTHER_LAN_SUBNETS, effectivePorts } from './modules/management';
export type { IpObject, ObjectsConfig, IpObjectType, ObjectInterface } from './modules/objects';
export { IP_OBJECT_COUNT, emptyIpObject, ipObjectMatches } from './modules/objects';
export type { WanConfig, WanPortConfig } from './modules/wan';
export type { DdnsAccount, DdnsConfig, AccountState, DdnsLogEntry, WanChoice } from './modules/ddns';
export type { AlertsConfig, AlertRule, NotificationObject, QueuedAlert, RouterEvent, EventCategory } from './modules/alerts';
export { EVENT_CATEGORIES, NOTIFICATION_OBJECT_COUNT, ALERT_RULE_COUNT, MAX_RECIPIENTS, emptyRule, emptyNotificationObject } from './modules/alerts';
export type { MailConfig, MailProfile, ProfileTokens, Precondition, CallbackResult, SendResult } from './modules/mail';
export { MAIL_PROFILE_COUNT, PROVIDER_PRESETS, OAUTH_PROVIDERS, SECURITY_MODES, AUTH_MODES, RELAY_REDIRECT_URI, CALLBACK_PATH, MailOAuthError, emptyProfile } from './modules/mail';
export { DDNS_PROVIDERS, DDNS_ACCOUNT_COUNT, WAN_CHOICES, emptyAccount, fullHostname } from './modules/ddns';
export type { LanConfig } from './modules/lan';
export type { BackupFile } from './config/backup';
export { ADMIN_PASSWORD_MAX_LENGTH } from './modules/admin';
// The UI layer sees hardware state only through the firmware, so it gets the hardware types here.
export type { LedPanel, LedState, PortName, PortState, WanAddress, ClockState, SensorReadings } from '../hal';
export { PORT_NAMES, WAN_PORTS, LAN_PORTS, connectionOf } from '../hal';

const SOURCE_LABELS: Record<ConfigSource, string> = { file: 'flash', 'last-good': 'the last good copy', factory: 'factory defaults' };

export type FirmwareState = 'off' | 'booting' | 'running' | 'stopping';

export interface FirmwareOptions {
  logger?: Logger;
}

export class Firmware extends EventEmitter {
  readonly syslog: Syslog;
  /** Event bus between modules: `wan.up`, `wan.down`, `system.startup`, `config.changed`, ... */
  readonly events = new EventEmitter();
  readonly admin = new AdminModule();
  readonly management: ManagementModule;
  readonly lan = new LanModule();
  readonly objects = new ObjectsModule();
  readonly wan = new WanModule();
  readonly ddns = new DdnsModule();
  readonly mail = new MailModule();
  readonly alerts = new AlertsModule(this.mail);
  readonly modules: FirmwareModule[];
  readonly logger: Logger;
  private storeInstance: ConfigStore | undefined;
  private webHandler: RequestListener | undefined;
  private bootedAt = 0;
  private currentState: FirmwareState = 'off';

  constructor(
    readonly hardware: RouterHardware,
    options: FirmwareOptions = {},
  ) {
    super();
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ router: hardware.id });
    this.syslog = new Syslog(() => hardware.clock.now(), this.logger.child({ module: 'syslog' }));
    this.management = new ManagementModule(() => this.webHandler);
    // Start order matters: the store first, then the services that read it.
    this.modules = [this.admin, this.objects, this.lan, this.management, this.wan, this.ddns, this.mail, this.alerts];
    hardware.resetButton.on('factoryReset', () => void this.factoryReset('reset button').catch((error) => this.logger.error({ err: error }, 'Factory reset from the button failed')));
    hardware.resetButton.on('restart', () => void this.reboot('reset button').catch((error) => this.logger.error({ err: error }, 'Restart from the button failed')));
    hardware.clock.on('synchronised', (removedMs: number) => this.syslog.notice('System', `System time set by NTP to ${hardware.clock.date().toISOString()} (the clock was ${describeOffset(removedMs)})`));
  }

  get store(): ConfigStore {
    if (!this.storeInstance) throw new FirmwareError('BUSY', 'The firmware has not booted yet');
    return this.storeInstance;
  }

  get state(): FirmwareState {
    return this.currentState;
  }

  /** Installs the HTTP handler of the admin UI; the management module serves it. */
  installWebHandler(handler: RequestListener): void {
    this.webHandler = handler;
  }

  /** Boots the firmware; `cause` (e.g. `restarted by admin`) goes into the start-up syslog line. */
  async boot(cause?: string): Promise<void> {
    if (this.currentState !== 'off') throw new FirmwareError('BUSY', `Cannot boot while the firmware is ${this.currentState}`);
    this.currentState = 'booting';
    // The board's clock starts first, so that every syslog line of this boot carries its time.
    this.hardware.clock.startAtBoot();
    this.syslog.clear();
    if (!this.hardware.board) await this.hardware.powerOn();

    if (!this.storeInstance) {
      this.storeInstance = new ConfigStore(this.hardware.flash, this.modules, this.hardware.board, this.syslog);
      this.storeInstance.on('change', (change: ConfigChange, previous: Record<string, unknown>) => void this.applyChange(change, previous));
    }
    const { source, problems } = await this.storeInstance.load(this.hardware.clock.date());
    for (const problem of problems) this.logger.warn({ module: 'config' }, problem);

    const context: ModuleContext = {
      hardware: this.hardware,
      store: this.storeInstance,
      syslog: this.syslog,
      events: this.events,
      logger: this.logger,
    };
    for (const module of this.modules) await module.start?.(context);

    // Uptime counts lab time, so that setting the router's clock does not change it.
    this.bootedAt = this.hardware.clock.lab.now();
    this.currentState = 'running';
    this.hardware.setRunning(true);
    const after = cause ? `${cause}; ` : '';
    const offsetMs = this.hardware.clock.offset();
    if (offsetMs !== 0) this.syslog.warning('System', `System time is ${this.hardware.clock.date().toISOString()}; the real-time clock kept no time and no NTP server has set it`);
    this.syslog.notice('System', `${this.hardware.board.model} firmware ${FIRMWARE_VERSION} started (${after}configuration from ${SOURCE_LABELS[source]})`);
    this.events.emit('system.startup', { source });
    this.emit('booted');
  }

  async shutdown(): Promise<void> {
    if (this.currentState !== 'running') return;
    this.currentState = 'stopping';
    this.hardware.setRunning(false);
    for (const module of [...this.modules].reverse()) await module.stop?.();
    await this.storeInstance?.flush();
    this.currentState = 'off';
    this.emit('halted');
  }

  /** Restarts every module; uptime starts from zero and the RAM syslog is cleared. */
  async reboot(actor: string, cause = `restarted by ${actor}`): Promise<void> {
    if (this.currentState !== 'running') throw new FirmwareError('BUSY', `Cannot restart while the firmware is ${this.currentState}; try again when it is running`);
    this.logger.info({ actor }, 'Reboot requested');
    await this.shutdown();
    await this.boot(cause);
  }

  /** Restores factory default settings, then reboots. The board identity is kept. */
  async factoryReset(actor: string): Promise<void> {
    if (this.currentState !== 'running') throw new FirmwareError('BUSY', `Cannot restore factory defaults while the firmware is ${this.currentState}; try again when it is running`);
    await this.store.resetToFactory(actor);
    await this.reboot(actor, `factory defaults restored by ${actor}`);
  }

  /** Whether a mail service object is set to OAuth 2.0, whose callback needs WAN HTTPS on port 443. */
  hasOAuthMailProfile(): boolean {
    return this.mail.hasOAuthProfile();
  }

  uptimeMs(): number {
    return this.currentState === 'running' ? this.hardware.clock.lab.now() - this.bootedAt : 0;
  }

  exportBackup(): BackupFile {
    return createBackup(this.store, this.hardware.board, FIRMWARE_VERSION, this.hardware.clock.date());
  }

  /** Restores a backup file's text; an invalid file changes nothing and the error says why. */
  async restoreBackup(text: string, actor: string): Promise<string[]> {
    const config = readBackup(text, this.store, this.hardware.board);
    const changed = await this.store.replace(config, actor);
    // A Vigor restarts after a restore so that every module starts from the restored settings.
    await this.reboot(actor, `configuration restored from a backup by ${actor}`);
    return changed;
  }

  info() {
    const board = this.hardware.board;
    return {
      model: board.model,
      firmwareVersion: FIRMWARE_VERSION,
      buildDate: FIRMWARE_BUILD_DATE,
      serialNumber: board.serialNumber,
      mac: board.baseMac,
      routerName: this.management.routerName(),
      uptimeMs: this.uptimeMs(),
      state: this.currentState,
    };
  }

  private async applyChange(change: ConfigChange, previous: Record<string, unknown>): Promise<void> {
    this.syslog.notice('Config', `Configuration changed by ${change.actor}: ${change.modules.join(', ')}`);
    this.events.emit('config.changed', change);
    if (this.currentState !== 'running') return;
    for (const module of this.modules) {
      if (!change.modules.includes(module.name)) continue;
      try {
        await module.configChanged?.(this.store.get(module.name), previous[module.name]);
      } catch (error) {
        this.logger.error({ err: error, module: module.name }, 'Applying a configuration change failed');
        this.syslog.error('System', `${module.title} could not apply the new settings: ${(error as Error).message}`);
      }
    }
  }
}

/** Describes a clock offset for the syslog, e.g. `2 days 3 h behind`. */
function describeOffset(offsetMs: number): string {
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  let amount = `${minutes} min`;
  if (days > 0) amount = `${days} days ${hours} h`;
  else if (hours > 0) amount = `${hours} h ${minutes % 60} min`;
  return `${amount} ${offsetMs < 0 ? 'behind' : 'ahead'}`;
}
