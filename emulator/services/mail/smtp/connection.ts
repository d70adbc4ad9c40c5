/**
 * One SMTP connection speaking a provider's dialect. smtp-server's SMTPConnection parses commands,
 * upgrades to TLS, checks MAIL and RCPT syntax and streams DATA. This subclass replaces the
 * commands whose replies or rules differ (greeting, EHLO, STARTTLS, AUTH, AUTH before MAIL), adds
 * BDAT (RFC 3030 CHUNKING, with BODY=BINARYMIME where the dialect offers it), and rewrites the
 * library's own replies into the dialect's catalogue.
 * NOTE: it overrides handler_* methods, send(), _resetSession() and _validateMailParams() of
 * smtp-server 3.21, and chunking.ts switches the library's parser into a byte-count mode. A major
 * update of that package needs both files checked.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { SMTPServer, SMTPServerDataStream } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';
import type { MailboxInfo } from '../../identity/contract';
import { rfc5322Date, type SmtpContext } from './context';
import { checkBearerToken, checkPassword, type CredentialCheck } from './credentials';
import { renderLines, type AuthFailure, type ReplyKey, type ReplyValues, type SaslMechanism } from './dialect';
import { parseBdat, readChunk } from './chunking';
import { replyError, translateLibraryReply } from './libraryReplies';
import { SASL_MECHANISMS, type SaslSession } from './sasl';
import { submitMessage } from './submission';

/** Value of `session.user` once a client has authenticated. */
export interface AuthenticatedUser {
  address: string;
  mechanism: SaslMechanism;
  mailbox: MailboxInfo;
}

type Callback = () => void;

/** The MAIL FROM command as smtp-server parses it. */
type MailCommand = Parameters<SMTPConnection['_validateMailParams']>[0];

/** A BDAT transaction: the chunks received so far, or the reply of the chunk that failed it. */
interface ChunkedMessage {
  pieces: Buffer[];
  octets: number;
  failure: ReplyKey | null;
}

/** Lines of one session's dialogue kept for the timeline; a longer session keeps its first lines. */
const MAX_DIALOGUE_LINES = 60;

export class DialectConnection extends SMTPConnection {
  private readonly values: Omit<ReplyValues, 'date' | 'unixTime'>;
  private readonly log: Logger;
  /**
   * The session's commands and replies for the timeline. AUTH shows its mechanism only and the
   * SASL exchange after it is left out, so no password or token is kept.
   */
  private readonly dialogue: string[] = [];
  private authOutcome = 'no AUTH';
  private accepted = 0;
  private lastReply = '';
  /** The current transaction's BDAT chunks; null until its first BDAT. */
  private chunked: ChunkedMessage | null = null;

  constructor(
    server: SMTPServer,
    socket: Socket,
    options: SMTPConnectionOptions,
    private readonly context: SmtpContext,
  ) {
    super(server, socket, options);
    this.values = { ...context.dialect.connectionNames(), clientAddress: this.remoteAddress, messageId: '', octets: '' };
    this.log = context.logger.child({ connection: this.id, client: this.remoteAddress });
    this.log.info({ secure: this.secure, port: this.localPort }, 'SMTP connection opened');
  }

  private get user(): AuthenticatedUser | null {
    return (this.session.user as AuthenticatedUser | undefined) || null;
  }

  /** Sends a reply of the dialect's catalogue. */
  reply(key: ReplyKey): void {
    const now = this.context.now();
    const values: ReplyValues = { ...this.values, date: rfc5322Date(now), unixTime: String(Math.floor(now / 1000)) };
    const template = this.context.dialect.replies[key];
    this.sendRaw(template.code, renderLines(template, values), false);
  }

  /** Sends the dialect's reply in place of one the library wrote for the same situation. */
  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    const key = translateLibraryReply(code, data, context);
    if (key) this.reply(key);
    else this.sendRaw(code, data, context);
  }

  /** Sends a reply and notes its first line in the dialogue. */
  private sendRaw(code: number, data?: string | string[] | null, context?: string | false): void {
    const first = Array.isArray(data) ? data[0] : data;
    this.lastReply = `${code}${first ? ` ${first}` : ''}`;
    this.note(`S: ${this.lastReply}`);
    super.send(code, data, context);
  }

  private note(line: string): void {
    if (this.dialogue.length < MAX_DIALOGUE_LINES) this.dialogue.push(line.length > 200 ? `${line.slice(0, 200)}...` : line);
  }

  override _sendGreeting(): void {
    this.sendRaw(220, this.context.dialect.greeting({ ...this.values, date: rfc5322Date(this.context.now()), unixTime: '' }), false);
  }

  override handler_EHLO(command: Buffer, callback: Callback): void {
    this.note(`C: ${command.toString().trim()}`);
    this.greet(command, 'ehloGreeting', this.context.dialect.capabilities(this.secure));
    callback();
  }

  override handler_HELO(command: Buffer, callback: Callback): void {
    this.note(`C: ${command.toString().trim()}`);
    this.greet(command, 'heloGreeting', []);
    callback();
  }

  override handler_STARTTLS(command: Buffer, callback: Callback): void {
    this.note('C: STARTTLS');
    if (argumentsOf(command).length > 0) return this.replyAndContinue('syntaxError', callback);
    if (this.secure) return this.replyAndContinue('tlsAlreadyActive', callback);
    this.reply('startTlsReady');
    this.upgrade(callback);
  }

  override handler_AUTH(command: Buffer, callback: Callback): void {
    const [rawMechanism = '', ...rest] = argumentsOf(command);
    const mechanism = rawMechanism.toUpperCase();
    this.note(`C: AUTH ${mechanism}${rest.length ? ' (initial response not kept)' : ''}`);
    if (!this.secure) return this.replyAndContinue('authBeforeStartTls', callback);
    if (this.user) return this.replyAndContinue('authAlreadyDone', callback);
    if (!(this.context.dialect.mechanisms as string[]).includes(mechanism)) return this.replyAndContinue('authUnknownMechanism', callback);
    if (rest.length > 1) return this.replyAndContinue('syntaxError', callback);
    SASL_MECHANISMS[mechanism as SaslMechanism](this.saslSession(), rest[0], callback);
  }

  override handler_MAIL(command: Buffer, callback: Callback): void {
    this.note(`C: ${command.toString().trim()}`);
    if (!this.user) return this.replyAndContinue(this.secure ? 'authRequired' : 'startTlsRequired', callback);
    super.handler_MAIL(command, callback);
  }

  override handler_RCPT(command: Buffer, callback: Callback): void {
    this.note(`C: ${command.toString().trim()}`);
    if (!this.user) return this.replyAndContinue('authRequired', callback);
    super.handler_RCPT(command, callback);
  }

  override handler_DATA(command: Buffer, callback: Callback): void {
    this.note('C: DATA');
    if (!this.user) return this.replyAndContinue('authRequired', callback);
    // RFC 3030: DATA cannot follow BDAT in one transaction, and a BINARYMIME message needs BDAT.
    if (this.chunked || this.session.envelope.bodyType === 'binarymime') return this.replyAndContinue('badSequence', callback);
    super.handler_DATA(command, callback);
  }

  /**
   * Takes one chunk of the message (RFC 3030). After the chunk marked LAST, the message takes the
   * path of DATA and gets the same final reply. A chunk that is rejected is still read and
   * discarded, so that its octets are never parsed as commands.
   */
  handler_BDAT(command: Buffer, callback: Callback): void {
    this.note(`C: ${command.toString().trim()}`);
    const parser = this._parser;
    if (!parser) return callback();
    if (!this.offers('CHUNKING')) return this.replyAndContinue('unknownCommand', callback);

    const chunk = parseBdat(command);
    if (!chunk) {
      // Without a valid size the end of the chunk is unknown, and the octets that follow would be
      // parsed as commands. Exchange Server also drops the connection after this reply.
      this.log.info({ command: command.toString().trim().slice(0, 80) }, 'BDAT with invalid arguments, closing the connection');
      this.reply('invalidChunkArguments');
      this.close();
      return callback();
    }

    const rejection = this.chunkRejection();
    const failure = rejection ? null : this.chunkFailure(chunk.size);
    readChunk(parser, chunk.size, !rejection && !failure, callback, (octets, resume) => {
      if (rejection) return this.replyAndContinue(rejection, resume);
      if (failure) return this.failChunk(failure, chunk.last, resume);
      this.receiveChunk(octets, chunk.last, resume);
    });
  }

  override handler_QUIT(_command: Buffer, callback: Callback): void {
    this.note('C: QUIT');
    this.reply('quit');
    this.close();
    callback();
  }

  override handler_NOOP(_command: Buffer, callback: Callback): void {
    this.replyAndContinue('noop', callback);
  }

  override handler_RSET(_command: Buffer, callback: Callback): void {
    this._resetSession();
    this.replyAndContinue('rset', callback);
  }

  /** Resets the transaction as the library does, and discards any BDAT chunks (RSET, EHLO, a finished message). */
  override _resetSession(): void {
    super._resetSession();
    this.chunked = null;
  }

  /** Accepts BODY=BINARYMIME where the dialect offers BINARYMIME; smtp-server accepts only 7BIT and 8BITMIME. */
  override _validateMailParams(parsed: MailCommand): ReturnType<SMTPConnection['_validateMailParams']> {
    const args = parsed.args;
    const body = args ? args.BODY : undefined;
    if (args && typeof body === 'string' && body.toUpperCase() === 'BINARYMIME' && this.offers('BINARYMIME')) {
      const others = Object.fromEntries(Object.entries(args).filter(([name]) => name !== 'BODY'));
      return super._validateMailParams({ ...parsed, args: others });
    }
    return super._validateMailParams(parsed);
  }

  override handler_HELP(_command: Buffer, callback: Callback): void {
    this.replyAndContinue('help', callback);
  }

  override handler_VRFY(command: Buffer, callback: Callback): void {
    this.replyAndContinue(argumentsOf(command).length === 0 ? 'syntaxError' : 'vrfy', callback);
  }

  /** Takes the message of a DATA command; the server's onData hands it here. */
  receiveMessage(stream: SMTPServerDataStream, callback: (error?: Error | null, message?: string) => void): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      // An oversized message gets the library's 552, which send() turns into the dialect's.
      if (stream.sizeExceeded) return callback();
      this.acceptMessage(Buffer.concat(chunks), callback);
    });
  }

  /** Submits a whole message from DATA or BDAT; `callback` gets the error to reply with, or none for success. */
  private acceptMessage(raw: Buffer, callback: (error?: Error | null) => void): void {
    this.submit(raw).then(
      (error) => callback(error),
      (error: unknown) => {
        this.log.error({ err: error }, 'Failed to accept a message');
        callback(Object.assign(new Error('Error: internal server error'), { responseCode: 451 }));
      },
    );
  }

  /** Returns the reply for a BDAT outside a transaction that has its recipients, or null. */
  private chunkRejection(): ReplyKey | null {
    if (!this.user) return this.secure ? 'authRequired' : 'startTlsRequired';
    if (!this.session.envelope.mailFrom) return 'needMail';
    if (this.session.envelope.rcptTo.length === 0) return 'needRcpt';
    return null;
  }

  /** Returns the reply that fails the transaction at a chunk of `size` octets, or null. */
  private chunkFailure(size: number): ReplyKey | null {
    if (this.chunked?.failure) return this.chunked.failure;
    if ((this.chunked?.octets ?? 0) + size > this.context.dialect.maxMessageBytes) return 'messageTooBig';
    return null;
  }

  /**
   * Fails the transaction. The client must send no chunk after a failed one (RFC 3030), but a
   * pipelining client may have sent some already, so they get the same reply until LAST or RSET.
   */
  private failChunk(failure: ReplyKey, last: boolean, resume: Callback): void {
    this.chunked = { pieces: [], octets: 0, failure };
    this.reply(failure);
    if (last) this.endTransaction();
    resume();
  }

  private receiveChunk(octets: Buffer, last: boolean, resume: Callback): void {
    const chunked = this.chunked ?? { pieces: [], octets: 0, failure: null };
    this.chunked = chunked;
    chunked.pieces.push(octets);
    chunked.octets += octets.length;
    if (!last) {
      this.values.octets = String(octets.length);
      return this.replyAndContinue('chunkAccepted', resume);
    }

    this.acceptMessage(Buffer.concat(chunked.pieces), (error) => {
      // The final reply as smtp-server sends it after DATA, so send() words it the same way.
      if (error) this.send((error as Error & { responseCode?: number }).responseCode || 450, error.message);
      else this.send(250, 'OK: message queued', 'DATA_OK');
      this.endTransaction();
      resume();
    });
  }

  /** Ends the transaction as smtp-server does after the final reply to DATA. */
  private endTransaction(): void {
    this._transactionCounter += 1;
    this._unrecognizedCommands = 0;
    this._resetSession();
  }

  /** Whether the dialect's EHLO reply lists `keyword` in the connection's current TLS state. */
  private offers(keyword: string): boolean {
    return this.context.dialect.capabilities(this.secure).some((line) => line.split(' ')[0] === keyword);
  }

  /** Releases the connection's place in the per-mailbox connection limit. */
  closed(): void {
    const user = this.user;
    if (user) this.context.limits?.closeConnection(user.mailbox.address, this.id);
    this.log.info({ user: user?.address }, 'SMTP connection closed');
    this.recordSession();
  }

  /** Records the session in the lab timeline: who connected, how AUTH went, what was accepted. */
  private recordSession(): void {
    const { timeline, routerAt, dialect } = this.context;
    if (!timeline) return;
    const router = routerAt?.(this.remoteAddress);
    const server = `${dialect.host}:${this.localPort}`;
    const messages = this.accepted === 1 ? '1 message accepted' : `${this.accepted} messages accepted`;
    timeline.record({
      protocol: 'smtp',
      router,
      from: router ? `${router} (${this.remoteAddress})` : this.remoteAddress,
      to: server,
      summary: `SMTP session to ${server}: ${this.authOutcome}, ${messages}, last reply ${this.lastReply.slice(0, 80)}`,
      detail: { server, client: this.remoteAddress, dialect: dialect.name, tls: this.secure, auth: this.authOutcome, user: this.user?.address ?? null, messagesAccepted: this.accepted, dialogue: [...this.dialogue] },
    });
  }

  private async submit(raw: Buffer): Promise<Error | null> {
    const user = this.user!;
    const { envelope } = this.session;
    const submitted = {
      mailbox: user.mailbox,
      envelope: { mailFrom: envelope.mailFrom ? envelope.mailFrom.address : '', rcptTo: envelope.rcptTo.map((recipient) => recipient.address) },
      raw,
      helo: this.hostNameAppearsAs || '',
      clientAddress: this.remoteAddress,
      serverName: this.values.serverName,
      sessionId: this.values.sessionId,
      secure: this.secure,
    };
    const result = await submitMessage(this.context, submitted);
    if (!result.ok) {
      this.log.info({ user: user.address, reply: result.reply, detail: result.detail }, 'Message rejected');
      return replyError(result.reply, this.context.dialect.replies[result.reply].code);
    }
    this.values.messageId = result.messageId;
    this.accepted += 1;
    this.log.info({ user: user.address, messageId: result.messageId, recipients: submitted.envelope.rcptTo.length, deliverAt: result.deliverAt }, 'Message accepted');
    return null;
  }

  private greet(command: Buffer, key: 'ehloGreeting' | 'heloGreeting', capabilities: string[]): void {
    const parts = argumentsOf(command);
    if (parts.length !== 1) return this.reply('syntaxError');
    this.hostNameAppearsAs = parts[0]!.toLowerCase();
    this._resetSession();
    const greeting = renderLines(this.context.dialect.replies[key], { ...this.values, date: '', unixTime: '' });
    this.sendRaw(250, [...greeting, ...capabilities], false);
  }

  private replyAndContinue(key: ReplyKey, callback: Callback): void {
    this.reply(key);
    callback();
  }

  private saslSession(): SaslSession {
    return {
      reply: (key) => this.reply(key),
      readLine: (handler) => {
        this._nextHandler = (command, done) => handler(command.toString(), done);
      },
      authenticateBearer: (mechanism, user, token, done) => {
        this.finishAuth(mechanism, user, done, () => checkBearerToken(this.context.dialect, this.context.identity(), user, token, this.context.now()));
      },
      authenticatePassword: (mechanism, user, password, done) => {
        this.finishAuth(mechanism, user, done, () => checkPassword(this.context.dialect, this.context.basicAuth(), this.context.identity(), user, password));
      },
      malformed: (mechanism, done) => this.failAuth('malformed', mechanism, null, 'the SASL response could not be decoded', done),
    };
  }

  private finishAuth(mechanism: SaslMechanism, user: string | null, done: Callback, check: () => Promise<CredentialCheck>): void {
    check().then(
      (result) => {
        if (!result.ok) return this.failAuth(result.failure, mechanism, user, result.detail, done);
        const { limits } = this.context;
        if (limits && !limits.openConnection(result.mailbox.address, this.id)) {
          return this.failAuth('concurrent-connections', mechanism, result.mailbox.address, 'the mailbox has its maximum of authenticated connections', done);
        }
        this.session.user = { address: result.mailbox.address, mechanism, mailbox: result.mailbox } satisfies AuthenticatedUser;
        this.log.info({ user: result.mailbox.address, mechanism }, 'SMTP authentication succeeded');
        this.authOutcome = `AUTH ${mechanism} as ${result.mailbox.address} succeeded`;
        this.replyAndContinue('authSuccess', done);
      },
      (error: unknown) => {
        this.log.error({ err: error, user, mechanism }, 'SMTP authentication failed with an internal error');
        this.replyAndContinue('authTemporaryFailure', done);
      },
    );
  }

  /** Sends the dialect's failure, first as Gmail's 334 JSON challenge when the dialect uses one. */
  private failAuth(failure: AuthFailure, mechanism: SaslMechanism, user: string | null, detail: string, done: Callback): void {
    const { dialect } = this.context;
    this.log.info({ user, mechanism, failure, detail }, 'SMTP authentication failed');
    this.authOutcome = `AUTH ${mechanism}${user ? ` as ${user}` : ''} failed (${failure}: ${detail})`;
    const challenge = mechanism === 'XOAUTH2' || mechanism === 'OAUTHBEARER' ? dialect.bearerChallenge(failure, mechanism) : null;
    if (challenge) {
      // The client replies to the challenge with an empty line (XOAUTH2) or ^A (OAUTHBEARER), and
      // the final reply follows whatever it sends.
      this._nextHandler = (_line, next) => this.replyAndContinue(dialect.failureReply(failure, mechanism), next);
      this.sendRaw(334, [Buffer.from(JSON.stringify(challenge)).toString('base64')], false);
      done();
      return;
    }
    this.replyAndContinue(dialect.failureReply(failure, mechanism), done);
  }
}

/** Returns the words after the command name. */
function argumentsOf(command: Buffer): string[] {
  return command.toString().trim().split(/\s+/).slice(1);
}
