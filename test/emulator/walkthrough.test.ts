/**
 * The guided walkthrough against a real lab: the steps tick in order as the headless OAuth mail
 * flow progresses, a fault shows its likely cause, and the console pages render the checklist.
 */
import request from 'supertest';
import type { Lab } from '../../emulator';
import type { AlertsConfig } from '../../firmware';
import { labApiRequest } from '../../emulator/api/labApi';
import { evaluateWalkthrough, type Walkthrough } from '../../emulator/console/walkthrough/evaluate';
import { STEP_IDS, type StepId } from '../../emulator/console/walkthrough/steps';
import { loginAgent, routerOrigin, startTestLab } from '../helpers/lab';
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
});
