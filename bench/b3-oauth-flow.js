'use strict';
/**
 * B3: the headless OAuth 2.0 mail flow from Authorize to the test e-mail, for one router and for 20
 * routers in parallel. The set-up is not timed: DDNS registered with its certificate, WAN HTTPS on,
 * the app in the seeded Entra tenant, and the mail profile saved. The timed part is Authorize (sign-in
 * and consent as a person through the lab proxy, the relay, the router's callback and the code
 * redemption), followed by one test e-mail to the emulated Exchange.
 */
const { dist, waitFor } = require('./lib/lab');
const { summarize } = require('./lib/stats');

const TENANT_ID = '4d8b6e2a-93f1-4c0e-b7a5-1e6f2c9d8a47';
const PASSWORD = 'Bench-Lab-2026!';

/**
 * Creates the mailbox a router sends from. Exchange allows 3 concurrent connections per mailbox, so
 * 20 routers sending as one user would get 432 4.3.2, as they would in Exchange Online.
 */
async function createMailbox(lab, router) {
  const name = `bench-${router.id}@contosolab.onmicrosoft.com`;
  const response = await fetch(`${lab.consoleUrl}api/identity/microsoft/tenants/${TENANT_ID}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userPrincipalName: name, displayName: `Bench ${router.id}`, password: PASSWORD, mailbox: true }),
  });
  if (response.status !== 201) throw new Error(`Creating ${name} failed with HTTP ${response.status}: ${await response.text()}`);
  return { name, password: PASSWORD };
}

async function prepareRouter(lab, router, app, user) {
  const firmware = router.firmware;
  const ddns = firmware.store.get('ddns');
  ddns.enabled = true;
  ddns.accounts[0] = { ...ddns.accounts[0], enabled: true, provider: 'drayddns', domain: router.id, login: `${router.id}-trainee`, password: `${router.id}-ddns-pass` };
  const management = firmware.store.get('management');
  management.internet.allow = true;
  management.internet.services.https = true;
  const mail = firmware.store.get('mail');
  mail.profiles[0] = {
    ...mail.profiles[0],
    name: 'm365',
    smtpServer: 'smtp.office365.com',
    smtpPort: 587,
    security: 'starttls',
    sender: user.name,
    auth: 'oauth2',
    oauth: { provider: 'microsoft', clientId: app.appId, clientSecret: app.secret, tenantId: TENANT_ID },
  };
  await firmware.store.update({ ddns, management, mail }, 'benchmark');
  await waitFor(lab, () => firmware.syslog.query({ category: 'DDNS' }).some((entry) => entry.message.startsWith(`Certificate for ${router.id}.drayddns.com installed`)), { what: `${router.id} DDNS certificate`, timeoutMs: 30_000 });
}

async function flow(lab, router, user) {
  const started = process.hrtime.bigint();
  const result = await lab.authorizeMailProfile({ router: router.id, profile: 1, user: user.name, password: user.password });
  if (!result.authorized) throw new Error(`${router.id} was not authorized: ${result.text.slice(0, 300)}`);
  await router.firmware.mail.send(0, { to: ['trainee@contosolab.onmicrosoft.com'], subject: `B3 ${router.id}`, text: 'benchmark' });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function measure(root, portBase, routers) {
  const { startLab } = dist(root, 'emulator');
  const lab = await startLab({ routers, dataDir: null, clockMode: 'paused', portBase });
  try {
    const app = await lab.createMailApp();
    const users = [];
    for (const router of lab.routers) {
      const user = await createMailbox(lab, router);
      users.push(user);
      await prepareRouter(lab, router, app, user);
    }
    const started = process.hrtime.bigint();
    const perRouter = await Promise.all(lab.routers.map((router, index) => flow(lab, router, users[index])));
    const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
    return { perRouter, totalMs };
  } finally {
    await lab.stop();
  }
}

async function run({ root, runs, portBase, log }) {
  const single = [];
  const rates = [];
  for (let index = 0; index < runs; index += 1) {
    const one = await measure(root, portBase, 1);
    single.push(one.perRouter[0]);
    const twenty = await measure(root, portBase + 300, 20);
    rates.push(20 / (twenty.totalMs / 1000));
    log(`B3 run ${index + 1}/${runs}: 1 router ${one.perRouter[0].toFixed(0)} ms; 20 routers in ${twenty.totalMs.toFixed(0)} ms (${rates[index].toFixed(1)} flows/s)`);
  }
  const singleStats = summarize(single);
  const rateStats = summarize(rates);
  return [
    { id: 'B3', what: 'OAuth mail flow, 1 router (Authorize to test e-mail)', unit: 'ms', stats: singleStats, target: 'under 500 ms per router', met: singleStats.median < 500 },
    { id: 'B3', what: 'OAuth mail flow, 20 routers in parallel', unit: 'flows/s', stats: rateStats, target: 'at least 10 flows per second', met: rateStats.median >= 10 },
  ];
}

module.exports = { id: 'B3', title: 'Headless OAuth mail flow', run };
