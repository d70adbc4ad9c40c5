/**
 * curl and msmtp, SMTP clients written outside this project, sending through the emulated Exchange Online and
 * Gmail servers with XOAUTH2 (and OAUTHBEARER, which curl prefers where Gmail offers it). They
 * reach the servers through the lab's port forwards from the ready line, trust the lab CA and keep
 * the real host name for TLS. A missing binary makes its tests show up as skipped.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { forwardPort, messageSource, startMailLab, writePrivateFile, type MailLab } from './helpers';
import { GRAPH_AUDIENCE } from './identityFixture';

const CURL = '/usr/bin/curl';
const MSMTP = '/usr/bin/msmtp';
const curlTest = existsSync(CURL) ? test : test.skip;
const msmtpTest = existsSync(MSMTP) ? test : test.skip;
const curlName = existsSync(CURL) ? 'curl' : 'curl (not installed, skipped)';
const msmtpName = existsSync(MSMTP) ? 'msmtp' : 'msmtp (not installed, skipped; apt-get install msmtp)';

let mail: MailLab;

beforeAll(async () => {
  mail = await startMailLab();
});

afterAll(async () => {
  await mail.stop();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

function token(user: string, options: { audience?: string; lifetimeSeconds?: number } = {}): Promise<string> {
  return mail.identity.token(user, { issuedAt: mail.lab.clock.now(), ...options });
}

interface Send {
  host: 'smtp.office365.com' | 'smtp.gmail.com';
  port?: number;
  user: string;
  token: string;
  from?: string;
  to: string;
  subject: string;
  /** curl's SASL mechanism; by default curl takes OAUTHBEARER where offered, else XOAUTH2. */
  mechanism?: 'XOAUTH2' | 'OAUTHBEARER';
}

function curlSend(send: Send, verbose = false): Promise<Run> {
  const port = send.port ?? 587;
  const scheme = port === 465 ? 'smtps' : 'smtp';
  const file = writePrivateFile(mail.dir, `curl-${Date.now()}.eml`, messageSource(send.from ?? send.user, send.to, send.subject));
  // --verbose shows the server's replies (lines starting with "< "), which the failure tests check.
  return run(CURL, [
    ...(verbose ? ['--verbose'] : ['--silent', '--show-error']), '--max-time', '15',
    '--ssl-reqd', '--cacert', mail.caFile,
    '--connect-to', `${send.host}:${port}:127.0.0.1:${forwardPort(mail.lab, send.host, port)}`,
    '--url', `${scheme}://${send.host}:${port}`,
    ...(send.mechanism ? ['--login-options', `AUTH=${send.mechanism}`] : []),
    '--user', send.user, '--oauth2-bearer', send.token,
    '--mail-from', send.from ?? send.user, '--mail-rcpt', send.to,
    '--upload-file', file,
  ]);
}

function msmtpSend(send: Send): Promise<Run> {
  const port = send.port ?? 587;
  const tokenFile = writePrivateFile(mail.dir, `token-${Date.now()}`, send.token);
  const config = writePrivateFile(
    mail.dir,
    `msmtprc-${Date.now()}`,
    [
      'account lab',
      'host 127.0.0.1',
      `port ${forwardPort(mail.lab, send.host, port)}`,
      'tls on',
      `tls_starttls ${port === 465 ? 'off' : 'on'}`,
      `tls_trust_file ${mail.caFile}`,
      `tls_host_override ${send.host}`,
      'auth xoauth2',
      `user ${send.user}`,
      `passwordeval cat ${tokenFile}`,
      `from ${send.from ?? send.user}`,
      'account default : lab',
      '',
    ].join('\n'),
  );
  return run(MSMTP, ['--file', config, send.to], messageSource(send.from ?? send.user, send.to, send.subject));
}

async function delivered(mailbox: string, subject: string) {
  return mail.lab.services.mail!.store.waitFor(mailbox, { subject }, 5000);
}

describe(curlName, () => {
  curlTest('sends through Exchange Online', async () => {
    const result = await curlSend({ host: 'smtp.office365.com', user: 'alice@contoso.example', token: await token('alice@contoso.example'), to: 'bob@contoso.example', subject: 'curl via Exchange' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const message = await delivered('bob@contoso.example', 'curl via Exchange');
    expect(message?.from).toBe('alice@contoso.example');
  });

  curlTest('sends through Gmail 587 with OAUTHBEARER', async () => {
    const result = await curlSend({ host: 'smtp.gmail.com', user: 'carol@gmail.com', token: await token('carol@gmail.com'), to: 'grace@gmail.com', subject: 'curl via Gmail 587' });
    expect(result.stderr).toBe('');
    expect(await delivered('grace@gmail.com', 'curl via Gmail 587')).not.toBeNull();
  });

  curlTest('sends through Gmail 465 with XOAUTH2', async () => {
    const result = await curlSend({ host: 'smtp.gmail.com', port: 465, mechanism: 'XOAUTH2', user: 'carol@gmail.com', token: await token('carol@gmail.com'), to: 'someone@example.net', subject: 'curl via Gmail 465' });
    expect(result.stderr).toBe('');
    const message = await delivered('internet', 'curl via Gmail 465');
    expect(message?.envelope.rcptTo).toEqual(['someone@example.net']);
  });
});

describe(msmtpName, () => {
  msmtpTest('sends through Exchange Online', async () => {
    const result = await msmtpSend({ host: 'smtp.office365.com', user: 'alice@contoso.example', token: await token('alice@contoso.example'), to: 'bob@contoso.example', subject: 'msmtp via Exchange' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await delivered('bob@contoso.example', 'msmtp via Exchange')).not.toBeNull();
  });

  msmtpTest('sends through Gmail 587', async () => {
    const result = await msmtpSend({ host: 'smtp.gmail.com', user: 'carol@gmail.com', token: await token('carol@gmail.com'), to: 'grace@gmail.com', subject: 'msmtp via Gmail 587' });
    expect(result.stderr).toBe('');
    expect(await delivered('grace@gmail.com', 'msmtp via Gmail 587')).not.toBeNull();
  });

  msmtpTest('sends through Gmail 465', async () => {
    const result = await msmtpSend({ host: 'smtp.gmail.com', port: 465, user: 'carol@gmail.com', token: await token('carol@gmail.com'), to: 'grace@gmail.com', subject: 'msmtp via Gmail 465' });
    expect(result.stderr).toBe('');
    expect(await delivered('grace@gmail.com', 'msmtp via Gmail 465')).not.toBeNull();
  });

  msmtpTest('Gmail foreign From is rewritten', async () => {
    const result = await msmtpSend({ host: 'smtp.gmail.com', user: 'carol@gmail.com', from: 'boss@example.org', token: await token('carol@gmail.com'), to: 'grace@gmail.com', subject: 'rewritten from' });
    expect(result.stderr).toBe('');
    const message = await delivered('grace@gmail.com', 'rewritten from');
    expect(message?.from).toBe('carol@gmail.com');
    expect(message?.headers).toContainEqual({ name: 'x-google-original-from', value: 'boss@example.org' });
  });
});

/** The failures the reference lists, each with the exact reply both clients must show. */
const EXCHANGE_ID = String.raw`\[[A-Z0-9]+\.[a-z]+\d\d\.prod\.outlook\.com\]`;
const FAILURES: { name: string; send: () => Promise<Send>; reply: RegExp }[] = [
  {
    name: 'expired token',
    send: async () => ({ host: 'smtp.office365.com', user: 'alice@contoso.example', token: await token('alice@contoso.example', { lifetimeSeconds: -60 }), to: 'bob@contoso.example', subject: 'expired' }),
    reply: new RegExp(`535 5\\.7\\.3 Authentication unsuccessful ${EXCHANGE_ID}`),
  },
  {
    name: 'Graph audience token',
    send: async () => ({ host: 'smtp.office365.com', user: 'alice@contoso.example', token: await token('alice@contoso.example', { audience: GRAPH_AUDIENCE }), to: 'bob@contoso.example', subject: 'graph' }),
    reply: new RegExp(`535 5\\.7\\.3 Authentication unsuccessful ${EXCHANGE_ID}`),
  },
  {
    name: 'token of another user',
    send: async () => ({ host: 'smtp.office365.com', user: 'bob@contoso.example', token: await token('alice@contoso.example'), to: 'alice@contoso.example', subject: 'other user' }),
    reply: new RegExp(`535 5\\.7\\.3 Authentication unsuccessful ${EXCHANGE_ID}`),
  },
  {
    name: 'disabled mailbox',
    send: async () => ({ host: 'smtp.office365.com', user: 'dave@contoso.example', token: await token('dave@contoso.example'), to: 'bob@contoso.example', subject: 'disabled' }),
    reply: new RegExp(`535 5\\.7\\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox\\. Visit https://aka\\.ms/smtp_auth_disabled for more information\\. ${EXCHANGE_ID}`),
  },
  {
    name: 'foreign From',
    send: async () => ({ host: 'smtp.office365.com', user: 'alice@contoso.example', from: 'ceo@contoso.example', token: await token('alice@contoso.example'), to: 'bob@contoso.example', subject: 'foreign from' }),
    reply: /554 5\.2\.0 STOREDRV\.Submission\.Exception:SendAsDeniedException\.MapiExceptionSendAsDenied; /,
  },
  {
    name: 'Gmail token of another user',
    send: async () => ({ host: 'smtp.gmail.com', mechanism: 'XOAUTH2', user: 'grace@gmail.com', token: await token('carol@gmail.com'), to: 'carol@gmail.com', subject: 'other user' }),
    reply: /535-5\.7\.8 Username and Password not accepted\. For more information, go to\r?\n.*535 5\.7\.8 {2}https:\/\/support\.google\.com\/mail\/\?p=BadCredentials \S+ - gsmtp/,
  },
  {
    name: 'Gmail expired token',
    send: async () => ({ host: 'smtp.gmail.com', mechanism: 'XOAUTH2', user: 'carol@gmail.com', token: await token('carol@gmail.com', { lifetimeSeconds: -60 }), to: 'grace@gmail.com', subject: 'expired' }),
    reply: /535-5\.7\.8 Username and Password not accepted\. For more information, go to\r?\n.*535 5\.7\.8 {2}https:\/\/support\.google\.com\/mail\/\?p=BadCredentials \S+ - gsmtp/,
  },
];

describe.each([
  { client: curlName, available: existsSync(CURL), send: (send: Send) => curlSend(send, true) },
  { client: msmtpName, available: existsSync(MSMTP), send: msmtpSend },
])('$client failure replies', ({ available, send }) => {
  const failureTest = available ? test : test.skip;
  for (const failure of FAILURES) {
    failureTest(`${failure.name}: exact reply`, async () => {
      const result = await send(await failure.send());
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(failure.reply);
    });
  }
});
