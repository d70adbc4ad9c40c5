/**
 * The steps of a submission server after DATA. It checks Send As (Exchange rejects a foreign From,
 * Gmail rewrites it) and the daily recipient quota, adds its Received header and a missing
 * Message-ID, and hands the message to delivery, which waits when the per-minute rate is exceeded.
 * The result comes once the message is on disk.
 */
import { randomBytes } from 'node:crypto';
import type { MailboxInfo } from '../../identity/contract';
import type { ReplyKey } from './dialect';
import { addressesOf, appendField, headerValue, joinMessage, prependField, replaceField, splitMessage } from './headers';
import { rfc5322Date, type SmtpContext } from './context';

export interface Submitted {
  /** Mailbox the client authenticated as. */
  mailbox: MailboxInfo;
  envelope: { mailFrom: string; rcptTo: string[] };
  raw: Buffer;
  helo: string;
  clientAddress: string;
  serverName: string;
  sessionId: string;
  secure: boolean;
}

export type SubmissionResult = { ok: true; messageId: string; deliverAt: number } | { ok: false; reply: ReplyKey; detail: string };

export async function submitMessage(context: SmtpContext, submitted: Submitted): Promise<SubmissionResult> {
  const { dialect } = context;
  const now = context.now();
  // Send As rights may change while a connection is open, so read them again now.
  const mailbox = context.identity()?.mailbox(submitted.mailbox.address) ?? submitted.mailbox;
  const message = splitMessage(submitted.raw);

  const fromValue = headerValue(message.header, 'from');
  const allowed = new Set([mailbox.address, ...mailbox.sendAs].map((address) => address.toLowerCase()));
  const foreign = addressesOf(fromValue).filter((address) => !allowed.has(address));
  if (foreign.length > 0 && dialect.foreignFrom === 'reject') {
    return { ok: false, reply: 'sendAsDenied', detail: `${mailbox.address} has no Send As right for ${foreign.join(', ')}` };
  }

  const recipients = submitted.envelope.rcptTo.length;
  if (context.limits && !context.limits.takeRecipients(mailbox.address, recipients, now)) {
    return { ok: false, reply: 'recipientQuotaExceeded', detail: `${mailbox.address} would exceed its recipients per day with ${recipients} more` };
  }

  if (foreign.length > 0 && fromValue !== undefined) {
    // Gmail keeps the display name and puts the account address in place of the foreign one.
    let rewritten = fromValue;
    for (const address of foreign) rewritten = rewritten.replace(new RegExp(escapeRegExp(address), 'ig'), mailbox.address);
    message.header = replaceField(message.header, 'From', rewritten);
    message.header = appendField(message.header, 'X-Google-Original-From', fromValue);
  }

  let messageId = headerValue(message.header, 'message-id')?.replace(/^<|>$/g, '');
  if (!messageId) {
    messageId = `${randomBytes(12).toString('hex')}@${submitted.serverName}`;
    message.header = appendField(message.header, 'Message-ID', `<${messageId}>`);
  }
  message.header = prependField(
    message.header,
    'Received',
    dialect.receivedHeader({ helo: submitted.helo, clientAddress: submitted.clientAddress, serverName: submitted.serverName, date: rfc5322Date(now), sessionId: submitted.sessionId, secure: submitted.secure }),
  );

  const deliverAt = context.limits ? context.limits.deliveryTime(mailbox.address, now) : now;
  await context.deliver({ envelope: submitted.envelope, raw: joinMessage(message), sender: mailbox, clientAddress: submitted.clientAddress, deliverAt });
  return { ok: true, messageId, deliverAt };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
