/**
 * The router's OAuth 2.0 callback (/doc/mailOAuth.htm) and the DrayDDNS relay in front of it.
 * Completed authorizations go through the emulated Entra ID and Google: the test signs in on their
 * pages as the administrator's browser would, and hands the code that comes back through the relay
 * to the router. Then it replays states and codes, swaps them between profiles,
 * and sends callbacks with states that were never issued, have expired or belong to a session that
 * has ended. The relay must forward only to router names in drayddns.com.
 */
import request from 'supertest';
import type { Lab } from '../../emulator';
import type { DdnsConfig, MailConfig, ProfileTokens } from '../../firmware';
import { emptyProfile } from '../../firmware';
import { formBody, pageText, postForms } from '../helpers/htmlForms';
import { csrfTokenOf, loginAgent, routerOrigin, startTestLab } from '../helpers/lab';
import { createGoogleClient, googleSignIn, LabBrowser, proxyAgent } from '../services/identity/identityLab';

type Agent = ReturnType<typeof request.agent>;

const TENANT = 'contosolab.onmicrosoft.com';
const USER = 'alerts@contosolab.onmicrosoft.com';
const PASSWORD = 'Alerts-Lab-2026!';
const RELAY_URI = 'https://oauth2.drayddns.com/doc/mailOAuth.htm';
const PROFILE_PAGE = '/objects-setting/sms-mail-service-object';
/** The seeded Google account that is a test user of the seeded project. */
const GOOGLE_USER = { email: 'lab.alerts@gmail.com', password: 'Alerts-Lab-2026!' };
/** Mail profiles set up for Google. */
const GOOGLE_FIRST = 3;
const GOOGLE_SECOND = 4;

let lab: Lab;
let url: string;
let admin: Agent;
let caPem: string;
/** The lab's loopback port forward of each emulated service, by `host:port`. */
let forwards: Map<string, number>;

jest.setTimeout(60_000);

beforeAll(async () => {
  lab = await startTestLab();
  url = routerOrigin(lab);
  caPem = lab.ca.caPem();
  forwards = new Map(lab.ready().forwards.map((forward) => [`${forward.host}:${forward.port}`, forward.localPort]));

  const app = await registerApp();
  const firmware = lab.router('r1')!.firmware;
  const ddns = firmware.store.get<DdnsConfig>('ddns');
  ddns.enabled = true;
  ddns.accounts[0] = { ...ddns.accounts[0]!, enabled: true, provider: 'drayddns', domain: 'r1', login: 'r1-trainee', password: 'r1-ddns-pass' };
  const mail = firmware.store.get<MailConfig>('mail');
  const oauthProfile = (name: string) => ({ ...emptyProfile(), name, auth: 'oauth2' as const, smtpServer: 'smtp.office365.com', sender: USER, oauth: { provider: 'microsoft' as const, clientId: app.appId, clientSecret: app.secret, tenantId: app.tenantId } });
  mail.profiles[0] = oauthProfile('first');
  mail.profiles[1] = oauthProfile('second');
  const client = await createGoogleClient(lab);
  const googleProfile = (name: string) => ({ ...emptyProfile(), name, auth: 'oauth2' as const, smtpServer: 'smtp.gmail.com', sender: GOOGLE_USER.email, oauth: { provider: 'google' as const, clientId: client.clientId, clientSecret: client.clientSecret, tenantId: '' } });
  mail.profiles[GOOGLE_FIRST - 1] = googleProfile('google first');
  mail.profiles[GOOGLE_SECOND - 1] = googleProfile('google second');
  await firmware.store.update({ ddns, mail }, 'test');
  admin = await loginAgent(url);
});

afterAll(async () => {
  await lab.stop();
});

function tokens(profile: number): ProfileTokens | undefined {
  return lab.router('r1')!.firmware.mail.tokenStatus(profile - 1);
}

describe('completed authorization', () => {
  let first: { state: string; code: string; query: string };

  beforeAll(async () => {
    first = await authorizeThroughProvider(1);
  });

  test('relay forwards to the router name', () => {
    expect(first.query).toContain(`state=${encodeURIComponent(first.state)}`);
  });

  test('valid callback stores tokens', async () => {
    const response = await callback(first.query);

    expect(response.status).toBe(200);
    expect(pageText(response.text)).toContain(USER);
    expect(tokens(1)?.account).toBe(USER);
    expect(tokens(1)?.refreshToken).not.toBe('');
  });

  test('issued tokens stay out of pages', async () => {
    const issued = tokens(1)!;
    const pages = [
      (await admin.get(`${PROFILE_PAGE}?index=1`).expect(200)).text,
      (await admin.get(PROFILE_PAGE).expect(200)).text,
      (await admin.get('/diagnostics/syslog-explorer/export').expect(200)).text,
    ];

    for (const page of pages) {
      expect(page).not.toContain(issued.accessToken);
      expect(page).not.toContain(issued.refreshToken);
    }
  });

  test('replayed callback is rejected', async () => {
    const before = tokens(1);

    const response = await callback(first.query);

    expect(response.status).toBe(400);
    expect(pageText(response.text)).toContain('The state is unknown, already used or older than 10 minutes');
    expect(tokens(1)).toEqual(before);
  });

  test('replayed code with new state is rejected', async () => {
    const before = tokens(1);
    const state = await startAuthorization(1);

    const response = await callback(new URLSearchParams({ code: first.code, state }).toString());

    expect(response.status).toBe(400);
    expect(pageText(response.text)).toMatch(/The token request failed with invalid_grant: AADSTS54005/);
    expect(tokens(1)).toEqual(before);
  });

  test('code of another profile is rejected', async () => {
    const before = tokens(1);
    const second = await authorizeThroughProvider(2);
    // The code was issued for profile 2's PKCE challenge, but profile 1's pending authorization has another verifier.
    const state = await startAuthorization(1);

    const response = await callback(new URLSearchParams({ code: second.code, state }).toString());

    expect(response.status).toBe(400);
    expect(pageText(response.text)).toMatch(/The token request failed with invalid_grant: AADSTS501481/);
    expect(tokens(1)).toEqual(before);
    expect(tokens(2)).toBeUndefined();
  });
});

describe('completed authorization with Google', () => {
  let first: { state: string; code: string; query: string };

  beforeAll(async () => {
    first = await authorizeWithGoogle(GOOGLE_FIRST);
  });

  test('relay forwards to the router name', () => {
    expect(first.query).toContain(`state=${encodeURIComponent(first.state)}`);
  });

  test('valid callback stores tokens', async () => {
    const response = await callback(first.query);

    expect(response.status).toBe(200);
    expect(pageText(response.text)).toContain(GOOGLE_USER.email);
    expect(tokens(GOOGLE_FIRST)?.account).toBe(GOOGLE_USER.email);
    expect(tokens(GOOGLE_FIRST)?.refreshToken).not.toBe('');
  });

  test('replayed callback is rejected', async () => {
    const before = tokens(GOOGLE_FIRST);

    const response = await callback(first.query);

    expect(response.status).toBe(400);
    expect(pageText(response.text)).toContain('The state is unknown, already used or older than 10 minutes');
    expect(tokens(GOOGLE_FIRST)).toEqual(before);
  });

  test('replayed code with new state is rejected', async () => {
    const before = tokens(GOOGLE_FIRST);
    const state = await startAuthorization(GOOGLE_FIRST);

    const response = await callback(new URLSearchParams({ code: first.code, state, scope: 'https://mail.google.com/' }).toString());

    expect(response.status).toBe(400);
    expect(pageText(response.text)).toMatch(/The token request failed with invalid_grant: Bad Request/);
    expect(tokens(GOOGLE_FIRST)).toEqual(before);
  });

  test('code of another profile is rejected', async () => {
    const before = tokens(GOOGLE_FIRST);
    const second = await authorizeWithGoogle(GOOGLE_SECOND);
    // The code was issued for the other profile's PKCE challenge; this profile's pending authorization has another verifier.
    const state = await startAuthorization(GOOGLE_FIRST);

    const response = await callback(new URLSearchParams({ code: second.code, state, scope: 'https://mail.google.com/' }).toString());

    expect(response.status).toBe(400);
    expect(pageText(response.text)).toMatch(/The token request failed with invalid_grant: Invalid code verifier\./);
    expect(tokens(GOOGLE_FIRST)).toEqual(before);
    expect(tokens(GOOGLE_SECOND)).toBeUndefined();
  });

  test('cancelled consent leaves the profile unauthorized', async () => {
    const page = await admin.get(`${PROFILE_PAGE}?index=${GOOGLE_SECOND}`).expect(200);
    const start = await admin.get(`${PROFILE_PAGE}/authorize`).query({ index: GOOGLE_SECOND, _csrf: csrfTokenOf(page.text) }).expect(302);
    const browser = new LabBrowser(proxyAgent(lab));
    const toRelay = await googleSignIn(browser, start.headers.location!, GOOGLE_USER, { consent: 'cancel' });
    const toRouter = await browser.get(toRelay.location!);
    const query = new URL(toRouter.location!).search.slice(1);
    expect(new URLSearchParams(query).get('error')).toBe('access_denied');

    const response = await callback(query);

    expect(response.status).toBe(400);
    expect(pageText(response.text)).toMatch(/access_denied/);
    expect(tokens(GOOGLE_SECOND)).toBeUndefined();
  });
});

describe('callback state alone', () => {
  test('missing state is rejected', async () => {
    const response = await callback('code=some-code');

    expect(response.status).toBe(400);
    expect(pageText(response.text)).toContain('The callback carries no state');
  });

  test('unknown state is rejected', async () => {
    const response = await callback(new URLSearchParams({ code: 'some-code', state: `${Buffer.from('r1.drayddns.com').toString('base64url')}.never-issued` }).toString());

    expect(response.status).toBe(400);
    expect(pageText(response.text)).toContain('The state is unknown, already used or older than 10 minutes');
  });

  test('altered state is rejected', async () => {
    const state = await startAuthorization(2);
    const altered = `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`;

    const response = await callback(new URLSearchParams({ code: 'some-code', state: altered }).toString());

    expect(response.status).toBe(400);
    expect(pageText(response.text)).toContain('The state is unknown');
  });

  test('state is used once', async () => {
    const state = await startAuthorization(2);

    const first = await callback(new URLSearchParams({ error: 'access_denied', error_description: 'AADSTS65004: User declined to consent', state }).toString());
    const second = await callback(new URLSearchParams({ code: 'some-code', state }).toString());

    expect(first.status).toBe(400);
    expect(pageText(first.text)).toContain('access_denied');
    expect(second.status).toBe(400);
    expect(pageText(second.text)).toContain('already used');
    expect(tokens(2)).toBeUndefined();
  });

  test('state older than 10 minutes is rejected', async () => {
    const state = await startAuthorization(2);
    await lab.clock.advance(10 * 60_000 + 1000);
    // The wait also ended the admin session (5 idle minutes), so log in again for the next tests.
    admin = await loginAgent(url);

    const response = await callback(new URLSearchParams({ code: 'some-code', state }).toString());

    expect(response.status).toBe(400);
    expect(pageText(response.text)).toContain('older than 10 minutes');
  });

  test('state of ended session is rejected', async () => {
    const state = await startAuthorization(2);
    const dashboard = await admin.get('/dashboard').expect(200);
    await admin.post('/logout').type('form').send({ _csrf: csrfTokenOf(dashboard.text) }).expect(303);
    admin = await loginAgent(url);

    const response = await callback(new URLSearchParams({ code: 'some-code', state }).toString());

    expect(response.status).toBe(400);
    expect(pageText(response.text)).toContain('The administrator session that started this authorization has ended');
  });

  test('state without code is rejected', async () => {
    const state = await startAuthorization(2);

    const response = await callback(new URLSearchParams({ state }).toString());

    expect(response.status).toBe(400);
    expect(pageText(response.text)).toContain('carries no authorization code');
  });

  test('authorize needs the CSRF token', async () => {
    for (const token of [undefined, 'wrong-token']) {
      const response = await admin.get(`${PROFILE_PAGE}/authorize`).query(token === undefined ? { index: 1 } : { index: 1, _csrf: token });

      expect(response.status).toBe(400);
      expect(response.headers.location).toBeUndefined();
      expect(pageText(response.text)).toContain('_csrf is missing or out of date');
    }
  });
});

describe('DrayDDNS relay', () => {
  const encoded = (hostname: string) => `${Buffer.from(hostname).toString('base64url')}.random-part`;

  test.each([
    ['another domain', 'evil.example.com'],
    ['our name under another domain', 'r1.drayddns.com.evil.example'],
    ['nested name', 'a.r1.drayddns.com'],
    ['the relay itself', 'oauth2.drayddns.com'],
    ['the bare domain', 'drayddns.com'],
    ['trailing dot', 'r1.drayddns.com.'],
    ['user info', 'evil.example@r1.drayddns.com'],
    ['path in the name', 'evil.example/.r1.drayddns.com'],
    ['port in the name', 'r1.drayddns.com:8443'],
    ['IP address', '127.0.0.1'],
    ['header injection', 'r1\r\nLocation: https://evil.example/.drayddns.com'],
  ])('%s is not a target', async (_label, hostname) => {
    const response = await relay().get('/doc/mailOAuth.htm').query({ code: 'some-code', state: encoded(hostname) });

    expect(response.status).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(pageText(response.text)).toContain('does not name a router in drayddns.com');
  });

  test('state given twice is not forwarded', async () => {
    const response = await relay().get(`/doc/mailOAuth.htm?code=c&state=${encoded('r1.drayddns.com')}&state=${encoded('evil.example.com')}`);

    expect(response.status).toBe(400);
    expect(response.headers.location).toBeUndefined();
  });

  test('forwards only the OAuth parameters', async () => {
    const response = await relay().get('/doc/mailOAuth.htm').query({ code: 'c', state: encoded('R1.DrayDDNS.com'), redirect_uri: 'https://evil.example/', next: '//evil.example' });

    expect(response.status).toBe(302);
    const location = new URL(response.headers.location!);
    expect(location.origin).toBe('https://r1.drayddns.com');
    expect(location.pathname).toBe('/doc/mailOAuth.htm');
    expect([...location.searchParams.keys()].sort()).toEqual(['code', 'state']);
  });
});

/** Returns a client of the relay over HTTPS, as the Internet host reaches it. */
function relay() {
  const agent = request('https://oauth2.drayddns.com');
  return {
    get: (path: string) => agent.get(path).connect({ 'oauth2.drayddns.com': { host: '127.0.0.1', port: forwards.get('oauth2.drayddns.com:443')! } }).ca(caPem),
  };
}

/** Sends the relay's forward to the router's callback page on its LAN address. */
function callback(query: string) {
  return request(url).get(`/doc/mailOAuth.htm?${query}`);
}

/** Registers an app in the seeded tenant for the relay's redirect URI, with admin consent and a secret. */
async function registerApp(): Promise<{ appId: string; secret: string; tenantId: string }> {
  const api = request(lab.consoleUrl.replace(/\/$/, ''));
  const base = `/api/identity/microsoft/tenants/${TENANT}`;
  const created = await api
    .post(`${base}/apps`)
    .send({
      displayName: 'Vigor mail',
      redirectUris: { web: [RELAY_URI] },
      permissions: [
        { api: 'Office 365 Exchange Online', permission: 'SMTP.Send', type: 'delegated' },
        { api: 'Microsoft Graph', permission: 'offline_access', type: 'delegated' },
      ],
    })
    .expect(201);
  const appId = (created.body as { appId: string }).appId;
  const secret = (await api.post(`${base}/apps/${appId}/secrets`).send({}).expect(201)).body as { value: string };
  await api.post(`${base}/apps/${appId}/admin-consent`).expect(200);
  const tenant = (await api.get(base).expect(200)).body as { id: string };
  return { appId, secret: secret.value, tenantId: tenant.id };
}

/**
 * Authorizes a Google profile as the administrator's browser does, through the lab proxy as an
 * Internet host: Authorize on the router, Google's sign-in and consent pages, and the relay.
 */
async function authorizeWithGoogle(profile: number): Promise<{ state: string; code: string; query: string }> {
  const page = await admin.get(`${PROFILE_PAGE}?index=${profile}`).expect(200);
  const start = await admin.get(`${PROFILE_PAGE}/authorize`).query({ index: profile, _csrf: csrfTokenOf(page.text) }).expect(302);
  expect(new URL(start.headers.location!).host).toBe('accounts.google.com');

  const browser = new LabBrowser(proxyAgent(lab));
  const toRelay = await googleSignIn(browser, start.headers.location!, GOOGLE_USER);
  if (!toRelay.location?.startsWith(`${RELAY_URI}?`)) throw new Error(`Google sign-in ended with HTTP ${toRelay.status}: ${pageText(toRelay.text).slice(0, 300)}`);
  const relayed = await browser.get(toRelay.location);
  const toRouter = new URL(relayed.location!);
  expect(toRouter.origin).toBe('https://r1.drayddns.com');
  return { state: toRouter.searchParams.get('state')!, code: toRouter.searchParams.get('code')!, query: toRouter.search.slice(1) };
}

/** Presses Authorize on the profile page and returns the state of the provider URL it redirects to. */
async function startAuthorization(profile: number): Promise<string> {
  const page = await admin.get(`${PROFILE_PAGE}?index=${profile}`).expect(200);
  const response = await admin.get(`${PROFILE_PAGE}/authorize`).query({ index: profile, _csrf: csrfTokenOf(page.text) });
  if (response.status !== 302) throw new Error(`Authorize of profile ${profile} failed with HTTP ${response.status}: ${pageText(response.text).slice(0, 300)}`);
  return new URL(response.headers.location!).searchParams.get('state')!;
}

/**
 * Authorizes a profile as the administrator's browser does: Authorize on the router, sign-in on the
 * provider's pages, the provider's redirect to the relay, and the relay's redirect. Returns the
 * state and code, and the query the relay forwards to the router.
 */
async function authorizeThroughProvider(profile: number): Promise<{ state: string; code: string; query: string }> {
  const page = await admin.get(`${PROFILE_PAGE}?index=${profile}`).expect(200);
  const start = await admin.get(`${PROFILE_PAGE}/authorize`).query({ index: profile, _csrf: csrfTokenOf(page.text) }).expect(302);
  const authorizeUrl = new URL(start.headers.location!);
  expect(authorizeUrl.host).toBe('login.microsoftonline.com');

  const browser = request.agent('https://login.microsoftonline.com');
  const via = { 'login.microsoftonline.com': { host: '127.0.0.1', port: forwards.get('login.microsoftonline.com:443')! } };
  let response = await browser.get(authorizeUrl.pathname + authorizeUrl.search).connect(via).ca(caPem);
  for (let step = 0; step < 6 && response.status === 200; step += 1) {
    const form = postForms(response.text)[0];
    if (!form) throw new Error(`The sign-in page has no form: ${pageText(response.text).slice(0, 300)}`);
    const fields = new Set(form.fields.map((field) => field.name));
    const changes: Record<string, string> = {};
    if (fields.has('login')) changes.login = USER;
    if (fields.has('passwd')) changes.passwd = PASSWORD;
    if (form.action.endsWith('/Consent/Set')) changes.decision = 'accept';
    response = await browser.post(form.action).type('form').send(formBody(form, changes)).connect(via).ca(caPem);
  }
  if (response.status !== 302) throw new Error(`Sign-in ended with HTTP ${response.status}: ${pageText(response.text).slice(0, 300)}`);
  const toRelay = new URL(response.headers.location!);
  expect(toRelay.origin + toRelay.pathname).toBe(RELAY_URI);

  const relayed = await relay().get(toRelay.pathname + toRelay.search).expect(302);
  const toRouter = new URL(relayed.headers.location!);
  expect(toRouter.origin).toBe('https://r1.drayddns.com');
  return { state: toRouter.searchParams.get('state')!, code: toRouter.searchParams.get('code')!, query: toRouter.search.slice(1) };
}
