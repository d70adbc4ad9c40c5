/**
 * Provider state and where it is kept: one JSON file per provider under `<data>/lab/ddns/`, written
 * atomically through lowdb (steno), or memory only for an ephemeral lab. Passwords are stored as
 * scrypt hashes, so the file contains no password in clear.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Low, Memory } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { ReturnCode } from './returnCodes';

/** Switches a trainer or test turns on for a whole provider or for one account. */
export interface Faults {
  /** Every update gets `911`, every certificate request 503. */
  maintenance: boolean;
  /** Every update that passes the request checks gets `dnserr`. */
  dnsError: boolean;
  /** Every update gets `abuse` once for the request, as for an account blocked for abuse. */
  abuseLock: boolean;
  /** The correct password is rejected with `badauth`, as after a password change on the provider's site. */
  passwordChanged: boolean;
  /** Seconds of lab time the provider waits before it replies. */
  replyDelaySeconds: number;
}

export const NO_FAULTS: Faults = { maintenance: false, dnsError: false, abuseLock: false, passwordChanged: false, replyDelaySeconds: 0 };

export interface AccountRecord {
  username: string;
  /** `scrypt$N$salt$hash` (firmware/crypto.ts). */
  passwordHash: string;
  /** Whether the account may use the credited options (offline, wildcard, mx, backmx). */
  credited: boolean;
  /** Router the lab seeded this account for, or null for an account made through the lab API. */
  seededFor: string | null;
  /** True while the password is still the documented seed password. */
  seedPasswordUnchanged: boolean;
  faults: Faults;
  /** Lab time (ms). */
  createdAt: number;
}

export interface HostnameRecord {
  hostname: string;
  account: string;
  /** Current IPv4 address, or null before the first update. */
  address: string | null;
  /** Lab time (ms) of the last change of `address`. */
  updatedAt: number | null;
  /** Reply line of the last update of this hostname. */
  lastReply: string | null;
  /** Blocked for abuse: every update of it gets `abuse` until the lab unblocks it. */
  blocked: boolean;
  /** Lab times (ms) of recent nochg replies, for abuse detection. */
  nochgTimes: number[];
  createdAt: number;
}

export interface HistoryEntry {
  seq: number;
  /** Lab time (ms) when the reply was sent. */
  time: number;
  kind: 'update' | 'certificate';
  via: 'http' | 'https';
  clientAddress: string;
  method: string;
  /** Request path and query, with password-like parameters masked. */
  target: string;
  /** Authorization header with the password masked, e.g. `Basic r1-trainee:********`, or null. */
  authorization: string | null;
  /** User name of the Basic credentials, whether or not the account exists. */
  username: string | null;
  /** Hostnames the request named. */
  hostnames: string[];
  userAgent: string | null;
  status: number;
  /** Reply body (for certificates a summary, never the key). */
  reply: string;
  /** Return codes of the reply with the rule that chose each, e.g. `badauth (wrong password)`. */
  reasons: string[];
  codes: ReturnCode[];
  delaySeconds: number;
}

export interface ProviderState {
  faults: Faults;
  accounts: AccountRecord[];
  hostnames: HostnameRecord[];
  history: HistoryEntry[];
  nextSeq: number;
}

/** History entries kept per provider; older ones are dropped. */
export const HISTORY_CAPACITY = 300;

export function emptyState(): ProviderState {
  return { faults: { ...NO_FAULTS }, accounts: [], hostnames: [], history: [], nextSeq: 1 };
}

/** A provider file that cannot be read. The message names the file and how to recover. */
export class DdnsStoreError extends Error {
  constructor(file: string, problem: string) {
    super(`DDNS provider file ${file} ${problem}. Fix or delete the file; a deleted file starts the provider again from its seed accounts.`);
    this.name = 'DdnsStoreError';
  }
}

export class DdnsStore {
  private readonly db: Low<ProviderState | null>;
  private pending = Promise.resolve();

  private constructor(private readonly file: string | null) {
    this.db = new Low<ProviderState | null>(file ? new JSONFile<ProviderState | null>(file) : new Memory<ProviderState | null>(), null);
  }

  /** Opens `<dir>/<name>.json`, or a memory store when `dir` is null. */
  static open(dir: string | null, name: string): DdnsStore {
    if (dir) mkdirSync(dir, { recursive: true });
    return new DdnsStore(dir ? path.join(dir, `${name}.json`) : null);
  }

  /** Reads the state, or returns an empty state when there is no file yet. */
  async read(): Promise<ProviderState> {
    try {
      await this.db.read();
    } catch (error) {
      throw new DdnsStoreError(this.file ?? 'in memory', `is not valid JSON (${(error as Error).message})`);
    }
    const data = this.db.data;
    if (data === null || data === undefined) return emptyState();
    if (typeof data !== 'object' || !Array.isArray(data.accounts) || !Array.isArray(data.hostnames) || !Array.isArray(data.history)) {
      throw new DdnsStoreError(this.file ?? 'in memory', 'does not contain accounts, hostnames and history arrays');
    }
    return { ...emptyState(), ...data, faults: { ...NO_FAULTS, ...data.faults } };
  }

  /**
   * Queues an atomic write of a snapshot; writes happen in call order. A memory store keeps the
   * provider's live state instead of a copy, because nothing reads it after open. Copying up to 300
   * history entries at every update took 8% of the CPU time of 10 routers updating at once.
   */
  write(state: ProviderState): Promise<void> {
    if (this.file === null) {
      this.db.data = state;
      return this.pending;
    }
    const snapshot = structuredClone(state);
    const next = this.pending.then(async () => {
      this.db.data = snapshot;
      await this.db.write();
    });
    this.pending = next.catch(() => undefined);
    return next;
  }

  flush(): Promise<void> {
    return this.pending;
  }
}
