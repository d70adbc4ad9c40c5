/**
 * Flash storage of one router: named JSON files in the router's own folder under the lab's data
 * directory, or in memory for an ephemeral lab. Writes are atomic (lowdb's steno writer writes a
 * temporary file and renames it), so a killed process leaves either the old or the new file.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { Low, Memory } from 'lowdb';
import { JSONFile } from 'lowdb/node';

export type FlashReadResult<T> =
  | { status: 'ok'; data: T }
  | { status: 'missing' }
  | { status: 'corrupt'; reason: string };

export class FlashFile<T> {
  private readonly db: Low<T | null>;
  private pending = Promise.resolve();

  constructor(readonly name: string, private readonly filePath: string | null) {
    const adapter = filePath ? new JSONFile<T | null>(filePath) : new Memory<T | null>();
    this.db = new Low<T | null>(adapter, null);
  }

  /** Reads the file; a missing file and unparseable content are reported, never thrown. */
  async read(): Promise<FlashReadResult<T>> {
    // Low.read() keeps the previous data when the adapter returns nothing, so a file deleted or
    // nulled since the last read or write would otherwise read back as its old content.
    this.db.data = null;
    try {
      await this.db.read();
    } catch (error) {
      return { status: 'corrupt', reason: `${this.name} is not valid JSON (${(error as Error).message})` };
    }
    if (this.db.data === null || this.db.data === undefined) {
      return this.filePath && existsSync(this.filePath)
        ? { status: 'corrupt', reason: `${this.name} contains no data` }
        : { status: 'missing' };
    }
    return { status: 'ok', data: structuredClone(this.db.data) };
  }

  /** Queues an atomic write; writes to one file happen in call order. */
  write(data: T): Promise<void> {
    const snapshot = structuredClone(data);
    const next = this.pending.then(async () => {
      this.db.data = snapshot;
      await this.db.write();
    });
    this.pending = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every queued write has reached the file. */
  flush(): Promise<void> {
    return this.pending;
  }
}

export class Flash {
  private readonly files = new Map<string, FlashFile<unknown>>();

  /** `directory` null keeps everything in memory (an ephemeral lab). */
  constructor(readonly directory: string | null) {
    if (directory) mkdirSync(directory, { recursive: true });
  }

  get persistent(): boolean {
    return this.directory !== null;
  }

  /** The one handle for a file name; lowdb needs a single instance per file to order its writes. */
  file<T>(name: string): FlashFile<T> {
    if (!/^[a-z0-9][a-z0-9.-]*\.json$/.test(name)) throw new Error(`Invalid flash file name "${name}": use lower-case letters, digits, dots and dashes, ending in .json`);
    let file = this.files.get(name);
    if (!file) {
      file = new FlashFile<unknown>(name, this.directory ? path.join(this.directory, name) : null);
      this.files.set(name, file);
    }
    return file as FlashFile<T>;
  }

  /** Copies a file aside (e.g. a rejected config kept for inspection); does nothing in memory. */
  async preserve(name: string, copyName: string): Promise<void> {
    if (!this.directory || !existsSync(path.join(this.directory, name))) return;
    await this.file(name).flush();
    await copyFile(path.join(this.directory, name), path.join(this.directory, copyName));
  }

  async flush(): Promise<void> {
    await Promise.all([...this.files.values()].map((file) => file.flush()));
  }
}

