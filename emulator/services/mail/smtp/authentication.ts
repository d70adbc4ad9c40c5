/**
 * SMTP AUTH on one connection after the mechanism is chosen: the SASL session a mechanism runs
 * on, the check of the credentials it decodes, the per-mailbox connection limit, and the dialect's
 * success or failure reply.
 */
import type { Logger } from 'pino';
import type { MailboxInfo } from '../../identity/contract';
import type { SmtpContext } from './context';
import { checkBearerToken, checkPassword, type CredentialCheck } from './credentials';
import type { AuthFailure, ReplyKey, SaslMechanism } from './dialect';
import type { SaslSession } from './sasl';
import type { SessionRecord } from './sessionRecord';

/** Value of `session.user` once a client has authenticated. */
export interface AuthenticatedUser {
  address: string;
  mechanism: SaslMechanism;
  mailbox: MailboxInfo;
}

type Callback = () => void;

/** Operations and state that AUTH uses on its connection. */
export interface AuthHost {
  /** Connection id, the key of the connection's place in the per-mailbox connection limit. */
  readonly id: string;
  readonly log: Logger;
  readonly record: SessionRecord;
  reply(key: ReplyKey): void;
  /** Sends a reply as written, without the translation of library replies. */
  sendRaw(code: number, lines: string[]): void;
  /** Hands the client's next line to `handler` instead of the command parser. */
  readLine(handler: (line: string, done: Callback) => void): void;
  /** Stores the user in the SMTP session. */
  authenticated(user: AuthenticatedUser): void;
}

/** Creates the session a SASL mechanism runs on. */
export function saslSession(context: SmtpContext, host: AuthHost): SaslSession {
  return {
    reply: (key) => host.reply(key),
    readLine: (handler) => host.readLine(handler),
    authenticateBearer: (mechanism, user, token, done) => {
      finishAuth(context, host, mechanism, user, done, () => checkBearerToken(context.dialect, context.identity(), user, token, context.now()));
    },
    authenticatePassword: (mechanism, user, password, done) => {
      finishAuth(context, host, mechanism, user, done, () => checkPassword(context.dialect, context.basicAuth(), context.identity(), user, password));
    },
    malformed: (mechanism, done) => failAuth(context, host, 'malformed', mechanism, null, 'the SASL response could not be decoded', done),
  };
}

function finishAuth(context: SmtpContext, host: AuthHost, mechanism: SaslMechanism, user: string | null, done: Callback, check: () => Promise<CredentialCheck>): void {
  check().then(
    (result) => {
      if (!result.ok) return failAuth(context, host, result.failure, mechanism, user, result.detail, done);
      const { limits } = context;
      if (limits && !limits.openConnection(result.mailbox.address, host.id)) {
        return failAuth(context, host, 'concurrent-connections', mechanism, result.mailbox.address, 'the mailbox has its maximum of authenticated connections', done);
      }
      host.authenticated({ address: result.mailbox.address, mechanism, mailbox: result.mailbox });
      host.log.info({ user: result.mailbox.address, mechanism }, 'SMTP authentication succeeded');
      host.record.authSucceeded(mechanism, result.mailbox.address);
      host.reply('authSuccess');
      done();
    },
    (error: unknown) => {
      host.log.error({ err: error, user, mechanism }, 'SMTP authentication failed with an internal error');
      host.reply('authTemporaryFailure');
      done();
    },
  );
}

/** Sends the dialect's failure, first as Gmail's 334 JSON challenge when the dialect uses one. */
function failAuth(context: SmtpContext, host: AuthHost, failure: AuthFailure, mechanism: SaslMechanism, user: string | null, detail: string, done: Callback): void {
  const { dialect } = context;
  host.log.info({ user, mechanism, failure, detail }, 'SMTP authentication failed');
  host.record.authFailed(mechanism, user, failure, detail);
  const challenge = mechanism === 'XOAUTH2' || mechanism === 'OAUTHBEARER' ? dialect.bearerChallenge(failure, mechanism) : null;
  if (challenge) {
    // The client replies to the challenge with an empty line (XOAUTH2) or ^A (OAUTHBEARER), and
    // the final reply follows whatever it sends.
    host.readLine((_line, next) => {
      host.reply(dialect.failureReply(failure, mechanism));
      next();
    });
    host.sendRaw(334, [Buffer.from(JSON.stringify(challenge)).toString('base64')]);
    done();
    return;
  }
  host.reply(dialect.failureReply(failure, mechanism));
  done();
}
