/**
 * The durable outbound alert queue on flash. Every alert is written before any attempt to send it,
 * and every change of its state is written before the next step, so a reboot or a killed process
 * loses nothing. An alert keeps its Message-ID across attempts, so a receiver that saw an attempt
 * the router could not confirm recognises the repeat.
 */
import type { FlashFile } from '../../../hal';

export type AlertStatus = 'pending' | 'sent' | 'failed';

export interface QueuedAlert {
  id: string;
  messageId: string;
  /** Lab time (ms) the event happened. */
  createdAt: number;
  event: string;
  /** Mail profile index, 0-based. */
  profileIndex: number;
  recipients: string[];
  subject: string;
  text: string;
  status: AlertStatus;
  attempts: number;
  /** Lab time (ms) of the next attempt. */
  nextAttemptAt: number;
  /** Set while an attempt is on the wire; after a crash the alert is sent again with the same Message-ID. */
  inFlight?: boolean;
  lastError?: string;
  sentAt?: number;
  response?: string;
}

export const ALERT_QUEUE_FILE = 'alert-queue.json';
/** Sent and failed alerts kept for the queue view; pending ones are never dropped. */
export const DONE_KEPT = 200;

export class AlertQueue {
  private alerts: QueuedAlert[] = [];

  constructor(private readonly file: FlashFile<{ alerts: QueuedAlert[] }>) {}

  async load(): Promise<{ recovered: number }> {
    const stored = await this.file.read();
    this.alerts = stored.status === 'ok' && Array.isArray(stored.data.alerts) ? stored.data.alerts : [];
    let recovered = 0;
    for (const alert of this.alerts) {
      if (alert.inFlight) {
        alert.inFlight = false;
        recovered += 1;
      }
    }
    if (recovered > 0) await this.persist();
    return { recovered };
  }

  async add(...alerts: QueuedAlert[]): Promise<void> {
    this.alerts.push(...alerts);
    await this.persist();
  }

  async update(id: string, changes: Partial<QueuedAlert>): Promise<QueuedAlert | undefined> {
    const alert = this.alerts.find((entry) => entry.id === id);
    if (!alert) return undefined;
    Object.assign(alert, changes);
    this.trim();
    await this.persist();
    return { ...alert };
  }

  /** Pending alerts in the order they were raised. */
  pending(): QueuedAlert[] {
    return this.alerts.filter((alert) => alert.status === 'pending').map((alert) => ({ ...alert }));
  }

  /** Returns every alert kept, newest first. */
  list(): QueuedAlert[] {
    return [...this.alerts].reverse().map((alert) => ({ ...alert }));
  }

  async flush(): Promise<void> {
    await this.file.flush();
  }

  private trim(): void {
    const done = this.alerts.filter((alert) => alert.status !== 'pending');
    if (done.length <= DONE_KEPT) return;
    const drop = new Set(done.slice(0, done.length - DONE_KEPT).map((alert) => alert.id));
    this.alerts = this.alerts.filter((alert) => !drop.has(alert.id));
  }

  private persist(): Promise<void> {
    return this.file.write({ alerts: this.alerts });
  }
}
