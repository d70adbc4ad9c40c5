/**
 * The whole OAuth mail flow without a browser program: the router is configured through its web
 * UI, the app through the lab API, and the person's browser steps (sign-in, consent, the relay,
 * the router's callback) run as a small cookie-keeping HTTPS client through the lab proxy as an
 * Internet host. Then WAN HTTPS is closed, the lab clock passes the access token's expiry, and a
 * second mail still goes out on the refreshed token.
 */
import type { Lab } from '../../emulator';
import { loginAgent, routerOrigin, startTestLab } from '../helpers/lab';
import { authorize, mailbox, PROFILE_PAGE, RECIPIENT, saveProfile, sendTestMail, setUpDdns, setWanHttps, waitFor } from '../helpers/mailFlow';
import { createGoogleClient, createMailApp, googleSignIn, microsoftSignIn, ALERTS, TENANT_ID } from '../services/identity/identityLab';

let lab: Lab;

beforeEach(async () => {
  lab = await startTestLab();
});

afterEach(async () => {
  await lab.stop();
});

describe('OAuth mail flow', () => {
  test('Microsoft: authorize, send, close WAN, refresh, send', async () => {
    const agent = await loginAgent(routerOrigin(lab));
    await setUpDdns(lab, agent);
    await setWanHttps(lab, agent, true);
    const app = await createMailApp(lab);
    await saveProfile(agent, { name: 'm365', auth: 'oauth2', provider: 'microsoft', clientId: app.appId, clientSecret: app.secret, tenantId: TENANT_ID, sender: ALERTS.userPrincipalName });

    const callback = await authorize(lab, agent, (browser, url) => microsoftSignIn(browser, url, ALERTS));
    expect(callback).toContain(`is authorized as <b>${ALERTS.userPrincipalName}</b>`);
    const status = (await agent.get(`${PROFILE_PAGE}?index=1`)).text;
    expect(status).toMatch(/authorized as alerts@contosolab\.onmicrosoft\.com; access token valid until .* refresh token present/);

    expect(await sendTestMail(agent)).toContain('Sent. The server replied: 250');
    await waitFor(lab, () => mailbox(lab).store.messages(RECIPIENT).length === 1, 'the first test mail');

    await setWanHttps(lab, agent, false);
    await lab.clock.advance(2 * 3_600_000);
    // Two idle hours ended the admin session (auto-logout), so the admin logs in again.
    const later = await loginAgent(routerOrigin(lab));
    expect(await sendTestMail(later)).toContain('Sent. The server replied: 250');
    await waitFor(lab, () => mailbox(lab).store.messages(RECIPIENT).length === 2, 'the second test mail');
    const refreshed = lab.router('r1')!.firmware.syslog.query({ category: 'Mail' }).some((entry) => entry.message.startsWith('Access token of mail profile 1 refreshed'));
    expect(refreshed).toBe(true);
  });

  test('Google: authorize, send, close WAN, refresh, send', async () => {
    const agent = await loginAgent(routerOrigin(lab));
    await setUpDdns(lab, agent);
    await setWanHttps(lab, agent, true);
    const client = await createGoogleClient(lab);
    await saveProfile(agent, { name: 'gmail', auth: 'oauth2', provider: 'google', clientId: client.clientId, clientSecret: client.clientSecret, tenantId: '', sender: 'lab.alerts@gmail.com' });

    const callback = await authorize(lab, agent, (browser, url) => googleSignIn(browser, url, { email: 'lab.alerts@gmail.com', password: 'Alerts-Lab-2026!' }));
    expect(callback).toContain('is authorized as <b>lab.alerts@gmail.com</b>');

    expect(await sendTestMail(agent)).toContain('Sent. The server replied: 250');
    await waitFor(lab, () => mailbox(lab).store.messages(RECIPIENT).length === 1, 'the first test mail');

    await setWanHttps(lab, agent, false);
    await lab.clock.advance(2 * 3_600_000);
    // Two idle hours ended the admin session (auto-logout), so the admin logs in again.
    const later = await loginAgent(routerOrigin(lab));
    expect(await sendTestMail(later)).toContain('Sent. The server replied: 250');
    await waitFor(lab, () => mailbox(lab).store.messages(RECIPIENT).length === 2, 'the second test mail');
  });
});

