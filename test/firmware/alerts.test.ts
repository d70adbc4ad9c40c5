/**
 * Notification objects, alert rules and the durable alert queue, delivering to a test mail server
 * that the test puts on the lab Internet (mail.alerts.test, plain SMTP on port 25, no auth), so
 * that failures can be injected at will.
 */
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Lab } from '../../emulator';
import type { AlertsConfig, MailConfig } from '../../firmware';
import { emptyProfile } from '../../firmware';
import { startTestLab } from '../helpers/lab';

const SERVER_ADDRESS = '192.0.2.99';
const SERVER_NAME = 'mail.alerts.test';

interface Received {
  messageId: string;
  subject: string;
}

let lab: Lab;
let received: Received[];
/** Reply for the next DATA commands: a code makes the server reject, 'drop' closes the connection. */
let failures: (number | 'drop')[];
/** The socket of the connection being served, so that a test can cut it. */
let currentSocket: import('node:net').Socket | undefined;

function startTestServer(): SMTPServer {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // The lab's sockets come from loopback; a reverse lookup would only ask the host's resolver.
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((parsed) => {
        const failure = failures.shift();
        if (failure === 'drop') {
          currentSocket?.destroy();
          return;
        }
        if (typeof failure === 'number') {
          callback(Object.assign(new Error(failure >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: failure }));
          return;
        }
        received.push({ messageId: parsed.messageId ?? '', subject: parsed.subject ?? '' });
        callback();
      }, callback);
    },
  });
  return server;
}

beforeEach(async () => {
  received = [];
  failures = [];
  lab = await startTestLab();
  const server = startTestServer();
  // smtp-server keeps its net.Server in `server`; a lab connection is handed to it there.
  const netServer = (server as unknown as { server: import('node:net').Server }).server;
  lab.internet.listen(SERVER_ADDRESS, 25, 'test SMTP server', (socket) => {
    currentSocket = socket;
    netServer.emit('connection', socket);
  });
  lab.dns.set(SERVER_NAME, SERVER_ADDRESS, 'lab');

  const firmware = lab.router('r1')!.firmware;
  const mail = firmware.store.get<MailConfig>('mail');
  mail.profiles[0] = { ...emptyProfile(), name: 'alerts', smtpServer: SERVER_NAME, smtpPort: 25, security: 'none', sender: 'router@alerts.test', auth: 'none' };
  await firmware.store.update({ mail }, 'test');
  const alerts = firmware.store.get<AlertsConfig>('alerts');
  alerts.notificationObjects[0] = { name: 'wan', events: ['wan.disconnected', 'wan.reconnected'] };
  alerts.rules[0] = { enabled: true, mailProfile: 1, recipients: ['noc@example.net'], notificationObject: 1, schedule: { always: true, from: '00:00', to: '23:59' } };
  await firmware.store.update({ alerts }, 'test');
});

afterEach(async () => {
  await lab.stop();
});

function router() {
  return lab.router('r1')!;
}

/**
 * Lets delivery run: lab time stands still while host time passes for the sockets (one SMTP
 * dialogue of nodemailer with smtp-server takes about 100 ms), until no alert is on the wire.
 */
async function settle(): Promise<void> {
  let quiet = 0;
  for (let round = 0; round < 400 && quiet < 10; round += 1) {
    await lab.clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const busy = router().firmware.alerts.queue.list().some((alert) => alert.inFlight);
    quiet = busy ? 0 : quiet + 1;
  }
}

function subjects(): string[] {
  return received.map((mail) => mail.subject);
}

describe('alert delivery', () => {
  test('WAN1 down with WAN2 up is sent at once', async () => {
    router().hardware.ports.setLink('WAN2', true);
    await settle();
    router().hardware.ports.setLink('WAN1', false);
    await settle();
    expect(subjects()).toEqual(['[DrayTek] WAN1 disconnected']);
  });

  test('without any WAN alerts wait and keep order', async () => {
    router().hardware.ports.setLink('WAN1', false);
    await settle();
    expect(received).toEqual([]);
    expect(router().firmware.alerts.queue.pending().map((alert) => alert.subject)).toEqual(['[DrayTek] WAN1 disconnected']);

    router().hardware.ports.setLink('WAN1', true);
    await settle();
    expect(subjects()).toEqual(['[DrayTek] WAN1 disconnected', '[DrayTek] WAN1 reconnected']);
  });

  test('4xx reply is retried with backoff', async () => {
    failures = [451];
    router().hardware.uplink.dropLine('WAN1');
    await settle();
    expect(received).toEqual([]);
    await lab.clock.advance(5_000);
    await settle();
    await lab.clock.advance(60_000);
    await settle();
    expect(subjects()).toEqual(['[DrayTek] WAN1 disconnected', '[DrayTek] WAN1 reconnected']);
    const alerts = router().firmware.alerts.queue.list();
    expect(alerts.every((alert) => alert.status === 'sent')).toBe(true);
  });

  test('5xx reply fails the alert', async () => {
    failures = [550];
    router().hardware.uplink.dropLine('WAN1');
    await lab.clock.advance(5_000);
    await settle();
    const [reconnected, disconnected] = router().firmware.alerts.queue.list();
    expect(disconnected).toMatchObject({ subject: '[DrayTek] WAN1 disconnected', status: 'failed' });
    expect(reconnected).toMatchObject({ subject: '[DrayTek] WAN1 reconnected', status: 'sent' });
    expect(router().firmware.syslog.query({ category: 'Mail', severity: 'error' }).some((entry) => entry.message.includes('failed permanently'))).toBe(true);
  });

  test('dropped connection is retried without duplicates', async () => {
    failures = ['drop'];
    router().hardware.uplink.dropLine('WAN1');
    await lab.clock.advance(5_000);
    await settle();
    await lab.clock.advance(120_000);
    await settle();
    expect(subjects()).toEqual(['[DrayTek] WAN1 disconnected', '[DrayTek] WAN1 reconnected']);
    expect(new Set(received.map((mail) => mail.messageId)).size).toBe(2);
  });

  test('queue survives a reboot', async () => {
    router().hardware.ports.setLink('WAN1', false);
    await settle();
    await router().firmware.reboot('test');
    expect(router().firmware.alerts.queue.pending()).toHaveLength(1);
    router().hardware.ports.setLink('WAN1', true);
    await settle();
    expect(subjects()[0]).toBe('[DrayTek] WAN1 disconnected');
  });

  test('schedule window skips alerts outside it', async () => {
    const firmware = router().firmware;
    const alerts = firmware.store.get<AlertsConfig>('alerts');
    const hour = new Date(lab.clock.now()).getUTCHours();
    const outside = `${String((hour + 2) % 24).padStart(2, '0')}:00`;
    alerts.rules[0]!.schedule = { always: false, from: outside, to: outside.replace(':00', ':30') };
    await firmware.store.update({ alerts }, 'test');
    router().hardware.ports.setLink('WAN1', false);
    await settle();
    expect(firmware.alerts.queue.list()).toEqual([]);
  });

  test('sensor alarm fires once per crossing', async () => {
    const firmware = router().firmware;
    const alerts = firmware.store.get<AlertsConfig>('alerts');
    alerts.notificationObjects[0] = { name: 'wan', events: ['sensor.temperature'] };
    await firmware.store.update({ alerts }, 'test');
    router().hardware.sensors.set({ temperatureC: 80 });
    router().hardware.sensors.set({ temperatureC: 85 });
    router().hardware.sensors.set({ temperatureC: 40 });
    router().hardware.sensors.set({ temperatureC: 90 });
    await settle();
    expect(subjects()).toEqual(['[DrayTek] Temperature 80 °C out of range', '[DrayTek] Temperature 90 °C out of range']);
  });
});
