/**
 * Effects of every fault of the catalogue that the lab can switch on. Each test switches the fault
 * on through the lab API, filling the catalogue's request template as the console's fault page
 * does. It checks what a trainee observes (test e-mail reply, DDNS state, syslog), then switches
 * the fault off and checks that the flow works again.
 */
import type { Lab } from '../../emulator';
import { FAULTS, type FaultRequest } from '../../emulator/console/faults';
import { loginAgent, routerOrigin, startTestLab } from '../helpers/lab';
import { authorize, saveProfile, sendTestMail, setUpDdns, setWanHttps, type Agent } from '../helpers/mailFlow';
import { ALERTS, createGoogleClient, createMailApp, GOOGLE_PROJECT, googleSignIn, labApi, microsoftSignIn, TENANT_ID } from '../services/identity/identityLab';

jest.setTimeout(60_000);

const SENT = 'Sent. The server replied: 250';
const HOUR_MS = 60 * 60 * 1000;
const GMAIL_ACCOUNT = { email: 'lab.alerts@gmail.com', password: 'Alerts-Lab-2026!' };

let lab: Lab;
let agent: Agent;
let values: Record<string, string>;
let mailApp: Awaited<ReturnType<typeof createMailApp>>;
const tested = new Set<string>();

/** Fills the `{name}` placeholders as the fault page's script does: encoded in the path, as is in body strings. */
function fill(request: FaultRequest, parameters: Record<string, string>): { path: string; body?: Record<string, unknown> } {
  const replace = (text: string, encode: boolean) =>
    text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      if (!(name in parameters)) return whole;
      return encode ? encodeURIComponent(parameters[name]!) : parameters[name]!;
    });
  const path = replace(request.path, true);
  if (!request.body) return { path };
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request.body)) body[key] = typeof value === 'string' ? replace(value, false) : value;
  return { path, body };
}

/** Sends a fault's on or off request and returns the reply body. */
async function switchFault(id: string, direction: 'on' | 'off'): Promise<Record<string, unknown>> {
  const fault = FAULTS.find((candidate) => candidate.id === id);
  if (!fault) throw new Error(`The catalogue has no fault ${id}`);
  const template = fault[direction];
  if (!template) throw new Error(`Fault ${id} has no "${direction}" request`);
  tested.add(id);

  const { path, body } = fill(template, values);
  const api = labApi(lab);
  const call = template.method === 'POST' ? api.post(path) : api.delete(path);
  const response = body ? await call.set('Content-Type', 'application/json').send(body) : await call;
  if (response.status >= 300) throw new Error(`${template.method} ${path} for fault ${id} ${direction} failed with HTTP ${response.status}: ${response.text}`);
  return response.body as Record<string, unknown>;
}

/** GET /api/routers/r1/fault-parameters, the values the fault page fills in for r1. */
async function faultParameters(): Promise<Record<string, string>> {
  const response = await labApi(lab).get('/api/routers/r1/fault-parameters').expect(200);
  return response.body.parameters as Record<string, string>;
}

function syslogMessages(category: string): string[] {
  return lab.router('r1')!.firmware.syslog.query({ category: category as never }).map((entry) => entry.message);
}

async function forceDdnsUpdate(): Promise<void> {
  const page = '/applications/dynamic-dns';
  const form = await agent.get(page).expect(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
  await agent.post(page).type('form').send({ _csrf: token, action: 'force', index: '1' }).expect(303);
}

function ddnsState() {
  return lab.router('r1')!.firmware.ddns.states()[0]!;
}

/** Moves lab time on and logs in again, because the web UI session times out meanwhile. */
async function advance(ms: number): Promise<void> {
  await lab.clock.advance(ms);
  agent = await loginAgent(routerOrigin(lab));
}

async function authorizeMicrosoft(secret: string, appId: string): Promise<void> {
  await saveProfile(agent, { name: 'm365', auth: 'oauth2', provider: 'microsoft', clientId: appId, clientSecret: secret, tenantId: TENANT_ID, sender: ALERTS.userPrincipalName });
  expect(await authorize(lab, agent, (browser, url) => microsoftSignIn(browser, url, ALERTS))).toContain('is authorized as');
}

beforeAll(async () => {
  lab = await startTestLab();
  agent = await loginAgent(routerOrigin(lab));
  await setUpDdns(lab, agent);
  await setWanHttps(lab, agent, true);
  mailApp = await createMailApp(lab);
  await authorizeMicrosoft(mailApp.secret, mailApp.appId);
  // The router's values come from the route the fault page fills its fields from; the rest are the catalogue's examples.
  values = { server: 'exchange', date: '2020-01-01T00:00:00Z', ...(await faultParameters()) };
  expect(await sendTestMail(agent)).toContain(SENT);
});

afterAll(async () => {
  await lab?.stop();
});

describe('fault parameters of r1', () => {
  test('name the authorized app and alerts', async () => {
    expect(await faultParameters()).toEqual({
      router: 'r1',
      tenant: 'contosolab.onmicrosoft.com',
      user: ALERTS.userPrincipalName,
      appId: mailApp.appId,
      secretId: mailApp.secretId,
      project: GOOGLE_PROJECT,
      provider: 'drayddns',
      account: 'r1-trainee',
    });
  });
});

describe('mail server faults', () => {
  test('smtp-auth-off-tenant rejects XOAUTH2', async () => {
    await switchFault('smtp-auth-off-tenant', 'on');
    expect(await sendTestMail(agent)).toContain('SmtpClientAuthentication is disabled for the Tenant');
    await switchFault('smtp-auth-off-tenant', 'off');
    expect(await sendTestMail(agent)).toContain(SENT);
  });

  test('smtp-auth-off-mailbox rejects XOAUTH2', async () => {
    await switchFault('smtp-auth-off-mailbox', 'on');
    expect(await sendTestMail(agent)).toContain('SmtpClientAuthentication is disabled for the Mailbox');
    await switchFault('smtp-auth-off-mailbox', 'off');
    expect(await sendTestMail(agent)).toContain(SENT);
  });

  test('smtp-server-down refuses connections', async () => {
    await switchFault('smtp-server-down', 'on');
    expect(await sendTestMail(agent)).toMatch(/refused/i);
    await switchFault('smtp-server-down', 'off');
    expect(await sendTestMail(agent)).toContain(SENT);
  });
});

describe('network and DDNS faults', () => {
  test('dns-failure makes lookups fail', async () => {
    await switchFault('dns-failure', 'on');
    expect(await sendTestMail(agent)).toMatch(/SERVFAIL/);
    await forceDdnsUpdate();
    expect(ddnsState().status).toBe('retrying');
    expect(ddnsState().message).toMatch(/SERVFAIL/);

    await switchFault('dns-failure', 'off');
    expect(await sendTestMail(agent)).toContain(SENT);
    await forceDdnsUpdate();
    expect(ddnsState().status).toBe('registered');
  });

  test('ddns-maintenance answers 911', async () => {
    await switchFault('ddns-maintenance', 'on');
    await forceDdnsUpdate();
    expect(ddnsState().message).toContain('911');
    expect(syslogMessages('DDNS').some((message) => message.includes('911'))).toBe(true);

    await switchFault('ddns-maintenance', 'off');
    await forceDdnsUpdate();
    expect(ddnsState().status).toBe('registered');
  });

  test('ddns-abuse-lock answers abuse', async () => {
    await switchFault('ddns-abuse-lock', 'on');
    await forceDdnsUpdate();
    expect(ddnsState().message).toContain('abuse');
    // The lock names the router's account, so other trainees' accounts at the provider keep working.
    const providerFaults = await labApi(lab).get('/api/ddns/drayddns/faults').expect(200);
    expect(providerFaults.body.abuseLock).toBe(false);
    const account = await labApi(lab).get('/api/ddns/drayddns/accounts/r1-trainee').expect(200);
    expect(account.body.faults.abuseLock).toBe(true);

    await switchFault('ddns-abuse-lock', 'off');
    await forceDdnsUpdate();
    expect(ddnsState().status).toBe('registered');
  });
});

describe('router clock fault', () => {
  test('router-clock-wrong-at-boot fails TLS until NTP sets it', async () => {
    const reply = await switchFault('router-clock-wrong-at-boot', 'on');
    expect(reply.rebooted).toBe(true);
    expect(String(reply.iso)).toMatch(/^2020-01-01T/);
    agent = await loginAgent(routerOrigin(lab));

    const failed = await sendTestMail(agent);
    expect(failed).toContain('certificate is not yet valid');
    expect(syslogMessages('Mail').some((message) => message.includes('certificate is not yet valid'))).toBe(true);
    await forceDdnsUpdate();
    expect(ddnsState().message).toContain('certificate is not yet valid');
    const ddnsLine = lab.router('r1')!.firmware.syslog.query({ category: 'DDNS' }).find((entry) => entry.message.includes('certificate is not yet valid'));
    expect(new Date(ddnsLine!.time).toISOString()).toMatch(/^2020-01-01T/);

    const synchronised = await switchFault('router-clock-wrong-at-boot', 'off');
    expect(synchronised.offsetMs).toBe(0);
    expect(syslogMessages('System').some((message) => message.startsWith('System time set by NTP'))).toBe(true);
    // The clock jumped years ahead, past the web UI session's idle timeout.
    agent = await loginAgent(routerOrigin(lab));
    expect(await sendTestMail(agent)).toContain(SENT);
    await forceDdnsUpdate();
    expect(ddnsState().status).toBe('registered');
  });

  test('router clock stays right after a reboot once off', async () => {
    await labApi(lab).post('/api/routers/r1/reset-button').send({ holdSeconds: 1 }).expect(202);
    agent = await loginAgent(routerOrigin(lab));
    const clock = await labApi(lab).get('/api/routers/r1/clock').expect(200);
    expect(clock.body.offsetMs).toBe(0);
    expect(clock.body.atNextBoot).toBeNull();
    expect(await sendTestMail(agent)).toContain(SENT);
  });
});

describe('clock-offset API', () => {
  test.each([
    [{}, 'body'],
    [{ date: '2020-01-01', offsetSeconds: 5 }, 'body'],
    [{ date: 'yesterday' }, 'date'],
    [{ offsetSeconds: 1e12 }, 'offsetSeconds'],
    [{ date: '2020-01-01', reboot: 'yes' }, 'reboot'],
  ])('rejects %j', async (body, field) => {
    const response = await labApi(lab).post('/api/routers/r1/clock-offset').send(body).expect(400);
    expect(response.body.error.field).toBe(field);
  });

  test('offset without reboot waits for the next boot', async () => {
    const set = await labApi(lab).post('/api/routers/r1/clock-offset').send({ offsetSeconds: -3600 }).expect(200);
    expect(set.body.offsetMs).toBe(0);
    expect(set.body.atNextBoot).toEqual({ offsetSeconds: -3600 });

    const cleared = await labApi(lab).delete('/api/routers/r1/clock-offset').expect(200);
    expect(cleared.body.atNextBoot).toBeNull();
  });
});

describe('identity provider faults', () => {
  test('client-secret-expired fails the refresh', async () => {
    await switchFault('client-secret-expired', 'on');
    await advance(2 * HOUR_MS);
    expect(await sendTestMail(agent)).toContain('AADSTS7000222');

    const created = await switchFault('client-secret-expired', 'off');
    await authorizeMicrosoft(String(created.value), values.appId!);
    values.secretId = String(created.secretId);
    expect((await faultParameters()).secretId).toBe(values.secretId);
    expect(await sendTestMail(agent)).toContain(SENT);
  });

  test('consent-revoked fails the refresh', async () => {
    await switchFault('consent-revoked', 'on');
    await advance(2 * HOUR_MS);
    expect(await sendTestMail(agent)).toContain('AADSTS65001');

    await switchFault('consent-revoked', 'off');
    expect(await authorize(lab, agent, (browser, url) => microsoftSignIn(browser, url, ALERTS))).toContain('is authorized as');
    expect(await sendTestMail(agent)).toContain(SENT);
  });

  test('refresh-tokens-revoked fails the refresh', async () => {
    await switchFault('refresh-tokens-revoked', 'on');
    await advance(2 * HOUR_MS);
    expect(await sendTestMail(agent)).toContain('AADSTS50173');

    // The catalogue has no off request: the trainee authorizes the profile again.
    expect(await authorize(lab, agent, (browser, url) => microsoftSignIn(browser, url, ALERTS))).toContain('is authorized as');
    expect(await sendTestMail(agent)).toContain(SENT);
  });

  test('google-app-testing expires refresh tokens after 7 days', async () => {
    const client = await createGoogleClient(lab);
    await saveProfile(agent, { name: 'gmail', auth: 'oauth2', provider: 'google', clientId: client.clientId, clientSecret: client.clientSecret, tenantId: '', sender: GMAIL_ACCOUNT.email });
    expect(await authorize(lab, agent, (browser, url) => googleSignIn(browser, url, GMAIL_ACCOUNT))).toContain('is authorized as');
    expect(await sendTestMail(agent)).toContain(SENT);

    await switchFault('google-app-testing', 'on');
    await advance(8 * 24 * HOUR_MS);
    expect(await sendTestMail(agent)).toContain('Token has been expired or revoked');

    await switchFault('google-app-testing', 'off');
    expect(await authorize(lab, agent, (browser, url) => googleSignIn(browser, url, GMAIL_ACCOUNT))).toContain('is authorized as');
    expect(await sendTestMail(agent)).toContain(SENT);
  });
});

test('every switchable fault has an effect test', () => {
  const switchable = FAULTS.filter((fault) => fault.on !== null).map((fault) => fault.id);
  expect([...tested].sort()).toEqual(switchable.sort());
});
