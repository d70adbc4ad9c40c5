/** The interface a SASL mechanism gets from its connection, and helpers every mechanism shares. */
import type { ReplyKey, SaslMechanism } from '../dialect';

/** Operations a mechanism may use on its connection. */
export interface SaslSession {
  reply(key: ReplyKey): void;
  /** Hands the client's next line to `handler` instead of the command parser. */
  readLine(handler: (line: string, done: () => void) => void): void;
  authenticateBearer(mechanism: 'XOAUTH2' | 'OAUTHBEARER', user: string | null, token: string, done: () => void): void;
  authenticatePassword(mechanism: 'LOGIN' | 'PLAIN', user: string, password: string, done: () => void): void;
  /** Fails a blob that cannot be decoded. */
  malformed(mechanism: SaslMechanism, done: () => void): void;
}

/** Runs a mechanism; `initialResponse` is the argument after the mechanism name, if any. */
export type SaslHandler = (session: SaslSession, initialResponse: string | undefined, done: () => void) => void;

/** RFC 4954: a client cancels an exchange by sending a single `*`. */
export const CANCEL = '*';

/** Decodes strict base64 (RFC 4648 alphabet and padding); returns null for anything else. */
export function decodeBase64(text: string): Buffer | null {
  const trimmed = text.trim();
  if (trimmed.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed)) return null;
  return Buffer.from(trimmed, 'base64');
}

/**
 * Reads the response of a mechanism that takes one: the initial response when the client sent
 * one, otherwise after an empty `334` challenge. `=` is RFC 4954's empty initial response.
 */
export function withResponse(session: SaslSession, initialResponse: string | undefined, done: () => void, handle: (response: string, done: () => void) => void): void {
  if (initialResponse !== undefined) {
    handle(initialResponse === '=' ? '' : initialResponse, done);
    return;
  }
  session.readLine((line, next) => {
    if (line.trim() === CANCEL) {
      session.reply('authAborted');
      next();
      return;
    }
    handle(line, next);
  });
  session.reply('authContinue');
  done();
}
