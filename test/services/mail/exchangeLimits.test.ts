/**
 * Exchange Online's submission limits on the emulated smtp.office365.com: 3 concurrent connections
 * per mailbox (the fourth gets 432 4.3.2), 30 messages per minute (the excess is delivered later,
 * not refused) and 10,000 recipients per day (then 554 5.2.0). Time is lab time.
 */
import { messageSource, secureSession, startMailLab, xoauth2, type MailLab, type WireClient } from './helpers';

const HOST = 'smtp.office365.com';
const MINUTE_MS = 60_000;

let mail: MailLab;

beforeAll(async () => {
  mail = await startMailLab();
});

afterAll(async () => {
  await mail.stop();
});

async function session(user: string): Promise<{ wire: WireClient; reply: string[] }> {
  const wire = await secureSession(mail.lab, HOST);
  const bearer = await mail.identity.token(user, { issuedAt: mail.lab.clock.now() });
  return { wire, reply: await wire.send(`AUTH XOAUTH2 ${xoauth2(user, bearer)}`) };
}

async function send(wire: WireClient, from: string, to: string, subject: string): Promise<string[]> {
  await wire.send(`MAIL FROM:<${from}>`);
  await wire.send(`RCPT TO:<${to}>`);
  await wire.send('DATA');
  return wire.send(`${messageSource(from, to, subject)}\r\n.`);
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200));
}

test('fourth connection gets 432 4.3.2', async () => {
  const open = await Promise.all([1, 2, 3].map(() => session('alice@contoso.example')));
  for (const { reply } of open) expect(reply).toEqual(['235 2.7.0 Authentication successful']);

  const fourth = await session('alice@contoso.example');
  expect(fourth.reply).toHaveLength(1);
  expect(fourth.reply[0]).toMatch(/^432 4\.3\.2 Concurrent connections limit exceeded\. Visit https:\/\/aka\.ms\/concurrent_sending for more information\. \[Hostname=/);
  const other = await session('bob@contoso.example');
  expect(other.reply).toEqual(['235 2.7.0 Authentication successful']);

  await open[0]!.wire.send('QUIT');
  await open[0]!.wire.close();
  await settle();
  const retry = await session('alice@contoso.example');
  expect(retry.reply).toEqual(['235 2.7.0 Authentication successful']);

  for (const wire of [...open.slice(1).map((entry) => entry.wire), fourth.wire, other.wire, retry.wire]) await wire.close();
});

test('31st message in a minute is delayed, not refused', async () => {
  await settle();
  const { wire } = await session('bob@contoso.example');
  const replies: string[] = [];
  for (let index = 1; index <= 31; index += 1) replies.push((await send(wire, 'bob@contoso.example', 'alice@contoso.example', `rate ${index}`))[0]!);
  await wire.close();
  expect(replies.every((reply) => reply.startsWith('250 2.0.0 OK'))).toBe(true);

  await settle();
  const store = mail.lab.services.mail!.store;
  expect(store.messages('alice@contoso.example', { subject: 'rate ', folder: 'inbox' })).toHaveLength(30);
  expect(mail.lab.services.mail!.delivery.pending).toBe(1);

  await mail.lab.clock.advance(MINUTE_MS);
  await settle();
  expect(store.messages('alice@contoso.example', { subject: 'rate 31', folder: 'inbox' })).toHaveLength(1);
});

test('recipients over 10,000 a day get 554 5.2.0', async () => {
  await mail.lab.clock.advance(MINUTE_MS);
  const { wire } = await session('frank@fabrikam.example');
  await wire.send('MAIL FROM:<frank@fabrikam.example>');

  // 10,000 RCPT commands pipelined in one write; the replies are counted as they arrive.
  const channel = wire.client as unknown as { on(event: 'reply', listener: (line: string) => void): void; off(event: 'reply', listener: (line: string) => void): void };
  let accepted = 0;
  const counted = new Promise<void>((resolve) => {
    const onReply = (line: string) => {
      if (line.startsWith('250 2.1.5')) accepted += 1;
      if (accepted === 10_000) {
        channel.off('reply', onReply);
        resolve();
      }
    };
    channel.on('reply', onReply);
  });
  const recipients = Array.from({ length: 10_000 }, (_, index) => `user${index}@example.net`);
  void wire.send(recipients.map((address) => `RCPT TO:<${address}>`).join('\r\n'));
  await counted;
  await wire.send('DATA');
  expect((await wire.send(`${messageSource('frank@fabrikam.example', 'undisclosed-recipients:;', 'ten thousand')}\r\n.`))[0]).toMatch(/^250 2\.0\.0 OK /);

  const over = await send(wire, 'frank@fabrikam.example', 'bob@contoso.example', 'one too many');
  expect(over[0]).toMatch(/^554 5\.2\.0 STOREDRV\.Submission\.Exception:SubmissionQuotaExceededException; /);

  await mail.lab.clock.advance(24 * 60 * MINUTE_MS);
  expect((await send(wire, 'frank@fabrikam.example', 'bob@contoso.example', 'next day'))[0]).toMatch(/^250 2\.0\.0 OK /);
  await wire.close();
});
