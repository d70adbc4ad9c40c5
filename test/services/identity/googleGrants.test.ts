/**
 * Behaviour of the emulated Google service on the lab clock. Covers refresh tokens with offline
 * access and consent, the 7-day limit of apps in Testing, six months without use, the 100-token
 * limit per account and client, and revocation by password change or suspension.
 */
import type { Lab } from '../../../emulator';
import { MAX_REFRESH_TOKENS_PER_CLIENT } from '../../../emulator/services/google/grants';
import { SEED_ACCOUNTS } from '../../../emulator/services/google/seed';
import { LabBrowser } from '../../helpers/labHttps';
import { startTestLab } from '../../helpers/lab';
import { createGoogleClient, GMAIL_SCOPE, GOOGLE_PROJECT, googleSignIn, identity, labApi, proxyAgent, proxyFetch, REDIRECT_URI, redirectParams } from './identityLab';

const ALERTS = SEED_ACCOUNTS[1]!;
const DAY_MS = 24 * 60 * 60 * 1000;
let lab: Lab;

beforeAll(async () => {
  lab = await startTestLab();
});

afterAll(async () => {
  await lab.stop();
});

type Client = { clientId: string; clientSecret: string };

function authorizeUrl(client: Client, extra: Record<string, string> = {}): string {
  const params = { client_id: client.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: GMAIL_SCOPE, access_type: 'offline', ...extra };
  return `https://accounts.google.com/o/oauth2/v2/auth?${new URLSearchParams(params).toString()}`;
}

async function post(form: Record<string, string>): Promise<{ status: number; body: Record<string, any> }> {
  const reply = await proxyFetch(lab)('https://oauth2.googleapis.com/token', { method: 'POST', body: new URLSearchParams(form) });
  return { status: reply.status, body: (await reply.json()) as Record<string, any> };
}

async function authorize(client: Client, extra: Record<string, string> = {}, browser = new LabBrowser(proxyAgent(lab))): Promise<Record<string, any>> {
  const code = redirectParams(await googleSignIn(browser, authorizeUrl(client, extra), ALERTS)).get('code')!;
  const reply = await post({ grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, code, redirect_uri: REDIRECT_URI });
  expect(reply.status).toBe(200);
  return reply.body;
}

function refresh(client: Client, refreshToken: string): Promise<{ status: number; body: Record<string, any> }> {
  return post({ grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refreshToken });
}

async function setStatus(publishingStatus: 'Testing' | 'In production'): Promise<void> {
  await labApi(lab).post(`/api/identity/google/projects/${GOOGLE_PROJECT}/consent-screen`).send({ publishingStatus }).expect(200);
}

afterEach(async () => {
  await setStatus('Testing');
});

test('online access gets no refresh token', async () => {
  const client = await createGoogleClient(lab, 'Online');
  const tokens = await authorize(client, { access_type: 'online' });
  expect(tokens.access_token).toMatch(/^ya29\./);
  expect(tokens.refresh_token).toBeUndefined();
  expect(tokens.expires_in).toBe(3599);
});

test('refresh token only with new consent', async () => {
  const client = await createGoogleClient(lab, 'Consent once');
  const browser = new LabBrowser(proxyAgent(lab));
  expect((await authorize(client, {}, browser)).refresh_token).toBeDefined();
  // The grant already covers offline access, so Google skips consent and returns no refresh token.
  const again = await authorize(client, {}, browser);
  expect(again.refresh_token).toBeUndefined();
  expect((await authorize(client, { prompt: 'consent' }, browser)).refresh_token).toBeDefined();
});

test('Testing app token dies after 7 days', async () => {
  const client = await createGoogleClient(lab, 'Testing app');
  const refreshToken = (await authorize(client)).refresh_token as string;
  await lab.clock.advance(6 * DAY_MS);
  expect((await refresh(client, refreshToken)).status).toBe(200);
  await lab.clock.advance(DAY_MS + 60_000);
  const expired = await refresh(client, refreshToken);
  expect(expired.status).toBe(400);
  expect(expired.body).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
});

test('production token outlives 7 days until back to Testing', async () => {
  await setStatus('In production');
  const client = await createGoogleClient(lab, 'Production app');
  const refreshToken = (await authorize(client)).refresh_token as string;
  await lab.clock.advance(8 * DAY_MS);
  expect((await refresh(client, refreshToken)).status).toBe(200);
  await setStatus('Testing');
  expect((await refresh(client, refreshToken)).body.error).toBe('invalid_grant');
});

test('six months unused expires the token', async () => {
  await setStatus('In production');
  const client = await createGoogleClient(lab, 'Idle app');
  const used = (await authorize(client, { prompt: 'consent' })).refresh_token as string;
  const idle = (await authorize(client, { prompt: 'consent' })).refresh_token as string;
  await lab.clock.advance(100 * DAY_MS);
  expect((await refresh(client, used)).status).toBe(200);
  await lab.clock.advance(100 * DAY_MS);
  expect((await refresh(client, used)).status).toBe(200);
  expect((await refresh(client, idle)).body.error).toBe('invalid_grant');
});

test('oldest token dropped beyond 100', async () => {
  await setStatus('In production');
  const client = await createGoogleClient(lab, 'Many tokens');
  const oldest = (await authorize(client)).refresh_token as string;
  const google = identity(lab).google;
  const grant = google.grants.find(ALERTS.email, client.clientId)!;
  const newer = Array.from({ length: MAX_REFRESH_TOKENS_PER_CLIENT - 1 }, () => google.grants.issueRefreshToken(grant));
  expect(google.grants.liveRefreshTokenCount(ALERTS.email, client.clientId)).toBe(MAX_REFRESH_TOKENS_PER_CLIENT);
  expect((await refresh(client, oldest)).status).toBe(200);

  const hundredFirst = (await authorize(client, { prompt: 'consent' })).refresh_token as string;
  expect(google.grants.liveRefreshTokenCount(ALERTS.email, client.clientId)).toBe(MAX_REFRESH_TOKENS_PER_CLIENT);
  expect((await refresh(client, oldest)).body.error).toBe('invalid_grant');
  expect((await refresh(client, newer[0]!)).status).toBe(200);
  expect((await refresh(client, hundredFirst)).status).toBe(200);
});

test('password change revokes Gmail grant', async () => {
  const created = await labApi(lab).post('/api/identity/google/accounts').send({ email: 'changer@gmail.com', displayName: 'Changer', password: 'Changer-Lab-2026!' }).expect(201);
  expect(created.body.passwordHash).toBeUndefined();
  await labApi(lab).post(`/api/identity/google/projects/${GOOGLE_PROJECT}/consent-screen`).send({ testUsers: ['lab.owner@gmail.com', 'lab.alerts@gmail.com', 'changer@gmail.com'] }).expect(200);
  const client = await createGoogleClient(lab, 'Password change');
  const code = redirectParams(await googleSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(client, { prompt: 'consent' }), { email: 'changer@gmail.com', password: 'Changer-Lab-2026!' })).get('code')!;
  const tokens = (await post({ grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, code, redirect_uri: REDIRECT_URI })).body;

  const changed = await labApi(lab).post('/api/identity/google/accounts/changer@gmail.com/password').send({ password: 'Changed-Lab-2026!' }).expect(200);
  expect(changed.body.revokedGrants).toBe(1);
  expect((await refresh(client, tokens.refresh_token)).body.error).toBe('invalid_grant');
  expect(await identity(lab).verifyAccessToken('google', tokens.access_token, lab.clock.now())).toMatchObject({ ok: false, reason: 'revoked' });
});

test('suspended account cannot refresh', async () => {
  const client = await createGoogleClient(lab, 'Suspension');
  const tokens = await authorize(client, { prompt: 'consent' });
  await labApi(lab).post(`/api/identity/google/accounts/${ALERTS.email}/enabled`).send({ enabled: false }).expect(200);
  try {
    expect((await refresh(client, tokens.refresh_token)).body.error).toBe('invalid_grant');
    expect(await identity(lab).verifyAccessToken('google', tokens.access_token, lab.clock.now())).toMatchObject({ ok: false, reason: 'revoked' });
  } finally {
    await labApi(lab).post(`/api/identity/google/accounts/${ALERTS.email}/enabled`).send({ enabled: true }).expect(200);
  }
});

test('access token expires after an hour', async () => {
  const client = await createGoogleClient(lab, 'Hour');
  const tokens = await authorize(client, { prompt: 'consent' });
  const directory = identity(lab);
  expect(await directory.verifyAccessToken('google', tokens.access_token, lab.clock.now() + 3599_000)).toMatchObject({ ok: true });
  expect(await directory.verifyAccessToken('google', tokens.access_token, lab.clock.now() + 3601_000)).toMatchObject({ ok: false, reason: 'expired' });
  expect(await directory.verifyAccessToken('google', 'ya29.tampered', lab.clock.now())).toMatchObject({ ok: false, reason: 'bad-signature' });
});
