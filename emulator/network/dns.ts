/**
 * The lab DNS: A records for the emulated services and for DDNS names. Names are matched without
 * regard to case or a trailing dot; an unknown name fails as NXDOMAIN does, and a trainer can make
 * every lookup fail as SERVFAIL. Changes take effect at once, as with a TTL of 0.
 */
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';

export type RecordSource = 'service' | 'ddns' | 'lab';

export interface DnsRecord {
  name: string;
  address: string;
  source: RecordSource;
  /** Lab time (ms) of the last change. */
  updatedAt: number;
}

export type DnsErrorCode = 'NXDOMAIN' | 'SERVFAIL';

/** A failed lookup. `code` is the DNS rcode name; `errno` is what Node's resolver uses for it. */
export class DnsError extends Error {
  readonly errno: 'ENOTFOUND' | 'ESERVFAIL';

  constructor(
    readonly code: DnsErrorCode,
    readonly hostname: string,
  ) {
    super(code === 'NXDOMAIN' ? `DNS lookup of ${hostname} failed: no such name (NXDOMAIN)` : `DNS lookup of ${hostname} failed: the server failed (SERVFAIL)`);
    this.name = 'DnsError';
    this.errno = code === 'NXDOMAIN' ? 'ENOTFOUND' : 'ESERVFAIL';
  }
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

export class LabDns extends EventEmitter {
  private readonly records = new Map<string, DnsRecord>();
  private failing = false;

  constructor(private readonly now: () => number) {
    super();
  }

  /** Sets the A record of a name; emits `change` with the record and the previous address. */
  set(name: string, address: string, source: RecordSource): DnsRecord {
    const key = normaliseName(name);
    if (!HOSTNAME.test(key)) throw new RangeError(`Invalid host name "${name}"`);
    if (isIP(address) !== 4) throw new RangeError(`Invalid IPv4 address "${address}" for ${key}`);
    const previous = this.records.get(key);
    const record: DnsRecord = { name: key, address, source, updatedAt: this.now() };
    this.records.set(key, record);
    this.emit('change', { record, previousAddress: previous?.address ?? null });
    return record;
  }

  remove(name: string): boolean {
    const key = normaliseName(name);
    const removed = this.records.delete(key);
    if (removed) this.emit('remove', key);
    return removed;
  }

  /** Resolves a name (or returns an IPv4 literal as it is); throws DnsError. Emits `query` with the answer. */
  resolve(name: string): string {
    if (isIP(name) === 4) return name;
    const key = normaliseName(name);
    const answer = this.failing ? 'SERVFAIL' : (this.records.get(key)?.address ?? 'NXDOMAIN');
    this.emit('query', { name: key, answer });
    if (answer === 'SERVFAIL') throw new DnsError('SERVFAIL', key);
    if (answer === 'NXDOMAIN') throw new DnsError('NXDOMAIN', key);
    return answer;
  }

  /** Names that resolve to an address, for status pages. */
  namesOf(address: string): string[] {
    return [...this.records.values()].filter((record) => record.address === address).map((record) => record.name);
  }

  list(): DnsRecord[] {
    return [...this.records.values()].sort((a, b) => a.name.localeCompare(b.name)).map((record) => ({ ...record }));
  }

  /** Makes every lookup fail with SERVFAIL (a DNS outage), or ends that. */
  setFailing(failing: boolean): void {
    this.failing = failing;
  }

  isFailing(): boolean {
    return this.failing;
  }
}
