/**
 * The lab API of the identity providers: per-trainee tenants and Google accounts, apps, secrets,
 * consent and the faults, and errors that name the field for every bad input (never a 500).
 */
import type { Lab } from '../../../emulator';
import { API_ROUTES } from '../../../emulator/console/api';
import { IDENTITY_API_ROUTES } from '../../../emulator/console/identityApi';
import { startTestLab } from '../../helpers/lab';
import { unescapeHtml } from '../../helpers/labHttps';
import { GOOGLE_PROJECT, labApi, REDIRECT_URI, TENANT_ID } from './identityLab';

const DAY_MS = 24 * 60 * 60 * 1000;
const M = '/api/identity/microsoft';
const G = '/api/identity/google';
let lab: Lab;

beforeAll(async () => {
  lab = await startTestLab();
});

afterAll(async () => {
  await lab.stop();
});

describe('overview', () => {
  test('GET /api lists identity routes', async () => {
    const reply = await labApi(lab).get('/api').expect(200);
    for (const route of IDENTITY_API_ROUTES) expect(reply.body.routes).toContain(route);
    expect(API_ROUTES).toEqual(reply.body.routes);
  });

  test('GET /api/identity names tenants and accounts', async () => {
    const reply = await labApi(lab).get('/api/identity').expect(200);
    expect(reply.body.microsoft.tenants).toContainEqual({ id: TENANT_ID, displayName: 'Contoso Lab', domain: 'contosolab.onmicrosoft.com' });
    expect(reply.body.google.accounts).toEqual(['lab.owner@gmail.com', 'lab.alerts@gmail.com', 'lab.trainee@gmail.com']);
    expect(reply.body.hosts.map((host: { name: string }) => host.name)).toContain('entra.microsoft.com');
  });
});

describe('Microsoft', () => {
  test('tenant per trainee', async () => {
    const created = await labApi(lab).post(`${M}/tenants`).send({ displayName: 'Trainee 7', domain: 'trainee7' }).expect(201);
    expect(created.body.tenant.domains).toEqual(['trainee7.onmicrosoft.com']);
    expect(created.body.admin.userPrincipalName).toBe('admin@trainee7.onmicrosoft.com');
    expect(created.body.admin.password).toMatch(/^[A-Za-z]{10}\d{4}!$/);
    expect(created.body.admin.passwordHash).toBeUndefined();
    const byDomain = await labApi(lab).get(`${M}/tenants/trainee7.onmicrosoft.com`).expect(200);
    await labApi(lab).get(`${M}/tenants/${byDomain.body.id}`).expect(200);

    const duplicate = await labApi(lab).post(`${M}/tenants`).send({ displayName: 'Again', domain: 'trainee7.onmicrosoft.com' }).expect(409);
    expect(duplicate.body.error.field).toBe('domain');
    await labApi(lab).delete(`${M}/tenants/trainee7.onmicrosoft.com`).expect(204);
    const deleted = await labApi(lab).get(`${M}/tenants/trainee7.onmicrosoft.com`).expect(404);
    expect(deleted.body.error).toMatchObject({ code: 'NOT_FOUND', field: 'tenant' });
    expect(deleted.body.error.validValues).toContain('contosolab.onmicrosoft.com');
  });

  test('users with mailboxes', async () => {
    const created = await labApi(lab).post(`${M}/tenants/${TENANT_ID}/users`).send({ userPrincipalName: 'printer', displayName: 'Printer', password: 'Printer-Lab-2026!' }).expect(201);
    expect(created.body).toMatchObject({ userPrincipalName: 'printer@contosolab.onmicrosoft.com', mail: 'printer@contosolab.onmicrosoft.com', accountEnabled: true, smtpAuthEnabled: null });
    expect(created.body.password).toBeUndefined();
    const noMailbox = await labApi(lab).post(`${M}/tenants/${TENANT_ID}/users`).send({ userPrincipalName: 'nomail', displayName: 'No mail', mailbox: false }).expect(201);
    expect(noMailbox.body.mail).toBeNull();
    expect(noMailbox.body.password).toBeDefined();
    const smtp = await labApi(lab).post(`${M}/tenants/${TENANT_ID}/users/nomail@contosolab.onmicrosoft.com/smtp-auth`).send({ enabled: true }).expect(400);
    expect(smtp.body.error.field).toBe('user');
    const reset = await labApi(lab).post(`${M}/tenants/${TENANT_ID}/users/printer@contosolab.onmicrosoft.com/password`).send({}).expect(200);
    expect(reset.body.password).toBeDefined();
    expect(reset.body.signInSessionsValidFrom).toBe(lab.clock.now());
  });

  test('app with secrets and consent', async () => {
    const app = await labApi(lab)
      .post(`${M}/tenants/${TENANT_ID}/apps`)
      .send({ displayName: 'Vigor API app', redirectUris: { web: [REDIRECT_URI] }, permissions: [{ api: 'Office 365 Exchange Online', permission: 'SMTP.Send', type: 'delegated' }, { api: 'Microsoft Graph', permission: 'offline_access', type: 'delegated' }] })
      .expect(201);
    const appId = app.body.appId as string;
    expect(app.body.signInAudience).toBe('AzureADMyOrg');
    expect(app.body.permissions).toHaveLength(2);

    const secret = await labApi(lab).post(`${M}/tenants/${TENANT_ID}/apps/${appId}/secrets`).send({ description: 'router' }).expect(201);
    expect(secret.body.value).toMatch(/^.{3}8Q~.{34}$/);
    expect(secret.body.endDateTime - secret.body.startDateTime).toBe(180 * DAY_MS);
    const listed = await labApi(lab).get(`${M}/tenants/${TENANT_ID}/apps/${appId}`).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(secret.body.value);
    expect(listed.body.secrets[0]).toMatchObject({ secretId: secret.body.secretId, hint: secret.body.value.slice(0, 3), expired: false });

    const expired = await labApi(lab).post(`${M}/tenants/${TENANT_ID}/apps/${appId}/secrets/${secret.body.secretId}/expire`).expect(200);
    expect(expired.body.secrets[0].expired).toBe(true);
    await labApi(lab).delete(`${M}/tenants/${TENANT_ID}/apps/${appId}/secrets/${secret.body.secretId}`).expect(204);
    const missing = await labApi(lab).delete(`${M}/tenants/${TENANT_ID}/apps/${appId}/secrets/${secret.body.secretId}`).expect(404);
    expect(missing.body.error.field).toBe('secretId');

    const consent = await labApi(lab).post(`${M}/tenants/${TENANT_ID}/apps/${appId}/admin-consent`).expect(200);
    expect(consent.body.grants[0]).toMatchObject({ consentType: 'AllPrincipals', api: 'Office 365 Exchange Online', scopes: ['SMTP.Send'] });
    const enterprise = await labApi(lab).get(`${M}/tenants/${TENANT_ID}/enterprise-apps`).expect(200);
    expect(enterprise.body.enterpriseApps.map((entry: { appId: string }) => entry.appId)).toContain(appId);
    await labApi(lab).delete(`${M}/tenants/${TENANT_ID}/enterprise-apps/${appId}/consent`).expect(204);
    const revoked = await labApi(lab).get(`${M}/tenants/${TENANT_ID}/enterprise-apps`).expect(200);
    expect(revoked.body.enterpriseApps.find((entry: { appId: string }) => entry.appId === appId).grants).toEqual([]);
  });

  test.each([
    ['no displayName', { redirectUris: { web: [REDIRECT_URI] } }, 'displayName'],
    ['http redirect', { displayName: 'x', redirectUris: { web: ['http://example.com/x'] } }, 'redirectUris.web[0]'],
    ['fragment', { displayName: 'x', redirectUris: { web: [`${REDIRECT_URI}#x`] } }, 'redirectUris.web[0]'],
    ['unknown platform', { displayName: 'x', redirectUris: { ios: [REDIRECT_URI] } }, 'redirectUris'],
    ['unknown API', { displayName: 'x', permissions: [{ api: 'Contoso API', permission: 'x', type: 'delegated' }] }, 'permissions[0].api'],
    ['unknown permission', { displayName: 'x', permissions: [{ api: 'Microsoft Graph', permission: 'Mail.Sned', type: 'delegated' }] }, 'permissions[0].permission'],
    ['bad audience', { displayName: 'x', signInAudience: 'Everyone' }, 'signInAudience'],
    ['unknown field', { displayName: 'x', homepage: 'https://example.com' }, 'homepage'],
  ])('app rejects %s', async (_name, body, field) => {
    const reply = await labApi(lab).post(`${M}/tenants/${TENANT_ID}/apps`).send(body).expect(400);
    expect(reply.body.error).toMatchObject({ code: 'INVALID_REQUEST', field });
  });

  test.each([
    ['zero days', { expiresInDays: 0 }],
    ['25 months', { expiresInDays: 731 }],
    ['fractional days', { expiresInDays: 1.5 }],
    ['days as text', { expiresInDays: '90' }],
  ])('secret rejects %s', async (_name, body) => {
    const app = await labApi(lab).post(`${M}/tenants/${TENANT_ID}/apps`).send({ displayName: 'Secret checks' }).expect(201);
    const reply = await labApi(lab).post(`${M}/tenants/${TENANT_ID}/apps/${app.body.appId}/secrets`).send(body).expect(400);
    expect(reply.body.error.field).toBe('expiresInDays');
  });

  test.each([
    ['users', { userPrincipalName: 'x@example.com', displayName: 'x' }, 'userPrincipalName'],
    ['users', { userPrincipalName: 'short', displayName: 'x', password: 'short' }, 'password'],
    ['users', { userPrincipalName: 'alerts', displayName: 'x' }, 'userPrincipalName'],
    ['smtp-auth', { enabled: 'yes' }, 'enabled'],
  ])('tenant %s rejects bad field', async (route, body, field) => {
    const reply = await labApi(lab).post(`${M}/tenants/${TENANT_ID}/${route}`).send(body);
    expect([400, 409]).toContain(reply.status);
    expect(reply.body.error.field).toBe(field);
  });

  test.each([
    ['domain with dots', { displayName: 'x', domain: 'a.b' }, 'domain'],
    ['long domain', { displayName: 'x', domain: 'a'.repeat(28) }, 'domain'],
    ['id not a GUID', { displayName: 'x', domain: 'guidless', id: '1234' }, 'id'],
    ['empty name', { displayName: ' ', domain: 'emptyname' }, 'displayName'],
    ['short admin password', { displayName: 'x', domain: 'shortpw', adminPassword: 'x' }, 'password'],
  ])('tenant rejects %s', async (_name, body, field) => {
    const reply = await labApi(lab).post(`${M}/tenants`).send(body).expect(400);
    expect(reply.body.error.field).toBe(field);
    await labApi(lab).get(`${M}/tenants/shortpw`).expect(404);
  });
});

describe('Google', () => {
  test('account per trainee', async () => {
    const created = await labApi(lab).post(`${G}/accounts`).send({ email: 'Trainee7@Gmail.com', displayName: 'Trainee 7', password: 'Trainee7-Lab-2026!' }).expect(201);
    expect(created.body.email).toBe('trainee7@gmail.com');
    expect(created.body.id).toMatch(/^\d{21}$/);
    await labApi(lab).post(`${G}/accounts`).send({ email: 'trainee7@gmail.com', displayName: 'Again', password: 'Trainee7-Lab-2026!' }).expect(409);
    await labApi(lab).delete(`${G}/accounts/trainee7@gmail.com`).expect(204);
  });

  test('project, consent screen and client', async () => {
    const project = await labApi(lab).post(`${G}/projects`).send({ name: 'Trainee 7 mail', owner: 'lab.owner@gmail.com' }).expect(201);
    expect(project.body.id).toMatch(/^trainee-7-mail-\d{6}$/);
    expect(project.body.consentScreen).toMatchObject({ publishingStatus: 'Testing', userType: 'External', testUsers: [] });
    const status = await labApi(lab).post(`${G}/projects/${project.body.id}/consent-screen`).send({ publishingStatus: 'Live' }).expect(400);
    expect(status.body.error).toMatchObject({ field: 'publishingStatus', validValues: ['Testing', 'In production'] });
    const users = await labApi(lab).post(`${G}/projects/${project.body.id}/consent-screen`).send({ testUsers: ['lab.alerts@gmail.com', 'nope'] }).expect(400);
    expect(users.body.error.field).toBe('testUsers[1]');

    const client = await labApi(lab).post(`${G}/projects/${project.body.id}/clients`).send({ name: 'Router', redirectUris: [REDIRECT_URI] }).expect(201);
    expect(client.body.clientSecret).toMatch(/^GOCSPX-/);
    expect(client.body.clientId.startsWith(`${project.body.number}-`)).toBe(true);
    const second = await labApi(lab).post(`${G}/projects/${project.body.id}/clients/${client.body.clientId}/secrets`).expect(201);
    expect(second.body.value).toMatch(/^GOCSPX-/);
    const third = await labApi(lab).post(`${G}/projects/${project.body.id}/clients/${client.body.clientId}/secrets`).expect(409);
    expect(third.body.error.field).toBe('clientId');
    const badUri = await labApi(lab).post(`${G}/projects/${project.body.id}/clients/${client.body.clientId}/redirect-uris`).send({ uris: ['ftp://example.com/'] }).expect(400);
    expect(badUri.body.error.field).toBe('redirectUris[0]');
    await labApi(lab).delete(`${G}/projects/${project.body.id}`).expect(204);
  });

  test('unknown owner and grant', async () => {
    const owner = await labApi(lab).post(`${G}/projects`).send({ name: 'Orphan', owner: 'nobody@gmail.com' }).expect(404);
    expect(owner.body.error.field).toBe('owner');
    const grant = await labApi(lab).delete(`${G}/accounts/lab.alerts@gmail.com/grants/unknown.apps.googleusercontent.com`).expect(404);
    expect(grant.body.error.field).toBe('clientId');
    await labApi(lab).get(`${G}/projects/${GOOGLE_PROJECT}`).expect(200);
  });
});

describe('bad input is never a 500', () => {
  const bodies: unknown[] = [{}, { unknown: 1 }, { displayName: 42 }, { enabled: 'no' }, { email: ['a'] }, { permissions: 'all' }, { uris: [1] }];
  const postRoutes = IDENTITY_API_ROUTES.filter((route) => route.startsWith('POST '))
    .map((route) => route.slice(5))
    .map((route) =>
      route
        .replace('{tenant}', TENANT_ID)
        .replace('{user}', 'alerts@contosolab.onmicrosoft.com')
        .replace('{appId}', '00000000-0000-4000-8000-000000000000')
        .replace('{secretId}', '00000000-0000-4000-8000-000000000001')
        .replace('{email}', 'lab.trainee@gmail.com')
        .replace('{project}', GOOGLE_PROJECT)
        .replace('{clientId}', 'unknown.apps.googleusercontent.com'),
    );

  test.each(postRoutes)('POST %s', async (route) => {
    for (const body of bodies) {
      const reply = await labApi(lab).post(route).send(body as object);
      // Some routes accept {} (a generated password, a consent screen left as it is).
      expect(reply.status).toBeLessThan(500);
      if (reply.status >= 400) expect(typeof reply.body.error.message).toBe('string');
    }
    // Action routes without a body ignore it; the others want JSON.
    const text = await labApi(lab).post(route).set('Content-Type', 'text/plain').send('x');
    expect(text.status).toBeLessThan(500);
  });

  test('wrong method gets 405', async () => {
    const reply = await labApi(lab).put(`${M}/tenants`).send({}).expect(405);
    expect(reply.headers.allow).toBe('GET, POST, HEAD');
  });
});

describe('console page', () => {
  /** Sends a button of the page as /identity.js does. */
  async function press(page: string, label: string): Promise<number> {
    const button = [...page.matchAll(/<button type="button" data-api-method="([A-Z]+)" data-api-path="([^"]+)" data-api-body="([^"]*)"[^>]*>([^<]+)<\/button>/g)].find((match) => match[4] === label);
    if (!button) throw new Error(`The page has no button "${label}"`);
    const [, method, path, body] = button;
    const request = labApi(lab)[method === 'POST' ? 'post' : 'delete'](unescapeHtml(path!));
    const reply = body ? await request.set('Content-Type', 'application/json').send(unescapeHtml(body)) : await request;
    return reply.status;
  }

  test('buttons inject the faults', async () => {
    const app = await labApi(lab).post(`${M}/tenants/${TENANT_ID}/apps`).send({ displayName: 'Console faults', redirectUris: { web: [REDIRECT_URI] } }).expect(201);
    await labApi(lab).post(`${M}/tenants/${TENANT_ID}/apps/${app.body.appId}/secrets`).send({ description: 'console' }).expect(201);
    await labApi(lab).post(`${M}/tenants/${TENANT_ID}/apps/${app.body.appId}/admin-consent`).expect(200);
    const page = (await labApi(lab).get('/identity').expect(200)).text;
    expect(page).toContain('Contoso Lab');
    expect(page).toContain('vigor-mail-lab');

    expect(await press(page, 'Expire now')).toBe(200);
    expect(await press(page, 'Revoke consent')).toBe(204);
    expect(await press(page, 'Publish')).toBe(200);
    const after = (await labApi(lab).get('/identity').expect(200)).text;
    expect(after).toContain('expired');
    expect(after).toContain('Back to Testing');
    expect(await press(after, 'Back to Testing')).toBe(200);
  });
});
