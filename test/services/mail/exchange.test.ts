/**
 * Wire-level conformance of the emulated Exchange Online SMTP server (smtp.office365.com:587),
 * with smtp-client through the lab's port forward: banner, EHLO before and after TLS, and every
 * failure path of AUTH, MAIL and DATA.
 */
import { messageSource, secureSession, startMailLab, WireClient, xoauth2, type MailLab } from './helpers';
import { GRAPH_AUDIENCE, FABRIKAM_TENANT } from './identityFixture';

const HOST = 'smtp.office365.com';
const SERVER_ID = String.raw`\[[A-Z0-9]+\.[a-z]+\d\d\.prod\.outlook\.com\]`;

let mail: MailLab;

beforeAll(async () => {
  mail = await startMailLab();
});

afterAll(async () => {
  await mail.stop();
});

function token(user: string, options: { audience?: string; lifetimeSeconds?: number; scopes?: string[]; tenantId?: string } = {}): Promise<string> {
  return mail.identity.token(user, { issuedAt: mail.lab.clock.now(), ...options });
}

async function authenticate(user: string, bearer: string): Promise<{ wire: WireClient; reply: string[] }> {
  const wire = await secureSession(mail.lab, HOST);
  const reply = await wire.send(`AUTH XOAUTH2 ${xoauth2(user, bearer)}`);
  return { wire, reply };
}

async function sendMessage(wire: WireClient, from: string, to: string[], subject: string, headerFrom = from): Promise<string[]> {
  await wire.send(`MAIL FROM:<${from}>`);
  for (const recipient of to) await wire.send(`RCPT TO:<${recipient}>`);
  await wire.send('DATA');
  return wire.send(`${messageSource(headerFrom, to.join(', '), subject)}\r\n.`);
}

describe('Exchange banner and EHLO', () => {
  test('banner names the server and lab time', async () => {
    const wire = new WireClient(mail.lab, HOST, 587);
    const greeting = await wire.connect();
    await wire.close();
    expect(greeting).toHaveLength(1);
    expect(greeting[0]).toMatch(/^220 [A-Z0-9]+\.outlook\.office365\.com Microsoft ESMTP MAIL Service ready at \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/);
    expect(greeting[0]).toContain(new Date(mail.lab.clock.now()).toUTCString().slice(0, 16));
  });

  test('EHLO before TLS offers STARTTLS', async () => {
    const wire = new WireClient(mail.lab, HOST, 587);
    await wire.connect();
    const ehlo = await wire.send('EHLO client.example');
    await wire.close();
    expect(ehlo[0]).toMatch(/^250-[A-Z0-9]+\.outlook\.office365\.com Hello \[192\.0\.2\.100\]$/);
    expect(ehlo.slice(1)).toEqual(['250-SIZE 157286400', '250-PIPELINING', '250-DSN', '250-ENHANCEDSTATUSCODES', '250-STARTTLS', '250-8BITMIME', '250-BINARYMIME', '250-CHUNKING', '250 SMTPUTF8']);
  });

  test('EHLO after TLS offers AUTH', async () => {
    const wire = new WireClient(mail.lab, HOST, 587);
    await wire.connect();
    await wire.send('EHLO client.example');
    expect(await wire.startTls()).toEqual(['220 2.0.0 SMTP server ready']);
    const ehlo = await wire.send('EHLO client.example');
    await wire.close();
    expect(ehlo.slice(1)).toEqual(['250-SIZE 157286400', '250-PIPELINING', '250-DSN', '250-ENHANCEDSTATUSCODES', '250-AUTH LOGIN XOAUTH2', '250-8BITMIME', '250-BINARYMIME', '250-CHUNKING', '250 SMTPUTF8']);
  });
});

describe('Exchange failures before AUTH', () => {
  test('AUTH before STARTTLS is unknown', async () => {
    const wire = new WireClient(mail.lab, HOST, 587);
    await wire.connect();
    await wire.send('EHLO client.example');
    const reply = await wire.send(`AUTH XOAUTH2 ${xoauth2('alice@contoso.example', await token('alice@contoso.example'))}`);
    await wire.close();
    expect(reply).toHaveLength(1);
    expect(reply[0]).toMatch(new RegExp(`^504 5\\.7\\.4 Unrecognized authentication type ${SERVER_ID}$`));
  });

  test('MAIL FROM without AUTH gets 5.7.57', async () => {
    const wire = await secureSession(mail.lab, HOST);
    const reply = await wire.send('MAIL FROM:<alice@contoso.example>');
    await wire.close();
    expect(reply[0]).toMatch(new RegExp(`^530 5\\.7\\.57 Client not authenticated to send mail\\. ${SERVER_ID}$`));
  });

  test('MAIL FROM before STARTTLS gets 5.7.57', async () => {
    const wire = new WireClient(mail.lab, HOST, 587);
    await wire.connect();
    await wire.send('EHLO client.example');
    const reply = await wire.send('MAIL FROM:<alice@contoso.example>');
    await wire.close();
    expect(reply[0]).toMatch(/^530 5\.7\.57 /);
  });

  test('unknown mechanism is rejected', async () => {
    const wire = await secureSession(mail.lab, HOST);
    const reply = await wire.send('AUTH PLAIN AGFsaWNlAHNlY3JldA==');
    await wire.close();
    expect(reply[0]).toMatch(/^504 5\.7\.4 Unrecognized authentication type /);
  });

  test('unknown command gets 5.3.3', async () => {
    const wire = await secureSession(mail.lab, HOST);
    const reply = await wire.send('FROBNICATE');
    await wire.close();
    expect(reply).toEqual(['500 5.3.3 Unrecognized command']);
  });
});

describe('Exchange XOAUTH2', () => {
  test('valid token authenticates', async () => {
    const { wire, reply } = await authenticate('alice@contoso.example', await token('alice@contoso.example'));
    await wire.close();
    expect(reply).toEqual(['235 2.7.0 Authentication successful']);
  });

  test('response after empty 334 authenticates', async () => {
    const wire = await secureSession(mail.lab, HOST);
    expect(await wire.send('AUTH XOAUTH2')).toEqual(['334 ']);
    const reply = await wire.send(xoauth2('alice@contoso.example', await token('alice@contoso.example')));
    await wire.close();
    expect(reply).toEqual(['235 2.7.0 Authentication successful']);
  });

  const rejected: [string, () => Promise<[string, string]>][] = [
    ['expired token', async () => ['alice@contoso.example', await token('alice@contoso.example', { lifetimeSeconds: -1 })]],
    ['Graph audience', async () => ['alice@contoso.example', await token('alice@contoso.example', { audience: GRAPH_AUDIENCE })]],
    ['token of another user', async () => ['bob@contoso.example', await token('alice@contoso.example')]],
    ['missing SMTP.Send scope', async () => ['alice@contoso.example', await token('alice@contoso.example', { scopes: ['Mail.Read'] })]],
    ['token of another tenant', async () => ['alice@contoso.example', await token('alice@contoso.example', { tenantId: FABRIKAM_TENANT })]],
    ['bad signature', async () => ['alice@contoso.example', `${(await token('alice@contoso.example')).slice(0, -4)}AAAA`]],
    ['Google token', async () => ['carol@gmail.com', await token('carol@gmail.com')]],
  ];
  test.each(rejected)('%s gets 535 5.7.3', async (_name, make) => {
    const [user, bearer] = await make();
    const { wire, reply } = await authenticate(user, bearer);
    await wire.close();
    expect(reply).toHaveLength(1);
    expect(reply[0]).toMatch(new RegExp(`^535 5\\.7\\.3 Authentication unsuccessful ${SERVER_ID}$`));
  });

  test('token expires on the lab clock', async () => {
    const bearer = await token('alice@contoso.example', { lifetimeSeconds: 3600 });
    await mail.lab.clock.advance(3601 * 1000);
    const { wire, reply } = await authenticate('alice@contoso.example', bearer);
    await wire.close();
    expect(reply[0]).toMatch(/^535 5\.7\.3 /);
  });

  test('mailbox switch off gets 5.7.139 Mailbox', async () => {
    const { wire, reply } = await authenticate('dave@contoso.example', await token('dave@contoso.example'));
    await wire.close();
    expect(reply[0]).toMatch(
      new RegExp(`^535 5\\.7\\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox\\. Visit https://aka\\.ms/smtp_auth_disabled for more information\\. ${SERVER_ID}$`),
    );
  });

  test('tenant switch off gets 5.7.139 Tenant', async () => {
    const { wire, reply } = await authenticate('erin@fabrikam.example', await token('erin@fabrikam.example'));
    await wire.close();
    expect(reply[0]).toMatch(/^535 5\.7\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant\. Visit https:\/\/aka\.ms\/smtp_auth_disabled for more information\. \[/);
  });

  test('mailbox switch overrides tenant', async () => {
    const { wire, reply } = await authenticate('frank@fabrikam.example', await token('frank@fabrikam.example'));
    await wire.close();
    expect(reply).toEqual(['235 2.7.0 Authentication successful']);
  });

  test('malformed blob gets 5.5.124', async () => {
    const wire = await secureSession(mail.lab, HOST);
    const notBase64 = await wire.send('AUTH XOAUTH2 not*base64');
    const noBearer = await wire.send(`AUTH XOAUTH2 ${Buffer.from('user=alice@contoso.example\x01\x01').toString('base64')}`);
    await wire.close();
    expect(notBase64).toEqual(['501 5.5.124 Invalid XOAUTH2 auth data']);
    expect(noBearer).toEqual(['501 5.5.124 Invalid XOAUTH2 auth data']);
  });

  test('second AUTH is a bad sequence', async () => {
    const { wire } = await authenticate('alice@contoso.example', await token('alice@contoso.example'));
    const reply = await wire.send(`AUTH XOAUTH2 ${xoauth2('alice@contoso.example', await token('alice@contoso.example'))}`);
    await wire.close();
    expect(reply).toEqual(['503 5.5.1 Bad sequence of commands']);
  });
});

describe('Exchange Basic auth', () => {
  test('AUTH LOGIN gets 5.7.30', async () => {
    const wire = await secureSession(mail.lab, HOST);
    expect(await wire.send('AUTH LOGIN')).toEqual(['334 VXNlcm5hbWU6']);
    expect(await wire.send(Buffer.from('alice@contoso.example').toString('base64'))).toEqual(['334 UGFzc3dvcmQ6']);
    const reply = await wire.send(Buffer.from('Alice-Pa55word').toString('base64'));
    await wire.close();
    expect(reply).toEqual(['550 5.7.30 Basic authentication is not supported for Client Submission.']);
  });

  test('enabled Basic auth checks the password', async () => {
    mail.lab.services.mail!.settings.basicAuth.exchange = true;
    try {
      const login = async (password: string) => {
        const wire = await secureSession(mail.lab, HOST);
        const reply = await wire.send(`AUTH LOGIN ${Buffer.from('alice@contoso.example').toString('base64')}`).then(() => wire.send(Buffer.from(password).toString('base64')));
        await wire.close();
        return reply[0];
      };
      expect(await login('Alice-Pa55word')).toBe('235 2.7.0 Authentication successful');
      expect(await login('wrong')).toMatch(/^535 5\.7\.139 Authentication unsuccessful, the user credentials were incorrect\. \[/);
    } finally {
      mail.lab.services.mail!.settings.basicAuth.exchange = false;
    }
  });
});

describe('Exchange message submission', () => {
  test('accepted message is delivered', async () => {
    const { wire } = await authenticate('alice@contoso.example', await token('alice@contoso.example'));
    const reply = await sendMessage(wire, 'alice@contoso.example', ['bob@contoso.example', 'ops@example.net'], 'Exchange delivery');
    await wire.send('QUIT');
    await wire.close();
    expect(reply[0]).toMatch(/^250 2\.0\.0 OK <[0-9a-f]+@[A-Z0-9]+\.outlook\.office365\.com> \[Hostname=[A-Z0-9]+\.[a-z]+\d\d\.prod\.outlook\.com\]$/);

    const store = mail.lab.services.mail!.store;
    const inbox = await store.waitFor('bob@contoso.example', { subject: 'Exchange delivery' }, 5000);
    expect(inbox?.folder).toBe('inbox');
    expect(inbox?.headers[0]?.name).toBe('received');
    expect(inbox?.submission).toEqual({ server: HOST, clientAddress: '192.0.2.100', user: 'alice@contoso.example' });
    expect((await store.waitFor('internet', { subject: 'Exchange delivery' }, 5000))?.envelope.rcptTo).toEqual(['ops@example.net']);
    expect((await store.waitFor('alice@contoso.example', { subject: 'Exchange delivery', folder: 'sent' }, 5000))?.folder).toBe('sent');
  });

  test('foreign From gets 554 5.2.0 after DATA', async () => {
    const { wire } = await authenticate('alice@contoso.example', await token('alice@contoso.example'));
    const reply = await sendMessage(wire, 'alice@contoso.example', ['bob@contoso.example'], 'Send As denied', 'ceo@contoso.example');
    await wire.close();
    expect(reply[0]).toMatch(
      /^554 5\.2\.0 STOREDRV\.Submission\.Exception:SendAsDeniedException\.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message\. \[Hostname=/,
    );
  });

  test('Send As right allows another From', async () => {
    const { wire } = await authenticate('alice@contoso.example', await token('alice@contoso.example'));
    const reply = await sendMessage(wire, 'alice@contoso.example', ['bob@contoso.example'], 'Send As allowed', 'Router Alerts <alerts@contoso.example>');
    await wire.close();
    expect(reply[0]).toMatch(/^250 2\.0\.0 OK /);
  });

  test('RCPT before MAIL needs MAIL', async () => {
    const { wire } = await authenticate('alice@contoso.example', await token('alice@contoso.example'));
    const rcpt = await wire.send('RCPT TO:<bob@contoso.example>');
    await wire.send('MAIL FROM:<alice@contoso.example>');
    const data = await wire.send('DATA');
    await wire.close();
    expect(rcpt).toEqual(['503 5.5.2 Need mail command']);
    expect(data).toEqual(['503 5.5.2 Need rcpt command']);
  });
});
