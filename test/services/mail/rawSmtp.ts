/**
 * A raw SMTP session over a socket through the lab's forward, for the BDAT tests: smtp-client has
 * no BDAT, and these tests need to control how the octets are split across writes and pipelined.
 * Replies are read in order, each as its lines.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import type { Lab } from '../../../emulator';
import { forwardPort, xoauth2 } from './helpers';

/** Milliseconds to wait for a reply or for the server to close (host time). */
const REPLY_TIMEOUT_MS = 10_000;

export class RawSmtp {
  private socket: Socket | TLSSocket;
  private received = '';
  private readonly replies: string[][] = [];
  private waiting: ((reply: string[]) => void) | null = null;
  private ended = false;
  private readonly onData = (data: Buffer) => this.take(data);

  private constructor(
    socket: Socket | TLSSocket,
    private readonly host: string,
    private readonly ca: string,
  ) {
    this.socket = socket;
    this.listen();
  }

  /** Connects to host:port through the lab's forward and reads the greeting. Port 465 starts with TLS. */
  static async open(lab: Lab, host: string, port: number): Promise<RawSmtp> {
    const localPort = forwardPort(lab, host, port);
    const ca = lab.ca.caPem();
    const socket = await new Promise<Socket | TLSSocket>((resolve, reject) => {
      const opened = port === 465 ? connectTls({ host: '127.0.0.1', port: localPort, servername: host, ca }, () => resolve(opened)) : connectTcp(localPort, '127.0.0.1', () => resolve(opened));
      opened.once('error', reject);
    });
    const session = new RawSmtp(socket, host, ca);
    await session.reply();
    return session;
  }

  /** Opens a session, upgrades it with STARTTLS unless on 465, and authenticates with XOAUTH2. */
  static async authenticated(lab: Lab, host: string, user: string, token: string, port = 587): Promise<RawSmtp> {
    const session = await RawSmtp.open(lab, host, port);
    await session.command('EHLO client.example');
    if (port !== 465) {
      await session.startTls();
      await session.command('EHLO client.example');
    }
    const auth = await session.command(`AUTH XOAUTH2 ${xoauth2(user, token)}`);
    if (!auth[0]?.startsWith('235')) throw new Error(`AUTH failed for ${user}: ${auth.join(' / ')}`);
    return session;
  }

  /** Writes octets as they are, with no line ending added. */
  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Writes one command line and returns its reply. */
  async command(line: string): Promise<string[]> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  /** Returns the next reply the server sent, waiting for it when it has not arrived yet. */
  reply(): Promise<string[]> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`No reply within ${REPLY_TIMEOUT_MS} ms; received so far: ${JSON.stringify(this.received)}`));
      }, REPLY_TIMEOUT_MS);
      this.waiting = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
    });
  }

  /** Returns the next `count` replies in order. */
  async nextReplies(count: number): Promise<string[][]> {
    const result: string[][] = [];
    for (let i = 0; i < count; i += 1) result.push(await this.reply());
    return result;
  }

  async startTls(): Promise<string[]> {
    const reply = await this.command('STARTTLS');
    this.socket.off('data', this.onData);
    const plain = this.socket;
    this.socket = await new Promise<TLSSocket>((resolve, reject) => {
      const secure = connectTls({ socket: plain, servername: this.host, ca: this.ca }, () => resolve(secure));
      secure.once('error', reject);
    });
    this.listen();
    return reply;
  }

  /** Resolves once the server has closed the connection. */
  closed(): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The server did not close the connection within ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private listen(): void {
    this.socket.on('data', this.onData);
    this.socket.once('close', () => {
      this.ended = true;
    });
    this.socket.on('error', () => undefined);
  }

  /** Splits the received text into replies: a reply ends with the line whose code is followed by a space. */
  private take(data: Buffer): void {
    this.received += data.toString('latin1');
    let lines: string[] = [];
    let end: number;
    while ((end = this.received.indexOf('\r\n')) >= 0) {
      const line = this.received.slice(0, end);
      this.received = this.received.slice(end + 2);
      lines.push(line);
      if (/^\d{3}(?: |$)/.test(line)) {
        this.deliver(lines);
        lines = [];
      }
    }
    // Lines of a multi-line reply that is not complete yet go back in front of the rest.
    if (lines.length > 0) this.received = `${lines.map((line) => `${line}\r\n`).join('')}${this.received}`;
  }

  private deliver(reply: string[]): void {
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) waiting(reply);
    else this.replies.push(reply);
  }
}
