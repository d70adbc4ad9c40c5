/**
 * One JSON state file of the emulated identity providers, under `<data>/lab/`, or memory for an
 * ephemeral lab. Writes are synchronous: lowdb's JSONFileSync writes a temporary file and renames
 * it, so a change is on disk before the reply that reports it leaves. The lab does not wait for its
 * services when it stops and the CLI exits right after the stop, so a queued write could be lost.
 */
import { existsSync, renameSync } from 'node:fs';
import { LowSync, MemorySync } from 'lowdb';
import { JSONFileSync } from 'lowdb/node';
import type { Logger } from 'pino';

export interface VersionedState {
  /** Format version; a file of another version is set aside and the state starts again from its seed. */
  version: number;
}

export class StateFile<T extends VersionedState> {
  private readonly db: LowSync<T>;

  /**
   * Opens the file and reads it. A missing file starts from `seed()`. A file that is not valid JSON
   * or has another format version is renamed to `<name>.rejected-<lab time>` and the state starts
   * from `seed()` as well, so the lab keeps running and the old file stays for inspection.
   */
  constructor(
    readonly filePath: string | null,
    seed: () => T,
    now: number,
    logger: Logger,
  ) {
    const adapter = filePath ? new JSONFileSync<T>(filePath) : new MemorySync<T>();
    this.db = new LowSync<T>(adapter, seed());
    let problem: string | undefined;
    try {
      this.db.read();
    } catch (error) {
      problem = `is not valid JSON (${(error as Error).message})`;
    }
    const version = seed().version;
    if (!problem && this.db.data?.version !== version) problem = `has format version ${String(this.db.data?.version)}, expected ${version}`;
    if (problem) {
      if (filePath && existsSync(filePath)) {
        const aside = `${filePath}.rejected-${now}`;
        renameSync(filePath, aside);
        logger.error({ file: filePath, keptAs: aside }, `Identity state file ${problem}; starting from the seeded state`);
      }
      this.db.data = seed();
    }
    this.save();
  }

  get data(): T {
    return this.db.data;
  }

  /** Writes the current state; call it after every change. */
  save(): void {
    this.db.write();
  }
}
