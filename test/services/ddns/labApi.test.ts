/** The DDNS routes of the lab API and the console's DDNS page. */
import request from 'supertest';
import type { Lab } from '../../../emulator';
import { createConsoleApp } from '../../../emulator/console/app';
import { API_ROUTES } from '../../../emulator/console/api';
import { startTestLab } from '../../helpers/lab';
import { send } from './helpers';

let lab: Lab;
let app: ReturnType<typeof createConsoleApp>;

beforeAll(async () => {
  lab = await startTestLab({ routers: 2 });
  app = createConsoleApp(lab);
});

afterAll(async () => {
  await lab.stop();
});

function postJson(path: string, body: unknown) {
  return request(app).post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

describe('DDNS lab API', () => {
  test('lists both providers', async () => {
    const reply = await request(app).get('/api/ddns').expect(200);
    const providers = reply.body.providers as { id: string; updateUrls: string[]; certificateUrl: string | null; forwards: { port: number }[] }[];
    expect(providers.map((entry) => entry.id)).toEqual(['drayddns', 'dyndns']);
    expect(providers[0]!.updateUrls).toEqual(['http://drayddns.com/nic/update', 'https://drayddns.com/nic/update']);
    expect(providers[0]!.certificateUrl).toBe('https://drayddns.com/api/v1/certificate');
    expect(providers[1]!.certificateUrl).toBeNull();
    expect(providers[0]!.forwards.map((forward) => forward.port)).toEqual([80, 443]);
  });

  test('seeds one account per router', async () => {
    const reply = await request(app).get('/api/ddns/drayddns/accounts').expect(200);
    expect(reply.body.accounts).toEqual([
      expect.objectContaining({ username: 'r1-trainee', documentedPassword: 'r1-ddns-pass', seededFor: 'r1', hostnames: ['r1.drayddns.com'], credited: true }),
      expect.objectContaining({ username: 'r2-trainee', documentedPassword: 'r2-ddns-pass', seededFor: 'r2', hostnames: ['r2.drayddns.com'] }),
    ]);
    const generic = await request(app).get('/api/ddns/dyndns/accounts').expect(200);
    expect(generic.body.accounts.map((account: { username: string }) => account.username)).toEqual(['r1-dyn', 'r2-dyn']);
  });

  test('account views carry no password hash', async () => {
    const reply = await request(app).get('/api/ddns/drayddns').expect(200);
    expect(JSON.stringify(reply.body)).not.toContain('scrypt');
  });

  test('creates account and hostname', async () => {
    const account = await postJson('/api/ddns/drayddns/accounts', { username: 'api-user', password: 'api-pass-1', credited: false }).expect(201);
    expect(account.body).toMatchObject({ username: 'api-user', credited: false, documentedPassword: null, hostnames: [] });
    const hostname = await postJson('/api/ddns/drayddns/hostnames', { hostname: 'API-Shop.drayddns.com', account: 'api-user', address: '203.0.113.90' }).expect(201);
    expect(hostname.body).toMatchObject({ hostname: 'api-shop.drayddns.com', account: 'api-user', address: '203.0.113.90', blocked: false });
    expect(lab.dns.resolve('api-shop.drayddns.com')).toBe('203.0.113.90');

    const reply = await send(lab, { auth: ['api-user', 'api-pass-1'], query: { hostname: 'api-shop.drayddns.com', myip: '203.0.113.90' } });
    expect(reply.body).toBe('nochg 203.0.113.90');
  });

  test('password change makes old one badauth', async () => {
    await postJson('/api/ddns/dyndns/accounts', { username: 'rotate', password: 'first-pass' }).expect(201);
    await postJson('/api/ddns/dyndns/hostnames', { hostname: 'rotate.homeip.net', account: 'rotate' }).expect(201);
    await postJson('/api/ddns/dyndns/accounts/rotate', { password: 'second-pass' }).expect(200);
    const query = { hostname: 'rotate.homeip.net', myip: '198.51.100.30' };
    expect((await send(lab, { host: 'members.dyndns.org', auth: ['rotate', 'first-pass'], query })).body).toBe('badauth');
    expect((await send(lab, { host: 'members.dyndns.org', auth: ['rotate', 'second-pass'], query })).body).toBe('good 198.51.100.30');
  });

  test('sets provider and account faults', async () => {
    const provider = await postJson('/api/ddns/drayddns/faults', { maintenance: true, replyDelaySeconds: 5 }).expect(200);
    expect(provider.body).toEqual({ maintenance: true, dnsError: false, abuseLock: false, passwordChanged: false, replyDelaySeconds: 5 });
    await postJson('/api/ddns/drayddns/faults', { maintenance: false, replyDelaySeconds: 0 }).expect(200);
    const account = await postJson('/api/ddns/drayddns/accounts/r2-trainee/faults', { abuseLock: true }).expect(200);
    expect(account.body.abuseLock).toBe(true);
    const view = await request(app).get('/api/ddns/drayddns/accounts/r2-trainee').expect(200);
    expect(view.body.faults.abuseLock).toBe(true);
    await postJson('/api/ddns/drayddns/accounts/r2-trainee/faults', { abuseLock: false }).expect(200);
  });

  test('blocks and unblocks hostname', async () => {
    const blocked = await postJson('/api/ddns/drayddns/hostnames/r2.drayddns.com/block', { blocked: true }).expect(200);
    expect(blocked.body.blocked).toBe(true);
    const unblocked = await postJson('/api/ddns/drayddns/hostnames/r2.drayddns.com/block', { blocked: false }).expect(200);
    expect(unblocked.body).toMatchObject({ blocked: false, recentNochg: 0 });
  });

  test('history filters by account', async () => {
    await send(lab, { auth: ['r1-trainee', 'r1-ddns-pass'], query: { hostname: 'r1.drayddns.com', myip: '203.0.113.91' } });
    const reply = await request(app).get('/api/ddns/drayddns/history?account=r1-trainee&limit=1').expect(200);
    expect(reply.body.entries).toHaveLength(1);
    expect(reply.body.entries[0]).toMatchObject({ username: 'r1-trainee', reply: 'good 203.0.113.91', authorization: 'Basic r1-trainee:********' });
  });

  test('every DDNS route is listed', () => {
    expect(API_ROUTES.filter((route) => route.includes('/api/ddns'))).toHaveLength(13);
  });

  const BAD_INPUT: { name: string; path: string; body: unknown; field: string; status?: number }[] = [
    { name: 'username missing', path: '/api/ddns/drayddns/accounts', body: { password: 'x' }, field: 'username' },
    { name: 'username with colon', path: '/api/ddns/drayddns/accounts', body: { username: 'a:b', password: 'x' }, field: 'username' },
    { name: 'password empty', path: '/api/ddns/drayddns/accounts', body: { username: 'emptypass', password: '' }, field: 'password' },
    { name: 'password too long', path: '/api/ddns/drayddns/accounts', body: { username: 'longpass', password: 'x'.repeat(129) }, field: 'password' },
    { name: 'credited not boolean', path: '/api/ddns/drayddns/accounts', body: { username: 'c', password: 'x', credited: 'yes' }, field: 'credited' },
    { name: 'unknown account field', path: '/api/ddns/drayddns/accounts', body: { username: 'c', password: 'x', email: 'e' }, field: 'email' },
    { name: 'duplicate username', path: '/api/ddns/drayddns/accounts', body: { username: 'r1-trainee', password: 'x' }, field: 'username', status: 409 },
    { name: 'hostname wrong domain', path: '/api/ddns/drayddns/hostnames', body: { hostname: 'a.example.com', account: 'r1-trainee' }, field: 'hostname' },
    { name: 'hostname two labels deep', path: '/api/ddns/drayddns/hostnames', body: { hostname: 'a.b.drayddns.com', account: 'r1-trainee' }, field: 'hostname' },
    { name: 'hostname of lab service', path: '/api/ddns/drayddns/hostnames', body: { hostname: 'oauth2.drayddns.com', account: 'r1-trainee' }, field: 'hostname', status: 409 },
    { name: 'hostname taken', path: '/api/ddns/drayddns/hostnames', body: { hostname: 'r2.drayddns.com', account: 'r1-trainee' }, field: 'hostname', status: 409 },
    { name: 'hostname unknown account', path: '/api/ddns/drayddns/hostnames', body: { hostname: 'z.drayddns.com', account: 'ghost' }, field: 'account' },
    { name: 'hostname bad address', path: '/api/ddns/drayddns/hostnames', body: { hostname: 'z.drayddns.com', account: 'r1-trainee', address: '2001:db8::1' }, field: 'address' },
    { name: 'fault not boolean', path: '/api/ddns/drayddns/faults', body: { maintenance: 'on' }, field: 'maintenance' },
    { name: 'delay out of range', path: '/api/ddns/drayddns/faults', body: { replyDelaySeconds: 4000 }, field: 'replyDelaySeconds' },
    { name: 'faults empty', path: '/api/ddns/drayddns/faults', body: {}, field: 'body' },
    { name: 'account change empty', path: '/api/ddns/drayddns/accounts/r1-trainee', body: {}, field: 'body' },
    { name: 'blocked missing', path: '/api/ddns/drayddns/hostnames/r1.drayddns.com/block', body: {}, field: 'blocked' },
    { name: 'unknown provider', path: '/api/ddns/noip/faults', body: { maintenance: true }, field: 'provider', status: 404 },
    { name: 'unknown account faults', path: '/api/ddns/drayddns/accounts/ghost/faults', body: { maintenance: true }, field: 'username', status: 404 },
    { name: 'unknown hostname block', path: '/api/ddns/drayddns/hostnames/ghost.drayddns.com/block', body: { blocked: true }, field: 'hostname', status: 404 },
  ];

  test.each(BAD_INPUT.map((entry) => [entry.name, entry] as const))('rejects %s', async (_name, entry) => {
    const reply = await postJson(entry.path, entry.body);
    expect(reply.status).toBe(entry.status ?? 400);
    expect(reply.body.error.field).toBe(entry.field);
    expect(reply.body.error.message).toEqual(expect.any(String));
  });

  test('rejects bad history query', async () => {
    const reply = await request(app).get('/api/ddns/drayddns/history?limit=0').expect(400);
    expect(reply.body.error.field).toBe('limit');
  });
});

describe('console DDNS page', () => {
  test('shows accounts, records and history', async () => {
    await send(lab, { auth: ['r2-trainee', 'r2-ddns-pass'], query: { hostname: 'r2.drayddns.com', myip: '203.0.113.92' } });
    const page = await request(app).get('/ddns').expect(200);
    expect(page.text).toContain('r2-trainee');
    expect(page.text).toContain('<code>r2-ddns-pass</code>');
    expect(page.text).toContain('203.0.113.92');
    expect(page.text).toContain('Basic r2-trainee:********');
    expect(page.text).toContain('good 203.0.113.92');
    expect(page.text).toContain('data-api="/api/ddns/drayddns/faults"');
  });

  test('console links to DDNS page', async () => {
    const page = await request(app).get('/').expect(200);
    expect(page.text).toContain('href="/ddns"');
  });

  test('serves page script', async () => {
    const script = await request(app).get('/ddns.js').expect(200);
    expect(script.text).toContain('data-optional');
  });
});
