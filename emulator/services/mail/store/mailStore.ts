/**
 * Every mailbox of the lab and the messages delivered to it. Each mailbox is one JSON file under
 * `<data>/lab/mail/`, written through its own lowdb instance (steno writes a temporary file and
 * renames it), so mail survives a restart of the lab. An ephemeral lab keeps mailboxes in memory.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { Low, Memory } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { Logger } from 'pino';
import type { IdentityProviderName } from '../../identity/contract';
import { INTERNET_MAILBOX, type StoredMessage } from './message';
import { matches, type MessageFilter } from './search';

export type MailboxProvider = IdentityProviderName | 'internet';

export interface MailboxRecord {
  /** Address in lower case, or INTERNET_MAILBOX. */
  address: string;
  provider: MailboxProvider;
  displayName: string;
  /** Oldest first. */
  messages: StoredMessage[];
}

export interface MailboxSummary {
  address: string;
  provider: MailboxProvider;
  displayName: string;
  messages: number;
  /** Number of messages per folder. */
  folders: Record<string, number>;
}

export interface MailboxOwner {
  address: string;
  provider: MailboxProvider;
  displayName: string;
}

export class MailStore extends EventEmitter {
  private readonly records = new Map<string, { db: Low<MailboxRecord>; pending: Promise<void> }>();

  private constructor(
    private readonly directory: string | null,
    private readonly logger: Logger,
  ) {
    super();
    this.setMaxListeners(0);
  }

  /** Opens the mailboxes kept in `directory`; null keeps everything in memory. */
  static async open(directory: string | null, logger: Logger): Promise<MailStore> {
    const store = new MailStore(directory, logger);
    if (directory) {
      mkdirSync(directory, { recursive: true });
      for (const file of readdirSync(directory).filter((name) => name.endsWith('.json'))) await store.load(path.join(directory, file));
    }
    return store;
  }

  mailboxes(): MailboxSummary[] {
    return [...this.records.values()]
      .map(({ db }) => db.data)
      .sort(byAddressInternetLast)
      .map((record) => ({
        address: record.address,
        provider: record.provider,
        displayName: record.displayName,
        messages: record.messages.length,
        folders: countByFolder(record.messages),
      }));
  }

  mailbox(address: string): MailboxRecord | undefined {
    return this.records.get(mailboxKey(address))?.db.data;
  }

  /** Messages of a mailbox that match `filter`, newest first, at most `limit`. */
  messages(address: string, filter: MessageFilter = {}, limit = Number.POSITIVE_INFINITY): StoredMessage[] {
    const record = this.mailbox(address);
    if (!record) return [];
    const found: StoredMessage[] = [];
    for (let index = record.messages.length - 1; index >= 0 && found.length < limit; index -= 1) {
      if (matches(record.messages[index]!, filter)) found.push(record.messages[index]!);
    }
    return found;
  }

  message(address: string, id: string): StoredMessage | undefined {
    return this.mailbox(address)?.messages.find((message) => message.id === id);
  }

  /** Adds a message to its mailbox, creating the mailbox on first delivery, and writes the file. */
  async add(owner: MailboxOwner, message: StoredMessage): Promise<void> {
    const key = mailboxKey(owner.address);
    let entry = this.records.get(key);
    if (!entry) {
      const db = new Low<MailboxRecord>(this.adapterFor(key), { address: key, provider: owner.provider, displayName: owner.displayName, messages: [] });
      entry = { db, pending: Promise.resolve() };
      this.records.set(key, entry);
    }
    // Like Exchange's duplicate detection: a message whose Message-ID this folder already holds
    // (a sender's retry after a lost reply) is not stored twice.
    const duplicate = message.messageId !== null && entry.db.data.messages.some((stored) => stored.messageId === message.messageId && stored.folder === message.folder);
    if (duplicate) {
      this.logger.info({ mailbox: key, messageId: message.messageId }, 'Duplicate message not stored again');
      return;
    }
    entry.db.data.messages.push(message);
    this.logger.info({ mailbox: key, message: message.id, folder: message.folder }, 'Mail delivered');
    this.emit('message', message);

    const write = entry.pending.then(() => entry.db.write());
    entry.pending = write.catch((error: unknown) => this.logger.error({ err: error, mailbox: key }, 'Failed to write a mailbox file'));
    await entry.pending;
  }

  /**
   * Resolves with the newest message of `address` that matches `filter`, waiting for one to be
   * delivered when none has been yet. Resolves null after `timeoutMs` of host time or on `signal`.
   */
  waitFor(address: string, filter: MessageFilter, timeoutMs: number, signal?: AbortSignal): Promise<StoredMessage | null> {
    const existing = this.messages(address, filter, 1)[0];
    if (existing) return Promise.resolve(existing);
    const key = mailboxKey(address);

    return new Promise((resolve) => {
      const finish = (message: StoredMessage | null) => {
        clearTimeout(timer);
        this.off('message', onMessage);
        signal?.removeEventListener('abort', onAbort);
        resolve(message);
      };
      const onMessage = (message: StoredMessage) => {
        if (message.mailbox === key && matches(message, filter)) finish(message);
      };
      const onAbort = () => finish(null);
      const timer = setTimeout(() => finish(null), timeoutMs);
      this.on('message', onMessage);
      signal?.addEventListener('abort', onAbort);
    });
  }

  /** Resolves once every queued write has reached its file. */
  async flush(): Promise<void> {
    await Promise.all([...this.records.values()].map((entry) => entry.pending));
  }

  private adapterFor(key: string) {
    return this.directory ? new JSONFile<MailboxRecord>(path.join(this.directory, fileNameOf(key))) : new Memory<MailboxRecord>();
  }

  /** Reads one mailbox file. A damaged file is renamed aside and logged, so no delivery overwrites it. */
  private async load(file: string): Promise<void> {
    const db = new Low<MailboxRecord | null>(new JSONFile<MailboxRecord | null>(file), null);
    try {
      await db.read();
      const record = db.data;
      if (!record || typeof record.address !== 'string' || !Array.isArray(record.messages)) throw new Error('it is not a mailbox record');
      this.records.set(record.address, { db: db as Low<MailboxRecord>, pending: Promise.resolve() });
    } catch (error) {
      const aside = `${file}.unreadable-${Date.now()}`;
      renameSync(file, aside);
      this.logger.error({ err: error, file, movedTo: aside }, 'A mailbox file could not be read and was moved aside');
    }
  }
}

/** Orders mailboxes by address, with the Internet mailbox last. */
function byAddressInternetLast(a: MailboxRecord, b: MailboxRecord): number {
  if (a.address === INTERNET_MAILBOX) return 1;
  if (b.address === INTERNET_MAILBOX) return -1;
  return a.address.localeCompare(b.address);
}

/** Mailbox key of an address: lower case, so that Alice@ and alice@ share a mailbox. */
export function mailboxKey(address: string): string {
  return address.trim().toLowerCase();
}

/** File name of a mailbox; characters other than letters, digits and `.@_-` become `=` and four hex digits, so names stay unique. */
function fileNameOf(key: string): string {
  return `${key.replace(/[^a-z0-9.@_-]/g, (character) => `=${character.charCodeAt(0).toString(16).padStart(4, '0')}`)}.json`;
}

function countByFolder(messages: StoredMessage[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const message of messages) counts[message.folder] = (counts[message.folder] ?? 0) + 1;
  return counts;
}
