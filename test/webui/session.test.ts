import request from 'supertest';
import type { Lab } from '../../emulator';
import { sessionCookieName } from '../../webui/sessions';
import { csrfTokenOf, loginAgent, pageToken, routerOrigin, startTestLab, tempDir } from '../helpers/lab';

let lab: Lab;
let url: string;

beforeAll(async () => {
  lab = await startTestLab();
  url = routerOrigin(lab);
});

afterAll(async () => {
  await lab.stop();
});

function setCookies(response: request.Response): string[] {
  return (response.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
}

function cookieHeader(response: request.Response): string {
  const name = sessionCookieName(lab.router('r1')!.hardware.board.serialNumber);
  return setCookies(response).find((cookie) => cookie.startsWith(`${name}=`)) ?? '';
}

function cookieName(setCookie: string): string {
  return setCookie.slice(0, setCookie.indexOf('='));
}

/**
 * The cookies a browser keeps for 127.0.0.1. Browsers key cookies by host and path, not by port,
 * so the web UIs of all routers of a lab read and overwrite the same cookies.
 */
class LoopbackCookieJar {
  private readonly cookies = new Map<string, string>();

  async get(origin: string, path: string): Promise<request.Response> {
    const response = await this.withCookies(request(origin).get(path));
    this.store(response);
    return response;
  }

  async postForm(origin: string, path: string, form: Record<string, string>): Promise<request.Response> {
    const response = await this.withCookies(request(origin).post(path).type('form').send(form));
    this.store(response);
    return response;
  }

  private withCookies(test: request.Test): request.Test {
    const header = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return header ? test.set('Cookie', header) : test;
  }

  private store(response: request.Response): void {
    for (const setCookie of setCookies(response)) {
      const [pair = ''] = setCookie.split(';');
      const name = cookieName(pair);
      const value = pair.slice(name.length + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(setCookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
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

  test('pages are never cached', async () => {
    const login = await request(url).get('/login').expect(200);
    expect(login.headers['cache-control']).toBe('no-store');

    const agent = await loginAgent(url);
    const dashboard = await agent.get('/dashboard').expect(200);
    expect(dashboard.headers['cache-control']).toBe('no-store');

    await agent.post('/logout').type('form').send({ _csrf: csrfTokenOf(dashboard.text) }).expect(303);
    const redirect = await agent.get('/dashboard').expect(302);
    expect(redirect.headers['cache-control']).toBe('no-store');
  });

  test('static files stay cacheable', async () => {
    const response = await request(url).get('/static/webui.css').expect(200);

    expect(response.headers['cache-control']).toBe('public, max-age=3600');
  });

  test('favicon gets 204 without login', async () => {
    const response = await request(url).get('/favicon.ico');

    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(setCookies(response)).toEqual([]);
  });
});

describe('two routers in one browser', () => {
  let twoRouters: Lab;

  beforeAll(async () => {
    twoRouters = await startTestLab({ routers: 2 });
  });

  afterAll(async () => {
    await twoRouters.stop();
  });

  test('each router names its own cookie', async () => {
    const first = await request(routerOrigin(twoRouters, 'r1')).get('/login').expect(200);
    const second = await request(routerOrigin(twoRouters, 'r2')).get('/login').expect(200);

    const firstName = cookieName(setCookies(first)[0] ?? '');
    const secondName = cookieName(setCookies(second)[0] ?? '');
    expect(firstName).toBe(sessionCookieName(twoRouters.router('r1')!.hardware.board.serialNumber));
    expect(secondName).toBe(sessionCookieName(twoRouters.router('r2')!.hardware.board.serialNumber));
    expect(firstName).toMatch(/^SESSION_ID_VIGOR_[0-9A-F]+$/);
    expect(firstName).not.toBe(secondName);
  });

  test('logins to both routers coexist', async () => {
    const jar = new LoopbackCookieJar();
    const r1 = routerOrigin(twoRouters, 'r1');
    const r2 = routerOrigin(twoRouters, 'r2');

    // Both login pages are open before either form is sent, as with two browser tabs.
    const r1Form = await jar.get(r1, '/login');
    const r2Form = await jar.get(r2, '/login');
    const r1Login = await jar.postForm(r1, '/login', { _csrf: csrfTokenOf(r1Form.text), username: 'admin', password: 'admin' });
    expect(r1Login.status).toBe(303);
    const r2Login = await jar.postForm(r2, '/login', { _csrf: csrfTokenOf(r2Form.text), username: 'admin', password: 'admin' });
    expect(r2Login.status).toBe(303);

    expect((await jar.get(r1, '/dashboard')).status).toBe(200);
    const r2Dashboard = await jar.get(r2, '/dashboard');
    expect(r2Dashboard.status).toBe(200);

    await jar.postForm(r2, '/logout', { _csrf: csrfTokenOf(r2Dashboard.text) });
    expect((await jar.get(r2, '/dashboard')).status).toBe(302);
    expect((await jar.get(r1, '/dashboard')).status).toBe(200);
  });

  test('cookie name survives lab restart', async () => {
    const data = tempDir();
    try {
      const first = await startTestLab({ dataDir: data.path });
      const before = cookieName(setCookies(await request(routerOrigin(first)).get('/login'))[0] ?? '');
      await first.stop();
      expect(before).toMatch(/^SESSION_ID_VIGOR_[0-9A-F]+$/);

      const second = await startTestLab({ dataDir: data.path });
      try {
        const after = cookieName(setCookies(await request(routerOrigin(second)).get('/login'))[0] ?? '');
        expect(after).toBe(before);
      } finally {
        await second.stop();
      }
    } finally {
      data.remove();
    }
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
