/**
 * What the administrator sees when the OAuth mail flow fails: provider errors with their codes and
 * what to do, a cancelled consent, wrong and replayed callbacks, and a revoked grant while alerts
 * are waiting (none lost, none sent twice once the profile is authorized again).
 */
import type { Lab } from '../../emulator';
import type { AlertsConfig } from '../../firmware';
import { loginAgent, routerOrigin, startTestLab } from '../helpers/lab';
import { authorize, mailbox, PROFILE_PAGE, RECIPIENT, saveProfile, setUpDdns, setWanHttps, waitFor, type Agent } from '../helpers/mailFlow';
import { createMailApp, labApi, LabBrowser, microsoftSignIn, proxyAgent, ALERTS, TENANT_ID } from '../services/identity/identityLab';

let lab: Lab;
let agent: Agent;

beforeEach(async () => {
  lab = await startTestLab();
  agent = await loginAgent(routerOrigin(lab));
  await setUpDdns(lab, agent);
  await setWanHttps(lab, agent, true);
});

afterEach(async () => {
  await lab.stop();
});

function text(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

async function profileWith(app: { appId: string; secret: string }): Promise<void> {
  await saveProfile(agent, { name: 'm365', auth: 'oauth2', provider: 'microsoft', clientId: app.appId, clientSecret: app.secret, tenantId: TENANT_ID, sender: ALERTS.userPrincipalName });
}

const signInAlerts = (browser: LabBrowser, url: string) => microsoftSignIn(browser, url, ALERTS);

describe('OAuth failures the admin sees', () => {
  test('unregistered redirect URI shows AADSTS50011', async () => {
    const app = await createMailApp(lab);
    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps/${app.appId}/redirect-uris`).send({ platform: 'web', uris: ['https://router.example.net/callback'] }).expect(200);
    await profileWith(app);
    const page = text(await authorize(lab, agent, signInAlerts));
    expect(page).toContain('AADSTS50011');
    expect(page).toContain('oauth2.drayddns.com/doc/mailOAuth.htm');
    expect(lab.router('r1')!.firmware.mail.tokenStatus(0)).toBeUndefined();
  });

  test('expired client secret says create a new one', async () => {
    const app = await createMailApp(lab);
    await profileWith(app);
    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps/${app.appId}/secrets/${app.secretId}/expire`).expect(200);
    const page = text(await authorize(lab, agent, signInAlerts));
    expect(page).toContain('invalid_client');
    expect(page).toContain('AADSTS7000222');
    expect(page).toContain('create a new secret in Certificates & secrets');
  });

  test('cancelled consent changes nothing', async () => {
    const app = await createMailApp(lab, { adminConsent: false });
    await profileWith(app);
    const page = text(await authorize(lab, agent, (browser, url) => microsoftSignIn(browser, url, ALERTS, { consent: 'cancel' })));
    expect(page).toContain('access_denied');
    expect(page).toContain('The consent was cancelled');
    expect(lab.router('r1')!.firmware.mail.tokenStatus(0)).toBeUndefined();
  });

  test('wrong and replayed callbacks change nothing', async () => {
    const app = await createMailApp(lab);
    await profileWith(app);
    const browser = new LabBrowser(proxyAgent(lab));

    const missing = text((await browser.get('https://r1.drayddns.com/doc/mailOAuth.htm?code=abc')).text);
    expect(missing).toContain('carries no state');
    const wrong = text((await browser.get('https://r1.drayddns.com/doc/mailOAuth.htm?code=abc&state=bogus')).text);
    expect(wrong).toContain('The state is unknown, already used or older than 10 minutes');

    const token = (await agent.get(`${PROFILE_PAGE}?index=1`)).text.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const start = await agent.get(`${PROFILE_PAGE}/authorize`).query({ index: '1', _csrf: token });
    const toRelay = await signInAlerts(browser, start.headers.location!);
    const toRouter = await browser.get(toRelay.location!);
    const first = text((await browser.get(toRouter.location!)).text);
    expect(first).toContain('is authorized as');
    const tokensAfterFirst = lab.router('r1')!.firmware.mail.tokenStatus(0);

    const replay = text((await browser.get(toRouter.location!)).text);
    expect(replay).toContain('already used');
    expect(lab.router('r1')!.firmware.mail.tokenStatus(0)).toEqual(tokensAfterFirst);
  });

  test('revoked grant holds alerts until re-authorized', async () => {
    const app = await createMailApp(lab);
    await profileWith(app);
    expect(text(await authorize(lab, agent, signInAlerts))).toContain('is authorized as');

    const firmware = lab.router('r1')!.firmware;
    const alerts = firmware.store.get<AlertsConfig>('alerts');
    alerts.notificationObjects[0] = { name: 'wan', events: ['wan.disconnected', 'wan.reconnected'] };
    alerts.rules[0] = { enabled: true, mailProfile: 1, recipients: [RECIPIENT], notificationObject: 1, schedule: { always: true, from: '00:00', to: '23:59' } };
    await firmware.store.update({ alerts }, 'test');

    // The revocation must come after the grant in lab time; in a paused lab both would share one instant.
    await lab.clock.advance(60_000);
    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/users/${ALERTS.userPrincipalName}/revoke-sessions`).expect(200);
    await lab.clock.advance(2 * 3_600_000);
    lab.router('r1')!.hardware.ports.setLink('WAN2', true);
    await waitFor(lab, () => lab.router('r1')!.hardware.ports.address('WAN2') !== null, 'WAN2 to connect');
    lab.router('r1')!.hardware.ports.setLink('WAN1', false);
    await waitFor(lab, () => firmware.mail.tokenStatus(0)?.reauthorizationRequired !== undefined, 'the profile to need re-authorization');

    const admin = await loginAgent(routerOrigin(lab));
    const status = text((await admin.get(`${PROFILE_PAGE}?index=1`)).text);
    expect(status).toContain('re-authorization required');
    expect(firmware.alerts.queue.pending().map((alert) => alert.subject)).toEqual(['[DrayTek] WAN1 disconnected']);

    lab.router('r1')!.hardware.ports.setLink('WAN1', true);
    await waitFor(lab, () => lab.router('r1')!.hardware.ports.address('WAN1') !== null, 'WAN1 to connect');
    expect(text(await authorize(lab, admin, signInAlerts))).toContain('is authorized as');
    // Held alerts are in backoff; lab time moves on in steps while host time lets each send finish.
    firmware.alerts.kick();
    for (let step = 0; step < 24 && firmware.alerts.queue.pending().length > 0; step += 1) {
      await lab.clock.advance(5 * 60_000);
      await waitFor(lab, () => !firmware.alerts.queue.list().some((alert) => alert.inFlight), 'the sends in flight to finish');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitFor(lab, () => firmware.alerts.queue.pending().length === 0, 'the held alerts to go out');

    const subjects = mailbox(lab).store.messages(RECIPIENT).map((message) => message.subject);
    expect(subjects.filter((subject) => subject === '[DrayTek] WAN1 disconnected')).toHaveLength(1);
    expect(subjects.filter((subject) => subject === '[DrayTek] WAN1 reconnected')).toHaveLength(1);
  });
});


