/**
 * Step 3 of the OAuth mail flow clicked through the emulated Entra admin center with supertest,
 * over the lab's Internet proxy. The admin signs in, registers the app, adds a secret, configures
 * and grants API permissions and checks the redirect URI; the result then yields tokens. Also the
 * admin center's faults: revoke consent, block a user, reset a password and switch SMTP AUTH.
 */
import request from 'supertest';
import type { Lab } from '../../../emulator';
import { LabBrowser, unescapeHtml } from '../../helpers/labHttps';
import { startTestLab } from '../../helpers/lab';
import { ADMIN, ALERTS, identity, microsoftSignIn, proxyAgent, proxyFetch, REDIRECT_URI, redirectParams, SMTP_SCOPE, TENANT_ID } from './identityLab';

let lab: Lab;
let admin: ReturnType<typeof request.agent>;

beforeAll(async () => {
  lab = await startTestLab();
  const tunnel = proxyAgent(lab);
  admin = request.agent('https://entra.microsoft.com');
  admin.ca(lab.ca.caPem());
  // Every request of the agent goes through the lab proxy as the Internet host.
  admin.use((req: request.Test) => {
    req.agent(tunnel);
  });
});

afterAll(async () => {
  await lab.stop();
});

function csrf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`The page has no CSRF field: ${html.slice(0, 200)}`);
  return match[1]!;
}

function cell(html: string, id: string): string {
  const match = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html);
  if (!match) throw new Error(`The page has no element #${id}`);
  return unescapeHtml(match[1]!);
}

/** Posts a form of the page at `pagePath` with its CSRF token and returns the page it redirects to. */
async function click(pagePath: string, action: string, fields: Record<string, string> = {}): Promise<string> {
  const page = await admin.get(pagePath).expect(200);
  const posted = await admin.post(action).type('form').send({ _csrf: csrf(page.text), ...fields }).expect(303);
  const next = await admin.get(posted.headers.location!).expect(200);
  return next.text;
}

describe('step 3 in the admin center', () => {
  let appId: string;
  let secretValue: string;

  test('sign-in requires an administrator', async () => {
    await admin.get('/').expect(303).expect('location', '/signin');
    const refused = await admin.post('/signin').type('form').send({ username: ALERTS.userPrincipalName, password: ALERTS.password }).expect(403);
    expect(refused.text).toContain('is not a Global Administrator');
    const wrong = await admin.post('/signin').type('form').send({ username: ADMIN.userPrincipalName, password: 'wrong' }).expect(200);
    expect(wrong.text).toContain('data-aadsts="50126"');
    await admin.post('/signin').type('form').send({ username: ADMIN.userPrincipalName, password: ADMIN.password }).expect(303).expect('location', '/');
    const overview = await admin.get('/').expect(200);
    expect(cell(overview.text, 'tenant-id')).toBe(TENANT_ID);
  });

  test('register the app', async () => {
    const overview = await click('/app-registrations/new', '/app-registrations', { displayName: 'Vigor2927 mail', signInAudience: 'AzureADMyOrg', platform: 'web', redirectUri: REDIRECT_URI });
    appId = cell(overview, 'client-id');
    expect(appId).toMatch(/^[0-9a-f-]{36}$/);
    expect(cell(overview, 'tenant-id')).toBe(TENANT_ID);
    expect(cell(overview, 'display-name')).toBe('Vigor2927 mail');
    const authentication = await admin.get(`/app-registrations/${appId}/authentication`).expect(200);
    expect(authentication.text).toContain(`<td class="redirect-uri">${REDIRECT_URI}</td>`);
  });

  test('add a client secret shown once', async () => {
    const page = await click(`/app-registrations/${appId}/secrets`, `/app-registrations/${appId}/secrets`, { description: 'Vigor router', expires: '180' });
    secretValue = cell(page, 'shown-once');
    expect(secretValue).toMatch(/^[A-Za-z0-9_.~-]{3}8Q~[A-Za-z0-9_.~-]{34}$/);
    expect(page).toContain(`<td>${secretValue.slice(0, 3)}*************</td>`);
    const again = await admin.get(`/app-registrations/${appId}/secrets`).expect(200);
    expect(again.text).not.toContain(secretValue);
  });

  test('configure and grant API permissions', async () => {
    await click(`/app-registrations/${appId}/permissions`, `/app-registrations/${appId}/permissions`, { permission: 'exchange:delegated:SMTP.Send' });
    let page = await click(`/app-registrations/${appId}/permissions`, `/app-registrations/${appId}/permissions`, { permission: 'graph:delegated:offline_access' });
    expect(page).toContain('data-permission="exchange:delegated:SMTP.Send"');
    expect(page).toContain('Not granted for Contoso Lab');
    page = await click(`/app-registrations/${appId}/permissions`, `/app-registrations/${appId}/permissions/grant-admin-consent`);
    expect(page).not.toContain('Not granted for Contoso Lab');
    expect(page.match(/Granted for Contoso Lab/g)).toHaveLength(3);
  });

  test('the registration works for the router', async () => {
    const authorizeUrl = `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: appId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: `${SMTP_SCOPE} offline_access` })}`;
    // Admin consent was granted, so the user is not asked: cancelling a consent page would fail.
    const reply = await microsoftSignIn(new LabBrowser(proxyAgent(lab)), authorizeUrl, ALERTS, { consent: 'cancel' });
    const code = redirectParams(reply).get('code')!;
    const tokens = await proxyFetch(lab)(`https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: appId, client_secret: secretValue, code, redirect_uri: REDIRECT_URI }),
    });
    expect(tokens.status).toBe(200);
    const body = (await tokens.json()) as { access_token: string; refresh_token: string };
    expect(await identity(lab).verifyAccessToken('microsoft', body.access_token, lab.clock.now())).toMatchObject({ ok: true });
    expect(body.refresh_token).toBeDefined();
  });

  test('revoke permissions in enterprise apps', async () => {
    const page = await click(`/enterprise-apps/${appId}`, `/enterprise-apps/${appId}/revoke`);
    expect(page).toContain('Revoked every permission');
    expect(identity(lab).microsoft.consents.grantedScopes(identity(lab).microsoft.tenants.find(TENANT_ID)!, appId, 'any', 'exchange').size).toBe(0);
  });

  test('delete the client secret', async () => {
    const secrets = await admin.get(`/app-registrations/${appId}/secrets`).expect(200);
    const secretId = /data-secret-id="([^"]+)"/.exec(secrets.text)![1]!;
    const page = await click(`/app-registrations/${appId}/secrets`, `/app-registrations/${appId}/secrets/${secretId}/delete`);
    expect(page).not.toContain(secretId);
  });
});

describe('user and Exchange faults', () => {
  test('reset password shows a temporary one', async () => {
    const user = identity(lab).microsoft.tenants.findUserAnywhere('trainee@contosolab.onmicrosoft.com')!.user;
    const page = await click(`/users/${user.id}`, `/users/${user.id}/reset-password`);
    const temporary = cell(page, 'shown-once');
    expect(await identity(lab).checkPassword('trainee@contosolab.onmicrosoft.com', temporary)).toBe(true);
  });

  test('block sign-in and unblock', async () => {
    const user = identity(lab).microsoft.tenants.findUserAnywhere('trainee@contosolab.onmicrosoft.com')!.user;
    let page = await click(`/users/${user.id}`, `/users/${user.id}/account-enabled`, { enabled: 'false' });
    expect(cell(page, 'account-enabled')).toBe('No');
    expect(identity(lab).mailbox('trainee@contosolab.onmicrosoft.com')?.enabled).toBe(false);
    page = await click(`/users/${user.id}`, `/users/${user.id}/account-enabled`, { enabled: 'true' });
    expect(cell(page, 'account-enabled')).toBe('Yes');
  });

  test('SMTP AUTH switches', async () => {
    await click('/exchange', '/exchange/smtp-auth', { disabled: 'true' });
    expect(identity(lab).mailbox(ALERTS.userPrincipalName)?.smtpAuth).toEqual({ mailbox: null, tenant: false });
    const user = identity(lab).microsoft.tenants.findUserAnywhere(ALERTS.userPrincipalName)!.user;
    await click(`/users/${user.id}`, `/users/${user.id}/smtp-auth`, { smtpAuth: 'on' });
    expect(identity(lab).mailbox(ALERTS.userPrincipalName)?.smtpAuth).toEqual({ mailbox: true, tenant: false });
    await click('/exchange', '/exchange/smtp-auth', {});
    expect(identity(lab).mailbox(ALERTS.userPrincipalName)?.smtpAuth.tenant).toBe(true);
  });

  test('form errors name the field', async () => {
    const page = await click('/app-registrations/new', '/app-registrations', { displayName: 'Bad URI', redirectUri: 'http://example.com/callback' });
    expect(page).toContain('must start with https://');
    const missing = await click('/users', '/users', { userPrincipalName: '', displayName: 'No name' });
    expect(missing).toContain('User principal name is required.');
  });

  test('post without CSRF token is rejected', async () => {
    await admin.post('/exchange/smtp-auth').type('form').send({ disabled: 'true' }).expect(403);
    expect(identity(lab).mailbox(ALERTS.userPrincipalName)?.smtpAuth.tenant).toBe(true);
  });
});
