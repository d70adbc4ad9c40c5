/**
 * The webmail sites on outlook.office365.com and mail.google.com over HTTPS through the lab's port
 * forwards: mailbox list, folder with search, message view, the sandboxed HTML part and the raw
 * source.
 */
import { request as httpsRequest } from 'node:https';
import { forwardPort, secureSession, startMailLab, xoauth2, type MailLab } from './helpers';

let mail: MailLab;

interface Page {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(host: string, path: string): Promise<Page> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest({ host: '127.0.0.1', port: forwardPort(mail.lab, host, 443), servername: host, ca: mail.lab.ca.caPem(), path, headers: { host }, agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

const HTML_MAIL = [
  'From: Alice Admin <alice@contoso.example>',
  'To: bob@contoso.example',
  'Subject: HTML alert <b>bold</b>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'WAN1 is down.',
  '--b1',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>WAN1 is <b>down</b>.</p><script>alert(1)</script><img src="https://tracker.example.net/p.gif">',
  '--b1--',
].join('\r\n');

let messageId: string;

beforeAll(async () => {
  mail = await startMailLab();
  const wire = await secureSession(mail.lab, 'smtp.office365.com');
  await wire.send(`AUTH XOAUTH2 ${xoauth2('alice@contoso.example', await mail.identity.token('alice@contoso.example', { issuedAt: mail.lab.clock.now() }))}`);
  await wire.send('MAIL FROM:<alice@contoso.example>');
  await wire.send('RCPT TO:<bob@contoso.example>');
  await wire.send('DATA');
  await wire.send(`${HTML_MAIL}\r\n.`);
  await wire.close();
  messageId = (await mail.lab.services.mail!.store.waitFor('bob@contoso.example', { subject: 'HTML alert' }, 5000))!.id;
});

afterAll(async () => {
  await mail.stop();
});

test('Outlook lists its mailboxes', async () => {
  const page = await get('outlook.office365.com', '/mail/');
  expect(page.status).toBe(200);
  expect(page.body).toContain('href="/mail/bob%40contoso.example/"');
  expect(page.headers['content-security-policy']).toContain("script-src 'none'");
});

test('Gmail does not show Exchange mailboxes', async () => {
  const list = await get('mail.google.com', '/mail/');
  expect(list.body).not.toContain('bob@contoso.example');
  const direct = await get('mail.google.com', '/mail/bob@contoso.example/');
  expect(direct.status).toBe(404);
});

test('inbox lists and searches', async () => {
  const inbox = await get('outlook.office365.com', '/mail/bob@contoso.example/');
  expect(inbox.body).toContain('HTML alert &lt;b&gt;bold&lt;/b&gt;');
  const miss = await get('outlook.office365.com', '/mail/bob@contoso.example/?q=nothing-like-this');
  expect(miss.body).toContain('No message matches the search.');
  const sent = await get('outlook.office365.com', '/mail/alice@contoso.example/?folder=sent');
  expect(sent.body).toContain('HTML alert');
});

test('message view shows headers and parts', async () => {
  const page = await get('outlook.office365.com', `/mail/bob@contoso.example/${messageId}`);
  expect(page.status).toBe(200);
  expect(page.body).toContain('<pre class="text-part">WAN1 is down.</pre>');
  expect(page.body).toContain(`<iframe class="html-part" sandbox src="/mail/bob%40contoso.example/${messageId}/html"`);
  expect(page.body).toContain('<th scope="row">received</th>');
  expect(page.body).not.toContain('<script>alert(1)</script>');
});

test('HTML part is sandboxed', async () => {
  const part = await get('outlook.office365.com', `/mail/bob@contoso.example/${messageId}/html`);
  expect(part.status).toBe(200);
  expect(part.headers['content-security-policy']).toBe("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'");
  expect(part.body).toContain('<p>WAN1 is <b>down</b>.</p>');
});

test('raw source is plain text', async () => {
  const raw = await get('outlook.office365.com', `/mail/bob@contoso.example/${messageId}/raw`);
  expect(raw.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(raw.body).toContain('Content-Type: multipart/alternative; boundary="b1"');
});

test('unknown message is 404', async () => {
  const page = await get('outlook.office365.com', '/mail/bob@contoso.example/does-not-exist');
  expect(page.status).toBe(404);
  expect(page.body).toContain('has no message does-not-exist');
});
