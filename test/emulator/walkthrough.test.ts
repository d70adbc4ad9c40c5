/**
 * The guided walkthrough against a real lab: the steps tick in order as the headless OAuth mail
 * flow progresses, a fault shows its likely cause, and the console pages render the checklist.
 */
import request from 'supertest';
import type { Lab } from '../../emulator';
import type { AlertsConfig } from '../../firmware';
import { labApiRequest } from '../../emulator/api/labApi';
import { ddnsCause, smtpCause } from '../../emulator/console/walkthrough/causes';
import { evaluateWalkthrough, type Walkthrough } from '../../emulator/console/walkthrough/evaluate';
import { STEP_IDS, type StepId } from '../../emulator/console/walkthrough/steps';
import { loginAgent, pageToken, routerOrigin, startTestLab } from '../helpers/lab';
import { authorize, mailbox, RECIPIENT, saveProfile, sendTestMail, setUpDdns, setWanHttps, waitFor, type Agent } from '../helpers/mailFlow';
import { ALERTS, createMailApp, microsoftSignIn, REDIRECT_URI, TENANT_ID } from '../services/identity/identityLab';

let lab: Lab;
let agent: Agent;

beforeEach(async () => {
  lab = await startTestLab();
  agent = await loginAgent(routerOrigin(lab));
});

afterEach(async () => {
  await lab.stop();
});

function walkthrough(provider: 'microsoft' | 'google' = 'microsoft'): Walkthrough {
  return evaluateWalkthrough(lab, lab.router('r1')!, provider);
}

function doneSteps(): StepId[] {
  return walkthrough().steps.filter((step) => step.status === 'done').map((step) => step.id);
}

/** Returns the steps up to and including `last`, in walkthrough order. */
function stepsThrough(last: StepId): StepId[] {
  return STEP_IDS.slice(0, STEP_IDS.indexOf(last) + 1);
}

const APPS = `/api/identity/microsoft/tenants/${TENANT_ID}/apps`;

function stepOf(id: StepId, provider: 'microsoft' | 'google' = 'microsoft') {
  return walkthrough(provider).steps.find((entry) => entry.id === id)!;
}

/** Presses Force Update on DDNS account 1 and waits for the update to finish. */
async function forceDdnsUpdate(): Promise<void> {
  const page = '/applications/dynamic-dns';
  await agent.post(page).type('form').send({ _csrf: await pageToken(agent, page), action: 'force', index: '1' }).expect(303);
  await waitFor(lab, () => lab.router('r1')!.firmware.ddns.states()[0]!.status !== 'updating', 'the DDNS update');
}

async function enableWanAlerts(): Promise<void> {
  const store = lab.router('r1')!.firmware.store;
  const alerts = store.get<AlertsConfig>('alerts');
  alerts.notificationObjects[0] = { name: 'wan', events: ['wan.disconnected', 'wan.reconnected'] };
  alerts.rules[0] = { enabled: true, mailProfile: 1, recipients: [RECIPIENT], notificationObject: 1, schedule: { always: true, from: '00:00', to: '23:59' } };
  await store.update({ alerts }, 'test');
}

describe('walkthrough evaluation', () => {
  test('Microsoft steps tick in order', async () => {
    expect(doneSteps()).toEqual([]);
    expect(walkthrough().next).toBe('ddns');

    await setUpDdns(lab, agent);
    expect(doneSteps()).toEqual(stepsThrough('ddns'));
    await setWanHttps(lab, agent, true);
    expect(doneSteps()).toEqual(stepsThrough('wanHttps'));

    const app = await labApiRequest(lab, 'POST', APPS, { displayName: 'Vigor mail' });
    const appId = app.appId as string;
    expect(doneSteps()).toEqual(stepsThrough('app'));
    const secret = await labApiRequest(lab, 'POST', `${APPS}/${appId}/secrets`, { description: 'router' });
    expect(doneSteps()).toEqual(stepsThrough('secret'));
    const permissions = [
      { api: 'Office 365 Exchange Online', permission: 'SMTP.Send', type: 'delegated' },
      { api: 'Microsoft Graph', permission: 'offline_access', type: 'delegated' },
      { api: 'Microsoft Graph', permission: 'openid', type: 'delegated' },
      { api: 'Microsoft Graph', permission: 'profile', type: 'delegated' },
      { api: 'Microsoft Graph', permission: 'email', type: 'delegated' },
    ];
    await labApiRequest(lab, 'POST', `${APPS}/${appId}/permissions`, { permissions });
    expect(doneSteps()).toEqual(stepsThrough('permissions'));
    await labApiRequest(lab, 'POST', `${APPS}/${appId}/admin-consent`);
    expect(doneSteps()).toEqual(stepsThrough('consent'));
    await labApiRequest(lab, 'POST', `${APPS}/${appId}/redirect-uris`, { platform: 'web', uris: [REDIRECT_URI] });
    expect(doneSteps()).toEqual(stepsThrough('redirectUri'));

    await saveProfile(agent, { name: 'm365', auth: 'oauth2', provider: 'microsoft', clientId: appId, clientSecret: secret.value as string, tenantId: TENANT_ID, sender: ALERTS.userPrincipalName });
    expect(walkthrough().profile).toBe(1);
    await authorize(lab, agent, (browser, url) => microsoftSignIn(browser, url, ALERTS));
    expect(doneSteps()).toEqual(stepsThrough('authorized'));

    expect(await sendTestMail(agent)).toContain('Sent. The server replied: 250');
    await waitFor(lab, () => mailbox(lab).store.messages(RECIPIENT).length === 1, 'the test mail');
    expect(doneSteps()).toEqual(stepsThrough('testMail'));

    await enableWanAlerts();
    expect(doneSteps()).toEqual(stepsThrough('alertRule'));

    await setWanHttps(lab, agent, false);
    expect(doneSteps()).toEqual(stepsThrough('wanHttpsOff'));
    // Steps 1 and 2 stay ticked: the closed WAN HTTPS was open for the authorization.
    expect(walkthrough().steps.find((step) => step.id === 'wanHttps')!.detail).toContain('closed again');

    await labApiRequest(lab, 'POST', '/api/routers/r1/ports/WAN1/link', { up: false });
    await labApiRequest(lab, 'POST', '/api/routers/r1/ports/WAN1/link', { up: true });
    await waitFor(lab, () => walkthrough().steps.at(-1)!.status === 'done', 'the alert after closing WAN HTTPS');
    expect(doneSteps()).toEqual([...STEP_IDS]);
    expect(walkthrough().next).toBeNull();
  });

  test('SMTP AUTH off shows its cause', async () => {
    await setUpDdns(lab, agent);
    await setWanHttps(lab, agent, true);
    const app = await createMailApp(lab);
    await saveProfile(agent, { name: 'm365', auth: 'oauth2', provider: 'microsoft', clientId: app.appId, clientSecret: app.secret, tenantId: TENANT_ID, sender: ALERTS.userPrincipalName });
    await authorize(lab, agent, (browser, url) => microsoftSignIn(browser, url, ALERTS));

    await labApiRequest(lab, 'POST', `/api/identity/microsoft/tenants/${TENANT_ID}/smtp-auth`, { enabled: false });
    expect(await sendTestMail(agent)).toContain('5.7.139');

    const step = walkthrough().steps.find((entry) => entry.id === 'testMail')!;
    expect(step.status).toBe('failed');
    expect(step.detail).toContain('535 5.7.139');
    expect(step.cause).toContain('SMTP AUTH is off for the tenant');
    expect(walkthrough().next).toBe('testMail');
  });

  test('wrong redirect URI shows AADSTS50011', async () => {
    const app = await createMailApp(lab);
    await labApiRequest(lab, 'POST', `${APPS}/${app.appId}/redirect-uris`, { platform: 'web', uris: ['https://router.example.net/callback'] });
    const step = walkthrough().steps.find((entry) => entry.id === 'redirectUri')!;
    expect(step.status).toBe('failed');
    expect(step.cause).toContain('AADSTS50011');
  });

  test('Google consent screen and client', async () => {
    expect(walkthrough('google').steps.find((step) => step.id === 'app')!.status).toBe('todo');
    await labApiRequest(lab, 'POST', '/api/identity/google/projects/vigor-mail-lab/clients', { name: 'Vigor router', redirectUris: [REDIRECT_URI] });
    const steps = walkthrough('google').steps;
    expect(steps.find((step) => step.id === 'app')!.status).toBe('done');
    expect(steps.find((step) => step.id === 'secret')!.status).toBe('done');
    expect(steps.find((step) => step.id === 'redirectUri')!.status).toBe('done');
    // lab.alerts@gmail.com is a test user of the seeded app in Testing.
    expect(steps.find((step) => step.id === 'consent')!.detail).toContain('lab.alerts@gmail.com is a test user');
    // The Gmail scope is granted at consent, so it waits for the authorization.
    expect(steps.find((step) => step.id === 'permissions')!.status).toBe('todo');
  });

  test('Google waiting steps name the client step', () => {
    for (const id of ['secret', 'permissions', 'consent', 'redirectUri'] as const) {
      expect({ id, detail: stepOf(id, 'google').detail }).toEqual({ id, detail: 'Comes after step 3, "OAuth client created in the project".' });
    }
    expect(stepOf('secret').detail).toBe('Comes after step 3, "App registered in the tenant".');
  });

  test('secret without description shows its hint', async () => {
    const app = await labApiRequest(lab, 'POST', APPS, { displayName: 'Vigor mail' });
    const secret = await labApiRequest(lab, 'POST', `${APPS}/${app.appId as string}/secrets`, {});
    const detail = stepOf('secret').detail;
    expect(detail).not.toContain('""');
    expect(detail).toContain(`(no description, value ${(secret.value as string).slice(0, 3)}...)`);
    expect(detail).toMatch(/created \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
  });
});

describe('walkthrough DDNS and clock faults', () => {
  test('DDNS 911 fails step 1 while resolving', async () => {
    await setUpDdns(lab, agent);
    expect(stepOf('ddns').status).toBe('done');

    await labApiRequest(lab, 'POST', '/api/ddns/drayddns/faults', { maintenance: true });
    await forceDdnsUpdate();
    expect(lab.router('r1')!.firmware.ddns.states()[0]!.status).toBe('retrying');
    // The name still resolves to the WAN address; the retry alone fails the step.
    expect(lab.dns.list().some((record) => record.name === 'r1.drayddns.com')).toBe(true);

    const ddns = stepOf('ddns');
    expect(ddns.status).toBe('failed');
    expect(ddns.detail).toContain('911');
    expect(ddns.cause).toContain('in maintenance');
    expect(ddns.cause).toContain('retries in 10 minutes');
    expect(walkthrough().next).toBe('ddns');

    const trainer = await request(lab.consoleUrl.replace(/\/$/, '')).get('/trainer').expect(200);
    expect(trainer.text).toContain('data-step="ddns" data-status="failed"');

    await labApiRequest(lab, 'POST', '/api/ddns/drayddns/faults', { maintenance: false });
    await forceDdnsUpdate();
    expect(stepOf('ddns').status).toBe('done');
  });

  test('DDNS badauth names the login', async () => {
    await setUpDdns(lab, agent);
    await labApiRequest(lab, 'POST', '/api/ddns/drayddns/accounts/r1-trainee/faults', { passwordChanged: true });
    await forceDdnsUpdate();

    const ddns = stepOf('ddns');
    expect(ddns.status).toBe('failed');
    expect(ddns.detail).toContain('badauth');
    expect(ddns.cause).toContain('DDNS login or password is wrong');
    expect(ddns.cause).toContain('Applications >> Dynamic DNS Setup');
  });

  test('wrong router clock names NTP', async () => {
    await setUpDdns(lab, agent);
    await setWanHttps(lab, agent, true);
    const app = await createMailApp(lab);
    await saveProfile(agent, { name: 'm365', auth: 'oauth2', provider: 'microsoft', clientId: app.appId, clientSecret: app.secret, tenantId: TENANT_ID, sender: ALERTS.userPrincipalName });
    await authorize(lab, agent, (browser, url) => microsoftSignIn(browser, url, ALERTS));

    await labApiRequest(lab, 'POST', '/api/routers/r1/clock-offset', { date: '2020-01-01T00:00:00Z', reboot: true });
    await waitFor(lab, () => lab.router('r1')!.firmware.state === 'running', 'the router to boot');
    agent = await loginAgent(routerOrigin(lab));
    expect(await sendTestMail(agent)).toContain('certificate is not yet valid');
    await forceDdnsUpdate();

    for (const id of ['ddns', 'testMail'] as const) {
      const failing = stepOf(id);
      expect({ id, status: failing.status }).toEqual({ id, status: 'failed' });
      expect(failing.detail).toContain('certificate is not yet valid');
      expect(failing.cause).toContain("router's clock is wrong (it shows 2020-01-01)");
      expect(failing.cause).toContain('System Maintenance >> Time and Date');
      expect(failing.cause).not.toContain('CERT_NOT_YET_VALID');
    }
  }, 60_000);
});

describe('walkthrough causes', () => {
  test.each([
    { error: '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.', expected: 'SMTP AUTH is off for the tenant' },
    { error: 'Connection refused: nothing listens on smtp.office365.com (192.0.2.50) port 587', expected: 'SMTP server refused the connection' },
    { error: 'connect ECONNREFUSED 192.0.2.50:587', expected: 'Check SMTP Server and SMTP Port' },
    { error: 'DNS lookup of smtp.office365.com failed: the server failed (SERVFAIL)', expected: 'cannot resolve the server name' },
    { error: "certificate has expired: the certificate of smtp.gmail.com was valid until 2027-01-01T00:00:00.000Z, but the router's clock shows 2031-05-01T00:00:00.000Z", expected: "router's clock is probably wrong (it shows 2031-05-01)" },
  ])('SMTP cause: $expected', ({ error, expected }) => {
    expect(smtpCause(error)).toContain(expected);
  });

  test('unknown SMTP error has no cause', () => {
    expect(smtpCause('451 4.3.0 Something unusual')).toBeUndefined();
  });

  test.each([
    { state: { message: '911: the provider has a problem or is in maintenance. The router retries after 10 minutes', lastCode: '911' }, expected: 'in maintenance' },
    { state: { message: 'Stopped: badauth: the user name or password is wrong.', lastCode: 'badauth' }, expected: 'DDNS login or password is wrong' },
    { state: { message: 'Stopped: nohost: the host name does not exist in this account.', lastCode: 'nohost' }, expected: 'Check Domain Name' },
    { state: { message: 'Stopped: abuse: the host name is blocked for abuse.', lastCode: 'abuse' }, expected: 'blocked the host name for abuse' },
    { state: { message: 'Stopped: numhost: too many host names in one request.', lastCode: 'numhost' }, expected: 'Too many host names in one request (the provider replied numhost)' },
    // A network failure keeps the code of the previous reply, which must not decide the cause.
    { state: { message: 'Network error: DNS lookup of update.drayddns.com failed: the server failed (SERVFAIL); retrying in 30 s', lastCode: 'good' }, expected: 'SERVFAIL' },
  ])('DDNS cause: $expected', ({ state, expected }) => {
    expect(ddnsCause(state)).toContain(expected);
  });
});

describe('walkthrough API and pages', () => {
  test('API returns the checklist', async () => {
    const api = request(lab.consoleUrl.replace(/\/$/, ''));
    const reply = await api.get('/api/routers/r1/walkthrough?provider=google').expect(200);
    expect(reply.body.provider).toBe('google');
    expect(reply.body.identity.projectId).toBe('vigor-mail-lab');
    expect(reply.body.steps.map((step: { id: string }) => step.id)).toEqual([...STEP_IDS]);
    const all = await api.get('/api/walkthrough').expect(200);
    expect(all.body.routers).toHaveLength(1);
  });

  test('API rejects an unknown provider', async () => {
    const api = request(lab.consoleUrl.replace(/\/$/, ''));
    const reply = await api.get('/api/routers/r1/walkthrough?provider=yahoo').expect(400);
    expect(reply.body.error.field).toBe('provider');
    expect(reply.body.error.validValues).toEqual(['microsoft', 'google']);
    await api.get('/api/routers/r9/walkthrough').expect(404);
  });

  test('router page renders the checklist', async () => {
    const api = request(lab.consoleUrl.replace(/\/$/, ''));
    const page = await api.get('/routers/r1/walkthrough').expect(200);
    expect(page.text).toContain('id="walkthrough-live"');
    expect(page.text).toContain('data-step="ddns" data-status="todo"');
    expect(page.text).toContain('contosolab.onmicrosoft.com');
    expect(page.text).toContain('/walkthrough.js');
    const console = await api.get('/').expect(200);
    expect(console.text).toContain('href="/routers/r1/walkthrough"');
  });

  test('routers path redirects to list', async () => {
    const api = request(lab.consoleUrl.replace(/\/$/, ''));
    const reply = await api.get('/routers').expect(302);
    expect(reply.headers.location).toBe('/#routers');
  });
});
