/**
 * Secrets stay secret. Known values are planted through the web UI as a trainee would (admin
 * password, PPPoE password, DDNS passwords, mail profile password, OAuth client secret), and OAuth
 * tokens are planted in the profile's token store. Then every path that sends them is exercised
 * (PPPoE dial, DDNS update, test e-mail, OAuth code redemption, token refresh, XOAUTH2). None of
 * them may appear in the lab log at debug level, any web UI page, the lab console and API, the
 * event timeline (once the API lists it), an exported backup, or any file under the data
 * directory: neither in clear nor in the encodings that carry them on the wire (base64, URL
 * encoding, HTTP Basic, SASL PLAIN, XOAUTH2).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import type { Lab } from '../../emulator';
import { API_ROUTES } from '../../emulator/console/api';
import type { ProfileTokens } from '../../firmware';
import { menuPages } from '../../webui/menu';
import { formBody, formsTo } from '../helpers/htmlForms';
import { csrfTokenOf, routerOrigin, startTestLab, tempDir } from '../helpers/lab';

type Agent = ReturnType<typeof request.agent>;

const ADMIN_PASSWORD = 'Adm-Plant-7Q2x!w';
const PPPOE_PASSWORD = 'Pppoe-Plant-4R8k';
const DDNS_PASSWORD = 'Ddns-Plant-9T3m';
const DDNS_URL_PASSWORD = 'DdnsUrl-Plant-2K5v';
const MAIL_PASSWORD = 'Mail-Plant-6W1p';
const CLIENT_SECRET = 'Secret~Plant.8N4q_zY';
const ACCESS_TOKEN = 'AccessTok-Plant-3J7d';
const REFRESH_TOKEN = 'RefreshTok-Plant-5H9c';
/** A password typed into a form that the router rejects; it must not come back in the page. */
const REJECTED_PASSWORD = 'Rejected-Plant-1Z6b';

const HAS_TIMELINE = API_ROUTES.includes('GET /api/timeline');

const TENANT_ID = '4d8b6e2a-93f1-4c0e-b7a5-1e6f2c9d8a47';
const CLIENT_ID = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
const MAIL_USER = 'lab.alerts@gmail.com';
const OAUTH_USER = 'alerts@contosolab.onmicrosoft.com';
const DDNS_LOGIN = 'r1-trainee';

let lab: Lab;
let data: ReturnType<typeof tempDir>;
let log = '';
let url: string;
let agent: Agent;
/** Every reply body the test saw, by where it came from. */
const seenTexts: { source: string; text: string }[] = [];
/** Session ids (from Set-Cookie) and CSRF tokens (from forms) the router issued. */
const sessionValues: string[] = [];

jest.setTimeout(90_000);

beforeAll(async () => {
  data = tempDir();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      log += chunk.toString();
      callback();
    },
  });
  lab = await startTestLab({ dataDir: data.path, logger: pino({ level: 'debug' }, stream) });
  url = routerOrigin(lab);
  agent = await login('admin');

  await plantThroughWebUi();
  await useTheSecrets();
  await collectEverything();
});

afterAll(async () => {
  await lab?.stop();
  data?.remove();
});

/** Returns each secret with the forms it takes on the wire. */
function secretForms(): { name: string; values: string[] }[] {
  const plain = (value: string) => [value, Buffer.from(value).toString('base64'), encodeURIComponent(value)];
  const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
  return [
    { name: 'admin password', values: plain(ADMIN_PASSWORD) },
    { name: 'PPPoE password', values: [...plain(PPPOE_PASSWORD), basic('planted-user', PPPOE_PASSWORD)] },
    { name: 'DDNS password', values: [...plain(DDNS_PASSWORD), basic(DDNS_LOGIN, DDNS_PASSWORD)] },
    { name: 'DDNS password in URL', values: plain(DDNS_URL_PASSWORD) },
    { name: 'mail profile password', values: [...plain(MAIL_PASSWORD), Buffer.from(`\u0000${MAIL_USER}\u0000${MAIL_PASSWORD}`).toString('base64')] },
    { name: 'OAuth client secret', values: [...plain(CLIENT_SECRET), basic(CLIENT_ID, CLIENT_SECRET)] },
    { name: 'OAuth access token', values: [...plain(ACCESS_TOKEN), Buffer.from(`user=${OAUTH_USER}\u0001auth=Bearer ${ACCESS_TOKEN}\u0001\u0001`).toString('base64')] },
    { name: 'OAuth refresh token', values: plain(REFRESH_TOKEN) },
    { name: 'rejected form password', values: plain(REJECTED_PASSWORD) },
  ];
}

describe('planted secrets', () => {
  test('the planted secrets were used', () => {
    // Without these, a clean result would prove nothing.
    const messages = lab.router('r1')!.firmware.syslog.query({}).map((entry) => entry.message);
    expect(messages.filter((message) => message.includes('replied "badauth"')).length).toBeGreaterThanOrEqual(2);
    expect(messages.some((message) => /^WAN2 is connected.*\(PPPoE\)$/i.test(message))).toBe(true);
    expect(messages.some((message) => message.startsWith('Redeeming the authorization code of mail profile 1'))).toBe(true);
    expect(messages.some((message) => /^(Refreshing the token of mail profile 1 failed|Mail profile 1 \(oauth\) needs re-authorization)/.test(message))).toBe(true);
    expect(log).toContain('"mechanism":"XOAUTH2"');
    expect(log).toContain('"mechanism":"PLAIN"');
    expect(seenTexts.some((entry) => entry.source.includes('test e-mail') && entry.text.includes('Sending failed'))).toBe(true);
    expect(log).toContain('"level":20');
  });

  test('lab log has no secret', () => {
    expect(leaks([{ source: 'lab log (pino, debug)', text: log }])).toEqual([]);
  });

  test('web UI pages have no secret', () => {
    expect(leaks(seenTexts.filter((entry) => entry.source.startsWith('web UI')))).toEqual([]);
  });

  test('console and API have no secret', () => {
    expect(leaks(seenTexts.filter((entry) => entry.source.startsWith('lab ')))).toEqual([]);
  });

  // The event timeline is checked once the lab API lists it.
  (HAS_TIMELINE ? test : test.skip)('event timeline has no secret', () => {
    const events = seenTexts.filter((entry) => entry.source.startsWith('timeline'));
    expect(events.length).toBeGreaterThan(1);
    expect(leaks(events)).toEqual([]);
  });

  test('exported backup has no secret', () => {
    const backups = seenTexts.filter((entry) => entry.source.startsWith('backup'));
    expect(backups).toHaveLength(1);
    expect(leaks(backups)).toEqual([]);
  });

  test('data directory files have no secret', () => {
    const files = filesUnder(data.path).map((file) => ({ source: `file ${path.relative(data.path, file)}`, text: readFileSync(file).toString('latin1') }));
    expect(files.some((file) => file.source.endsWith(path.join('r1', 'config.json')))).toBe(true);
    expect(files.some((file) => file.source.endsWith('mail-tokens.json'))).toBe(true);
    expect(leaks(files)).toEqual([]);
  });

  test('session ids and CSRF tokens stay out of logs and files', () => {
    expect(sessionValues.length).toBeGreaterThan(1);
    const places = [{ source: 'lab log (pino, debug)', text: log }, ...filesUnder(data.path).map((file) => ({ source: `file ${path.relative(data.path, file)}`, text: readFileSync(file).toString('latin1') }))];
    const found = sessionValues.flatMap((value) => places.filter((place) => place.text.includes(value)).map((place) => `${value.slice(0, 6)}... in ${place.source}`));
    expect(found).toEqual([]);
  });
});

function leaks(places: { source: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const secret of secretForms()) {
    for (const place of places) {
      const form = secret.values.find((value) => place.text.includes(value));
      if (form !== undefined) found.push(`${secret.name} (${form === secret.values[0] ? 'clear' : `encoded as ${form}`}) in ${place.source}`);
    }
  }
  return found;
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Logs in through the login form and keeps the session cookies the router sets. */
async function login(password: string): Promise<Agent> {
  const next = request.agent(url);
  const form = await next.get('/login').expect(200);
  recordCookies(form);
  const response = await next.post('/login').type('form').send({ _csrf: csrfTokenOf(form.text), username: 'admin', password });
  if (response.status !== 303) throw new Error(`Login failed with HTTP ${response.status}`);
  recordCookies(response);
  return next;
}

function recordCookies(response: request.Response): void {
  for (const cookie of (response.headers['set-cookie'] as unknown as string[] | undefined) ?? []) {
    const value = /^[^=]+=([^;]*)/.exec(cookie)?.[1];
    if (value) sessionValues.push(value);
  }
}

async function submit(pagePath: string, changes: Record<string, string | string[] | undefined>, formIndex = 0): Promise<request.Response> {
  const page = await agent.get(pagePath).expect(200);
  const form = formsTo(page.text, pagePath.split('?')[0]!)[formIndex];
  if (!form) throw new Error(`${pagePath} has no form number ${formIndex}`);
  const response = await agent.post(form.action).type('form').send(formBody(form, changes));
  seenTexts.push({ source: `web UI reply to POST ${pagePath}`, text: response.text });
  return response;
}

async function expectSaved(pagePath: string, changes: Record<string, string | string[] | undefined>, formIndex = 0): Promise<void> {
  const response = await submit(pagePath, changes, formIndex);
  if (response.status !== 303) throw new Error(`Saving ${pagePath} failed with HTTP ${response.status}: ${response.text.slice(0, 400)}`);
}

async function plantThroughWebUi(): Promise<void> {
  await expectSaved('/system-maintenance/administrator-password', { oldPassword: 'admin', newPassword: ADMIN_PASSWORD, confirmPassword: ADMIN_PASSWORD });
  agent = await login(ADMIN_PASSWORD);

  await expectSaved('/wan/internet-access', { enabled: 'on', mode: 'pppoe', pppoeUsername: 'planted-user', pppoePassword: PPPOE_PASSWORD }, 1);
  // A rejected form with a new password: the page that names the error must not echo it.
  const rejected = await submit('/wan/internet-access', { mode: 'static', staticIp: '300.1.1.1', pppoePassword: REJECTED_PASSWORD }, 1);
  expect(rejected.status).toBe(400);

  await expectSaved('/applications/dynamic-dns', { enabled: 'on' });
  await expectSaved('/applications/dynamic-dns?index=1', { enabled: 'on', provider: 'drayddns', domain: 'r1', login: DDNS_LOGIN, password: DDNS_PASSWORD });
  await expectSaved('/applications/dynamic-dns?index=2', {
    enabled: 'on',
    provider: 'user-defined',
    domain: 'planted.example.net',
    login: 'planted-user',
    password: DDNS_URL_PASSWORD,
    providerHost: 'members.dyndns.org',
    apiPath: '/nic/update?hostname=###HOSTNAME###&myip=###IP###&user=###USERNAME###&pass=###PASSWORD###',
    authType: 'url',
  });

  await expectSaved('/objects-setting/sms-mail-service-object?index=1', {
    name: 'oauth',
    auth: 'oauth2',
    provider: 'microsoft',
    smtpServer: '',
    sender: OAUTH_USER,
    username: OAUTH_USER,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    tenantId: TENANT_ID,
  });
  await expectSaved('/objects-setting/sms-mail-service-object?index=2', { name: 'password', auth: 'password', smtpServer: 'smtp.gmail.com', smtpPort: '465', security: 'ssl', sender: MAIL_USER, username: MAIL_USER, password: MAIL_PASSWORD });
}

/** Makes the router send every secret where it belongs, so that a leak on the way would show. */
async function useTheSecrets(): Promise<void> {
  const router = lab.router('r1')!;
  const consoleUrl = lab.consoleUrl.replace(/\/$/, '');
  await request(consoleUrl).post('/api/routers/r1/ports/WAN2/link').send({ up: true }).expect(200);

  const ddns = await agent.get('/applications/dynamic-dns').expect(200);
  for (const [index, form] of formsTo(ddns.text, '/applications/dynamic-dns').entries()) {
    if (!form.fields.some((field) => field.name === 'action' && field.values.includes('force'))) continue;
    const response = await agent.post(form.action).type('form').send(formBody(form));
    seenTexts.push({ source: `web UI reply to Force Update ${index}`, text: response.text });
  }

  // OAuth: start authorizing profile 1, then deliver a code, which the router redeems with its client secret.
  const profile = await agent.get('/objects-setting/sms-mail-service-object?index=1').expect(200);
  const authorize = await agent.get('/objects-setting/sms-mail-service-object/authorize').query({ index: 1, _csrf: csrfTokenOf(profile.text) });
  expect(authorize.status).toBe(302);
  const state = new URL(authorize.headers.location!).searchParams.get('state')!;
  const callback = await request(url).get('/doc/mailOAuth.htm').query({ state, code: 'planted-code' });
  seenTexts.push({ source: 'web UI OAuth callback', text: callback.text });

  // Tokens of profile 1: a valid-looking access token for XOAUTH2 first, then a refresh with the refresh token.
  const tokens: ProfileTokens = { account: OAUTH_USER, accessToken: ACCESS_TOKEN, accessTokenExpiresAt: lab.clock.now() + 3_600_000, refreshToken: REFRESH_TOKEN, scope: 'https://outlook.office.com/SMTP.Send offline_access', authorizedAt: lab.clock.now() };
  // Planted in the token store, because a real authorization picks token values the test cannot know in advance.
  const tokenStore = (router.firmware.mail as unknown as { tokens: { set(index: number, value: ProfileTokens): Promise<void> } }).tokens;
  await tokenStore.set(0, tokens);

  for (const index of [1, 2]) {
    const response = await submit(`/objects-setting/sms-mail-service-object?index=${index}`, { recipient: 'noc@example.net' }, 1);
    seenTexts.push({ source: `web UI test e-mail of profile ${index}`, text: response.text });
  }
  // An expired access token makes the router refresh it with the refresh token and the client secret.
  await tokenStore.set(0, { ...tokens, accessTokenExpiresAt: lab.clock.now() - 1000 });
  const refreshed = await submit('/objects-setting/sms-mail-service-object?index=1', { recipient: 'noc@example.net' }, 1);
  seenTexts.push({ source: 'web UI test e-mail after refresh', text: refreshed.text });
  await lab.clock.advance(60_000);
  await router.firmware.store.flush();
}

/** Reads every page, the console and API, the timeline and a backup. */
async function collectEverything(): Promise<void> {
  for (const page of menuPages()) {
    const first = await agent.get(page.url);
    seenTexts.push({ source: `web UI ${page.url}`, text: first.text });
    sessionValues.push(...[...first.text.matchAll(/name="_csrf" value="([^"]+)"/g)].map((match) => match[1]!));
    for (const match of first.text.matchAll(/href="([^"#]+)"/g)) {
      const href = match[1]!.replace(/&amp;/g, '&');
      if (!href.startsWith(`${page.url}?`) && !href.startsWith(`${page.url}/`)) continue;
      const variant = await agent.get(href);
      seenTexts.push({ source: `web UI ${href}`, text: variant.text });
    }
  }
  for (const index of [1, 2, 3]) {
    seenTexts.push({ source: `web UI profile ${index}`, text: (await agent.get(`/objects-setting/sms-mail-service-object?index=${index}`)).text });
    seenTexts.push({ source: `web UI DDNS account ${index}`, text: (await agent.get(`/applications/dynamic-dns?index=${index}`)).text });
  }
  seenTexts.push({ source: 'web UI syslog export', text: (await agent.get('/diagnostics/syslog-explorer/export')).text });
  const loginPage = await request(url).get('/login');
  recordCookies(loginPage);
  seenTexts.push({ source: 'web UI login page', text: loginPage.text });

  const backup = await agent.get('/system-maintenance/configuration-backup/download').buffer(true).parse((response, done) => {
    let body = '';
    response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    response.on('end', () => done(null, body));
  });
  seenTexts.push({ source: 'backup download', text: backup.body as string });

  const consoleUrl = lab.consoleUrl.replace(/\/$/, '');
  for (const route of ['/', '/api/routers', '/api/routers/r1/syslog', '/api/routers/r1/syslog.txt', '/api/lab', '/api/dns', '/api/ddns', '/api/ddns/drayddns/history', '/api/ddns/dyndns/history', '/api/mail/mailboxes', '/api/identity']) {
    const response = await request(consoleUrl).get(route).buffer(true);
    seenTexts.push({ source: `lab ${route}`, text: response.text });
  }
  if (HAS_TIMELINE) {
    const timeline = await request(consoleUrl).get('/api/timeline').query({ limit: 1000 }).expect(200);
    seenTexts.push({ source: 'timeline', text: timeline.text });
    for (const event of (timeline.body as { events: { seq: number }[] }).events) {
      seenTexts.push({ source: `timeline event ${event.seq}`, text: (await request(consoleUrl).get(`/api/timeline/${event.seq}`)).text });
    }
  }
}
