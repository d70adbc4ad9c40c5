/**
 * Delivery of accepted messages into the lab's mailboxes. Each recipient mailbox of a lab tenant or
 * Google account gets a copy, the catch-all Internet mailbox gets one for all outside recipients
 * of a message, and the sender's sent folder gets one.
 *
 * As at a real provider, a message is on disk before the server replies 250. A message due now is
 * in its mailbox files by then. One that a rate limit delays is in the held-messages file, which a
 * lab-clock timer empties at its delivery time and the next start reloads. When the process dies
 * between the write and the 250, the sender sends again and the mailbox drops the repeat by its
 * Message-ID, so each message is delivered exactly once.
 */
import { Low, Memory } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../../hal';
import type { IdentityDirectory, MailboxInfo } from '../identity/contract';
import type { Delivery } from './smtp/context';
import type { MailStore } from './store/mailStore';
import { INTERNET_MAILBOX, newMessageId, parseMessage, type Folder } from './store/message';

/** A held-back message as the held-messages file keeps it. */
interface HeldMessage {
  id: string;
  server: string;
  envelope: Delivery['envelope'];
  /** The message source, base64. */
  raw: string;
  sender: MailboxInfo;
  clientAddress: string;
  deliverAt: number;
}

interface HeldFile {
  held: HeldMessage[];
}

export class MailDelivery {
  private readonly timers = new Map<string, TimerHandle>();
  private pendingWrite: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: MailStore,
    private readonly heldFile: Low<HeldFile>,
    private readonly identity: () => IdentityDirectory | undefined,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Opens the held-messages file (`file`; null keeps it in memory) and schedules every message in
   * it. So mail that a rate limit delayed when the lab stopped still arrives.
   */
  static async open(store: MailStore, file: string | null, identity: () => IdentityDirectory | undefined, clock: Clock, logger: Logger): Promise<MailDelivery> {
    const db = new Low<HeldFile>(file ? new JSONFile<HeldFile>(file) : new Memory<HeldFile>(), { held: [] });
    await db.read();
    if (!Array.isArray(db.data?.held)) {
      logger.error({ file }, 'The held-messages file is not a list of messages; starting with none');
      db.data = { held: [] };
    }
    const delivery = new MailDelivery(store, db, identity, clock, logger);
    for (const held of db.data.held) delivery.startTimer(held);
    if (db.data.held.length > 0) logger.info({ held: db.data.held.length }, 'Held-back messages reloaded');
    return delivery;
  }

  /**
   * Accepts a message: delivers it now, or at `deliverAt` on the lab clock when that is later.
   * Resolves once the message is on disk, in its mailboxes or in the held-messages file; the
   * server replies 250 only then.
   */
  async accept(delivery: Delivery, server: string): Promise<void> {
    const delay = delivery.deliverAt - this.clock.now();
    if (delay <= 0) {
      await this.deliver(delivery, server);
      return;
    }
    const held: HeldMessage = {
      id: newMessageId(),
      server,
      envelope: delivery.envelope,
      raw: delivery.raw.toString('base64'),
      sender: delivery.sender,
      clientAddress: delivery.clientAddress,
      deliverAt: delivery.deliverAt,
    };
    this.heldFile.data.held.push(held);
    await this.write();
    this.logger.info({ sender: delivery.sender.address, delayMs: delay }, 'Delivery held back by the per-minute message limit');
    this.startTimer(held);
  }

  /** Number of messages still held back. */
  get pending(): number {
    return this.heldFile.data.held.length;
  }

  /** Stops the delivery timers; held messages stay in their file for the next start. */
  close(): void {
    for (const timer of this.timers.values()) this.clock.clearTimer(timer);
    this.timers.clear();
  }

  /** Resolves once the held-messages file is written. */
  flush(): Promise<void> {
    return this.pendingWrite;
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

  private startTimer(held: HeldMessage): void {
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(held.id);
      this.deliverHeld(held).catch((error: unknown) => this.logger.error({ err: error, sender: held.sender.address }, 'Failed to deliver a held-back message; it stays held'));
    }, Math.max(0, held.deliverAt - this.clock.now()));
    this.timers.set(held.id, timer);
  }

  /** Delivers a held message, then takes it out of the file. A crash in between delivers it again, and the mailbox drops the repeat. */
  private async deliverHeld(held: HeldMessage): Promise<void> {
    const { raw, server, ...rest } = held;
    await this.deliver({ ...rest, raw: Buffer.from(raw, 'base64') }, server);
    this.heldFile.data.held = this.heldFile.data.held.filter((entry) => entry.id !== held.id);
    await this.write();
  }

  private write(): Promise<void> {
    const write = this.pendingWrite.then(() => this.heldFile.write());
    this.pendingWrite = write.catch((error: unknown) => this.logger.error({ err: error }, 'Failed to write the held-messages file'));
    return write;
  }
}
