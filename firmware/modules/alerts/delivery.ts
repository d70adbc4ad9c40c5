/**
 * Delivery of queued alerts: per mail profile in the order raised, paced by the profile's sending
 * interval, retried with backoff on network, SMTP 4xx and token failures, failed at once on a
 * permanent SMTP 5xx rejection, and given up after GIVE_UP_MS with a syslog entry. While no WAN
 * has an address the queue waits and resumes when a WAN comes up.
 */
import type { TimerHandle } from '../../../hal';
import type { ModuleContext } from '../../config/module';
import type { MailModule } from '../mail';
import type { AlertQueue, QueuedAlert } from './queue';

/** First retry delay; it doubles with each attempt up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 60 * 60_000;
/** An alert not delivered within three days is given up. */
export const GIVE_UP_MS = 3 * 86_400_000;

const NETWORK_CODES = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ESERVFAIL', 'EPIPE', 'ESOCKET', 'ECONNECTION', 'EDNS']);

type FailureKind = 'network' | 'temporary' | 'token' | 'permanent';

export class AlertDelivery {
  private timer: TimerHandle | undefined;
  private running = false;
  private again = false;
  private stopped = false;
  /** Lab time (ms) of the last send per profile, for the sending interval. */
  private readonly lastSent = new Map<number, number>();

  constructor(
    private readonly context: ModuleContext,
    private readonly queue: AlertQueue,
    private readonly mail: MailModule,
  ) {}

  /** Looks at the queue now; safe to call at any time and often. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.context.hardware.clock.clearTimer(this.timer);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      do {
        this.again = false;
        await this.deliverDue();
      } while (this.again && !this.stopped);
    } finally {
      this.running = false;
    }
  }

  private async deliverDue(): Promise<void> {
    const clock = this.context.hardware.clock;
    const blockedProfiles = new Set<number>();
    let wake = Number.POSITIVE_INFINITY;

    for (const alert of this.queue.pending()) {
      if (this.stopped) return;
      // Alerts of one profile go out in order: a waiting alert holds back the later ones.
      if (blockedProfiles.has(alert.profileIndex)) continue;

      const now = clock.now();
      if (now - alert.createdAt > GIVE_UP_MS) {
        await this.giveUp(alert);
        continue;
      }
      const interval = (this.mail.profiles()[alert.profileIndex]?.sendingIntervalSeconds ?? 0) * 1000;
      const paced = (this.lastSent.get(alert.profileIndex) ?? Number.NEGATIVE_INFINITY) + interval;
      const due = Math.max(alert.nextAttemptAt, paced);
      if (due > now) {
        blockedProfiles.add(alert.profileIndex);
        wake = Math.min(wake, due);
        continue;
      }
      if (!this.hasUplink()) return; // wan.up kicks the queue again

      const outcome = await this.attempt(alert);
      if (outcome !== 'sent') {
        blockedProfiles.add(alert.profileIndex);
        if (typeof outcome === 'number') wake = Math.min(wake, outcome);
      }
    }

    clock.clearTimer(this.timer);
    this.timer = Number.isFinite(wake) ? clock.setTimeout(() => this.kick(), wake - clock.now()) : undefined;
  }

  /** Sends one alert; returns 'sent', 'failed', or the lab time of the next attempt. */
  private async attempt(alert: QueuedAlert): Promise<'sent' | 'failed' | number> {
    const clock = this.context.hardware.clock;
    await this.queue.update(alert.id, { inFlight: true, attempts: alert.attempts + 1 });
    try {
      const result = await this.mail.send(alert.profileIndex, { to: alert.recipients, subject: alert.subject, text: alert.text, messageId: alert.messageId });
      this.lastSent.set(alert.profileIndex, clock.now());
      await this.queue.update(alert.id, { inFlight: false, status: 'sent', sentAt: clock.now(), response: result.response, lastError: undefined });
      return 'sent';
    } catch (error) {
      const kind = classify(error);
      const message = (error as Error).message;
      if (kind === 'permanent') {
        await this.queue.update(alert.id, { inFlight: false, status: 'failed', lastError: message });
        this.context.syslog.error('Mail', `Alert "${alert.subject}" to ${alert.recipients.join(', ')} failed permanently: ${message}`);
        return 'failed';
      }
      if (kind === 'network' && !this.hasUplink()) {
        // No path at all: wait for a WAN instead of counting down retries.
        await this.queue.update(alert.id, { inFlight: false, lastError: message, nextAttemptAt: clock.now() });
        this.context.syslog.info('Mail', `Alert "${alert.subject}" waits for a WAN connection`);
        return clock.now() + FIRST_RETRY_MS;
      }
      const delay = Math.min(FIRST_RETRY_MS * 2 ** alert.attempts, MAX_RETRY_MS);
      const next = clock.now() + delay;
      await this.queue.update(alert.id, { inFlight: false, lastError: message, nextAttemptAt: next });
      this.context.syslog.warning('Mail', `Alert "${alert.subject}" not delivered (${kind} failure: ${message}); retrying in ${Math.round(delay / 1000)} s`);
      return next;
    }
  }

  private async giveUp(alert: QueuedAlert): Promise<void> {
    await this.queue.update(alert.id, { status: 'failed', inFlight: false, lastError: `given up after ${GIVE_UP_MS / 86_400_000} days: ${alert.lastError ?? 'not delivered'}` });
    this.context.syslog.error('Mail', `Alert "${alert.subject}" given up after ${GIVE_UP_MS / 86_400_000} days without delivery (${alert.lastError ?? 'no attempt succeeded'})`);
  }

  private hasUplink(): boolean {
    const ports = this.context.hardware.ports;
    return ports.address('WAN1') !== null || ports.address('WAN2') !== null;
  }
}

/** Sorts a send failure: SMTP 5xx replies are permanent (except a rejected token), 4xx temporary. */
export function classify(error: unknown): FailureKind {
  const details = error as { code?: string; responseCode?: number; name?: string; transient?: boolean };
  if (details.name === 'MailOAuthError') return 'token';
  if (details.code === 'EAUTH') return 'token';
  if (typeof details.responseCode === 'number') {
    if (details.responseCode >= 500) return 'permanent';
    if (details.responseCode >= 400) return 'temporary';
  }
  if (details.code && NETWORK_CODES.has(details.code)) return 'network';
  if (details.name === 'NetworkError') return 'network';
  return 'network';
}
