/**
 * The mail routes of the lab API (list, search, one message, raw source, wait) and the SMTP
 * transcript tool through its API route and console page.
 */
import request from 'supertest';
import { API_ROUTES } from '../../../emulator/console/api';
import { messageSource, secureSession, startMailLab, xoauth2, type MailLab } from './helpers';

let mail: MailLab;
let api: ReturnType<typeof request>;

beforeAll(async () => {
  mail = await startMailLab();
  api = request(mail.lab.consoleUrl.replace(/\/$/, ''));
});

afterAll(async () => {
  await mail.stop();
});

async function sendAsAlice(to: string, subject: string): Promise<void> {
  const wire = await secureSession(mail.lab, 'smtp.office365.com');
  await wire.send(`AUTH XOAUTH2 ${xoauth2('alice@contoso.example', await mail.identity.token('alice@contoso.example', { issuedAt: mail.lab.clock.now() }))}`);
  await wire.send('MAIL FROM:<alice@contoso.example>');
  await wire.send(`RCPT TO:<${to}>`);
  await wire.send('DATA');
  await wire.send(`${messageSource('alice@contoso.example', to, subject)}\r\n.`);
  await wire.close();
}

test('routes are listed', () => {
  expect(API_ROUTES).toEqual(expect.arrayContaining(['GET /api/mail/mailboxes', 'GET /api/mail/mailboxes/{address}/wait', 'POST /api/mail/transcripts']));
});

describe('mailbox routes', () => {
  beforeAll(async () => {
    await sendAsAlice('bob@contoso.example', 'API first');
    await sendAsAlice('bob@contoso.example', 'API second');
    await mail.lab.services.mail!.store.waitFor('bob@contoso.example', { subject: 'API second' }, 5000);
  });

  test('list mailboxes', async () => {
    const response = await api.get('/api/mail/mailboxes').expect(200);
    expect(response.body.mailboxes).toContainEqual({ address: 'bob@contoso.example', provider: 'microsoft', displayName: 'Bob Builder', messages: 2, folders: { inbox: 2 } });
  });

  test('search messages', async () => {
    const response = await api.get('/api/mail/mailboxes/bob@contoso.example/messages').query({ subject: 'first' }).expect(200);
    expect(response.body.messages).toHaveLength(1);
    expect(response.body.messages[0]).toMatchObject({ subject: 'API first', from: 'alice@contoso.example', folder: 'inbox' });
    expect(response.body.messages[0].raw).toBeUndefined();
  });

  test('one message and its source', async () => {
    const [summary] = (await api.get('/api/mail/mailboxes/bob@contoso.example/messages').query({ subject: 'second' })).body.messages;
    const message = await api.get(`/api/mail/mailboxes/bob@contoso.example/messages/${summary.id}`).expect(200);
    expect(message.body.text).toContain('Hello from the mail tests.');
    expect(message.body.headers[0].name).toBe('received');
    const raw = await api.get(`/api/mail/mailboxes/bob@contoso.example/messages/${summary.id}/raw`).buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => done(null, text));
    }).expect(200);
    expect(raw.headers['content-type']).toMatch(/^message\/rfc822/);
    expect(raw.body).toContain('Subject: API second');
  });

  test('unknown message is 404', async () => {
    const response = await api.get('/api/mail/mailboxes/bob@contoso.example/messages/nope').expect(404);
    expect(response.body.error).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  test('invalid filter is 400', async () => {
    const folder = await api.get('/api/mail/mailboxes/bob@contoso.example/messages').query({ folder: 'spam' }).expect(400);
    expect(folder.body.error.field).toBe('folder');
    const unknown = await api.get('/api/mail/mailboxes/bob@contoso.example/messages').query({ subjet: 'x' }).expect(400);
    expect(unknown.body.error.field).toBe('subjet');
  });

  test('wait returns an existing match', async () => {
    const response = await api.get('/api/mail/mailboxes/bob@contoso.example/wait').query({ subject: 'API first', timeoutSeconds: 1 }).expect(200);
    expect(response.body.subject).toBe('API first');
  });

  test('wait returns a later delivery', async () => {
    const waiting = api.get('/api/mail/mailboxes/internet/wait').query({ to: 'ops@example.net', subject: 'later', timeoutSeconds: 10 });
    setTimeout(() => void sendAsAlice('ops@example.net', 'later alert'), 200);
    const response = await waiting;
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ mailbox: 'internet', subject: 'later alert' });
  });

  test('wait times out with 504', async () => {
    const response = await api.get('/api/mail/mailboxes/bob@contoso.example/wait').query({ subject: 'never sent', timeoutSeconds: 0 }).expect(504);
    expect(response.body.error.code).toBe('GATEWAY_TIMEOUT');
  });
});

describe('SMTP transcript', () => {
  test('XOAUTH2 dialogue masks the token', async () => {
    const bearer = await mail.identity.token('alice@contoso.example', { issuedAt: mail.lab.clock.now() });
    const response = await api
      .post('/api/mail/transcripts')
      .send({ host: 'smtp.office365.com', port: 587, auth: { mechanism: 'XOAUTH2', user: 'alice@contoso.example', token: bearer }, message: { from: 'alice@contoso.example', to: ['bob@contoso.example'], subject: 'transcript', text: '.leading dot\nline two' } })
      .expect(200);
    expect(response.body.outcome).toBe('sent');
    const lines = response.body.lines as { from: string; text: string; decoded?: string }[];
    expect(JSON.stringify(lines)).not.toContain(bearer);
    expect(JSON.stringify(lines)).not.toContain(bearer.slice(20, 60));
    const auth = lines.find((line) => line.text.startsWith('AUTH XOAUTH2'))!;
    expect(auth.text).toMatch(/^AUTH XOAUTH2 \S{12}\.\.\. \[\d+ characters hidden\]$/);
    expect(auth.decoded).toMatch(/^user=alice@contoso\.example\^Aauth=Bearer eyJ\S{7}\.\.\. \[\d+ characters hidden\]\^A\^A$/);
    expect(lines.map((line) => line.text)).toContain('235 2.7.0 Authentication successful');
    expect(lines.filter((line) => line.from === 'tls')).toHaveLength(1);

    const message = await mail.lab.services.mail!.store.waitFor('bob@contoso.example', { subject: 'transcript' }, 5000);
    expect(message?.text).toContain('.leading dot');
  });

  test('Gmail failure shows challenge and empty line', async () => {
    const response = await api.post('/api/mail/transcripts').send({ host: 'smtp.gmail.com', port: 465, auth: { mechanism: 'XOAUTH2', user: 'carol@gmail.com', token: 'not-a-token' } }).expect(200);
    expect(response.body.outcome).toBe('failed');
    const lines = response.body.lines as { from: string; text: string; decoded?: string }[];
    const challenge = lines.find((line) => line.text.startsWith('334 '));
    expect(challenge?.decoded).toBe('{"status":"401","schemes":"bearer mac","scope":"https://mail.google.com/"}');
    expect(lines).toContainEqual(expect.objectContaining({ from: 'client', text: '', decoded: 'empty line: the client acknowledges the error challenge' }));
    expect(response.body.error).toContain('535 5.7.8');
  });

  test('LOGIN password is hidden', async () => {
    const response = await api.post('/api/mail/transcripts').send({ host: 'smtp.gmail.com', port: 587, auth: { mechanism: 'LOGIN', user: 'carol@gmail.com', password: 'abcdefghijklmnop' } }).expect(200);
    expect(response.body.outcome).toBe('authenticated');
    const text = JSON.stringify(response.body.lines);
    expect(text).not.toContain('abcdefghijklmnop');
    expect(text).not.toContain(Buffer.from('abcdefghijklmnop').toString('base64').slice(0, 8));
    expect(response.body.lines).toContainEqual(expect.objectContaining({ from: 'client', decoded: 'password: [hidden]' }));
  });

  test('unknown server is 400', async () => {
    const response = await api.post('/api/mail/transcripts').send({ host: 'smtp.example.net', port: 25, auth: { mechanism: 'none' } }).expect(400);
    expect(response.body.error.validValues).toEqual(['smtp.office365.com:587', 'smtp.gmail.com:587', 'smtp.gmail.com:465']);
  });

  test('console page renders', async () => {
    const page = await api.get('/mail/transcript').expect(200);
    expect(page.text).toContain('<option value="smtp.gmail.com:465">');
    expect(page.text).toContain('src="/transcript.js"');
    const console = await api.get('/').expect(200);
    expect(console.text).toContain('href="/mail/transcript"');
    expect(console.text).toContain('href="https://outlook.office365.com/mail/"');
  });
});
