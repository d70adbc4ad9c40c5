'use strict';
/**
 * B5: router r1 queues 1,000 alerts while its WAN is down and delivers them through the emulated
 * Exchange Online (smtp.office365.com:587, STARTTLS, AUTH LOGIN) once the WAN is back. The
 * reference is nodemailer sending 1,000 messages straight to the same server through the lab's
 * port forward.
 *
 * Exchange checks the password against a directory of one mailbox from this file, in place of the
 * lab's Entra ID, with Basic auth switched on. So B5 depends on no seeded tenant and no OAuth 2.0
 * authorization (that path is B3's), and the password check costs nothing on either side. Each
 * run uses a fresh lab with a paused clock.
 */
const nodemailer = require('nodemailer');
const { dist, waitFor } = require('./lib/lab');
const { summarize, elapsedMs } = require('./lib/stats');

const ALERTS = 1000;
const SENDER = 'bench-alerts@contoso.example';
const PASSWORD = 'Bench-Pa55word';
const RECIPIENT = 'noc@example.net';
const TENANT_ID = '11111111-1111-4111-8111-111111111111';
const EXCHANGE = { host: 'smtp.office365.com', port: 587 };
const DELIVERY_TIMEOUT_MS = 300_000;
/** Lab time to advance after a run so that Exchange delivers what its 30-a-minute limit held back. */
const RELEASE_MS = 60 * 60_000;

/** Creates an IdentityDirectory (emulator/services/identity/contract.ts) with the single bench mailbox. */
function benchIdentity() {
  const mailbox = { address: SENDER, provider: 'microsoft', displayName: 'Bench Alerts', tenantId: TENANT_ID, enabled: true, smtpAuth: { mailbox: null, tenant: true }, sendAs: [] };
  return {
    async verifyAccessToken() {
      return { ok: false, reason: 'malformed', detail: 'the bench identity directory issues no tokens' };
    },
    mailbox(address) {
      return address.trim().toLowerCase() === SENDER ? mailbox : undefined;
    },
    async checkPassword(address, password) {
      return address.trim().toLowerCase() === SENDER && password === PASSWORD;
    },
  };
}

async function configureRouter(root, router) {
  const { emptyProfile } = dist(root, 'firmware');
  const firmware = router.firmware;
  const mail = firmware.store.get('mail');
  mail.profiles[0] = { ...emptyProfile(), name: 'exchange', smtpServer: EXCHANGE.host, smtpPort: EXCHANGE.port, security: 'starttls', sender: SENDER, auth: 'password', username: SENDER, password: PASSWORD };
  await firmware.store.update({ mail }, 'bench');
  const alerts = firmware.store.get('alerts');
  // Router start-up happens only at boot, so the bench raises it without any other alert mixing in.
  alerts.notificationObjects[0] = { name: 'bench', events: ['system.startup'] };
  alerts.rules[0] = { enabled: true, mailProfile: 1, recipients: [RECIPIENT], notificationObject: 1, schedule: { always: true, from: '00:00', to: '23:59' } };
  await firmware.store.update({ alerts }, 'bench');
}

/** Queues ALERTS alerts while WAN1 is unplugged, plugs it in and times until the queue is empty. */
async function deliverQueuedAlerts(lab, router, tag) {
  const { hardware, firmware } = router;
  hardware.ports.setLink('WAN1', false);
  await waitFor(lab, () => hardware.ports.address('WAN1') === null, { what: 'WAN1 to lose its address', timeoutMs: 10_000 });
  for (let index = 1; index <= ALERTS; index += 1) {
    await firmware.alerts.raise({ id: 'system.startup', summary: `${tag} ${index}`, details: { Configuration: 'bench' } });
  }
  const queued = firmware.alerts.queue.pending().length;
  if (queued !== ALERTS) throw new Error(`${queued} alerts are queued, expected ${ALERTS}`);

  const started = process.hrtime.bigint();
  hardware.ports.setLink('WAN1', true);
  await waitFor(lab, () => firmware.alerts.queue.pending().length === 0, { what: `${ALERTS} alerts to leave the queue`, timeoutMs: DELIVERY_TIMEOUT_MS });
  return elapsedMs(started);
}

/** Sends ALERTS messages one connection each, as the router does, through the lab's port forward. */
async function sendWithNodemailer(lab, text, tag) {
  const forward = lab.ready().forwards.find((entry) => entry.host === EXCHANGE.host && entry.port === EXCHANGE.port);
  if (!forward) throw new Error(`The ready line lists no forward to ${EXCHANGE.host}:${EXCHANGE.port}`);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: forward.localPort, requireTLS: true, tls: { ca: lab.ca.caPem(), servername: EXCHANGE.host }, auth: { user: SENDER, pass: PASSWORD } });
  const started = process.hrtime.bigint();
  try {
    for (let index = 1; index <= ALERTS; index += 1) {
      await transport.sendMail({ from: SENDER, to: RECIPIENT, subject: `${tag} ${index}`, text });
    }
  } finally {
    transport.close();
  }
  return elapsedMs(started);
}

/** Releases held-back deliveries and returns how many distinct messages of `tag` reached the mailbox. */
async function deliveredCount(lab, tag) {
  const mail = lab.services.mail;
  await lab.clock.advance(RELEASE_MS);
  let previous = -1;
  let stableRounds = 0;
  await waitFor(
    lab,
    () => {
      const count = mail.store.messages('internet', { folder: 'inbox', subject: `${tag} ` }).length;
      stableRounds = count === previous && mail.delivery.pending === 0 ? stableRounds + 1 : 0;
      previous = count;
      return stableRounds >= 20;
    },
    { what: `the held-back messages of ${tag} to be delivered`, timeoutMs: 60_000, pollMs: 10 },
  );
  const messages = mail.store.messages('internet', { folder: 'inbox', subject: `${tag} ` });
  const distinct = new Set(messages.map((message) => message.subject)).size;
  return { distinct, duplicates: messages.length - distinct };
}

async function oneRun(root, portBase, index) {
  const { startLab } = dist(root, 'emulator');
  const lab = await startLab({ routers: 1, dataDir: null, clockMode: 'paused', portBase });
  try {
    if (!lab.services.mail) throw new Error('The lab has no emulated mail service (lab.services.mail)');
    lab.services.identity = benchIdentity();
    lab.services.mail.settings.basicAuth.exchange = true;
    const router = lab.router('r1');
    await configureRouter(root, router);
    await waitFor(lab, () => router.hardware.ports.address('WAN1') !== null, { what: 'WAN1 of r1 to get an address', timeoutMs: 10_000 });

    const result = {};
    const routerTag = `bench-alert-${index}`;
    const referenceTag = `bench-nodemailer-${index}`;
    const order = index % 2 === 0 ? ['router', 'reference'] : ['reference', 'router'];
    for (const side of order) {
      if (side === 'router') {
        result.routerMs = await deliverQueuedAlerts(lab, router, routerTag);
        result.router = await deliveredCount(lab, routerTag);
      } else {
        const sample = `Router: DrayTek (Vigor)\nEvent: Router start-up\nTime: ${new Date(lab.clock.now()).toISOString()}\nConfiguration: bench\n\nThis alert was sent by the SMS/Mail Alert Service of the router.`;
        result.referenceMs = await sendWithNodemailer(lab, sample, referenceTag);
        result.reference = await deliveredCount(lab, referenceTag);
      }
    }
    return result;
  } finally {
    await lab.stop();
  }
}

async function run({ root, runs, portBase, log }) {
  const routerTimes = [];
  const referenceTimes = [];
  const lost = [];
  const referenceLost = [];
  let duplicates = 0;

  for (let index = 0; index < runs; index += 1) {
    const result = await oneRun(root, portBase, index);
    routerTimes.push(result.routerMs);
    referenceTimes.push(result.referenceMs);
    lost.push(ALERTS - result.router.distinct);
    referenceLost.push(ALERTS - result.reference.distinct);
    duplicates += result.router.duplicates;
    log(`B5 run ${index + 1}/${runs}: alert queue ${result.routerMs.toFixed(0)} ms (${lost.at(-1)} lost), nodemailer ${result.referenceMs.toFixed(0)} ms (${referenceLost.at(-1)} lost)`);
  }

  const delivery = summarize(routerTimes);
  const reference = summarize(referenceTimes);
  const ratio = delivery.median / reference.median;
  const totalLost = lost.reduce((sum, value) => sum + value, 0);
  return [
    {
      id: 'B5',
      what: `${ALERTS} queued alerts to the emulated Exchange`,
      unit: 'ms',
      stats: delivery,
      reference: { what: `nodemailer, ${ALERTS} messages to the same server`, stats: reference },
      comparison: `${ratio.toFixed(2)}x the reference`,
      target: 'at most 1.5x the reference',
      met: ratio <= 1.5,
    },
    {
      id: 'B5',
      what: 'alerts lost (not in the mailbox)',
      unit: 'alerts',
      stats: summarize(lost),
      reference: { what: 'nodemailer messages lost', stats: summarize(referenceLost) },
      comparison: `${totalLost} lost and ${duplicates} duplicated in ${runs} runs`,
      target: 'zero lost',
      met: totalLost === 0,
    },
  ];
}

module.exports = { id: 'B5', title: `${ALERTS} queued alerts to the emulated Exchange`, run };
