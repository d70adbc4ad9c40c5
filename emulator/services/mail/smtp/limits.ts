/**
 * Exchange Online's limits for SMTP AUTH submission, per mailbox: concurrent authenticated
 * connections, messages per minute (excess delivered in later minutes, never refused), and
 * recipients per 24 hours. Time is lab time, so advancing the lab clock frees the limits.
 * NOTE: the counters live in memory and start from zero when the lab restarts.
 */
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export interface SubmissionLimitSettings {
  messagesPerMinute: number;
  concurrentConnections: number;
  recipientsPerDay: number;
}

export class SubmissionLimits {
  private readonly connections = new Map<string, Set<string>>();
  /** Delivery times already given out, ascending, per mailbox. */
  private readonly deliverySlots = new Map<string, number[]>();
  private readonly recipients = new Map<string, { at: number; count: number }[]>();

  constructor(private readonly settings: SubmissionLimitSettings) {}

  /** Counts an authenticated connection; returns false when the mailbox has its maximum already. */
  openConnection(mailbox: string, connectionId: string): boolean {
    const open = this.connections.get(mailbox) ?? new Set<string>();
    if (!open.has(connectionId) && open.size >= this.settings.concurrentConnections) return false;
    open.add(connectionId);
    this.connections.set(mailbox, open);
    return true;
  }

  closeConnection(mailbox: string, connectionId: string): void {
    const open = this.connections.get(mailbox);
    open?.delete(connectionId);
    if (open?.size === 0) this.connections.delete(mailbox);
  }

  /**
   * Returns the lab time at which a message submitted `now` is delivered: now, unless the mailbox
   * already has messagesPerMinute deliveries in the minute before, in which case the excess is
   * carried over to the following minutes.
   */
  deliveryTime(mailbox: string, now: number): number {
    const slots = (this.deliverySlots.get(mailbox) ?? []).filter((slot) => slot > now - MINUTE_MS);
    const limit = this.settings.messagesPerMinute;
    const at = slots.length >= limit ? Math.max(now, slots[slots.length - limit]! + MINUTE_MS) : now;
    slots.push(at);
    this.deliverySlots.set(mailbox, slots);
    return at;
  }

  /** Counts `count` recipients at `now`; returns false, counting nothing, when that exceeds the daily quota. */
  takeRecipients(mailbox: string, count: number, now: number): boolean {
    const recent = (this.recipients.get(mailbox) ?? []).filter((entry) => entry.at > now - DAY_MS);
    const used = recent.reduce((sum, entry) => sum + entry.count, 0);
    this.recipients.set(mailbox, recent);
    if (used + count > this.settings.recipientsPerDay) return false;
    recent.push({ at: now, count });
    return true;
  }
}
