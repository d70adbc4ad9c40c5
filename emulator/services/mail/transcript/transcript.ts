/**
 * The SMTP transcript tool: runs one raw SMTP dialogue with smtp-client against an emulated
 * server (EHLO, STARTTLS unless the port is implicit TLS, EHLO, AUTH, and optionally one message)
 * and returns every line both sides sent, with secrets masked. It connects through the lab's port
 * forward, so the dialogue reaches the server from the Internet host, as curl and msmtp do.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import type { SMTPClient } from 'smtp-client';
import { TranscriptMasker } from './mask';

/** Milliseconds each step of the dialogue may take (host time). */
const STEP_TIMEOUT_MS = 10_000;
/** EHLO name: the address literal of the lab's Internet host, where the dialogue comes from. */
const EHLO_NAME = '[192.0.2.100]';

export type TranscriptAuth =
  | { mechanism: 'none' }
  | { mechanism: 'XOAUTH2'; user: string; token: string }
  | { mechanism: 'LOGIN' | 'PLAIN'; user: string; password: string };

export interface TranscriptRequest {
  host: string;
  port: number;
  implicitTls: boolean;
  auth: TranscriptAuth;
  /** A message to send after AUTH; without one the dialogue ends with QUIT after AUTH. */
  message?: { from: string; to: string[]; subject: string; text: string };
}

export interface TranscriptLine {
  /** `client` and `server` are lines on the wire; `tls` marks the start of TLS. */
  from: 'client' | 'server' | 'tls';
  text: string;
  decoded?: string;
  /** Milliseconds since the dialogue started (host time). */
  ms: number;
}

export interface Transcript {
  host: string;
  port: number;
  outcome: 'sent' | 'authenticated' | 'connected' | 'failed';
  lines: TranscriptLine[];
  /** Reason the dialogue stopped early, for outcome `failed`. */
  error?: string;
}

/** Methods smtp-client inherits from smtp-channel but does not declare in its types. */
interface SmtpChannel {
  write(data: string, options?: { timeout?: number; handler?: (line: string) => void }): Promise<string>;
  negotiateTLS(options: { timeout?: number }): Promise<void>;
  on(event: 'reply', listener: (line: string) => void): void;
}

export interface TranscriptTarget {
  /** Loopback port of the lab's forward to host:port. */
  forwardPort: number;
  caPem: string;
  /** Lab time, for the message's Date header. */
  now: Date;
}

/**
 * One dialogue on an smtp-client connection. Client lines are recorded here as they are written,
 * because smtp-client's own line events drop empty lines, and an empty line is part of the
 * protocol twice: after Gmail's 334 challenge and between a message's header and body.
 */
class Dialogue {
  readonly lines: TranscriptLine[] = [];
  readonly client: SMTPClient;
  private readonly channel: SmtpChannel;
  private readonly masker = new TranscriptMasker();
  private readonly started = Date.now();

  constructor(request: TranscriptRequest, target: TranscriptTarget, Client: typeof SMTPClient) {
    const options = { host: '127.0.0.1', port: target.forwardPort, secure: request.implicitTls, servername: request.host, ca: target.caPem };
    this.client = new Client(options as ConstructorParameters<typeof SMTPClient>[0]);
    this.channel = this.client as unknown as SmtpChannel;
    this.channel.on('reply', (line) => this.lines.push({ from: 'server', ...this.masker.server(line), ms: this.elapsed() }));
  }

  async connect(implicitTls: boolean): Promise<void> {
    if (implicitTls) this.note('TLS handshake (implicit TLS port)');
    await this.client.connect({ timeout: STEP_TIMEOUT_MS });
  }

  async startTls(): Promise<void> {
    await this.command('STARTTLS', ['220']);
    await this.channel.negotiateTLS({ timeout: STEP_TIMEOUT_MS });
    this.note('TLS handshake after STARTTLS');
  }

  /** Sends text (one or more lines) and waits for the whole reply; throws with its last line unless its code is expected. */
  async command(text: string, expected: string[]): Promise<string> {
    for (const line of text.split('\r\n')) this.lines.push({ from: 'client', ...this.masker.client(line), ms: this.elapsed() });
    const replies: string[] = [];
    const code = await this.channel.write(`${text}\r\n`, { timeout: STEP_TIMEOUT_MS, handler: (reply) => replies.push(reply) });
    if (!expected.includes(code)) throw new Error(`The server replied ${replies[replies.length - 1] ?? code}`);
    return code;
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }

  private note(text: string): void {
    this.lines.push({ from: 'tls', text, ms: this.elapsed() });
  }

  private elapsed(): number {
    return Date.now() - this.started;
  }
}

export async function runTranscript(request: TranscriptRequest, target: TranscriptTarget): Promise<Transcript> {
  // NOTE: smtp-client is a devDependency of the package, so it is loaded only when the tool runs:
  // an install without dev dependencies still starts the lab, and only this tool fails.
  const { SMTPClient: Client } = await import('smtp-client');
  const dialogue = new Dialogue(request, target, Client);
  let outcome: Transcript['outcome'] = 'connected';
  try {
    await dialogue.connect(request.implicitTls);
    await dialogue.command(`EHLO ${EHLO_NAME}`, ['250']);
    if (!request.implicitTls) {
      await dialogue.startTls();
      await dialogue.command(`EHLO ${EHLO_NAME}`, ['250']);
    }
    if (request.auth.mechanism !== 'none') {
      await authenticate(dialogue, request.auth);
      outcome = 'authenticated';
    }
    if (request.message) {
      await sendMessage(dialogue, request.message, target.now);
      outcome = 'sent';
    }
    await dialogue.command('QUIT', ['221']);
    return { host: request.host, port: request.port, outcome, lines: dialogue.lines };
  } catch (error) {
    await dialogue.command('QUIT', ['221']).catch(() => undefined);
    return { host: request.host, port: request.port, outcome: 'failed', lines: dialogue.lines, error: (error as Error).message };
  } finally {
    await dialogue.close();
  }
}

async function authenticate(dialogue: Dialogue, auth: Exclude<TranscriptAuth, { mechanism: 'none' }>): Promise<void> {
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  if (auth.mechanism === 'XOAUTH2') {
    const code = await dialogue.command(`AUTH XOAUTH2 ${base64(`user=${auth.user}\x01auth=Bearer ${auth.token}\x01\x01`)}`, ['235', '334']);
    // Gmail replies to a rejected token with a 334 JSON challenge, and the client sends an empty line.
    if (code === '334') await dialogue.command('', ['235']);
    return;
  }
  if (auth.mechanism === 'PLAIN') {
    await dialogue.command(`AUTH PLAIN ${base64(`\x00${auth.user}\x00${auth.password}`)}`, ['235']);
    return;
  }
  await dialogue.command('AUTH LOGIN', ['334']);
  await dialogue.command(base64(auth.user), ['334']);
  await dialogue.command(base64(auth.password), ['235']);
}

async function sendMessage(dialogue: Dialogue, message: NonNullable<TranscriptRequest['message']>, date: Date): Promise<void> {
  await dialogue.command(`MAIL FROM:<${message.from}>`, ['250']);
  for (const to of message.to) await dialogue.command(`RCPT TO:<${to}>`, ['250', '251']);
  await dialogue.command('DATA', ['354']);

  const source = await new MailComposer({ from: message.from, to: message.to, subject: message.subject, text: message.text, date }).compile().build();
  // RFC 5321 section 4.5.2: a line that starts with a dot gets one more.
  const stuffed = source.toString('utf8').replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
  await dialogue.command(`${stuffed}\r\n.`, ['250']);
}
