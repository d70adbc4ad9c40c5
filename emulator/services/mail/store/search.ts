/** Message filters of the lab API, the webmail search box and waits: every given field must match. */
import type { Folder, StoredMessage } from './message';

export interface MessageFilter {
  folder?: Folder;
  /** Substring of the From header or the envelope sender, case-insensitive. */
  from?: string;
  /** Substring of the To or Cc header or an envelope recipient, case-insensitive. */
  to?: string;
  /** Substring of the subject, case-insensitive. */
  subject?: string;
  /** Substring of the subject, the text part or the HTML part, case-insensitive. */
  text?: string;
  /** Only messages delivered at or after this lab time (ms since the epoch). */
  since?: number;
}

export function matches(message: StoredMessage, filter: MessageFilter): boolean {
  if (filter.folder && message.folder !== filter.folder) return false;
  if (filter.since !== undefined && message.receivedAt < filter.since) return false;
  if (filter.from && !contains([message.from, message.envelope.mailFrom], filter.from)) return false;
  if (filter.to && !contains([message.to, message.cc, ...message.envelope.rcptTo], filter.to)) return false;
  if (filter.subject && !contains([message.subject], filter.subject)) return false;
  if (filter.text && !contains([message.subject, message.text ?? '', message.html ?? ''], filter.text)) return false;
  return true;
}

function contains(haystacks: string[], needle: string): boolean {
  const lower = needle.toLowerCase();
  return haystacks.some((haystack) => haystack.toLowerCase().includes(lower));
}
