/**
 * Every AADSTS error of the emulated Entra ID, produced the way a client or a person meets it.
 * Each case checks the HTTP status, the shape of the reply (token endpoint JSON, redirect to the
 * client, error page, or sign-in form) and the numeric code.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Lab } from '../../../emulator';
import { AADSTS } from '../../../emulator/services/microsoft/aadsts';
import { LabBrowser, type PageReply } from '../../helpers/labHttps';
import { startTestLab } from '../../helpers/lab';
import { ALERTS, createMailApp, labApi, microsoftSignIn, proxyAgent, proxyFetch, REDIRECT_URI, redirectParams, SMTP_SCOPE, TENANT_ID } from './identityLab';

/** The codes Microsoft's documentation lists for the flows the lab emulates. */
const REFERENCE_CODES = [50011, 500112, 700016, 7000215, 7000222, 7000218, 65001, 70000, 70008, 54005, 501481, 900144, 700082, 50173, 70011, 50126, 90002];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SPA_URI = 'https://spa.example.net/callback';
const PUBLIC_URI = 'msal0000://auth';
const DAY_MS = 24 * 60 * 60 * 1000;

type Outcome = { kind: 'token'; status: number; body: Record<string, unknown> } | { kind: 'redirect' | 'page' | 'signIn'; reply: PageReply };

interface Case {
  code: number;
  where: 'token' | 'redirect' | 'page' | 'signIn';
  /** OAuth error (token, redirect) or nothing. */
  error?: string;
  status?: number;
  produce: () => Promise<Outcome>;
}

let lab: Lab;
let app: { appId: string; secret: string; secretId: string };
let spaAppId: string;
let publicAppId: string;
let otherTenantUser: { userPrincipalName: string; password: string };

beforeAll(async () => {
  lab = await startTestLab();
  app = await createMailApp(lab);
  const api = labApi(lab);
  const spa = await api.post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps`).send({ displayName: 'SPA', redirectUris: { spa: [SPA_URI] } }).expect(201);
  spaAppId = spa.body.appId;
  await api.post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps/${spaAppId}/permissions`).send({ permissions: [{ api: 'Office 365 Exchange Online', permission: 'SMTP.Send', type: 'delegated' }, { api: 'Microsoft Graph', permission: 'offline_access', type: 'delegated' }] }).expect(200);
  await api.post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps/${spaAppId}/admin-consent`).expect(200);
  const mobile = await api.post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps`).send({ displayName: 'Desktop', redirectUris: { publicClient: [PUBLIC_URI] } }).expect(201);
  publicAppId = mobile.body.appId;
  const other = await api.post('/api/identity/microsoft/tenants').send({ displayName: 'Fabrikam Lab', domain: 'fabrikamlab', adminPassword: 'Fabrikam-Lab-2026!' }).expect(201);
  otherTenantUser = { userPrincipalName: other.body.admin.userPrincipalName, password: 'Fabrikam-Lab-2026!' };
});

afterAll(async () => {
  await lab.stop();
});

function authorizeUrl(params: Record<string, string>, tenant = TENANT_ID): string {
  return `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/authorize?${new URLSearchParams(params).toString()}`;
}

function codeRequest(extra: Record<string, string> = {}, appId = app.appId): Record<string, string> {
  return { client_id: appId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: `${SMTP_SCOPE} offline_access`, state: 'case-state', ...extra };
}

async function tokenRequest(form: Record<string, string>, tenant = TENANT_ID, headers: Record<string, string> = {}): Promise<Outcome> {
  const reply = await proxyFetch(lab)(`https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams(form), headers });
  return { kind: 'token', status: reply.status, body: (await reply.json()) as Record<string, unknown> };
}

async function browse(url: string): Promise<PageReply> {
  return new LabBrowser(proxyAgent(lab)).get(url);
}

/** Creates a user of the lab tenant, for cases that block, revoke or reset it. */
async function newUser(name: string): Promise<{ userPrincipalName: string; password: string }> {
  const password = 'Case-User-2026!';
  const created = await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/users`).send({ userPrincipalName: `${name}-${randomUUID().slice(0, 8)}`, displayName: name, password }).expect(201);
  return { userPrincipalName: created.body.userPrincipalName, password };
}

async function signedInCode(extra: Record<string, string> = {}, user: { userPrincipalName: string; password: string } = ALERTS, appId = app.appId): Promise<string> {
  const reply = await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(codeRequest(extra, appId)), user);
  return redirectParams(reply).get('code')!;
}

async function refreshTokenFor(user: { userPrincipalName: string; password: string } = ALERTS): Promise<string> {
  const code = await signedInCode({}, user);
  const outcome = await tokenRequest({ grant_type: 'authorization_code', client_id: app.appId, client_secret: app.secret, code, redirect_uri: REDIRECT_URI });
  if (outcome.kind !== 'token' || outcome.status !== 200) throw new Error(`Code redemption failed: ${JSON.stringify(outcome)}`);
  return outcome.body.refresh_token as string;
}

function refresh(refreshToken: string, extra: Record<string, string> = {}, tenant = TENANT_ID): Promise<Outcome> {
  return tokenRequest({ grant_type: 'refresh_token', client_id: app.appId, client_secret: app.secret, refresh_token: refreshToken, ...extra }, tenant);
}

function refreshTokenOf(outcome: Outcome): string {
  if (outcome.kind !== 'token' || typeof outcome.body.refresh_token !== 'string') throw new Error(`Expected tokens, got ${JSON.stringify(outcome)}`);
  return outcome.body.refresh_token;
}

const redirect = async (url: string): Promise<Outcome> => ({ kind: 'redirect', reply: await browse(url) });
const page = async (url: string): Promise<Outcome> => ({ kind: 'page', reply: await browse(url) });

const CASES: Case[] = [
  { code: 50011, where: 'page', produce: () => page(authorizeUrl(codeRequest({ redirect_uri: `${REDIRECT_URI}/` }))) },
  { code: 500113, where: 'page', produce: async () => {
      const bare = await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps`).send({ displayName: 'No reply address' }).expect(201);
      return page(authorizeUrl(codeRequest({ redirect_uri: REDIRECT_URI }, bare.body.appId)));
    } },
  { code: 700016, where: 'page', produce: () => page(authorizeUrl(codeRequest({}, randomUUID()))) },
  { code: 700016, where: 'token', error: 'unauthorized_client', status: 400, produce: () => tokenRequest({ grant_type: 'authorization_code', client_id: randomUUID(), client_secret: 'x', code: 'x', redirect_uri: REDIRECT_URI }) },
  { code: 50194, where: 'page', produce: () => page(authorizeUrl(codeRequest(), 'common')) },
  { code: 90002, where: 'page', produce: () => page(authorizeUrl(codeRequest(), 'nosuchtenant.onmicrosoft.com')) },
  { code: 90002, where: 'token', error: 'invalid_request', status: 400, produce: () => tokenRequest({ grant_type: 'client_credentials' }, randomUUID()) },
  { code: 900023, where: 'page', produce: () => page(authorizeUrl(codeRequest(), 'not_a_tenant')) },
  { code: 900144, where: 'page', produce: () => page(authorizeUrl({ response_type: 'code', scope: SMTP_SCOPE })) },
  { code: 900144, where: 'redirect', error: 'invalid_request', produce: () => redirect(authorizeUrl(codeRequest({ response_type: '' }))) },
  { code: 900144, where: 'token', error: 'invalid_request', status: 400, produce: () => tokenRequest({ client_id: app.appId }) },
  { code: 700051, where: 'redirect', error: 'unsupported_response_type', produce: () => redirect(authorizeUrl(codeRequest({ response_type: 'token' }))) },
  { code: 70011, where: 'redirect', error: 'invalid_scope', produce: () => redirect(authorizeUrl(codeRequest({ scope: 'https://outlook.office.com/Nope.Send' }))) },
  { code: 70011, where: 'token', error: 'invalid_scope', status: 400, produce: async () => refresh(await refreshTokenFor(), { scope: 'https://outlook.office.com/Nope.Send' }) },
  { code: 28000, where: 'redirect', error: 'invalid_scope', produce: () => redirect(authorizeUrl(codeRequest({ scope: `${SMTP_SCOPE} https://graph.microsoft.com/User.Read` }))) },
  { code: 500011, where: 'redirect', error: 'invalid_resource', produce: () => redirect(authorizeUrl(codeRequest({ scope: 'https://api.example.com/Mail.Send' }))) },
  { code: 501491, where: 'redirect', error: 'invalid_request', produce: () => redirect(authorizeUrl(codeRequest({ code_challenge: 'too-short' }))) },
  { code: 9002313, where: 'redirect', error: 'invalid_request', produce: () => redirect(authorizeUrl(codeRequest({ response_mode: 'smoke_signal' }))) },
  { code: 9002313, where: 'token', error: 'invalid_request', status: 400, produce: () => refresh('not-a-refresh-token') },
  { code: 50058, where: 'redirect', error: 'login_required', produce: () => redirect(authorizeUrl(codeRequest({ prompt: 'none' }))) },
  { code: 16000, where: 'redirect', error: 'interaction_required', produce: async () => {
      const browser = new LabBrowser(proxyAgent(lab));
      await microsoftSignIn(browser, authorizeUrl(codeRequest({ prompt: 'login' })), ALERTS);
      await microsoftSignIn(browser, authorizeUrl(codeRequest({ prompt: 'login' })), await newUser('second'));
      return { kind: 'redirect', reply: await browser.get(authorizeUrl(codeRequest({ prompt: 'none' }))) };
    } },
  { code: 65001, where: 'redirect', error: 'consent_required', produce: async () => {
      const unconsented = await createMailApp(lab, { adminConsent: false, displayName: 'No consent' });
      const browser = new LabBrowser(proxyAgent(lab));
      await microsoftSignIn(browser, authorizeUrl(codeRequest()), ALERTS);
      return { kind: 'redirect', reply: await browser.get(authorizeUrl(codeRequest({ prompt: 'none' }, unconsented.appId))) };
    } },
  { code: 65001, where: 'token', error: 'invalid_grant', status: 400, produce: async () => {
      const consented = await createMailApp(lab, { displayName: 'Consent revoked' });
      const code = await signedInCode({}, ALERTS, consented.appId);
      const tokens = await tokenRequest({ grant_type: 'authorization_code', client_id: consented.appId, client_secret: consented.secret, code, redirect_uri: REDIRECT_URI });
      await labApi(lab).delete(`/api/identity/microsoft/tenants/${TENANT_ID}/enterprise-apps/${consented.appId}/consent`).expect(204);
      return tokenRequest({ grant_type: 'refresh_token', client_id: consented.appId, client_secret: consented.secret, refresh_token: refreshTokenOf(tokens) });
    } },
  { code: 65004, where: 'redirect', error: 'access_denied', produce: async () => {
      const unconsented = await createMailApp(lab, { adminConsent: false, displayName: 'Declined' });
      return { kind: 'redirect', reply: await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(codeRequest({}, unconsented.appId)), ALERTS, { consent: 'cancel' }) };
    } },
  { code: 50126, where: 'signIn', produce: async () => ({ kind: 'signIn', reply: await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(codeRequest()), { ...ALERTS, password: 'wrong-password' }) }) },
  { code: 50034, where: 'signIn', produce: async () => ({ kind: 'signIn', reply: await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(codeRequest()), { userPrincipalName: 'nobody@contosolab.onmicrosoft.com', password: 'x' }) }) },
  { code: 50057, where: 'signIn', produce: async () => {
      const user = await newUser('blocked');
      await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/users/${user.userPrincipalName}/account-enabled`).send({ enabled: false }).expect(200);
      return { kind: 'signIn', reply: await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(codeRequest()), user) };
    } },
  { code: 50057, where: 'token', error: 'invalid_grant', status: 400, produce: async () => {
      const user = await newUser('blockedlater');
      const refreshToken = await refreshTokenFor(user);
      await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/users/${user.userPrincipalName}/account-enabled`).send({ enabled: false }).expect(200);
      return refresh(refreshToken);
    } },
  { code: 50020, where: 'page', produce: async () => ({ kind: 'page', reply: await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(codeRequest()), otherTenantUser) }) },
  { code: 50089, where: 'page', produce: async () => ({ kind: 'page', reply: await new LabBrowser(proxyAgent(lab)).post(`https://login.microsoftonline.com/${TENANT_ID}/login`, { flowToken: 'expired', step: 'username', login: 'x' }) }) },
  { code: 7000215, where: 'token', error: 'invalid_client', status: 401, produce: async () => tokenRequest({ grant_type: 'authorization_code', client_id: app.appId, client_secret: app.secretId, code: await signedInCode(), redirect_uri: REDIRECT_URI }) },
  { code: 7000222, where: 'token', error: 'invalid_client', status: 401, produce: async () => {
      const expiring = await createMailApp(lab, { displayName: 'Expired secret' });
      await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps/${expiring.appId}/secrets/${expiring.secretId}/expire`).expect(200);
      return tokenRequest({ grant_type: 'authorization_code', client_id: expiring.appId, client_secret: expiring.secret, code: 'x', redirect_uri: REDIRECT_URI });
    } },
  { code: 7000218, where: 'token', error: 'invalid_client', status: 401, produce: async () => tokenRequest({ grant_type: 'authorization_code', client_id: app.appId, code: await signedInCode(), redirect_uri: REDIRECT_URI }) },
  { code: 700025, where: 'token', error: 'invalid_client', status: 401, produce: () => tokenRequest({ grant_type: 'authorization_code', client_id: publicAppId, client_secret: 'anything', code: 'x', redirect_uri: PUBLIC_URI }) },
  { code: 9002327, where: 'token', error: 'invalid_request', status: 400, produce: () => tokenRequest({ grant_type: 'authorization_code', client_id: spaAppId, code: 'x', redirect_uri: SPA_URI }) },
  { code: 70000, where: 'token', error: 'invalid_grant', status: 400, produce: () => tokenRequest({ grant_type: 'authorization_code', client_id: app.appId, client_secret: app.secret, code: `1.A${'x'.repeat(40)}`, redirect_uri: REDIRECT_URI }) },
  { code: 54005, where: 'token', error: 'invalid_grant', status: 400, produce: async () => {
      const form = { grant_type: 'authorization_code', client_id: app.appId, client_secret: app.secret, code: await signedInCode(), redirect_uri: REDIRECT_URI };
      await tokenRequest(form);
      return tokenRequest(form);
    } },
  { code: 70008, where: 'token', error: 'invalid_grant', status: 400, produce: async () => {
      const code = await signedInCode();
      await lab.clock.advance(11 * 60 * 1000);
      return tokenRequest({ grant_type: 'authorization_code', client_id: app.appId, client_secret: app.secret, code, redirect_uri: REDIRECT_URI });
    } },
  { code: 500112, where: 'token', error: 'invalid_grant', status: 400, produce: async () => tokenRequest({ grant_type: 'authorization_code', client_id: app.appId, client_secret: app.secret, code: await signedInCode(), redirect_uri: 'https://oauth2.drayddns.com/other' }) },
  { code: 501481, where: 'token', error: 'invalid_grant', status: 400, produce: async () => {
      const challenge = createHash('sha256').update('the-right-verifier-0123456789-0123456789-abc').digest('base64url');
      const code = await signedInCode({ code_challenge: challenge, code_challenge_method: 'S256' });
      return tokenRequest({ grant_type: 'authorization_code', client_id: app.appId, client_secret: app.secret, code, redirect_uri: REDIRECT_URI, code_verifier: 'a-wrong-verifier-0123456789-0123456789-abcdef' });
    } },
  { code: 700082, where: 'token', error: 'invalid_grant', status: 400, produce: async () => {
      const refreshToken = await refreshTokenFor();
      await lab.clock.advance(91 * DAY_MS);
      return refresh(refreshToken);
    } },
  { code: 700084, where: 'token', error: 'invalid_grant', status: 400, produce: async () => {
      const verifier = 'spa-verifier-0123456789-0123456789-0123456789';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const reply = await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl({ client_id: spaAppId, response_type: 'code', redirect_uri: SPA_URI, scope: `${SMTP_SCOPE} offline_access`, code_challenge: challenge, code_challenge_method: 'S256' }), ALERTS);
      const origin = { origin: 'https://spa.example.net' };
      const tokens = await tokenRequest({ grant_type: 'authorization_code', client_id: spaAppId, code: redirectParams(reply).get('code')!, redirect_uri: SPA_URI, code_verifier: verifier }, TENANT_ID, origin);
      await lab.clock.advance(25 * 60 * 60 * 1000);
      return tokenRequest({ grant_type: 'refresh_token', client_id: spaAppId, refresh_token: refreshTokenOf(tokens) }, TENANT_ID, origin);
    } },
  { code: 50173, where: 'token', error: 'invalid_grant', status: 400, produce: async () => {
      const user = await newUser('revoked');
      const refreshToken = await refreshTokenFor(user);
      await lab.clock.advance(1000);
      await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/users/${user.userPrincipalName}/revoke-sessions`).expect(200);
      return refresh(refreshToken);
    } },
  { code: 1002012, where: 'token', error: 'invalid_scope', status: 400, produce: () => tokenRequest({ grant_type: 'client_credentials', client_id: app.appId, client_secret: app.secret, scope: 'https://outlook.office365.com/SMTP.SendAsApp' }) },
  { code: 50059, where: 'token', error: 'invalid_request', status: 400, produce: () => tokenRequest({ grant_type: 'client_credentials', client_id: app.appId, client_secret: app.secret, scope: 'https://outlook.office365.com/.default' }, 'organizations') },
  { code: 70003, where: 'token', error: 'unsupported_grant_type', status: 400, produce: () => tokenRequest({ grant_type: 'password', client_id: app.appId }) },
];

test('catalogue covers the reference codes', () => {
  const catalogued = AADSTS.map((entry) => entry.code);
  for (const code of REFERENCE_CODES) expect(catalogued).toContain(code);
});

test('every catalogue code has a case', () => {
  const covered = new Set(CASES.map((entry) => entry.code));
  for (const entry of AADSTS) expect(covered).toContain(entry.code);
});

test.each(CASES.map((entry) => [entry.code, entry.where, entry] as const))('AADSTS%i %s', async (code, where, entry) => {
  const outcome = await entry.produce();

  if (outcome.kind === 'token') {
    expect(where).toBe('token');
    expect(outcome.status).toBe(entry.status);
    const body = outcome.body;
    expect(body.error).toBe(entry.error);
    expect(body.error_codes).toEqual([code]);
    expect(String(body.error_description)).toMatch(new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z$`, 's'));
    expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
    expect(body.trace_id).toMatch(GUID);
    expect(body.correlation_id).toMatch(GUID);
    expect(body.error_uri).toBe(`https://login.microsoftonline.com/error?code=${code}`);
    return;
  }

  const { reply } = outcome;
  if (where === 'redirect') {
    expect(reply.status).toBe(302);
    const target = new URL(reply.location!);
    expect(`${target.origin}${target.pathname}`).toBe(REDIRECT_URI);
    const params = redirectParams(reply);
    expect(params.get('error')).toBe(entry.error);
    expect(params.get('error_description')).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(params.get('error_uri')).toBe(`https://login.microsoftonline.com/error?code=${code}`);
    expect(params.get('state')).toBe('case-state');
  } else if (where === 'page') {
    expect(reply.status).toBe(400);
    expect(reply.text).toContain(`AADSTS${code}: `);
    expect(reply.text).toMatch(/Request Id: <span id="request-id">[0-9a-f-]{36}<\/span>/);
    expect(reply.text).toMatch(/Correlation Id: <span id="correlation-id">[0-9a-f-]{36}<\/span>/);
    expect(reply.text).toMatch(/Timestamp: <span id="timestamp">\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z<\/span>/);
  } else {
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(`data-aadsts="${code}"`);
  }
});
