/**
 * The emulated Google Cloud console clicked with supertest over the lab proxy: create an OAuth
 * client (secret shown once), publish the app and move it back to Testing, manage test users,
 * then use the client with the Google sign-in.
 */
import request from 'supertest';
import type { Lab } from '../../../emulator';
import { SEED_ACCOUNTS } from '../../../emulator/services/google/seed';
import { LabBrowser, unescapeHtml } from '../../helpers/labHttps';
import { startTestLab } from '../../helpers/lab';
import { GMAIL_SCOPE, GOOGLE_PROJECT, googleSignIn, identity, proxyAgent, proxyFetch, REDIRECT_URI, redirectParams } from './identityLab';

const [OWNER, ALERTS, TRAINEE] = SEED_ACCOUNTS as [(typeof SEED_ACCOUNTS)[0], (typeof SEED_ACCOUNTS)[0], (typeof SEED_ACCOUNTS)[0]];
let lab: Lab;
let cloud: ReturnType<typeof request.agent>;

beforeAll(async () => {
  lab = await startTestLab();
  const tunnel = proxyAgent(lab);
  cloud = request.agent('https://console.cloud.google.com');
  cloud.ca(lab.ca.caPem());
  cloud.use((req: request.Test) => {
    req.agent(tunnel);
  });
});

afterAll(async () => {
  await lab.stop();
});

function cell(html: string, id: string): string {
  const match = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html);
  if (!match) throw new Error(`The page has no element #${id}: ${html.slice(0, 300)}`);
  return unescapeHtml(match[1]!);
}

async function click(pagePath: string, action: string, fields: Record<string, string> = {}): Promise<string> {
  const page = await cloud.get(pagePath).expect(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const posted = await cloud.post(action).type('form').send({ _csrf: token, ...fields }).expect(303);
  return (await cloud.get(posted.headers.location!).expect(200)).text;
}

test('sign in and see the project', async () => {
  await cloud.get('/').expect(303).expect('location', '/signin');
  await cloud.post('/signin').type('form').send({ email: OWNER.email, password: OWNER.password }).expect(303);
  const projects = await cloud.get('/').expect(200);
  expect(projects.text).toContain(`<td class="project-id">${GOOGLE_PROJECT}</td>`);
});

test('create a client and use it', async () => {
  const credentials = `/apis/credentials?project=${GOOGLE_PROJECT}`;
  const page = await click(credentials, credentials, { type: 'web', name: 'Vigor router', redirectUris: `${REDIRECT_URI}\n` });
  const clientId = cell(page, 'client-id');
  const secret = cell(page, 'shown-once');
  expect(clientId).toMatch(/^\d{12}-[a-z0-9]{32}\.apps\.googleusercontent\.com$/);
  expect(secret).toMatch(/^GOCSPX-[A-Za-z0-9_-]{28}$/);
  expect((await cloud.get(`/apis/credentials/oauthclient/${encodeURIComponent(clientId)}?project=${GOOGLE_PROJECT}`).expect(200)).text).not.toContain(secret);

  const authorizeUrl = `https://accounts.google.com/o/oauth2/v2/auth?${new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: GMAIL_SCOPE, access_type: 'offline' })}`;
  const code = redirectParams(await googleSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl, ALERTS)).get('code')!;
  const reply = await proxyFetch(lab)('https://oauth2.googleapis.com/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, client_secret: secret, code, redirect_uri: REDIRECT_URI }) });
  expect(reply.status).toBe(200);
  expect(((await reply.json()) as { refresh_token?: string }).refresh_token).toBeDefined();

  // The trainee is no test user until the app is published.
  const refused = await googleSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl, TRAINEE);
  expect(refused.status).toBe(403);
  const consent = `/apis/credentials/consent?project=${GOOGLE_PROJECT}`;
  expect(cell(await click(consent, `/apis/credentials/consent/publish?project=${GOOGLE_PROJECT}`), 'publishing-status')).toBe('In production');
  const allowed = await googleSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl, TRAINEE);
  expect(redirectParams(allowed).get('code')).toBeTruthy();
  expect(cell(await click(consent, `/apis/credentials/consent/back-to-testing?project=${GOOGLE_PROJECT}`), 'publishing-status')).toBe('Testing');
});

test('manage test users', async () => {
  const consent = `/apis/credentials/consent?project=${GOOGLE_PROJECT}`;
  let page = await click(consent, `/apis/credentials/consent/test-users?project=${GOOGLE_PROJECT}`, { email: TRAINEE.email });
  expect(page).toContain(`<td class="test-user">${TRAINEE.email}</td>`);
  page = await click(consent, `/apis/credentials/consent/test-users/remove?project=${GOOGLE_PROJECT}`, { email: TRAINEE.email });
  expect(page).not.toContain(`<td class="test-user">${TRAINEE.email}</td>`);
  page = await click(consent, `/apis/credentials/consent/test-users?project=${GOOGLE_PROJECT}`, { email: 'not an address' });
  expect(page).toContain('must be an e-mail address');
  expect(identity(lab).google.projects.find(GOOGLE_PROJECT)!.consentScreen.testUsers).not.toContain(TRAINEE.email);
});

test('other accounts see no foreign project', async () => {
  const other = request.agent('https://console.cloud.google.com');
  other.ca(lab.ca.caPem());
  const tunnel = proxyAgent(lab);
  other.use((req: request.Test) => {
    req.agent(tunnel);
  });
  await other.post('/signin').type('form').send({ email: ALERTS.email, password: ALERTS.password }).expect(303);
  await other.get(`/apis/credentials?project=${GOOGLE_PROJECT}`).expect(404);
});
