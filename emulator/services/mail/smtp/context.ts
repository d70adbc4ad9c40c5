/** The lab services one provider's SMTP server uses: its dialect, identity, clock, limits and delivery. */
import type { Logger } from 'pino';
import type { Timeline } from '../../../timeline';
import type { IdentityDirectory, MailboxInfo } from '../../identity/contract';
import type { Dialect } from './dialect';
import type { SubmissionLimits } from './limits';

export interface Delivery {
  envelope: { mailFrom: string; rcptTo: string[] };
  raw: Buffer;
  /** Authenticated mailbox that submitted the message; it gets a copy in its sent folder. */
  sender: MailboxInfo;
  clientAddress: string;
  /** Lab time at which the message reaches the recipients' mailboxes. */
  deliverAt: number;
}

export interface SmtpContext {
  dialect: Dialect;
  /** The identity providers, read at each use because they may start after the mail servers. */
  identity(): IdentityDirectory | undefined;
  /** Lab time, ms since the epoch. */
  now(): number;
  /** Whether AUTH LOGIN / PLAIN with a password is accepted now. */
  basicAuth(): boolean;
  /** Exchange Online's submission limits; undefined for a provider without them. */
  limits?: SubmissionLimits;
  /** Resolves once the message is durable; the server replies 250 only then. */
  deliver(delivery: Delivery): Promise<void>;
  logger: Logger;
  /** Where each session's dialogue summary is recorded when it closes. */
  timeline?: Timeline;
  /** Id of the router whose public WAN address is `address`, for the timeline. */
  routerAt?(address: string): string | undefined;
}

/** RFC 5322 date-time in UTC, e.g. `Fri, 04 Dec 2026 20:44:44 +0000`. */
export function rfc5322Date(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}
