/**
 * The whole OAuth mail flow without a browser program: the router is configured through its web
 * UI, the app through the lab API, and the person's browser steps (sign-in, consent, the relay,
 * the router's callback) run as a small cookie-keeping HTTPS client through the lab proxy as an
 * Internet host. Then WAN HTTPS is closed, the lab clock passes the access token's expiry, and a
 * second mail still goes out on the refreshed token.
 */
import type { Lab } from '../../emulator';
import type { MailService as LabMailService } from '../../emulator/services/mail';
import { managementForm } from '../helpers/forms';
import { loginAgent, pageToken, routerOrigin, startTestLab } from '../helpers/lab';
import { LabBrowser, proxyAgent, createMailApp, createGoogleClient, microsoftSignIn, googleSignIn, ALERTS, TENANT_ID } from '../services/identity/identityLab';

type Agent = Awaited<ReturnType<typeof loginAgent>>;

const PROFILE_PAGE = '/objects-setting/sms-mail-service-object';
const RECIPIENT = 'trainee@contosolab.onmicrosoft.com';

let lab: Lab;

beforeEach(async () => {
  lab = await startTestLab();
});

afterEach(async () => {
  await lab.stop();
});

function router() {
  return lab.router('r1')!;
}

/** Step 1: the seeded DrayDDNS account through Applications >> Dynamic DNS Setup. */
async function setUpDdns(agent: Agent): Promise<void> {
  const page = '/applications/dynamic-dns';
  await agent.post(page).type('form').send({ _csrf: await pageToken(agent, page), action: 'global', enabled: 'on' }).expect(303);
  const account = { action: 'save', index: '1', enabled: 'on', wan: 'WAN1-first', provider: 'drayddns', serviceType: 'dynamic', domain: 'r1', login: 'r1-trainee', password: 'r1-ddns-pass', realWanIp: 'wan', intervalMinutes: '1440', authType: 'basic', connection: 'https', expectedResponse: 'good' };
  await agent.post(page).type('form').send({ ...account, _csrf: await pageToken(agent, page) }).expect(303);
  await waitFor(() => router().firmware.ddns.states()[0]!.status === 'registered', 'the DDNS account to register');
  await waitFor(() => router().firmware.syslog.query({ category: 'DDNS' }).some((entry) => entry.message.startsWith('Certificate for r1.drayddns.com installed')), 'the DrayDDNS certificate');
}

/** Steps 2 and 7: HTTPS management from the Internet on or off, through the Management page. */
async function setWanHttps(agent: Agent, on: boolean): Promise<void> {
  const page = '/system-maintenance/management';
  const form = managementForm(router().firmware.management.config(), on ? { internetAllow: 'on', internet_https: 'on' } : { internetAllow: undefined, internet_https: undefined });
  await agent.post(page).type('form').send({ ...form, _csrf: await pageToken(agent, page) }).expect(303);
}

async function saveProfile(agent: Agent, fields: Record<string, string>): Promise<void> {
  const response = await agent.post(PROFILE_PAGE).type('form').send({ action: 'save', index: '1', smtpServer: '', smtpPort: '587', security: 'starttls', sendingIntervalSeconds: '0', ...fields, _csrf: await pageToken(agent, `${PROFILE_PAGE}?index=1`) });
  if (response.status !== 303) throw new Error(`Saving the mail profile failed with HTTP ${response.status}: ${response.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 600)}`);
}

/** Step 4: Authorize opens the provider; the person signs in and consents; the relay and the router finish. */
async function authorize(agent: Agent, signIn: (browser: LabBrowser, url: string) => Promise<{ location?: string; status: number; text: string }>): Promise<string> {
  const token = await pageToken(agent, `${PROFILE_PAGE}?index=1`);
  const start = await agent.get(`${PROFILE_PAGE}/authorize`).query({ index: '1', _csrf: token });
  expect(start.status).toBe(302);
  const providerUrl = start.headers.location!;

  const browser = new LabBrowser(proxyAgent(lab));
  const toRelay = await signIn(browser, providerUrl);
  expect(toRelay.location).toMatch(/^https:\/\/oauth2\.drayddns\.com\/doc\/mailOAuth\.htm\?/);
  const toRouter = await browser.get(toRelay.location!);
  expect(toRouter.status).toBe(302);
  expect(toRouter.location).toMatch(/^https:\/\/r1\.drayddns\.com\/doc\/mailOAuth\.htm\?/);
  const callback = await browser.get(toRouter.location!);
  return callback.text;
}

async function sendTestMail(agent: Agent): Promise<string> {
  const response = await agent.post(PROFILE_PAGE).type('form').send({ action: 'test', index: '1', recipient: RECIPIENT, _csrf: await pageToken(agent, `${PROFILE_PAGE}?index=1`) });
  return response.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

function mailbox(): LabMailService {
  return lab.services.mail as LabMailService;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let round = 0; round < 300; round += 1) {
    if (condition()) return;
    await lab.clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describe('OAuth mail flow', () => {
  test('Microsoft: authorize, send, close WAN, refresh, send', async () => {
    const agent = await loginAgent(routerOrigin(lab));
    await setUpDdns(agent);
    await setWanHttps(agent, true);
    const app = await createMailApp(lab);
    await saveProfile(agent, { name: 'm365', auth: 'oauth2', provider: 'microsoft', clientId: app.appId, clientSecret: app.secret, tenantId: TENANT_ID, sender: ALERTS.userPrincipalName });

    const callback = await authorize(agent, (browser, url) => microsoftSignIn(browser, url, ALERTS));
    expect(callback).toContain(`is authorized as <b>${ALERTS.userPrincipalName}</b>`);
    const status = (await agent.get(`${PROFILE_PAGE}?index=1`)).text;
    expect(status).toMatch(/authorized as alerts@contosolab\.onmicrosoft\.com; access token valid until .* refresh token present/);

    expect(await sendTestMail(agent)).toContain('Sent. The server replied: 250');
    await waitFor(() => mailbox().store.messages(RECIPIENT).length === 1, 'the first test mail');

    await setWanHttps(agent, false);
    await lab.clock.advance(2 * 3_600_000);
    // Two idle hours ended the admin session (auto-logout), so the admin logs in again.
    const later = await loginAgent(routerOrigin(lab));
    expect(await sendTestMail(later)).toContain('Sent. The server replied: 250');
    await waitFor(() => mailbox().store.messages(RECIPIENT).length === 2, 'the second test mail');
    const refreshed = router().firmware.syslog.query({ category: 'Mail' }).some((entry) => entry.message.startsWith('Access token of mail profile 1 refreshed'));
    expect(refreshed).toBe(true);
  });

  test('Google: authorize, send, close WAN, refresh, send', async () => {
    const agent = await loginAgent(routerOrigin(lab));
    await setUpDdns(agent);
    await setWanHttps(agent, true);
    const client = await createGoogleClient(lab);
    await saveProfile(agent, { name: 'gmail', auth: 'oauth2', provider: 'google', clientId: client.clientId, clientSecret: client.clientSecret, tenantId: '', sender: 'lab.alerts@gmail.com' });

    const callback = await authorize(agent, (browser, url) => googleSignIn(browser, url, { email: 'lab.alerts@gmail.com', password: 'Alerts-Lab-2026!' }));
    expect(callback).toContain('is authorized as <b>lab.alerts@gmail.com</b>');

    expect(await sendTestMail(agent)).toContain('Sent. The server replied: 250');
    await waitFor(() => mailbox().store.messages(RECIPIENT).length === 1, 'the first test mail');

    await setWanHttps(agent, false);
    await lab.clock.advance(2 * 3_600_000);
    // Two idle hours ended the admin session (auto-logout), so the admin logs in again.
    const later = await loginAgent(routerOrigin(lab));
    expect(await sendTestMail(later)).toContain('Sent. The server replied: 250');
    await waitFor(() => mailbox().store.messages(RECIPIENT).length === 2, 'the second test mail');
  });
});

