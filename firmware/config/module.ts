/** What every firmware module declares: its config schema and factory defaults, and its lifecycle. */
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { BoardIdentity, RouterHardware } from '../../hal';
import type { FieldError } from '../errors';
import type { Syslog } from '../syslog';
import type { JsonSchema } from './schema';
import type { ConfigStore } from './store';

export interface ModuleContext {
  hardware: RouterHardware;
  store: ConfigStore;
  syslog: Syslog;
  /** Firmware event bus (WAN up/down, logins, configuration changes, ...). */
  events: EventEmitter;
  logger: Logger;
}

export interface FirmwareModule<Config = unknown> {
  /** Key of the module's section in the config document. */
  name: string;
  title: string;
  schema: JsonSchema;
  factoryDefaults(board: BoardIdentity): Config;
  /**
   * Checks what the schema cannot express (a gateway outside the subnet, ...) on a section that
   * already passed the schema. Fields are relative to the section, e.g. `WAN1.static.gateway`.
   * `document` is the whole configuration, for references to other sections.
   */
  validate?(config: Config, document: Record<string, unknown>): FieldError[];
  start?(context: ModuleContext): void | Promise<void>;
  stop?(): void | Promise<void>;
  /** Called after a validated change of this module's section has been written to flash. */
  configChanged?(next: Config, previous: Config): void | Promise<void>;
}
