/**
 * Behaviour of the emulated Entra ID on the lab clock: access token and code lifetimes, refresh
 * token rotation and the 90-day limit, secret expiry, consent, prompts, app-only tokens, and the
 * IdentityDirectory checks the mail servers rely on.
 */
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { Lab } from '../../../emulator';
import { LabBrowser } from '../../helpers/labHttps';
import { startTestLab } from '../../helpers/lab';
import { ALERTS, createMailApp, identity, labApi, microsoftSignIn, proxyAgent, proxyFetch, REDIRECT_URI, redirectParams, SMTP_SCOPE, TENANT_ID } from './identityLab';

const DAY_MS = 24 * 60 * 60 * 1000;
let lab: Lab;

beforeAll(async () => {
  lab = await startTestLab();
});

afterAll(async () => {
  await lab.stop();
});

function authorizeUrl(appId: string, extra: Record<string, string> = {}): string {
  const params = { client_id: appId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: `${SMTP_SCOPE} offline_access`, ...extra };
  return `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/authorize?${new URLSearchParams(params).toString()}`;
}

async function token(form: Record<string, string>): Promise<{ status: number; body: Record<string, any> }> {
  const reply = await proxyFetch(lab)(`https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams(form) });
  return { status: reply.status, body: (await reply.json()) as Record<string, any> };
}

async function tokensFor(app: { appId: string; secret: string }, user: { userPrincipalName: string; password: string } = ALERTS, extra: Record<string, string> = {}): Promise<Record<string, any>> {
  const code = redirectParams(await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(app.appId, extra), user)).get('code')!;
  const reply = await token({ grant_type: 'authorization_code', client_id: app.appId, client_secret: app.secret, code, redirect_uri: REDIRECT_URI });
  expect(reply.status).toBe(200);
  return reply.body;
}

function refresh(app: { appId: string; secret: string }, refreshToken: string): Promise<{ status: number; body: Record<string, any> }> {
  return token({ grant_type: 'refresh_token', client_id: app.appId, client_secret: app.secret, refresh_token: refreshToken, scope: `${SMTP_SCOPE} offline_access` });
}

describe('lifetimes', () => {
  test('access token lives 60 to 90 minutes', async () => {
    const app = await createMailApp(lab);
    const first = await tokensFor(app);
    const lifetimes = [first.expires_in as number];
    let refreshToken = first.refresh_token as string;
    for (let round = 0; round < 5; round += 1) {
      const next = await refresh(app, refreshToken);
      lifetimes.push(next.body.expires_in);
      expect(next.body.ext_expires_in).toBe(next.body.expires_in);
      expect(Number(decodeJwt(next.body.access_token).exp) - Math.floor(lab.clock.now() / 1000)).toBe(next.body.expires_in);
      refreshToken = next.body.refresh_token;
    }
    for (const seconds of lifetimes) {
      expect(seconds).toBeGreaterThanOrEqual(3600);
      expect(seconds).toBeLessThanOrEqual(5400);
    }
  });

  test('code redeems within 10 minutes', async () => {
    const app = await createMailApp(lab);
    const code = redirectParams(await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(app.appId), ALERTS)).get('code')!;
    await lab.clock.advance(9 * 60 * 1000);
    const reply = await token({ grant_type: 'authorization_code', client_id: app.appId, client_secret: app.secret, code, redirect_uri: REDIRECT_URI });
    expect(reply.status).toBe(200);
  });

  test('refresh rotates and use extends life', async () => {
    const app = await createMailApp(lab);
    const original = (await tokensFor(app)).refresh_token as string;
    await lab.clock.advance(80 * DAY_MS);
    const rotated = await refresh(app, original);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(original);

    await lab.clock.advance(11 * DAY_MS);
    const stale = await refresh(app, original);
    expect(stale.body.error_codes).toEqual([700082]);
    const fresh = await refresh(app, rotated.body.refresh_token);
    expect(fresh.status).toBe(200);
  });

  test('secret expires on the lab clock', async () => {
    const app = await createMailApp(lab);
    const short = await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps/${app.appId}/secrets`).send({ description: 'short', expiresInDays: 90 }).expect(201);
    const withShort = { appId: app.appId, secret: short.body.value as string };
    const refreshToken = (await tokensFor(withShort)).refresh_token as string;
    await lab.clock.advance(89 * DAY_MS);
    expect((await refresh(withShort, refreshToken)).status).toBe(200);
    await lab.clock.advance(2 * DAY_MS);
    const expired = await refresh(withShort, refreshToken);
    expect(expired.status).toBe(401);
    expect(expired.body.error_codes).toEqual([7000222]);
  });
});

describe('consent and prompts', () => {
  test('admin consent skips the consent page', async () => {
    const app = await createMailApp(lab);
    const reply = await new LabBrowser(proxyAgent(lab)).get(authorizeUrl(app.appId));
    expect(reply.text).toContain('name="login"');
    const signedIn = await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(app.appId), ALERTS, { consent: 'cancel' });
    expect(redirectParams(signedIn).get('code')).toBeTruthy();
  });

  test('missing consent shows the permissions', async () => {
    const app = await createMailApp(lab, { adminConsent: false });
    const browser = new LabBrowser(proxyAgent(lab));
    let page = await browser.get(authorizeUrl(app.appId));
    page = await browser.submit(page, authorizeUrl(app.appId), '/login', { login: ALERTS.userPrincipalName });
    page = await browser.submit(page, authorizeUrl(app.appId), '/login', { passwd: ALERTS.password });
    expect(page.text).toContain('Permissions requested');
    expect(page.text).toContain('data-scope="Office 365 Exchange Online/SMTP.Send"');
    expect(page.text).toContain('data-scope="Microsoft Graph/offline_access"');
    const accepted = await browser.submit(page, authorizeUrl(app.appId), '/Consent/Set', { decision: 'accept' });
    expect(redirectParams(accepted).get('code')).toBeTruthy();

    // The user's consent is remembered, and prompt=consent shows the page again.
    expect(redirectParams(await browser.get(authorizeUrl(app.appId))).get('code')).toBeTruthy();
    expect((await browser.get(authorizeUrl(app.appId, { prompt: 'consent' }))).text).toContain('Permissions requested');
  });

  test('session signs in silently; prompts change it', async () => {
    const app = await createMailApp(lab);
    const browser = new LabBrowser(proxyAgent(lab));
    await microsoftSignIn(browser, authorizeUrl(app.appId), ALERTS);
    expect(redirectParams(await browser.get(authorizeUrl(app.appId))).get('code')).toBeTruthy();
    expect(redirectParams(await browser.get(authorizeUrl(app.appId, { prompt: 'none' }))).get('code')).toBeTruthy();
    expect((await browser.get(authorizeUrl(app.appId, { prompt: 'login' }))).text).toContain('name="login"');
    expect((await browser.get(authorizeUrl(app.appId, { prompt: 'select_account' }))).text).toContain('Pick an account');
  });

  test('revoke sessions ends browser sign-in', async () => {
    const app = await createMailApp(lab);
    const browser = new LabBrowser(proxyAgent(lab));
    await microsoftSignIn(browser, authorizeUrl(app.appId), ALERTS);
    await lab.clock.advance(1000);
    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/users/${ALERTS.userPrincipalName}/revoke-sessions`).expect(200);
    expect((await browser.get(authorizeUrl(app.appId))).text).toContain('name="login"');
  });

  test('revocation in the same millisecond still revokes', async () => {
    const app = await createMailApp(lab);
    const before = (await tokensFor(app)).refresh_token as string;
    // No clock advance: on a paused clock the token and the revocation share their lab time.
    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/users/${ALERTS.userPrincipalName}/revoke-sessions`).expect(200);
    const refused = await refresh(app, before);
    expect(refused.status).toBe(400);
    expect(refused.body.error_codes).toEqual([50173]);

    const after = (await tokensFor(app)).refresh_token as string;
    expect((await refresh(app, after)).status).toBe(200);
  });

  test('PKCE plain is the default method', async () => {
    const app = await createMailApp(lab);
    const verifier = 'plain-verifier-0123456789-0123456789-0123456789';
    const code = redirectParams(await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(app.appId, { code_challenge: verifier }), ALERTS)).get('code')!;
    const reply = await token({ grant_type: 'authorization_code', client_id: app.appId, client_secret: app.secret, code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
    expect(reply.status).toBe(200);
    expect(createHash('sha256').update(verifier).digest('base64url')).not.toBe(verifier);
  });

  test('fragment response mode', async () => {
    const app = await createMailApp(lab);
    const reply = await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl(app.appId, { response_mode: 'fragment', state: 'in-fragment' }), ALERTS);
    expect(reply.location).toMatch(new RegExp(`^${REDIRECT_URI}#code=`));
    expect(redirectParams(reply).get('state')).toBe('in-fragment');
  });
});

describe('app-only tokens', () => {
  test('client credentials carry granted roles', async () => {
    const app = await createMailApp(lab);
    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps/${app.appId}/permissions`).send({ permissions: [{ api: 'Office 365 Exchange Online', permission: 'SMTP.SendAsApp', type: 'application' }] }).expect(200);
    const before = await token({ grant_type: 'client_credentials', client_id: app.appId, client_secret: app.secret, scope: 'https://outlook.office365.com/.default' });
    expect(decodeJwt(before.body.access_token).roles).toEqual([]);
    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps/${app.appId}/admin-consent`).expect(200);

    const reply = await token({ grant_type: 'client_credentials', client_id: app.appId, client_secret: app.secret, scope: 'https://outlook.office365.com/.default' });
    expect(reply.status).toBe(200);
    expect(reply.body.refresh_token).toBeUndefined();
    const claims = decodeJwt(reply.body.access_token);
    expect(claims.aud).toBe('https://outlook.office365.com');
    expect(claims.roles).toEqual(['SMTP.SendAsApp']);
    expect(claims.idtyp).toBe('app');
    const verification = await identity(lab).verifyAccessToken('microsoft', reply.body.access_token, lab.clock.now());
    expect(verification).toMatchObject({ ok: true, claims: { user: '', scopes: ['SMTP.SendAsApp'] } });
  });
});

describe('IdentityDirectory', () => {
  test('verifyAccessToken rejects with reasons', async () => {
    const directory = identity(lab);
    const app = await createMailApp(lab);
    const tokens = await tokensFor(app);
    const now = lab.clock.now();

    expect(await directory.verifyAccessToken('microsoft', tokens.access_token, now)).toMatchObject({ ok: true, claims: { provider: 'microsoft', audience: 'https://outlook.office.com', scopes: ['SMTP.Send'] } });
    expect(await directory.verifyAccessToken('microsoft', 'not-a-jwt', now)).toMatchObject({ ok: false, reason: 'malformed' });
    const [header, payload, signature] = tokens.access_token.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...decodeJwt(tokens.access_token), upn: 'mallory@contosolab.onmicrosoft.com' })).toString('base64url')}.${signature}`;
    expect(payload).toBeDefined();
    expect(await directory.verifyAccessToken('microsoft', tampered, now)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(await directory.verifyAccessToken('microsoft', tokens.access_token, now + 91 * 60 * 1000)).toMatchObject({ ok: false, reason: 'expired' });

    // Only OpenID Connect scopes: the access token is for Microsoft Graph.
    const graph = await refreshWithScope(app, tokens.refresh_token, 'openid profile offline_access');
    expect(decodeJwt(graph).aud).toBe('https://graph.microsoft.com');
    expect(await directory.verifyAccessToken('microsoft', graph, now)).toMatchObject({ ok: false, reason: 'wrong-audience' });

    const permissions = ['SMTP.Send', 'IMAP.AccessAsUser.All'].map((permission) => ({ api: 'Office 365 Exchange Online', permission, type: 'delegated' }));
    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps/${app.appId}/permissions`).send({ permissions: [...permissions, { api: 'Microsoft Graph', permission: 'offline_access', type: 'delegated' }] }).expect(200);
    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps/${app.appId}/admin-consent`).expect(200);
    const imap = await refreshWithScope(app, tokens.refresh_token, 'https://outlook.office.com/IMAP.AccessAsUser.All offline_access');
    expect(await directory.verifyAccessToken('microsoft', imap, now)).toMatchObject({ ok: false, reason: 'insufficient-scope' });
  });

  test('verifyAccessToken follows the user', async () => {
    const directory = identity(lab);
    const app = await createMailApp(lab);
    const created = await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/users`).send({ userPrincipalName: 'shortlived', displayName: 'Short Lived', password: 'Short-Lived-2026!' }).expect(201);
    const user = { userPrincipalName: created.body.userPrincipalName as string, password: 'Short-Lived-2026!' };
    const accessToken = (await tokensFor(app, user)).access_token as string;

    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/users/${user.userPrincipalName}/account-enabled`).send({ enabled: false }).expect(200);
    expect(await directory.verifyAccessToken('microsoft', accessToken, lab.clock.now())).toMatchObject({ ok: false, reason: 'revoked' });
    await labApi(lab).delete(`/api/identity/microsoft/tenants/${TENANT_ID}/users/${user.userPrincipalName}`).expect(204);
    expect(await directory.verifyAccessToken('microsoft', accessToken, lab.clock.now())).toMatchObject({ ok: false, reason: 'unknown-user' });
  });

  test('mailbox reports SMTP AUTH switches', async () => {
    const directory = identity(lab);
    expect(directory.mailbox(ALERTS.userPrincipalName)).toMatchObject({ provider: 'microsoft', tenantId: TENANT_ID, enabled: true, smtpAuth: { mailbox: null, tenant: true } });
    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/smtp-auth`).send({ enabled: false }).expect(200);
    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/users/${ALERTS.userPrincipalName}/smtp-auth`).send({ enabled: true }).expect(200);
    expect(directory.mailbox(ALERTS.userPrincipalName)?.smtpAuth).toEqual({ mailbox: true, tenant: false });
    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/users/${ALERTS.userPrincipalName}/smtp-auth`).send({ enabled: null }).expect(200);
    await labApi(lab).post(`/api/identity/microsoft/tenants/${TENANT_ID}/smtp-auth`).send({ enabled: true }).expect(200);
    expect(directory.mailbox('lab.alerts@gmail.com')).toMatchObject({ provider: 'google', smtpAuth: { mailbox: true, tenant: true } });
    expect(directory.mailbox('someone@example.com')).toBeUndefined();
  });

  test('checkPassword checks the lab accounts', async () => {
    const directory = identity(lab);
    expect(await directory.checkPassword(ALERTS.userPrincipalName, ALERTS.password)).toBe(true);
    expect(await directory.checkPassword(ALERTS.userPrincipalName, 'wrong')).toBe(false);
    expect(await directory.checkPassword('lab.alerts@gmail.com', 'Alerts-Lab-2026!')).toBe(true);
    expect(await directory.checkPassword('nobody@example.com', 'x')).toBe(false);
  });
});

async function refreshWithScope(app: { appId: string; secret: string }, refreshToken: string, scope: string): Promise<string> {
  const reply = await token({ grant_type: 'refresh_token', client_id: app.appId, client_secret: app.secret, refresh_token: refreshToken, scope });
  expect(reply.status).toBe(200);
  return reply.body.access_token as string;
}
