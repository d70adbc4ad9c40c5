import request from 'supertest';
import type { Lab } from '../../emulator';
import { csrfTokenOf, loginAgent, pageToken, routerOrigin, startTestLab } from '../helpers/lab';

let lab: Lab;
let url: string;

beforeAll(async () => {
  lab = await startTestLab();
  url = routerOrigin(lab);
});

afterAll(async () => {
  await lab.stop();
});

function cookieHeader(response: request.Response): string {
  const cookies = response.headers['set-cookie'] as unknown as string[] | undefined;
  return (cookies ?? []).find((cookie) => cookie.startsWith('SESSION_ID_VIGOR=')) ?? '';
}

describe('login', () => {
  test('root redirects to login page', async () => {
    const response = await request(url).get('/');
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/login');
  });

  test('login page sets strict HttpOnly cookie', async () => {
    const response = await request(url).get('/login').expect(200);
    const cookie = cookieHeader(response);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(response.text).toContain('name="_csrf"');
  });

  test('login without CSRF token is rejected', async () => {
    const agent = request.agent(url);
    await agent.get('/login');
    const response = await agent.post('/login').type('form').send({ username: 'admin', password: 'admin' });
    expect(response.status).toBe(403);
    expect(response.text).toContain('out of date');
  });

  test('wrong password fails and is logged', async () => {
    const agent = request.agent(url);
    const form = await agent.get('/login');
    const response = await agent.post('/login').type('form').send({ _csrf: csrfTokenOf(form.text), username: 'admin', password: 'wrong' });
    expect(response.status).toBe(401);
    expect(response.text).toContain('wrong user name or password');
    const messages = lab.router('r1')!.firmware.syslog.query({ category: 'User' }).map((entry) => entry.message);
    expect(messages.some((message) => message.includes('login failed') && message.includes('192.168.1.10'))).toBe(true);
  });

  test('login issues a new session id', async () => {
    const agent = request.agent(url);
    const form = await agent.get('/login');
    const before = cookieHeader(form);
    const response = await agent.post('/login').type('form').send({ _csrf: csrfTokenOf(form.text), username: 'admin', password: 'admin' });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/dashboard');
    const after = cookieHeader(response);
    expect(after).not.toBe('');
    expect(after.split(';')[0]).not.toBe(before.split(';')[0]);
  });

  test('pages need a session', async () => {
    const response = await request(url).get('/dashboard');
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/login');
  });

  test('logout ends the session', async () => {
    const agent = await loginAgent(url);
    const token = await pageToken(agent, '/dashboard');
    await agent.post('/logout').type('form').send({ _csrf: token }).expect(303);
    const response = await agent.get('/dashboard');
    expect(response.status).toBe(302);
  });
});

describe('security headers', () => {
  test('pages carry CSP and framing protection', async () => {
    const response = await request(url).get('/login');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});

describe('auto-logout', () => {
  test('session survives four idle minutes', async () => {
    const agent = await loginAgent(url);
    await lab.clock.advance(4 * 60_000);
    await agent.get('/dashboard').expect(200);
  });

  test('session ends after five idle minutes', async () => {
    const agent = await loginAgent(url);
    await lab.clock.advance(5 * 60_000 + 1000);
    const response = await agent.get('/dashboard');
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/login?expired=1');
    const login = await agent.get('/login?expired=1');
    expect(login.text).toContain('auto-logout');
  });

  test('disabled auto-logout keeps session', async () => {
    const firmware = lab.router('r1')!.firmware;
    const management = firmware.store.get<Record<string, unknown>>('management');
    await firmware.store.update({ management: { ...management, disableAutoLogout: true } }, 'test');
    try {
      const agent = await loginAgent(url);
      await lab.clock.advance(60 * 60_000);
      await agent.get('/dashboard').expect(200);
    } finally {
      await firmware.store.update({ management }, 'test');
    }
  });
});

describe('CSRF on forms', () => {
  test('form post without token changes nothing', async () => {
    const agent = await loginAgent(url);
    const response = await agent
      .post('/system-maintenance/administrator-password')
      .type('form')
      .send({ oldPassword: 'admin', newPassword: 'x1', confirmPassword: 'x1' });
    expect(response.status).toBe(403);
    expect(await lab.router('r1')!.firmware.admin.checkLogin('admin', 'admin')).toBe(true);
  });

  test('form post with foreign token is rejected', async () => {
    const agent = await loginAgent(url);
    const other = await loginAgent(url);
    const foreignToken = await pageToken(other, '/dashboard');
    const response = await agent.post('/system-maintenance/reboot-system').type('form').send({ _csrf: foreignToken, rebootMode: 'current' });
    expect(response.status).toBe(403);
    expect(lab.router('r1')!.firmware.state).toBe('running');
  });
});
