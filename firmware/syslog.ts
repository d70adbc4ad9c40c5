/**
 * The router's syslog: a ring buffer in RAM (cleared by a reboot, as on the real router) with lab
 * time, severity, category and message. Entries also go to the lab's structured log at debug level.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';

/** Syslog severities the firmware uses (RFC 5424 names). */
export const SEVERITIES = ['error', 'warning', 'notice', 'info', 'debug'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Categories as the Vigor Syslog Explorer groups them. */
export const CATEGORIES = ['System', 'User', 'WAN', 'LAN', 'DDNS', 'Mail', 'Firewall', 'Management', 'Config'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface SyslogEntry {
  /** Sequence number, increasing for the life of the process, so a reader can ask for what is new. */
  seq: number;
  /** Lab time in milliseconds since the Unix epoch. */
  time: number;
  severity: Severity;
  category: Category;
  message: string;
}

export interface SyslogQuery {
  category?: Category;
  severity?: Severity;
  /** Only entries with `seq` greater than this. */
  after?: number;
  /** Newest entries only, at most this many. */
  limit?: number;
}

/** Entries kept before the oldest are dropped. */
export const SYSLOG_CAPACITY = 2000;

export class Syslog extends EventEmitter {
  private entries: SyslogEntry[] = [];
  private nextSeq = 1;

  constructor(
    private readonly now: () => number,
    private readonly logger?: Logger,
  ) {
    super();
  }

  add(severity: Severity, category: Category, message: string): SyslogEntry {
    const entry: SyslogEntry = { seq: this.nextSeq++, time: this.now(), severity, category, message };
    this.entries.push(entry);
    if (this.entries.length > SYSLOG_CAPACITY) this.entries.splice(0, this.entries.length - SYSLOG_CAPACITY);
    this.logger?.debug({ category, severity }, message);
    this.emit('entry', entry);
    return entry;
  }

  info(category: Category, message: string): SyslogEntry {
    return this.add('info', category, message);
  }

  notice(category: Category, message: string): SyslogEntry {
    return this.add('notice', category, message);
  }

  warning(category: Category, message: string): SyslogEntry {
    return this.add('warning', category, message);
  }

  error(category: Category, message: string): SyslogEntry {
    return this.add('error', category, message);
  }

  /** Matching entries, oldest first. */
  query(query: SyslogQuery = {}): SyslogEntry[] {
    const maxSeverity = query.severity ? SEVERITIES.indexOf(query.severity) : SEVERITIES.length - 1;
    const matches = this.entries.filter(
      (entry) =>
        (query.category === undefined || entry.category === query.category) &&
        SEVERITIES.indexOf(entry.severity) <= maxSeverity &&
        (query.after === undefined || entry.seq > query.after),
    );
    // slice(-0) would return every entry, so the start index is computed instead.
    return query.limit !== undefined ? matches.slice(Math.max(matches.length - query.limit, 0)) : matches;
  }

  clear(): void {
    this.entries = [];
  }

  /** Plain-text export of the matching entries, one line each, in the style of a syslog server's file. */
  exportText(routerName: string, query: SyslogQuery = {}): string {
    return this.query(query)
      .map((entry) => `${new Date(entry.time).toISOString()} ${routerName} ${entry.severity.toUpperCase()} [${entry.category}] ${entry.message}\n`)
      .join('');
  }
}
