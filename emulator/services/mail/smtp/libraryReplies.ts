/**
 * Replies that smtp-server 3.21 writes itself (in its MAIL, RCPT and DATA handlers and its command
 * dispatcher), mapped to the dialect's reply for the same situation. A library reply that matches
 * no row goes out as the library wrote it, with its RFC 3463 enhanced status code.
 */
import type { ReplyKey } from './dialect';

export interface LibraryReply {
  code: number;
  /** The library's text, or its start when `prefix` is set. */
  text: string;
  prefix?: boolean;
  key: ReplyKey;
}

export const LIBRARY_REPLIES: LibraryReply[] = [
  { code: 501, text: 'Error: Bad sender address syntax', key: 'badSenderSyntax' },
  { code: 501, text: 'Error: Bad recipient address syntax', key: 'badRecipientSyntax' },
  { code: 503, text: 'Error: nested MAIL command', key: 'nestedMail' },
  { code: 503, text: 'Error: need MAIL command', key: 'needMail' },
  { code: 503, text: 'Error: need RCPT command', key: 'needRcpt' },
  { code: 503, text: 'Error: send HELO/EHLO first', key: 'needEhlo' },
  { code: 500, text: 'Error: command not recognized', key: 'unknownCommand' },
  { code: 354, text: 'End data with <CR><LF>.<CR><LF>', key: 'dataStart' },
  { code: 552, text: 'Error: message exceeds fixed maximum message size', prefix: true, key: 'messageTooBig' },
  { code: 501, text: 'Invalid BODY parameter value', prefix: true, key: 'unsupportedBodyType' },
];

/** Success replies the library sends with an enhanced-status context instead of a fixed text. */
export const LIBRARY_CONTEXT_REPLIES: Record<string, ReplyKey> = {
  MAIL_FROM_OK: 'mailFromOk',
  RCPT_TO_OK: 'rcptToOk',
  DATA_OK: 'messageAccepted',
};

/** Error message that makes the connection send a catalogue reply from inside a library callback. */
const MARKER = 'vigor-sim reply: ';

export function replyError(key: ReplyKey, code: number): Error & { responseCode: number } {
  return Object.assign(new Error(`${MARKER}${key}`), { responseCode: code });
}

/** Finds the dialect reply for a reply the library is about to send; undefined keeps the library's. */
export function translateLibraryReply(code: number, data: string | string[] | null | undefined, context: string | false | undefined): ReplyKey | undefined {
  if (typeof context === 'string' && LIBRARY_CONTEXT_REPLIES[context]) return LIBRARY_CONTEXT_REPLIES[context];
  if (typeof data !== 'string') return undefined;
  if (data.startsWith(MARKER)) return data.slice(MARKER.length) as ReplyKey;
  return LIBRARY_REPLIES.find((row) => row.code === code && (row.prefix ? data.startsWith(row.text) : data === row.text))?.key;
}
