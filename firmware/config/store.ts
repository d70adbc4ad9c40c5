/**
 * The configuration store. The whole config document is validated against the modules' schemas
 * before anything is written; an invalid change is rejected whole with one message per field.
 * Accepted changes go to flash (secrets sealed), then to a last-good copy, then the modules whose
 * sections changed are notified.
 */
import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import type { BoardIdentity, Flash } from '../../hal';
import { deriveKey, seal, SEALED_PREFIX, unseal } from '../crypto';
import { ConfigValidationError, FirmwareError, formatFieldError, type FieldError } from '../errors';
import type { Syslog } from '../syslog';
import type { FirmwareModule } from './module';
import { compile, mapSecrets, toFieldErrors, type JsonSchema } from './schema';

/** Bumped when the document layout changes in a way older files need migrating from. */
export const CONFIG_SCHEMA_VERSION = 1;
export const CONFIG_FILE = 'config.json';
export const LAST_GOOD_FILE = 'config.last-good.json';

/** Where the configuration in use came from at boot. */
export type ConfigSource = 'file' | 'last-good' | 'factory';

export type ConfigDocument = { schemaVersion: number } & Record<string, unknown>;

export interface ConfigChange {
  modules: string[];
  /** Author of the change for the syslog, e.g. `admin (web UI from 192.168.1.10)` or `lab API`. */
  actor: string;
}

export class ConfigStore extends EventEmitter {
  readonly schema: JsonSchema;
  private readonly validateDocument;
  private readonly secretKey: Buffer;
  private current!: ConfigDocument;
  /** Frozen copies of sections for read(), per document. A commit stores a new document, so they never go stale. */
  private readonly frozenSections = new WeakMap<ConfigDocument, Map<string, unknown>>();
  private writing = Promise.resolve();

  constructor(
    private readonly flash: Flash,
    private readonly modules: FirmwareModule[],
    private readonly board: BoardIdentity,
    private readonly syslog: Syslog,
  ) {
    super();
    this.schema = {
      type: 'object',
      properties: {
        schemaVersion: { const: CONFIG_SCHEMA_VERSION },
        ...Object.fromEntries(modules.map((module) => [module.name, module.schema])),
      },
      required: ['schemaVersion', ...modules.map((module) => module.name)],
      additionalProperties: false,
    };
    this.validateDocument = compile(this.schema);
    this.secretKey = deriveKey(board.deviceKey, 'config-secrets');
  }

  /**
   * Loads the config at boot: the file, else the last good copy, else factory defaults. A rejected
   * file is kept beside it as `<name>.rejected-<lab time>`, so repeated failures keep every copy.
   */
  async load(now: Date): Promise<{ source: ConfigSource; problems: string[] }> {
    const problems: string[] = [];
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

    const primary = await this.readCandidate(CONFIG_FILE);
    if (primary.document) {
      this.current = primary.document;
      await this.flash.file(LAST_GOOD_FILE).write(this.sealed(this.current));
      return { source: 'file', problems };
    }
    if (primary.problem) {
      const keptAs = `${CONFIG_FILE}.rejected-${stamp}`;
      await this.flash.preserve(CONFIG_FILE, keptAs);
      problems.push(`Configuration file rejected at boot and kept as ${keptAs}: ${primary.problem}`);
      this.syslog.error('Config', problems.at(-1)!);
    }

    const lastGood = await this.readCandidate(LAST_GOOD_FILE);
    if (lastGood.document) {
      this.current = lastGood.document;
      this.syslog.warning('Config', 'Booted from the last good configuration copy');
      await this.flash.file(CONFIG_FILE).write(this.sealed(this.current));
      return { source: 'last-good', problems };
    }
    if (lastGood.problem) {
      const keptAs = `${LAST_GOOD_FILE}.rejected-${stamp}`;
      await this.flash.preserve(LAST_GOOD_FILE, keptAs);
      problems.push(`Last good configuration copy rejected at boot and kept as ${keptAs}: ${lastGood.problem}`);
      this.syslog.error('Config', problems.at(-1)!);
    }

    this.current = this.factoryDocument();
    if (problems.length > 0) this.syslog.warning('Config', 'Booted with factory default settings because no valid configuration was found');
    else this.syslog.notice('Config', 'No configuration found; starting with factory default settings');
    await this.persist(this.current);
    return { source: 'factory', problems };
  }

  get<T>(module: string): T {
    if (!(module in this.current)) throw new FirmwareError('NOT_FOUND', `No configuration section "${module}"`);
    return structuredClone(this.current[module]) as T;
  }

  /**
   * Returns a section like get(), but shared and deeply frozen, so that changing it throws a
   * TypeError. It is copied once per stored document, not per call, for code that reads the
   * configuration at every request.
   */
  read<T>(module: string): T {
    if (!(module in this.current)) throw new FirmwareError('NOT_FOUND', `No configuration section "${module}"`);
    let sections = this.frozenSections.get(this.current);
    if (!sections) {
      sections = new Map();
      this.frozenSections.set(this.current, sections);
    }
    if (!sections.has(module)) sections.set(module, deepFreeze(structuredClone(this.current[module])));
    return sections.get(module) as T;
  }

  document(): ConfigDocument {
    return structuredClone(this.current);
  }

  /** Validates a whole document; returns one error per offending field (empty when valid). */
  validate(document: unknown): FieldError[] {
    const copy = structuredClone(document);
    return this.validateDocument(copy) ? this.moduleErrors(copy as ConfigDocument) : toFieldErrors(this.validateDocument.errors);
  }

  /** Replaces the given module sections; rejects the whole change if any field is invalid. */
  async update(sections: Record<string, unknown>, actor: string): Promise<string[]> {
    const next = this.document();
    for (const [name, value] of Object.entries(sections)) {
      if (!this.modules.some((module) => module.name === name)) throw new FirmwareError('NOT_FOUND', `No configuration section "${name}"`);
      // A copy, so that a caller changing its object later cannot change the stored config.
      next[name] = structuredClone(value);
    }
    return this.commit(next, actor);
  }

  /** Replaces the whole document (configuration restore). */
  async replace(document: ConfigDocument, actor: string): Promise<string[]> {
    return this.commit(structuredClone(document), actor);
  }

  async resetToFactory(actor: string): Promise<string[]> {
    return this.commit(this.factoryDocument(), actor);
  }

  factoryDocument(): ConfigDocument {
    const document: ConfigDocument = { schemaVersion: CONFIG_SCHEMA_VERSION };
    for (const module of this.modules) document[module.name] = module.factoryDefaults(this.board);
    return document;
  }

  /** Resolves when every accepted change is on flash. */
  async flush(): Promise<void> {
    await this.writing;
    await this.flash.flush();
  }

  private async commit(next: ConfigDocument, actor: string): Promise<string[]> {
    // Validation fills schema defaults into `next`, so it runs on the object that gets stored.
    if (!this.validateDocument(next)) throw new ConfigValidationError(toFieldErrors(this.validateDocument.errors));
    const moduleErrors = this.moduleErrors(next);
    if (moduleErrors.length > 0) throw new ConfigValidationError(moduleErrors);

    // isDeepStrictEqual also compares prototypes. Cloning puts both sides in the same realm, because
    // objects from different realms (as under Jest's vm sandbox) would otherwise always differ.
    const changed = this.modules
      .map((module) => module.name)
      .filter((name) => !isDeepStrictEqual(structuredClone(next[name]), structuredClone(this.current[name])));
    if (changed.length === 0) return [];

    const previous = this.current;
    this.current = next;
    await this.persist(next);
    this.emit('change', { modules: changed, actor } satisfies ConfigChange, previous);
    // Listeners queue their own flash writes synchronously (the alert a change raises), and the
    // caller acknowledges the change once this resolves, so those writes must be on flash too.
    await this.flash.flush();
    return changed;
  }

  /** Runs each module's own checks on a schema-valid document; fields get the module prefix. */
  private moduleErrors(document: ConfigDocument): FieldError[] {
    return this.modules.flatMap((module) => (module.validate?.(document[module.name], document) ?? []).map((entry) => ({ ...entry, field: `${module.name}.${entry.field}` })));
  }

  private persist(document: ConfigDocument): Promise<void> {
    const sealed = this.sealed(document);
    const write = this.writing.then(async () => {
      await this.flash.file(CONFIG_FILE).write(sealed);
      await this.flash.file(LAST_GOOD_FILE).write(sealed);
    });
    this.writing = write.catch(() => undefined);
    return write;
  }

  private sealed(document: ConfigDocument): ConfigDocument {
    return mapSecrets(this.schema, document, (secret) => (secret === '' ? '' : seal(secret, this.secretKey)));
  }

  private async readCandidate(name: string): Promise<{ document?: ConfigDocument; problem?: string }> {
    const read = await this.flash.file<ConfigDocument>(name).read();
    if (read.status === 'missing') return {};
    if (read.status === 'corrupt') return { problem: read.reason };

    let document: ConfigDocument;
    try {
      document = mapSecrets(this.schema, read.data, (value, path) => {
        // A secret typed into the file by hand is accepted and sealed on the next write.
        if (!value.startsWith(SEALED_PREFIX)) return value;
        try {
          return unseal(value, this.secretKey);
        } catch {
          throw new Error(`${path} was sealed with another key or altered`);
        }
      });
    } catch (error) {
      return { problem: `${name}: a secret cannot be decrypted on this device (${(error as Error).message})` };
    }
    if (document === null || typeof document !== 'object' || Array.isArray(document)) return { problem: `${name} does not contain a configuration object` };

    // Sections added by a newer firmware start from their factory defaults.
    for (const module of this.modules) {
      if (!(module.name in document)) document[module.name] = module.factoryDefaults(this.board);
    }
    const errors = this.validate(document);
    if (errors.length > 0) {
      return { problem: `${name} fails validation: ${errors.slice(0, 5).map(formatFieldError).join('; ')}` };
    }
    this.validateDocument(document);
    return { document };
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
