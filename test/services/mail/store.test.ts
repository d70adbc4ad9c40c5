/**
 * The lab's mailboxes: mail kept across a restart of a lab with a data directory, one file per
 * mailbox under <data>/lab/mail/, a damaged file set aside, and the message filters.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { MailStore } from '../../../emulator/services/mail/store/mailStore';
import { newMessageId, parseMessage } from '../../../emulator/services/mail/store/message';
import { tempDir } from '../../helpers/lab';
import { messageSource, secureSession, startMailLab, xoauth2 } from './helpers';

const silent = pino({ level: 'silent' });

async function storedMessage(mailbox: string, subject: string, receivedAt: number, folder: 'inbox' | 'sent' = 'inbox') {
  const parsed = await parseMessage(Buffer.from(messageSource('alice@contoso.example', 'bob@contoso.example', subject, `Body of ${subject}`)));
  return { ...parsed, id: newMessageId(), mailbox, folder, receivedAt, envelope: { mailFrom: 'alice@contoso.example', rcptTo: ['bob@contoso.example'] }, submission: { server: 'test', clientAddress: '192.0.2.100', user: null } };
}

test('mail survives a lab restart', async () => {
  const data = tempDir();
  try {
    const first = await startMailLab({ dataDir: data.path });
    const wire = await secureSession(first.lab, 'smtp.office365.com');
    await wire.send(`AUTH XOAUTH2 ${xoauth2('alice@contoso.example', await first.identity.token('alice@contoso.example', { issuedAt: first.lab.clock.now() }))}`);
    await wire.send('MAIL FROM:<alice@contoso.example>');
    await wire.send('RCPT TO:<bob@contoso.example>');
    await wire.send('DATA');
    await wire.send(`${messageSource('alice@contoso.example', 'bob@contoso.example', 'kept across restarts')}\r\n.`);
    await wire.close();
    expect(await first.lab.services.mail!.store.waitFor('bob@contoso.example', { subject: 'kept' }, 5000)).not.toBeNull();
    await first.stop();

    expect(readdirSync(path.join(data.path, 'lab', 'mail')).sort()).toEqual(['alice@contoso.example.json', 'bob@contoso.example.json']);
    const second = await startMailLab({ dataDir: data.path });
    try {
      const [message] = second.lab.services.mail!.store.messages('bob@contoso.example', { subject: 'kept across restarts' });
      expect(message?.text).toContain('Hello from the mail tests.');
      expect(Buffer.from(message!.raw, 'base64').toString()).toContain('Subject: kept across restarts');
    } finally {
      await second.stop();
    }
  } finally {
    data.remove();
  }
});

test('250 comes after the mailbox file is written', async () => {
  const data = tempDir();
  const mail = await startMailLab({ dataDir: data.path });
  try {
    const wire = await secureSession(mail.lab, 'smtp.office365.com');
    await wire.send(`AUTH XOAUTH2 ${xoauth2('alice@contoso.example', await mail.identity.token('alice@contoso.example', { issuedAt: mail.lab.clock.now() }))}`);
    await wire.send('MAIL FROM:<alice@contoso.example>');
    await wire.send('RCPT TO:<bob@contoso.example>');
    await wire.send('DATA');
    const reply = await wire.send(`${messageSource('alice@contoso.example', 'bob@contoso.example', 'on disk before 250')}\r\n.`);
    expect(reply[0]).toMatch(/^250 2\.0\.0 OK/);
    // Read at once, with no wait: a process killed right after the 250 would keep this file.
    const file = JSON.parse(readFileSync(path.join(data.path, 'lab', 'mail', 'bob@contoso.example.json'), 'utf8')) as { messages: { subject: string }[] };
    expect(file.messages.map((message) => message.subject)).toEqual(['on disk before 250']);
    await wire.close();
  } finally {
    await mail.stop();
    data.remove();
  }
});

test('held-back message is delivered after a restart', async () => {
  const data = tempDir();
  try {
    const first = await startMailLab({ dataDir: data.path });
    const wire = await secureSession(first.lab, 'smtp.office365.com');
    await wire.send(`AUTH XOAUTH2 ${xoauth2('frank@fabrikam.example', await first.identity.token('frank@fabrikam.example', { issuedAt: first.lab.clock.now() }))}`);
    const replies: string[] = [];
    for (let index = 1; index <= 31; index += 1) {
      await wire.send('MAIL FROM:<frank@fabrikam.example>');
      await wire.send('RCPT TO:<bob@contoso.example>');
      await wire.send('DATA');
      replies.push((await wire.send(`${messageSource('frank@fabrikam.example', 'bob@contoso.example', `held ${index}`)}\r\n.`))[0]!);
    }
    await wire.close();
    expect(replies.every((reply) => reply.startsWith('250 2.0.0 OK'))).toBe(true);
    expect(first.lab.services.mail!.delivery.pending).toBe(1);
    const heldFile = JSON.parse(readFileSync(path.join(data.path, 'lab', 'mail-held.json'), 'utf8')) as { held: { envelope: { rcptTo: string[] } }[] };
    expect(heldFile.held.map((message) => message.envelope.rcptTo)).toEqual([['bob@contoso.example']]);
    await first.stop();

    const second = await startMailLab({ dataDir: data.path, clockStart: first.lab.clock.now() });
    try {
      const store = second.lab.services.mail!.store;
      expect(store.messages('bob@contoso.example', { subject: 'held 31' })).toEqual([]);
      expect(second.lab.services.mail!.delivery.pending).toBe(1);
      await second.lab.clock.advance(60_000);
      expect(await store.waitFor('bob@contoso.example', { subject: 'held 31' }, 5000)).not.toBeNull();
      // The message leaves the held-messages file once its last mailbox copy is written.
      for (let round = 0; round < 100 && second.lab.services.mail!.delivery.pending > 0; round += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(second.lab.services.mail!.delivery.pending).toBe(0);
      await second.lab.services.mail!.delivery.flush();
      expect(JSON.parse(readFileSync(path.join(data.path, 'lab', 'mail-held.json'), 'utf8'))).toEqual({ held: [] });
      expect(store.messages('bob@contoso.example', { subject: 'held ' })).toHaveLength(31);
    } finally {
      await second.stop();
    }
  } finally {
    data.remove();
  }
});

test('damaged mailbox file is set aside', async () => {
  const data = tempDir();
  try {
    writeFileSync(path.join(data.path, 'broken@example.net.json'), '{"address": "broken@exa');
    const store = await MailStore.open(data.path, silent);
    expect(store.mailboxes()).toEqual([]);
    const files = readdirSync(data.path);
    expect(files.some((file) => file.startsWith('broken@example.net.json.unreadable-'))).toBe(true);
    expect(existsSync(path.join(data.path, 'broken@example.net.json'))).toBe(false);
  } finally {
    data.remove();
  }
});

test('unusual address gets a unique file name', async () => {
  const data = tempDir();
  try {
    const store = await MailStore.open(data.path, silent);
    await store.add({ address: 'Odd/Name+tag@Example.net', provider: 'internet', displayName: 'odd' }, await storedMessage('odd/name+tag@example.net', 'odd', 1));
    expect(readdirSync(data.path)).toEqual(['odd=002fname=002btag@example.net.json']);
    const reopened = await MailStore.open(data.path, silent);
    expect(reopened.messages('ODD/name+tag@example.net')).toHaveLength(1);
  } finally {
    data.remove();
  }
});

describe('message filters', () => {
  let store: MailStore;

  beforeAll(async () => {
    store = await MailStore.open(null, silent);
    const owner = { address: 'bob@contoso.example', provider: 'microsoft' as const, displayName: 'Bob' };
    await store.add(owner, await storedMessage('bob@contoso.example', 'WAN1 is down', 1000));
    await store.add(owner, await storedMessage('bob@contoso.example', 'WAN1 is up', 2000));
    await store.add(owner, await storedMessage('bob@contoso.example', 'Weekly report', 3000, 'sent'));
  });

  test('newest first', () => {
    expect(store.messages('bob@contoso.example').map((message) => message.subject)).toEqual(['Weekly report', 'WAN1 is up', 'WAN1 is down']);
  });

  test.each([
    [{ subject: 'wan1' }, ['WAN1 is up', 'WAN1 is down']],
    [{ folder: 'sent' as const }, ['Weekly report']],
    [{ since: 2000 }, ['Weekly report', 'WAN1 is up']],
    [{ text: 'body of weekly' }, ['Weekly report']],
    [{ from: 'ALICE@' }, ['Weekly report', 'WAN1 is up', 'WAN1 is down']],
    [{ to: 'nobody@' }, []],
  ])('filter %j', (filter, subjects) => {
    expect(store.messages('bob@contoso.example', filter).map((message) => message.subject)).toEqual(subjects);
  });

  test('wait resolves on a later delivery', async () => {
    const waiting = store.waitFor('bob@contoso.example', { subject: 'WAN2' }, 5000);
    await store.add({ address: 'bob@contoso.example', provider: 'microsoft', displayName: 'Bob' }, await storedMessage('bob@contoso.example', 'WAN2 is down', 4000));
    expect((await waiting)?.subject).toBe('WAN2 is down');
  });

  test('wait times out with null', async () => {
    expect(await store.waitFor('bob@contoso.example', { subject: 'never' }, 50)).toBeNull();
  });
});

test('same Message-ID is stored once', async () => {
  const store = await MailStore.open(null, silent);
  const first = { ...(await storedMessage('bob@contoso.example', 'retried alert', 1)), messageId: '<alert-1@router.example>' };
  const retry = { ...(await storedMessage('bob@contoso.example', 'retried alert', 2)), messageId: '<alert-1@router.example>' };
  const owner = { address: 'bob@contoso.example', provider: 'microsoft' as const, displayName: 'Bob' };
  await store.add(owner, first);
  await store.add(owner, retry);
  expect(store.messages('bob@contoso.example')).toHaveLength(1);
});
