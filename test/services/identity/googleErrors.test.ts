/**
 * Every error of the emulated Google OAuth service, produced as a client or a person meets it:
 * token endpoint JSON (`error`, `error_description`, status), the authorization error page
 * ("Error 400: redirect_uri_mismatch"), and errors redirected to the client.
 */
import { createHash } from 'node:crypto';
import type { Lab } from '../../../emulator';
import { GOOGLE_ERRORS, type GoogleErrorKey } from '../../../emulator/services/google/errors';
import { SEED_ACCOUNTS } from '../../../emulator/services/google/seed';
import { LabBrowser, type PageReply } from '../../helpers/labHttps';
import { startTestLab } from '../../helpers/lab';
import { createGoogleClient, GMAIL_SCOPE, googleSignIn, labApi, proxyAgent, proxyFetch, REDIRECT_URI, redirectParams } from './identityLab';

const [OWNER, ALERTS, TRAINEE] = SEED_ACCOUNTS as [(typeof SEED_ACCOUNTS)[0], (typeof SEED_ACCOUNTS)[0], (typeof SEED_ACCOUNTS)[0]];
const VERIFIER = 'google-verifier-0123456789-0123456789-0123456789';

type Outcome = { kind: 'token'; status: number; body: Record<string, unknown> } | { kind: 'page' | 'redirect'; reply: PageReply };

interface Case {
  key: GoogleErrorKey;
  name: string;
  produce: () => Promise<Outcome>;
}

let lab: Lab;
let client: { clientId: string; clientSecret: string };
let otherClient: { clientId: string; clientSecret: string };

beforeAll(async () => {
  lab = await startTestLab();
  client = await createGoogleClient(lab, 'Errors client');
  otherClient = await createGoogleClient(lab, 'Other client');
});

afterAll(async () => {
  await lab.stop();
});

function authorizeUrl(params: Record<string, string>): string {
  return `https://accounts.google.com/o/oauth2/v2/auth?${new URLSearchParams(params).toString()}`;
}

function codeRequest(extra: Record<string, string> = {}, clientId = client.clientId): Record<string, string> {
  return { client_id: clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: GMAIL_SCOPE, access_type: 'offline', prompt: 'consent', state: 'google-case', ...extra };
}

async function post(path: string, form: URLSearchParams | Record<string, string>): Promise<Outcome> {
  const reply = await proxyFetch(lab)(`https://oauth2.googleapis.com${path}`, { method: 'POST', body: form instanceof URLSearchParams ? form : new URLSearchParams(form) });
  return { kind: 'token', status: reply.status, body: (await reply.json()) as Record<string, unknown> };
}

async function code(extra: Record<string, string> = {}, account = ALERTS): Promise<string> {
  return redirectParams(await googleSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(codeRequest(extra)), account)).get('code')!;
}

function redeem(codeValue: string, extra: Record<string, string> = {}): Promise<Outcome> {
  return post('/token', { grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, code: codeValue, redirect_uri: REDIRECT_URI, ...extra });
}

async function refreshToken(): Promise<string> {
  const outcome = await redeem(await code());
  if (outcome.kind !== 'token' || typeof outcome.body.refresh_token !== 'string') throw new Error(`No refresh token: ${JSON.stringify(outcome)}`);
  return outcome.body.refresh_token;
}

const page = async (url: string): Promise<Outcome> => ({ kind: 'page', reply: await new LabBrowser(proxyAgent(lab)).get(url) });

const CASES: Case[] = [
  { key: 'tokenExpiredOrRevoked', name: 'unknown refresh token', produce: () => post('/token', { grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: `1//0${'x'.repeat(99)}` }) },
  { key: 'tokenExpiredOrRevoked', name: 'access removed', produce: async () => {
      const token = await refreshToken();
      await labApi(lab).delete(`/api/identity/google/accounts/${ALERTS.email}/grants/${client.clientId}`).expect(204);
      return post('/token', { grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: token });
    } },
  { key: 'badCode', name: 'reused code', produce: async () => {
      const value = await code();
      await redeem(value);
      return redeem(value);
    } },
  { key: 'badCode', name: 'wrong code', produce: () => redeem('4/0Anot-a-code') },
  { key: 'missingCodeVerifier', name: 'PKCE without verifier', produce: async () => redeem(await code({ code_challenge: createHash('sha256').update(VERIFIER).digest('base64url'), code_challenge_method: 'S256' })) },
  { key: 'invalidCodeVerifier', name: 'PKCE with wrong verifier', produce: async () => redeem(await code({ code_challenge: createHash('sha256').update(VERIFIER).digest('base64url'), code_challenge_method: 'S256' }), { code_verifier: `${VERIFIER}x` }) },
  { key: 'wrongClientSecret', name: 'wrong secret', produce: () => post('/token', { grant_type: 'authorization_code', client_id: client.clientId, client_secret: otherClient.clientSecret, code: 'x', redirect_uri: REDIRECT_URI }) },
  { key: 'clientNotFound', name: 'unknown client', produce: () => post('/token', { grant_type: 'authorization_code', client_id: '1-nope.apps.googleusercontent.com', client_secret: 'x', code: 'x', redirect_uri: REDIRECT_URI }) },
  { key: 'missingClientId', name: 'no client id', produce: () => post('/token', { grant_type: 'authorization_code', code: 'x' }) },
  { key: 'missingClientSecret', name: 'no client secret', produce: () => post('/token', { grant_type: 'authorization_code', client_id: client.clientId, code: 'x' }) },
  { key: 'tokenOfAnotherClient', name: 'refresh token of another client', produce: async () => post('/token', { grant_type: 'refresh_token', client_id: otherClient.clientId, client_secret: otherClient.clientSecret, refresh_token: await refreshToken() }) },
  { key: 'tokenRedirectUriMismatch', name: 'different redirect URI', produce: async () => redeem(await code(), { redirect_uri: `${REDIRECT_URI}/` }) },
  { key: 'missingParameter', name: 'no grant_type', produce: () => post('/token', { client_id: client.clientId }) },
  { key: 'repeatedParameter', name: 'grant_type twice', produce: () => post('/token', new URLSearchParams([['grant_type', 'refresh_token'], ['grant_type', 'authorization_code']])) },
  { key: 'unsupportedGrantType', name: 'password grant', produce: () => post('/token', { grant_type: 'password', client_id: client.clientId }) },
  { key: 'deviceFlowScope', name: 'device flow with Gmail', produce: () => post('/device/code', { client_id: client.clientId, scope: GMAIL_SCOPE }) },
  { key: 'deviceFlowNotEmulated', name: 'device flow without Gmail', produce: () => post('/device/code', { client_id: client.clientId, scope: 'openid email' }) },
  { key: 'invalidToken', name: 'token info of garbage', produce: () => post('/tokeninfo', { access_token: 'ya29.garbage' }) },
  { key: 'revokeUnknownToken', name: 'revoke garbage', produce: () => post('/revoke', { token: 'garbage' }) },
  { key: 'pageRedirectUriMismatch', name: 'trailing slash', produce: () => page(authorizeUrl(codeRequest({ redirect_uri: `${REDIRECT_URI}/` }))) },
  { key: 'pageClientNotFound', name: 'unknown client', produce: () => page(authorizeUrl(codeRequest({}, '1-nope.apps.googleusercontent.com'))) },
  { key: 'pageTestersOnly', name: 'not a test user', produce: async () => ({ kind: 'page', reply: await googleSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(codeRequest()), TRAINEE) }) },
  { key: 'pageMissingParameter', name: 'no response_type', produce: () => page(authorizeUrl(codeRequest({ response_type: '' }))) },
  { key: 'pageInvalidParameter', name: 'bad access_type', produce: () => page(authorizeUrl(codeRequest({ access_type: 'forever' }))) },
  { key: 'pageInvalidScope', name: 'unknown scope', produce: () => page(authorizeUrl(codeRequest({ scope: 'https://www.googleapis.com/auth/nonsense' }))) },
  { key: 'pageFlowExpired', name: 'stale form', produce: async () => ({ kind: 'page', reply: await new LabBrowser(proxyAgent(lab)).post('https://accounts.google.com/o/oauth2/v2/signin', { flowToken: 'stale', step: 'identifier', identifier: ALERTS.email }) }) },
  { key: 'accessDenied', name: 'cancel on consent', produce: async () => ({ kind: 'redirect', reply: await googleSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(codeRequest()), ALERTS, { consent: 'cancel' }) }) },
  { key: 'loginRequired', name: 'prompt none signed out', produce: async () => ({ kind: 'redirect', reply: await new LabBrowser(proxyAgent(lab)).get(authorizeUrl(codeRequest({ prompt: 'none' }))) }) },
  { key: 'consentRequired', name: 'prompt none without grant', produce: async () => {
      const fresh = await createGoogleClient(lab, 'Never consented');
      const browser = new LabBrowser(proxyAgent(lab));
      await googleSignIn(browser, authorizeUrl(codeRequest()), ALERTS);
      return { kind: 'redirect', reply: await browser.get(authorizeUrl(codeRequest({ prompt: 'none' }, fresh.clientId))) };
    } },
  { key: 'interactionRequired', name: 'prompt none with two accounts', produce: async () => {
      const browser = new LabBrowser(proxyAgent(lab));
      await googleSignIn(browser, authorizeUrl(codeRequest()), ALERTS);
      await googleSignIn(browser, authorizeUrl(codeRequest({ prompt: 'select_account consent' })), OWNER);
      return { kind: 'redirect', reply: await browser.get(authorizeUrl(codeRequest({ prompt: 'none' }))) };
    } },
];

test('every catalogue error has a case', () => {
  const covered = new Set(CASES.map((entry) => entry.key));
  for (const key of Object.keys(GOOGLE_ERRORS)) expect(covered).toContain(key);
});

test.each(CASES.map((entry) => [entry.key, entry.name, entry] as const))('%s: %s', async (key, _name, entry) => {
  const expected = GOOGLE_ERRORS[key];
  const outcome = await entry.produce();

  if (outcome.kind === 'token') {
    expect(expected.where).toBe('token');
    expect(outcome.status).toBe(expected.status);
    expect(Object.keys(outcome.body).sort()).toEqual(['error', 'error_description']);
    expect(outcome.body.error).toBe(expected.error);
    expect(typeof outcome.body.error_description).toBe('string');
    if (!expected.description.includes('{')) expect(outcome.body.error_description).toBe(expected.description);
    return;
  }
  const { reply } = outcome;
  if (expected.where === 'page') {
    expect(outcome.kind).toBe('page');
    expect(reply.status).toBe(expected.status);
    expect(reply.text).toContain(`<strong id="error-code">Error ${expected.status}: ${expected.error}</strong>`);
  } else {
    expect(reply.status).toBe(302);
    const params = redirectParams(reply);
    expect(reply.location!.startsWith(`${REDIRECT_URI}?`)).toBe(true);
    expect(params.get('error')).toBe(expected.error);
    expect(params.get('state')).toBe('google-case');
  }
});
