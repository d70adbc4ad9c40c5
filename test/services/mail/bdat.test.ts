/**
 * Wire-level BDAT (RFC 3030 CHUNKING, and BINARYMIME on Exchange) on the emulated Exchange Online
 * and Gmail SMTP servers, with a raw socket through the lab's port forwards. The tests cover the
 * EHLO keywords, chunked and pipelined messages that arrive byte-exact, and each error of BDAT.
 */
import { rawSource } from '../../../emulator/services/mail/store/message';
import { startMailLab, type MailLab } from './helpers';
import { RawSmtp } from './rawSmtp';

const EXCHANGE = 'smtp.office365.com';
const GMAIL = 'smtp.gmail.com';
const GMAIL_MAX_MESSAGE_BYTES = 35_882_577;

let mail: MailLab;

beforeAll(async () => {
  mail = await startMailLab();
});

afterAll(async () => {
  await mail.stop();
});

async function session(host: string, user: string, port = 587): Promise<RawSmtp> {
  const token = await mail.identity.token(user, { issuedAt: mail.lab.clock.now() });
  return RawSmtp.authenticated(mail.lab, host, user, token, port);
}

/** Builds a message with its own Message-ID, so the server only prepends its Received header. */
function source(from: string, to: string, subject: string, body: string): Buffer {
  const header = [`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, `Message-ID: <${subject.replace(/\W/g, '')}@client.example>`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8'];
  return Buffer.from([...header, '', body].join('\r\n'), 'utf8');
}

/** Returns the delivered copy of the message with `subject` in the mailbox of `address`. */
async function delivered(address: string, subject: string): Promise<Buffer> {
  const message = await mail.lab.services.mail!.store.waitFor(address, { subject }, 5000);
  if (!message) throw new Error(`No message "${subject}" reached ${address}`);
  return rawSource(message);
}

/** Checks that `stored` is `sent` with only a Received field in front. */
function expectByteExact(stored: Buffer, sent: Buffer): void {
  expect(stored.subarray(stored.length - sent.length).equals(sent)).toBe(true);
  expect(stored.subarray(0, stored.length - sent.length).toString('latin1')).toMatch(/^Received: [^\r\n]+\r\n$/);
}

async function envelope(smtp: RawSmtp, from: string, to: string, mailParameters = ''): Promise<void> {
  expect((await smtp.command(`MAIL FROM:<${from}>${mailParameters}`))[0]).toMatch(/^250 /);
  expect((await smtp.command(`RCPT TO:<${to}>`))[0]).toMatch(/^250 /);
}

describe('CHUNKING in EHLO', () => {
  test('Exchange offers BINARYMIME and CHUNKING before TLS', async () => {
    const smtp = await RawSmtp.open(mail.lab, EXCHANGE, 587);
    const ehlo = await smtp.command('EHLO client.example');
    smtp.close();
    expect(ehlo.slice(1)).toEqual(['250-SIZE 157286400', '250-PIPELINING', '250-DSN', '250-ENHANCEDSTATUSCODES', '250-STARTTLS', '250-8BITMIME', '250-BINARYMIME', '250-CHUNKING', '250 SMTPUTF8']);
  });

  test('Exchange offers BINARYMIME and CHUNKING after TLS', async () => {
    const smtp = await RawSmtp.open(mail.lab, EXCHANGE, 587);
    await smtp.command('EHLO client.example');
    await smtp.startTls();
    const ehlo = await smtp.command('EHLO client.example');
    smtp.close();
    expect(ehlo.slice(1)).toEqual(['250-SIZE 157286400', '250-PIPELINING', '250-DSN', '250-ENHANCEDSTATUSCODES', '250-AUTH LOGIN XOAUTH2', '250-8BITMIME', '250-BINARYMIME', '250-CHUNKING', '250 SMTPUTF8']);
  });

  test('Gmail offers CHUNKING before TLS', async () => {
    const smtp = await RawSmtp.open(mail.lab, GMAIL, 587);
    const ehlo = await smtp.command('EHLO client.example');
    smtp.close();
    expect(ehlo.slice(1)).toEqual(['250-SIZE 35882577', '250-8BITMIME', '250-STARTTLS', '250-ENHANCEDSTATUSCODES', '250-PIPELINING', '250-CHUNKING', '250 SMTPUTF8']);
  });

  test.each([587, 465])('Gmail offers CHUNKING after TLS on %i', async (port) => {
    const smtp = await RawSmtp.open(mail.lab, GMAIL, port);
    if (port === 587) {
      await smtp.command('EHLO client.example');
      await smtp.startTls();
    }
    const ehlo = await smtp.command('EHLO client.example');
    smtp.close();
    expect(ehlo.slice(1)).toEqual(['250-SIZE 35882577', '250-8BITMIME', '250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH', '250-ENHANCEDSTATUSCODES', '250-PIPELINING', '250-CHUNKING', '250 SMTPUTF8']);
  });
});

describe('BDAT message transfer', () => {
  test('Exchange chunks arrive byte-exact', async () => {
    const message = source('alice@contoso.example', 'bob@contoso.example', 'Exchange chunks', 'first line\r\n.\r\n..two dots\r\nQUIT\r\nlast line\r\n');
    const cut = message.indexOf('\r\n.\r\n') + 3;
    const smtp = await session(EXCHANGE, 'alice@contoso.example');
    await envelope(smtp, 'alice@contoso.example', 'bob@contoso.example');

    // The first chunk ends inside the line with a single dot, and its octets span three writes.
    smtp.write(`BDAT ${cut}\r\n`);
    smtp.write(message.subarray(0, 10));
    smtp.write(message.subarray(10, cut));
    const first = await smtp.reply();
    smtp.write(`BDAT ${message.length - cut} LAST\r\n${message.subarray(cut).toString('latin1')}`);
    const last = await smtp.reply();
    await smtp.command('QUIT');
    smtp.close();

    expect(first).toEqual([`250 2.6.0 CHUNK received OK, ${cut} octets`]);
    expect(last[0]).toMatch(/^250 2\.0\.0 OK <Exchangechunks@client\.example> \[Hostname=[A-Z0-9]+\.[a-z]+\d\d\.prod\.outlook\.com\]$/);
    expectByteExact(await delivered('bob@contoso.example', 'Exchange chunks'), message);
  });

  test('Gmail chunks arrive byte-exact', async () => {
    const message = source('carol@gmail.com', 'grace@gmail.com', 'Gmail chunks', 'one\r\n.\r\ntwo\r\n');
    const smtp = await session(GMAIL, 'carol@gmail.com');
    await envelope(smtp, 'carol@gmail.com', 'grace@gmail.com');
    smtp.write(`BDAT 20\r\n${message.subarray(0, 20).toString('latin1')}`);
    const first = await smtp.reply();
    smtp.write(`BDAT ${message.length - 20} LAST\r\n${message.subarray(20).toString('latin1')}`);
    const last = await smtp.reply();
    smtp.close();

    expect(first[0]).toMatch(/^250 2\.0\.0 20 octets received \S+ - gsmtp$/);
    expect(last[0]).toMatch(/^250 2\.0\.0 OK {2}\d+ \S+ - gsmtp$/);
    expectByteExact(await delivered('grace@gmail.com', 'Gmail chunks'), message);
  });

  test('pipelined transaction gets ordered replies', async () => {
    const message = source('alice@contoso.example', 'bob@contoso.example', 'Pipelined chunks', 'body\r\n');
    const smtp = await session(EXCHANGE, 'alice@contoso.example');
    const pipelined = [
      'MAIL FROM:<alice@contoso.example>\r\n',
      'RCPT TO:<bob@contoso.example>\r\n',
      `BDAT 5\r\n${message.subarray(0, 5).toString('latin1')}`,
      `BDAT ${message.length - 5} LAST\r\n${message.subarray(5).toString('latin1')}`,
      'NOOP\r\n',
    ].join('');
    smtp.write(pipelined);
    const replies = await smtp.nextReplies(5);
    smtp.close();

    expect(replies.map((reply) => reply[0]!.slice(0, 9))).toEqual(['250 2.1.0', '250 2.1.5', '250 2.6.0', '250 2.0.0', '250 2.0.0']);
    expect(replies[2]).toEqual(['250 2.6.0 CHUNK received OK, 5 octets']);
    expect(replies[4]).toEqual(['250 2.0.0 OK']);
    expectByteExact(await delivered('bob@contoso.example', 'Pipelined chunks'), message);
  });

  test('BINARYMIME message arrives byte-exact', async () => {
    const header = source('alice@contoso.example', 'bob@contoso.example', 'Binary body', '').toString('latin1').replace('text/plain; charset=utf-8', 'application/octet-stream\r\nContent-Transfer-Encoding: binary');
    const message = Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from([0x00, 0xff, 0x0a, 0x2e, 0x0d, 0x0a, 0x2e, 0x0d, 0x0a, 0x80, 0x0d])]);
    const smtp = await session(EXCHANGE, 'alice@contoso.example');
    await envelope(smtp, 'alice@contoso.example', 'bob@contoso.example', ' BODY=BINARYMIME');
    smtp.write(Buffer.concat([Buffer.from(`BDAT ${message.length} LAST\r\n`), message]));
    const reply = await smtp.reply();
    smtp.close();

    expect(reply[0]).toMatch(/^250 2\.0\.0 OK /);
    expectByteExact(await delivered('bob@contoso.example', 'Binary body'), message);
  });

  test('RSET discards earlier chunks', async () => {
    const message = source('alice@contoso.example', 'bob@contoso.example', 'After RSET', 'kept\r\n');
    const smtp = await session(EXCHANGE, 'alice@contoso.example');
    await envelope(smtp, 'alice@contoso.example', 'bob@contoso.example');
    smtp.write('BDAT 9\r\ndiscarded');
    expect((await smtp.reply())[0]).toMatch(/^250 2\.6\.0 /);
    expect(await smtp.command('RSET')).toEqual(['250 2.0.0 Resetting']);
    await envelope(smtp, 'alice@contoso.example', 'bob@contoso.example');
    smtp.write(Buffer.concat([Buffer.from(`BDAT ${message.length} LAST\r\n`), message]));
    const reply = await smtp.reply();
    smtp.close();

    expect(reply[0]).toMatch(/^250 2\.0\.0 OK /);
    expectByteExact(await delivered('bob@contoso.example', 'After RSET'), message);
  });

  test('Send As check applies to BDAT', async () => {
    const message = source('ceo@contoso.example', 'bob@contoso.example', 'Chunked Send As', 'body\r\n');
    const smtp = await session(EXCHANGE, 'alice@contoso.example');
    await envelope(smtp, 'alice@contoso.example', 'bob@contoso.example');
    smtp.write(Buffer.concat([Buffer.from(`BDAT ${message.length} LAST\r\n`), message]));
    const reply = await smtp.reply();
    const noop = await smtp.command('NOOP');
    smtp.close();

    expect(reply[0]).toMatch(/^554 5\.2\.0 STOREDRV\.Submission\.Exception:SendAsDeniedException\.MapiExceptionSendAsDenied; /);
    expect(noop).toEqual(['250 2.0.0 OK']);
  });

  test('Gmail rewrites a foreign From in BDAT', async () => {
    const message = source('Alerts <someone@example.net>', 'grace@gmail.com', 'Chunked rewrite', 'body\r\n');
    const smtp = await session(GMAIL, 'carol@gmail.com');
    await envelope(smtp, 'carol@gmail.com', 'grace@gmail.com');
    smtp.write(Buffer.concat([Buffer.from(`BDAT ${message.length} LAST\r\n`), message]));
    const reply = await smtp.reply();
    smtp.close();

    expect(reply[0]).toMatch(/^250 2\.0\.0 OK /);
    const stored = (await delivered('grace@gmail.com', 'Chunked rewrite')).toString('latin1');
    expect(stored).toContain('\r\nFrom: Alerts <carol@gmail.com>\r\n');
    expect(stored).toContain('\r\nX-Google-Original-From: Alerts <someone@example.net>\r\n');
  });

  test('session timeline shows BDAT', async () => {
    const message = source('alice@contoso.example', 'bob@contoso.example', 'Timeline chunks', 'body\r\n');
    const smtp = await session(EXCHANGE, 'alice@contoso.example');
    await envelope(smtp, 'alice@contoso.example', 'bob@contoso.example');
    smtp.write(Buffer.concat([Buffer.from(`BDAT ${message.length} LAST\r\n`), message]));
    await smtp.reply();
    await smtp.command('QUIT');
    await smtp.closed();

    // The session is recorded when the connection closes.
    const findEvent = () => mail.lab.timeline.query({ protocol: 'smtp' }).find((entry) => (entry.detail?.dialogue as string[] | undefined)?.includes(`C: BDAT ${message.length} LAST`));
    for (let waited = 0; !findEvent() && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(findEvent()?.detail?.messagesAccepted).toBe(1);
  });
});

describe('BDAT errors', () => {
  test('BDAT before AUTH needs TLS and AUTH', async () => {
    const smtp = await RawSmtp.open(mail.lab, EXCHANGE, 587);
    await smtp.command('EHLO client.example');
    smtp.write('BDAT 4 LAST\r\nNOOP');
    const reply = await smtp.reply();
    const noop = await smtp.command('NOOP');
    smtp.close();
    expect(reply[0]).toMatch(/^530 5\.7\.57 Client not authenticated to send mail\. /);
    expect(noop).toEqual(['250 2.0.0 OK']);
  });

  test('BDAT before MAIL or RCPT is discarded', async () => {
    const smtp = await session(EXCHANGE, 'alice@contoso.example');
    // The chunks carry command lines: a server that lost count would run them.
    const mailCommand = 'MAIL FROM:<x@x.test>\r\n';
    smtp.write(`BDAT ${mailCommand.length} LAST\r\n${mailCommand}`);
    const beforeMail = await smtp.reply();
    await smtp.command('MAIL FROM:<alice@contoso.example>');
    smtp.write('BDAT 6\r\nRSET\r\n');
    const beforeRcpt = await smtp.reply();
    const rcpt = await smtp.command('RCPT TO:<bob@contoso.example>');
    smtp.close();

    expect(beforeMail).toEqual(['503 5.5.2 Need mail command']);
    expect(beforeRcpt).toEqual(['503 5.5.2 Need rcpt command']);
    expect(rcpt).toEqual(['250 2.1.5 Recipient OK']);
  });

  test('Gmail BDAT before MAIL gets 503 5.5.1', async () => {
    const smtp = await session(GMAIL, 'carol@gmail.com');
    smtp.write('BDAT 3 LAST\r\nabc');
    const reply = await smtp.reply();
    smtp.close();
    expect(reply[0]).toMatch(/^503 5\.5\.1 MAIL first\. \S+ - gsmtp$/);
  });

  test.each(['BDAT', 'BDAT ten', 'BDAT -5', 'BDAT 5 NEXT'])('%s gets 501 and a closed connection', async (line) => {
    const smtp = await session(EXCHANGE, 'alice@contoso.example');
    await envelope(smtp, 'alice@contoso.example', 'bob@contoso.example');
    const reply = await smtp.command(line);
    await smtp.closed();
    expect(reply).toEqual(['501 5.5.4 Invalid arguments']);
  });

  test('Gmail invalid size gets 501', async () => {
    const smtp = await session(GMAIL, 'carol@gmail.com');
    const reply = await smtp.command('BDAT many');
    await smtp.closed();
    expect(reply[0]).toMatch(/^501 5\.5\.4 Invalid BDAT arguments\. \S+ - gsmtp$/);
  });

  test('DATA after BDAT is a bad sequence', async () => {
    const smtp = await session(EXCHANGE, 'alice@contoso.example');
    await envelope(smtp, 'alice@contoso.example', 'bob@contoso.example');
    smtp.write('BDAT 4\r\nabcd');
    await smtp.reply();
    const data = await smtp.command('DATA');
    const rset = await smtp.command('RSET');
    smtp.close();
    expect(data).toEqual(['503 5.5.1 Bad sequence of commands']);
    expect(rset).toEqual(['250 2.0.0 Resetting']);
  });

  test('BINARYMIME with DATA is a bad sequence', async () => {
    const smtp = await session(EXCHANGE, 'alice@contoso.example');
    await envelope(smtp, 'alice@contoso.example', 'bob@contoso.example', ' BODY=BINARYMIME');
    const data = await smtp.command('DATA');
    smtp.close();
    expect(data).toEqual(['503 5.5.1 Bad sequence of commands']);
  });

  test('Exchange rejects an unknown BODY', async () => {
    const smtp = await session(EXCHANGE, 'alice@contoso.example');
    const reply = await smtp.command('MAIL FROM:<alice@contoso.example> BODY=BASE64');
    smtp.close();
    expect(reply).toEqual(['501 5.5.4 Unsupported BODY type']);
  });

  test('Gmail rejects BODY=BINARYMIME', async () => {
    const smtp = await session(GMAIL, 'carol@gmail.com');
    const reply = await smtp.command('MAIL FROM:<carol@gmail.com> BODY=BINARYMIME');
    const plain = await smtp.command('MAIL FROM:<carol@gmail.com> BODY=8BITMIME');
    smtp.close();
    expect(reply[0]).toMatch(/^555 5\.5\.2 Syntax error\. \S+ - gsmtp$/);
    expect(plain[0]).toMatch(/^250 2\.1\.0 OK /);
  });

  test('oversized chunk gets 552 after its octets', async () => {
    const smtp = await session(GMAIL, 'carol@gmail.com');
    await envelope(smtp, 'carol@gmail.com', 'grace@gmail.com');
    // One octet over SIZE. The octets look like commands, so a server out of step would reply to them.
    const size = GMAIL_MAX_MESSAGE_BYTES + 1;
    smtp.write(`BDAT ${size}\r\n`);
    smtp.write(Buffer.alloc(size, 'NOOP\r\n'));
    const tooBig = await smtp.reply();
    // A chunk the client pipelined after the failed one gets the same reply and ends the transaction.
    smtp.write('BDAT 3 LAST\r\nabc');
    const later = await smtp.reply();
    const rcpt = await smtp.command('RCPT TO:<grace@gmail.com>');
    smtp.close();

    expect(tooBig[0]).toBe("552-5.3.4 Your message exceeded Google's message size limits. For more information, go to");
    expect(later[0]).toBe(tooBig[0]);
    expect(rcpt[0]).toMatch(/^503 5\.5\.1 MAIL first\. /);
  });
});
