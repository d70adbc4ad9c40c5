/**
 * The lab's event timeline: what crossed the emulated network, in lab time, for trainers and test
 * reports. DNS answers, access-control decisions, DDNS updates, OAuth requests and SMTP dialogues
 * are recorded by the parts that see them, with secrets masked before they are stored.
 */
import { EventEmitter } from 'node:events';

export const TIMELINE_PROTOCOLS = ['dns', 'access', 'ddns', 'oauth', 'smtp', 'http', 'lab'] as const;
export type TimelineProtocol = (typeof TIMELINE_PROTOCOLS)[number];

export interface TimelineEvent {
  seq: number;
  /** Lab time (ms since the epoch). */
  time: number;
  protocol: TimelineProtocol;
  /** Router the event concerns, when one does. */
  router?: string;
  /** Endpoints of the exchange, e.g. from `r1 WAN1` to `login.microsoftonline.com`. */
  from?: string;
  to?: string;
  summary: string;
  /** Request and reply details, secrets masked. */
  detail?: Record<string, unknown>;
}

export interface TimelineQuery {
  router?: string;
  protocol?: TimelineProtocol;
  after?: number;
  limit?: number;
}

/** Events kept; the oldest are dropped beyond this. */
export const TIMELINE_CAPACITY = 5000;

/** Field names whose values are secrets wherever they appear in a detail. */
const SECRET_FIELDS = /^(password|pass|client_secret|clientSecret|secret|access_token|accessToken|refresh_token|refreshToken|id_token|code|code_verifier|authorization|token|assertion|keyPem|privateKey)$/i;

/** Masks a secret: enough to tell two values apart, never enough to use one. */
export function maskSecret(value: string): string {
  if (value.length <= 8) return '****';
  return `${value.slice(0, 4)}...(${value.length} characters)`;
}

/** Returns a copy of `value` with every secret field masked, also inside nested objects and arrays. */
export function maskDetail<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => maskDetail(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_FIELDS.test(key) && typeof item === 'string') copy[key] = maskSecret(item);
    else copy[key] = maskDetail(item);
  }
  return copy as T;
}

/** Masks secrets in a URL's query string, e.g. `?code=...&state=...`. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    for (const [key, value] of parsed.searchParams) if (SECRET_FIELDS.test(key)) parsed.searchParams.set(key, maskSecret(value));
    return parsed.toString();
  } catch {
    return url;
  }
}

export class Timeline extends EventEmitter {
  private events: TimelineEvent[] = [];
  private nextSeq = 1;

  constructor(private readonly now: () => number) {
    super();
  }

  record(event: Omit<TimelineEvent, 'seq' | 'time'>): TimelineEvent {
    const stored: TimelineEvent = { ...event, detail: event.detail ? maskDetail(event.detail) : undefined, seq: this.nextSeq++, time: this.now() };
    this.events.push(stored);
    if (this.events.length > TIMELINE_CAPACITY) this.events.splice(0, this.events.length - TIMELINE_CAPACITY);
    this.emit('event', stored);
    return stored;
  }

  /** Matching events, oldest first. */
  query(query: TimelineQuery = {}): TimelineEvent[] {
    const matches = this.events.filter(
      (event) =>
        (query.router === undefined || event.router === query.router) &&
        (query.protocol === undefined || event.protocol === query.protocol) &&
        (query.after === undefined || event.seq > query.after),
    );
    return query.limit !== undefined ? matches.slice(Math.max(matches.length - query.limit, 0)) : matches;
  }

  get(seq: number): TimelineEvent | undefined {
    return this.events.find((event) => event.seq === seq);
  }

  clear(): void {
    this.events = [];
  }
}
