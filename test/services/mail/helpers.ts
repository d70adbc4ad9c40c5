/**
 * Helpers of the mail tests: a lab with the test identity directory, the lab's port forwards, the
 * lab CA as a file for curl and msmtp, and an SMTP client (smtp-client) that records every reply
 * line, for wire-level checks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPClient } from 'smtp-client';
import type { Lab, LabOptions } from '../../../emulator';
import { startTestLab } from '../../helpers/lab';
import { TestIdentity } from './identityFixture';

export interface MailLab {
  lab: Lab;
  identity: TestIdentity;
  /** Directory with the lab CA as ca.pem; removed by stop(). */
  dir: string;
  caFile: string;
  stop(): Promise<void>;
}

/** Starts a lab, paused at its start time, whose mail servers use the test identity directory. */
export async function startMailLab(options: LabOptions = {}): Promise<MailLab> {
  const lab = await startTestLab(options);
  const identity = await TestIdentity.create();
  lab.services.identity = identity;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigor-sim-mail-'));
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, lab.ca.caPem());
  return {
    lab,
    identity,
    dir,
    caFile,
    stop: async () => {
      await lab.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Loopback port of the lab's forward to host:port, as the ready line lists it. */
export function forwardPort(lab: Lab, host: string, port: number): number {
  const forward = lab.ready().forwards.find((entry) => entry.host === host && entry.port === port);
  if (!forward) throw new Error(`The ready line lists no forward to ${host}:${port}`);
  return forward.localPort;
}

/** What smtp-client inherits from smtp-channel but does not declare in its types. */
interface Channel {
  write(data: string, options?: { timeout?: number; handler?: (line: string) => void }): Promise<string>;
  on(event: 'reply', listener: (line: string) => void): void;
  off(event: 'reply', listener: (line: string) => void): void;
}

/** An smtp-client connection through the lab's forward that keeps every reply line. */
export class WireClient {
  readonly client: SMTPClient;
  /** Lines of the greeting, once connected. */
  greeting: string[] = [];

  constructor(lab: Lab, host: string, port: number, implicitTls = false) {
    const options = { host: '127.0.0.1', port: forwardPort(lab, host, port), secure: implicitTls, servername: host, ca: lab.ca.caPem(), timeout: 10_000 };
    this.client = new SMTPClient(options as ConstructorParameters<typeof SMTPClient>[0]);
  }

  async connect(): Promise<string[]> {
    const lines: string[] = [];
    const onReply = (line: string) => lines.push(line);
    const channel = this.client as unknown as Channel;
    channel.on('reply', onReply);
    try {
      await this.client.connect({ timeout: 10_000 });
    } finally {
      channel.off('reply', onReply);
    }
    this.greeting = lines;
    return lines;
  }

  /** Sends one line and resolves with every line of the reply. */
  async send(line: string): Promise<string[]> {
    const lines: string[] = [];
    await (this.client as unknown as Channel).write(`${line}\r\n`, { timeout: 10_000, handler: (reply) => lines.push(reply) });
    return lines;
  }

  async startTls(): Promise<string[]> {
    const reply = await this.send('STARTTLS');
    await (this.client as unknown as { negotiateTLS(options: object): Promise<void> }).negotiateTLS({});
    return reply;
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}

/** base64 of an XOAUTH2 initial response. */
export function xoauth2(user: string, token: string): string {
  return Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64');
}

/** Opens a session, upgrades it with STARTTLS where the port needs it, and sends EHLO after TLS. */
export async function secureSession(lab: Lab, host: string, port = 587): Promise<WireClient> {
  const wire = new WireClient(lab, host, port, port === 465);
  await wire.connect();
  await wire.send('EHLO client.example');
  if (port !== 465) {
    await wire.startTls();
    await wire.send('EHLO client.example');
  }
  return wire;
}

/** Builds a short plain-text message. */
export function messageSource(from: string, to: string, subject: string, body = 'Hello from the mail tests.'): string {
  return [`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', body].join('\r\n');
}

/** Writes `text` to a file in `dir` with mode 0600 (msmtp refuses a readable password file). */
export function writePrivateFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}
