/**
 * Identity state under `<data>/lab/`. It survives a lab restart (tenants, apps, secrets, grants and
 * the signing keys, so issued tokens stay valid) and keeps only hashes of secrets and passwords. A
 * corrupt file is set aside, and the lab starts from the seeded state.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Lab } from '../../../emulator';
import { SEED_ACCOUNTS } from '../../../emulator/services/google/seed';
import { SEED_USERS } from '../../../emulator/services/microsoft/seed';
import { startTestLab, tempDir } from '../../helpers/lab';
import { LabBrowser } from '../../helpers/labHttps';
import { ALERTS, createMailApp, identity, labApi, microsoftSignIn, proxyAgent, proxyFetch, REDIRECT_URI, redirectParams, SMTP_SCOPE, TENANT_ID } from './identityLab';

const data = tempDir('vigor-sim-identity-');
let lab: Lab | undefined;

afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

afterAll(() => {
  data.remove();
});

async function refreshToken(app: { appId: string; secret: string }): Promise<string> {
  const url = `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: app.appId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: `${SMTP_SCOPE} offline_access` })}`;
  const code = redirectParams(await microsoftSignIn(new LabBrowser(proxyAgent(lab!)), url, ALERTS)).get('code')!;
  const reply = await redeem({ grant_type: 'authorization_code', client_id: app.appId, client_secret: app.secret, code, redirect_uri: REDIRECT_URI });
  return reply.refresh_token as string;
}

async function redeem(form: Record<string, string>): Promise<Record<string, unknown> & { status: number }> {
  const reply = await proxyFetch(lab!)(`https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams(form) });
  return { status: reply.status, ...((await reply.json()) as Record<string, unknown>) };
}

test('state survives a restart', async () => {
  lab = await startTestLab({ dataDir: data.path });
  const app = await createMailApp(lab);
  const token = await refreshToken(app);
  await labApi(lab).post('/api/identity/google/accounts').send({ email: 'kept@gmail.com', displayName: 'Kept', password: 'Kept-Lab-2026!' }).expect(201);
  await lab.stop();

  lab = await startTestLab({ dataDir: data.path });
  expect(identity(lab).microsoft.apps.find(app.appId)).toBeDefined();
  expect(identity(lab).google.accounts.find('kept@gmail.com')).toBeDefined();
  const refreshed = await redeem({ grant_type: 'refresh_token', client_id: app.appId, client_secret: app.secret, refresh_token: token });
  expect(refreshed.status).toBe(200);
});

test('files hold no secret in clear', async () => {
  const labDir = path.join(data.path, 'lab');
  expect(readdirSync(labDir)).toEqual(expect.arrayContaining(['microsoft-identity.json', 'google-identity.json', 'identity-keys.json']));
  lab = await startTestLab({ dataDir: data.path });
  const app = await createMailApp(lab, { displayName: 'Hashed secret' });
  await lab.stop();
  lab = undefined;

  const stored = readFileSync(path.join(labDir, 'microsoft-identity.json'), 'utf8') + readFileSync(path.join(labDir, 'google-identity.json'), 'utf8');
  expect(stored).toContain(app.appId);
  expect(stored).not.toContain(app.secret);
  for (const user of [...SEED_USERS, ...SEED_ACCOUNTS]) expect(stored).not.toContain(user.password);
  expect(stored).toContain('scrypt:16384:8:1:');
});

test('corrupt file is set aside', async () => {
  const file = path.join(data.path, 'lab', 'microsoft-identity.json');
  writeFileSync(file, '{"version": 1, "tenants": [');
  lab = await startTestLab({ dataDir: data.path });
  expect(identity(lab).microsoft.tenants.find(TENANT_ID)).toBeDefined();
  const aside = readdirSync(path.dirname(file)).filter((name) => name.startsWith('microsoft-identity.json.rejected-'));
  expect(aside).toHaveLength(1);
  expect(existsSync(file)).toBe(true);
});
