/**
 * Delivery of accepted messages into the lab's mailboxes. Each recipient mailbox of a lab tenant or
 * Google account gets a copy, the catch-all Internet mailbox gets one for all outside recipients
 * of a message, and the sender's sent folder gets one. A lab-clock timer delivers a message that a
 * rate limit holds back.
 * NOTE: a held-back message lives only in memory until its delivery time, so stopping the lab
 * before then loses it.
 */
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../../hal';
import type { IdentityDirectory, MailboxInfo } from '../identity/contract';
import type { Delivery } from './smtp/context';
import type { MailStore } from './store/mailStore';
import { INTERNET_MAILBOX, newMessageId, parseMessage, type Folder } from './store/message';

export class MailDelivery {
  private readonly timers = new Set<TimerHandle>();

  constructor(
    private readonly store: MailStore,
    private readonly identity: () => IdentityDirectory | undefined,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Delivers now, or at `deliverAt` on the lab clock when that is later. */
  schedule(delivery: Delivery, server: string): void {
    const delay = delivery.deliverAt - this.clock.now();
    if (delay <= 0) {
      this.deliverLogged(delivery, server);
      return;
    }
    this.logger.info({ sender: delivery.sender.address, delayMs: delay }, 'Delivery held back by the per-minute message limit');
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      this.deliverLogged(delivery, server);
    }, delay);
    this.timers.add(timer);
  }

  /** Number of messages still held back. */
  get pending(): number {
    return this.timers.size;
  }

  close(): void {
    for (const timer of this.timers) this.clock.clearTimer(timer);
    this.timers.clear();
  }

  private deliverLogged(delivery: Delivery, server: string): void {
    this.deliver(delivery, server).catch((error: unknown) => this.logger.error({ err: error, sender: delivery.sender.address }, 'Failed to deliver a message'));
  }

  async deliver(delivery: Delivery, server: string): Promise<void> {
    const parsed = await parseMessage(delivery.raw);
    const receivedAt = this.clock.now();
    const submission = { server, clientAddress: delivery.clientAddress, user: delivery.sender.address };
    const directory = this.identity();

    const outside: string[] = [];
    const inside = new Map<string, MailboxInfo>();
    for (const recipient of delivery.envelope.rcptTo) {
      const mailbox = directory?.mailbox(recipient);
      if (mailbox) inside.set(mailbox.address.toLowerCase(), mailbox);
      else outside.push(recipient);
    }

    const copy = (mailbox: string, folder: Folder) => ({ ...parsed, id: newMessageId(), mailbox, folder, receivedAt, envelope: delivery.envelope, submission });
    const sender = delivery.sender;
    await this.store.add({ address: sender.address, provider: sender.provider, displayName: sender.displayName }, copy(sender.address.toLowerCase(), 'sent'));
    for (const [key, mailbox] of inside) {
      await this.store.add({ address: mailbox.address, provider: mailbox.provider, displayName: mailbox.displayName }, copy(key, 'inbox'));
    }
    if (outside.length > 0) {
      await this.store.add({ address: INTERNET_MAILBOX, provider: 'internet', displayName: 'Internet (recipients outside the lab)' }, { ...copy(INTERNET_MAILBOX, 'inbox'), envelope: { ...delivery.envelope, rcptTo: outside } });
    }
  }
}
