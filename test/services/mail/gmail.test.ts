/**
 * Wire-level conformance of the emulated Gmail SMTP server (smtp.gmail.com:587 with STARTTLS and
 * :465 with implicit TLS), with smtp-client through the lab's port forwards: greeting, EHLO before
 * and after TLS, XOAUTH2 and OAUTHBEARER with Gmail's 334 JSON challenge, Basic auth with an app
 * password, and the From rewriting.
 */
import { messageSource, secureSession, startMailLab, WireClient, xoauth2, type MailLab } from './helpers';
import { GMAIL_SCOPE } from './identityFixture';

const HOST = 'smtp.gmail.com';
const SESSION = String.raw`\S+ - gsmtp`;
const BAD_CREDENTIALS = [
  '535-5.7.8 Username and Password not accepted. For more information, go to',
  expect.stringMatching(new RegExp(`^535 5\\.7\\.8  https://support\\.google\\.com/mail/\\?p=BadCredentials ${SESSION}$`)),
];

let mail: MailLab;

beforeAll(async () => {
  mail = await startMailLab();
});

afterAll(async () => {
  await mail.stop();
});

function token(user: string, options: { lifetimeSeconds?: number; scopes?: string[] } = {}): Promise<string> {
  return mail.identity.token(user, { issuedAt: mail.lab.clock.now(), ...options });
}

function challengeJson(reply: string): unknown {
  return JSON.parse(Buffer.from(reply.slice('334 '.length), 'base64').toString('utf8'));
}

function oauthBearer(user: string, bearer: string): string {
  return Buffer.from(`n,a=${user},\x01host=smtp.gmail.com\x01port=587\x01auth=Bearer ${bearer}\x01\x01`).toString('base64');
}

describe('Gmail greeting and EHLO', () => {
  test.each([587, 465])('port %i greets like Gmail', async (port) => {
    const wire = new WireClient(mail.lab, HOST, port, port === 465);
    const greeting = await wire.connect();
    await wire.close();
    expect(greeting).toHaveLength(1);
    expect(greeting[0]).toMatch(new RegExp(`^220 smtp\\.gmail\\.com ESMTP ${SESSION}$`));
  });

  test('EHLO before TLS offers STARTTLS', async () => {
    const wire = new WireClient(mail.lab, HOST, 587);
    await wire.connect();
    const ehlo = await wire.send('EHLO client.example');
    await wire.close();
    expect(ehlo).toEqual(['250-smtp.gmail.com at your service, [192.0.2.100]', '250-SIZE 35882577', '250-8BITMIME', '250-STARTTLS', '250-ENHANCEDSTATUSCODES', '250-PIPELINING', '250-CHUNKING', '250 SMTPUTF8']);
  });

  test.each([587, 465])('EHLO after TLS on %i offers AUTH', async (port) => {
    const wire = new WireClient(mail.lab, HOST, port, port === 465);
    await wire.connect();
    if (port === 587) {
      await wire.send('EHLO client.example');
      expect(await wire.startTls()).toEqual(['220 2.0.0 Ready to start TLS']);
    }
    const ehlo = await wire.send('EHLO client.example');
    await wire.close();
    expect(ehlo).toEqual([
      '250-smtp.gmail.com at your service, [192.0.2.100]',
      '250-SIZE 35882577',
      '250-8BITMIME',
      '250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH',
      '250-ENHANCEDSTATUSCODES',
      '250-PIPELINING',
      '250-CHUNKING',
      '250 SMTPUTF8',
    ]);
  });
});

describe('Gmail failures before AUTH', () => {
  test('AUTH before STARTTLS gets 530 5.7.0', async () => {
    const wire = new WireClient(mail.lab, HOST, 587);
    await wire.connect();
    await wire.send('EHLO client.example');
    const reply = await wire.send('AUTH PLAIN AGNhcm9sQGdtYWlsLmNvbQBzZWNyZXQ=');
    await wire.close();
    expect(reply[0]).toMatch(new RegExp(`^530 5\\.7\\.0 Must issue a STARTTLS command first\\. ${SESSION}$`));
  });

  test('MAIL FROM without AUTH gets 530-5.7.0', async () => {
    const wire = await secureSession(mail.lab, HOST);
    const reply = await wire.send('MAIL FROM:<carol@gmail.com>');
    await wire.close();
    expect(reply).toEqual(['530-5.7.0 Authentication Required. For more information, go to', expect.stringMatching(new RegExp(`^530 5\\.7\\.0  https://support\\.google\\.com/mail/\\?p=WantAuthError ${SESSION}$`))]);
  });

  test('unknown command gets 502 5.5.1', async () => {
    const wire = await secureSession(mail.lab, HOST);
    const reply = await wire.send('FROBNICATE');
    await wire.close();
    expect(reply[0]).toMatch(new RegExp(`^502 5\\.5\\.1 Unrecognized command\\. ${SESSION}$`));
  });
});

describe('Gmail XOAUTH2 and OAUTHBEARER', () => {
  test.each([587, 465])('valid XOAUTH2 token on %i is accepted', async (port) => {
    const wire = await secureSession(mail.lab, HOST, port);
    const reply = await wire.send(`AUTH XOAUTH2 ${xoauth2('carol@gmail.com', await token('carol@gmail.com'))}`);
    await wire.close();
    expect(reply).toEqual(['235 2.7.0 Accepted']);
  });

  const rejected: [string, () => Promise<[string, string]>, object][] = [
    ['expired token', async () => ['carol@gmail.com', await token('carol@gmail.com', { lifetimeSeconds: -1 })], { status: '401', schemes: 'bearer mac', scope: GMAIL_SCOPE }],
    ['token of another user', async () => ['grace@gmail.com', await token('carol@gmail.com')], { status: '401', schemes: 'bearer mac', scope: GMAIL_SCOPE }],
    ['Microsoft token', async () => ['alice@contoso.example', await token('alice@contoso.example')], { status: '401', schemes: 'bearer mac', scope: GMAIL_SCOPE }],
    ['token without the Gmail scope', async () => ['carol@gmail.com', await token('carol@gmail.com', { scopes: ['openid', 'email'] })], { status: '400', schemes: 'Bearer', scope: GMAIL_SCOPE }],
  ];
  test.each(rejected)('%s gets the 334 challenge, then 535-5.7.8', async (_name, make, json) => {
    const [user, bearer] = await make();
    const wire = await secureSession(mail.lab, HOST);
    const challenge = await wire.send(`AUTH XOAUTH2 ${xoauth2(user, bearer)}`);
    expect(challenge).toHaveLength(1);
    expect(challengeJson(challenge[0]!)).toEqual(json);
    const final = await wire.send('');
    await wire.close();
    expect(final).toEqual(BAD_CREDENTIALS);
  });

  test('malformed blob gets 501 5.5.2', async () => {
    const wire = await secureSession(mail.lab, HOST);
    const reply = await wire.send('AUTH XOAUTH2 bm90IGEgYmxvYg==');
    await wire.close();
    expect(reply[0]).toMatch(new RegExp(`^501 5\\.5\\.2 Cannot Decode response ${SESSION}$`));
  });

  test('OAUTHBEARER is accepted', async () => {
    const wire = await secureSession(mail.lab, HOST);
    const reply = await wire.send(`AUTH OAUTHBEARER ${oauthBearer('carol@gmail.com', await token('carol@gmail.com'))}`);
    await wire.close();
    expect(reply).toEqual(['235 2.7.0 Accepted']);
  });

  test('OAUTHBEARER failure uses RFC 7628 status', async () => {
    const wire = await secureSession(mail.lab, HOST);
    const challenge = await wire.send(`AUTH OAUTHBEARER ${oauthBearer('carol@gmail.com', await token('carol@gmail.com', { lifetimeSeconds: -1 }))}`);
    expect(challengeJson(challenge[0]!)).toEqual({ status: 'invalid_token', schemes: 'Bearer', scope: GMAIL_SCOPE });
    const final = await wire.send('AQ==');
    await wire.close();
    expect(final).toEqual(BAD_CREDENTIALS);
  });
});

describe('Gmail Basic auth', () => {
  test('PLAIN with the app password is accepted', async () => {
    const wire = await secureSession(mail.lab, HOST);
    const reply = await wire.send(`AUTH PLAIN ${Buffer.from('\x00carol@gmail.com\x00abcdefghijklmnop').toString('base64')}`);
    await wire.close();
    expect(reply).toEqual(['235 2.7.0 Accepted']);
  });

  test('LOGIN with a wrong password gets 535-5.7.8', async () => {
    const wire = await secureSession(mail.lab, HOST);
    await wire.send('AUTH LOGIN');
    await wire.send(Buffer.from('carol@gmail.com').toString('base64'));
    const reply = await wire.send(Buffer.from('account-password').toString('base64'));
    await wire.close();
    expect(reply).toEqual(BAD_CREDENTIALS);
  });

  test('cancelled LOGIN is aborted', async () => {
    const wire = await secureSession(mail.lab, HOST);
    await wire.send('AUTH LOGIN');
    const reply = await wire.send('*');
    await wire.close();
    expect(reply[0]).toMatch(/^501 5\.5\.2 Authentication aborted\. /);
  });
});

describe('Gmail From handling', () => {
  async function submit(headerFrom: string, subject: string): Promise<string[]> {
    const wire = await secureSession(mail.lab, HOST);
    await wire.send(`AUTH XOAUTH2 ${xoauth2('carol@gmail.com', await token('carol@gmail.com'))}`);
    expect(await wire.send('MAIL FROM:<carol@gmail.com>')).toEqual([expect.stringMatching(new RegExp(`^250 2\\.1\\.0 OK ${SESSION}$`))]);
    expect(await wire.send('RCPT TO:<grace@gmail.com>')).toEqual([expect.stringMatching(new RegExp(`^250 2\\.1\\.5 OK ${SESSION}$`))]);
    expect(await wire.send('DATA')).toEqual([expect.stringMatching(new RegExp(`^354 Go ahead ${SESSION}$`))]);
    const reply = await wire.send(`${messageSource(headerFrom, 'grace@gmail.com', subject)}\r\n.`);
    await wire.close();
    return reply;
  }

  test('foreign From is rewritten to the account', async () => {
    const reply = await submit('"The Boss" <boss@example.org>', 'Gmail rewrite');
    expect(reply[0]).toMatch(new RegExp(`^250 2\\.0\\.0 OK  \\d+ ${SESSION}$`));
    const message = await mail.lab.services.mail!.store.waitFor('grace@gmail.com', { subject: 'Gmail rewrite' }, 5000);
    expect(message?.from).toBe('"The Boss" <carol@gmail.com>');
    expect(message?.headers).toContainEqual({ name: 'x-google-original-from', value: '"The Boss" <boss@example.org>' });
  });

  test('configured alias is kept', async () => {
    await submit('Alerts <carol.alerts@example.org>', 'Gmail alias');
    const message = await mail.lab.services.mail!.store.waitFor('grace@gmail.com', { subject: 'Gmail alias' }, 5000);
    expect(message?.from).toBe('"Alerts" <carol.alerts@example.org>');
    expect(message?.headers.some((header) => header.name === 'x-google-original-from')).toBe(false);
  });
});
