/**
 * One SMTP connection speaking a provider's dialect. smtp-server's SMTPConnection parses commands,
 * upgrades to TLS, checks MAIL and RCPT syntax and streams DATA. This subclass replaces the
 * commands whose replies or rules differ (greeting, EHLO, STARTTLS, AUTH, AUTH before MAIL), adds
 * BDAT (RFC 3030 CHUNKING, with BODY=BINARYMIME where the dialect offers it), and rewrites the
 * library's own replies into the dialect's catalogue. AUTH checks live in authentication.ts, the
 * BDAT transaction in chunkedTransfer.ts and the timeline summary in sessionRecord.ts.
 * NOTE: it overrides handler_* methods, send(), _resetSession() and _validateMailParams() of
 * smtp-server 3.21, and chunking.ts switches the library's parser into a byte-count mode. A major
 * update of that package needs both files checked.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { SMTPServer, SMTPServerDataStream } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';
import { saslSession, type AuthenticatedUser, type AuthHost } from './authentication';
import { ChunkedTransfer } from './chunkedTransfer';
import { parseBdat } from './chunking';
import { rfc5322Date, type SmtpContext } from './context';
import { renderLines, type ReplyKey, type ReplyValues, type SaslMechanism } from './dialect';
import { replyError, translateLibraryReply } from './libraryReplies';
import { SASL_MECHANISMS } from './sasl';
import { SessionRecord } from './sessionRecord';
import { submitMessage } from './submission';

type Callback = () => void;

/** The MAIL FROM command as smtp-server parses it. */
type MailCommand = Parameters<SMTPConnection['_validateMailParams']>[0];

export class DialectConnection extends SMTPConnection {
  private readonly values: Omit<ReplyValues, 'date' | 'unixTime'>;
  private readonly log: Logger;
  private readonly record = new SessionRecord();
  private readonly chunks: ChunkedTransfer;
  private readonly auth: AuthHost;

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

    this.chunks = new ChunkedTransfer(
      {
        reply: (key) => this.reply(key),
        replyChunkAccepted: (size) => {
          this.values.octets = String(size);
          this.reply('chunkAccepted');
        },
        send: (code, data, replyContext) => this.send(code, data, replyContext),
        acceptMessage: (raw, callback) => this.acceptMessage(raw, callback),
        endTransaction: () => {
          this._transactionCounter += 1;
          this._unrecognizedCommands = 0;
          this._resetSession();
        },
      },
      context.dialect.maxMessageBytes,
    );
    this.auth = {
      id: this.id,
      log: this.log,
      record: this.record,
      reply: (key) => this.reply(key),
      sendRaw: (code, lines) => this.sendRaw(code, lines, false),
      readLine: (handler) => {
        this._nextHandler = (command, done) => handler(command.toString(), done);
      },
      authenticated: (user) => {
        this.session.user = user;
      },
    };
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
    this.record.replied(code, data);
    super.send(code, data, context);
  }

  override _sendGreeting(): void {
    this.sendRaw(220, this.context.dialect.greeting({ ...this.values, date: rfc5322Date(this.context.now()), unixTime: '' }), false);
  }

  override handler_EHLO(command: Buffer, callback: Callback): void {
    this.record.note(`C: ${command.toString().trim()}`);
    this.greet(command, 'ehloGreeting', this.context.dialect.capabilities(this.secure));
    callback();
  }

  override handler_HELO(command: Buffer, callback: Callback): void {
    this.record.note(`C: ${command.toString().trim()}`);
    this.greet(command, 'heloGreeting', []);
    callback();
  }

  override handler_STARTTLS(command: Buffer, callback: Callback): void {
    this.record.note('C: STARTTLS');
    if (argumentsOf(command).length > 0) return this.replyAndContinue('syntaxError', callback);
    if (this.secure) return this.replyAndContinue('tlsAlreadyActive', callback);
    this.reply('startTlsReady');
    this.upgrade(callback);
  }

  override handler_AUTH(command: Buffer, callback: Callback): void {
    const [rawMechanism = '', ...rest] = argumentsOf(command);
    const mechanism = rawMechanism.toUpperCase();
    this.record.note(`C: AUTH ${mechanism}${rest.length ? ' (initial response not kept)' : ''}`);
    if (!this.secure) return this.replyAndContinue('authBeforeStartTls', callback);
    if (this.user) return this.replyAndContinue('authAlreadyDone', callback);
    if (!(this.context.dialect.mechanisms as string[]).includes(mechanism)) return this.replyAndContinue('authUnknownMechanism', callback);
    if (rest.length > 1) return this.replyAndContinue('syntaxError', callback);
    SASL_MECHANISMS[mechanism as SaslMechanism](saslSession(this.context, this.auth), rest[0], callback);
  }

  override handler_MAIL(command: Buffer, callback: Callback): void {
    this.record.note(`C: ${command.toString().trim()}`);
    if (!this.user) return this.replyAndContinue(this.secure ? 'authRequired' : 'startTlsRequired', callback);
    super.handler_MAIL(command, callback);
  }

  override handler_RCPT(command: Buffer, callback: Callback): void {
    this.record.note(`C: ${command.toString().trim()}`);
    if (!this.user) return this.replyAndContinue('authRequired', callback);
    super.handler_RCPT(command, callback);
  }

  override handler_DATA(command: Buffer, callback: Callback): void {
    this.record.note('C: DATA');
    if (!this.user) return this.replyAndContinue('authRequired', callback);
    // RFC 3030: DATA cannot follow BDAT in one transaction, and a BINARYMIME message needs BDAT.
    if (this.chunks.started || this.session.envelope.bodyType === 'binarymime') return this.replyAndContinue('badSequence', callback);
    super.handler_DATA(command, callback);
  }

  /**
   * Takes one chunk of the message (RFC 3030). After the chunk marked LAST, the message takes the
   * path of DATA and gets the same final reply.
   */
  handler_BDAT(command: Buffer, callback: Callback): void {
    this.record.note(`C: ${command.toString().trim()}`);
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

    this.chunks.read(parser, chunk, this.chunkRejection(), callback);
  }

  override handler_QUIT(_command: Buffer, callback: Callback): void {
    this.record.note('C: QUIT');
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
    this.chunks.reset();
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

  /** Tells whether the dialect's EHLO reply lists `keyword` in the connection's current TLS state. */
  private offers(keyword: string): boolean {
    return this.context.dialect.capabilities(this.secure).some((line) => line.split(' ')[0] === keyword);
  }

  /** Releases the connection's place in the per-mailbox connection limit. */
  closed(): void {
    const user = this.user;
    if (user) this.context.limits?.closeConnection(user.mailbox.address, this.id);
    this.log.info({ user: user?.address }, 'SMTP connection closed');
    this.record.addToTimeline(this.context, { clientAddress: this.remoteAddress, localPort: this.localPort, secure: this.secure, user: user?.address ?? null });
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
    this.record.messageAccepted();
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
}

/** Returns the words after the command name. */
function argumentsOf(command: Buffer): string[] {
  return command.toString().trim().split(/\s+/).slice(1);
}
