/**
 * A delivered message as a mailbox keeps it: the raw source (base64, so 8-bit and binary bodies
 * survive JSON) and the fields mailparser reads from it, so that lists and searches need no parse.
 */
import { randomUUID } from 'node:crypto';
import type { AddressObject } from 'mailparser';

export type Folder = 'inbox' | 'sent';

export const FOLDERS: readonly Folder[] = ['inbox', 'sent'];

/** Key of the catch-all mailbox for recipients outside every lab tenant and Google account. */
export const INTERNET_MAILBOX = 'internet';

export interface Envelope {
  mailFrom: string;
  rcptTo: string[];
}

/** Origin of the message in the lab: which SMTP server took it from which client and account. */
export interface Submission {
  server: string;
  clientAddress: string;
  /** Authenticated account, or null for a message the lab put in directly. */
  user: string | null;
}

export interface AttachmentInfo {
  filename: string | null;
  contentType: string;
  size: number;
}

export interface StoredMessage {
  id: string;
  /** Mailbox address in lower case, or INTERNET_MAILBOX. */
  mailbox: string;
  folder: Folder;
  /** Lab time of delivery, ms since the epoch. */
  receivedAt: number;
  envelope: Envelope;
  submission: Submission;
  from: string;
  to: string;
  cc: string;
  subject: string;
  /** Date header as ISO 8601, or null when missing or unreadable. */
  date: string | null;
  messageId: string | null;
  /** Header fields in their order, names in lower case, values unfolded. */
  headers: { name: string; value: string }[];
  text: string | null;
  html: string | null;
  attachments: AttachmentInfo[];
  size: number;
  /** The message source as received, base64. */
  raw: string;
}

/** A message in lists: everything but the bodies and the source. */
export type MessageSummary = Omit<StoredMessage, 'headers' | 'text' | 'html' | 'raw'>;

export function summaryOf(message: StoredMessage): MessageSummary {
  const { headers: _headers, text: _text, html: _html, raw: _raw, ...summary } = message;
  return summary;
}

export function rawSource(message: StoredMessage): Buffer {
  return Buffer.from(message.raw, 'base64');
}

/** Parses a message once; the copies for each mailbox share the result. */
export async function parseMessage(raw: Buffer): Promise<Omit<StoredMessage, 'id' | 'mailbox' | 'folder' | 'receivedAt' | 'envelope' | 'submission'>> {
  // Loaded on first use, because mailparser and html-to-text take about 50 ms to load.
  const { simpleParser } = await import('mailparser');
  // skipImageLinks keeps cid: references as they are instead of turning them into data: URLs.
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  return {
    from: addressText(parsed.from),
    to: addressText(parsed.to),
    cc: addressText(parsed.cc),
    subject: parsed.subject ?? '',
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null,
    messageId: parsed.messageId ?? null,
    headers: parsed.headerLines.map((line) => ({ name: line.key, value: unfold(line.line.slice(line.line.indexOf(':') + 1)) })),
    text: parsed.text ?? null,
    html: typeof parsed.html === 'string' ? parsed.html : null,
    attachments: parsed.attachments.map((attachment) => ({ filename: attachment.filename ?? null, contentType: attachment.contentType, size: attachment.size })),
    size: raw.length,
    raw: raw.toString('base64'),
  };
}

export function newMessageId(): string {
  return randomUUID();
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value]).map((entry) => entry.text).join(', ');
}

function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, ' ').trim();
}
