/**
 * Management access from the Internet and the LAN through the lab proxy, brute force protection,
 * the ping switch and port probes, with a real HTTPS client over CONNECT tunnels.
 */
import { request as httpRequest } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import type { Lab } from '../../emulator';
import type { IpObject, ManagementConfig, ObjectsConfig } from '../../firmware';
import { loginAgent, pageToken, routerOrigin, startTestLab } from '../helpers/lab';
import { managementForm } from '../helpers/forms';

let lab: Lab;

beforeAll(async () => {
  lab = await startTestLab();
});

afterAll(async () => {
  await lab.stop();
});

function router() {
  return lab.router('r1')!;
}

function wanAddress(): string {
  return router().hardware.ports.address('WAN1')!.ip;
}

/** GETs `path` over HTTPS from a place, through a CONNECT tunnel of that place's proxy. */
function httpsThroughProxy(place: string, host: string, port: number, path: string): Promise<{ status: number; body: string } | { error: string }> {
  const proxy = lab.ready().proxies[place]!;
  return new Promise((resolve) => {
    const connect = httpRequest({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: `${host}:${port}` });
    connect.on('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        resolve({ error: String(response.headers['x-vigor-sim-error']) });
        return;
      }
      // The router's certificate is self-signed, as a Vigor's is; the test checks reachability.
      const secure = tlsConnect({ socket, servername: host, rejectUnauthorized: false }, () => {
        secure.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      });
      let text = '';
      secure.on('data', (chunk: Buffer) => (text += chunk.toString()));
      secure.on('end', () => resolve({ status: Number(text.slice(9, 12)), body: text }));
      secure.on('error', (error) => resolve({ error: error.message }));
    });
    connect.on('error', (error) => resolve({ error: error.message }));
    connect.end();
  });
}

async function updateManagement(change: (config: ManagementConfig) => void): Promise<void> {
  const config = router().firmware.management.config();
  change(config);
  await router().firmware.store.update({ management: config }, 'test');
}

async function setIpObject(index: number, object: IpObject): Promise<void> {
  const objects = router().firmware.store.get<ObjectsConfig>('objects');
  objects.ipObjects[index - 1] = object;
  await router().firmware.store.update({ objects }, 'test');
}

function probe(from: string, host: string, port: number): string {
  const route = lab.network.route(lab.place(from)!, host, port);
  if (route.ok) return 'open';
  return route.error.code;
}

describe('WAN management access', () => {
  test('closed by default, LAN open', async () => {
    expect(await httpsThroughProxy('internet', wanAddress(), 443, '/login')).toEqual({ error: 'ETIMEDOUT' });
    const lan = await httpsThroughProxy('r1', '192.168.1.1', 443, '/login');
    expect(lan).toMatchObject({ status: 200 });
  });

  test('HTTPS on 443 opens, access list and switch close', async () => {
    await updateManagement((config) => {
      config.internet.allow = true;
      config.internet.services.https = true;
    });
    const open = await httpsThroughProxy('internet', wanAddress(), 443, '/login');
    expect(open).toMatchObject({ status: 200 });
    expect((open as { body: string }).body).toContain('name="password"');

    await setIpObject(1, { name: 'partner', interface: 'wan', type: 'single', startIp: '198.51.100.77', endIp: '', prefixLength: 32 });
    await updateManagement((config) => (config.internet.accessList[0] = 1));
    expect(await httpsThroughProxy('internet', wanAddress(), 443, '/login')).toEqual({ error: 'ETIMEDOUT' });

    await setIpObject(2, { name: 'lab-net', interface: 'any', type: 'mask', startIp: '192.0.2.0', endIp: '', prefixLength: 24 });
    await updateManagement((config) => (config.internet.accessList[1] = 2));
    expect(await httpsThroughProxy('internet', wanAddress(), 443, '/login')).toMatchObject({ status: 200 });

    await updateManagement((config) => (config.internet.allow = false));
    expect(await httpsThroughProxy('internet', wanAddress(), 443, '/login')).toEqual({ error: 'ETIMEDOUT' });
    expect(await httpsThroughProxy('r1', '192.168.1.1', 443, '/login')).toMatchObject({ status: 200 });
  });

  test('moved HTTPS port changes the URL', async () => {
    await updateManagement((config) => {
      config.internet.allow = true;
      config.internet.accessList = config.internet.accessList.map(() => 0);
      config.ports.userDefined = true;
      config.ports.https = 8443;
    });
    try {
      expect(await httpsThroughProxy('internet', wanAddress(), 8443, '/login')).toMatchObject({ status: 200 });
      expect(await httpsThroughProxy('internet', wanAddress(), 443, '/login')).toEqual({ error: 'ETIMEDOUT' });
      expect(await httpsThroughProxy('r1', '192.168.1.1', 8443, '/login')).toMatchObject({ status: 200 });
    } finally {
      await updateManagement((config) => {
        config.internet.allow = false;
        config.ports.userDefined = false;
      });
    }
  });

  test('port probe shows open, closed, filtered', async () => {
    expect(probe('r1', '192.168.1.1', 23)).toBe('open');
    expect(probe('r1', '192.168.1.1', 2323)).toBe('ECONNREFUSED');
    expect(probe('internet', wanAddress(), 23)).toBe('ETIMEDOUT');
    await updateManagement((config) => {
      config.internet.allow = true;
      config.internet.services.telnet = true;
    });
    expect(probe('internet', wanAddress(), 23)).toBe('open');
    await updateManagement((config) => (config.internet.allow = false));
  });

  test('ping answers per switch', async () => {
    expect(lab.network.ping(lab.place('internet')!, wanAddress()).reachable).toBe(false);
    expect(lab.network.ping(lab.place('r1')!, '192.168.1.1').reachable).toBe(true);
    await updateManagement((config) => (config.internet.disablePing = false));
    expect(lab.network.ping(lab.place('internet')!, wanAddress()).reachable).toBe(true);
    await updateManagement((config) => (config.internet.disablePing = true));
  });

  test('management page saves from the form', async () => {
    const agent = await loginAgent(routerOrigin(lab));
    const token = await pageToken(agent, '/system-maintenance/management');
    const form = managementForm(router().firmware.management.config(), { internetAllow: 'on', internet_https: 'on' });
    await agent.post('/system-maintenance/management').type('form').send({ ...form, _csrf: token }).expect(303);
    expect(router().firmware.management.config().internet).toMatchObject({ allow: true, services: expect.objectContaining({ https: true }) });

    const clash = managementForm(router().firmware.management.config(), { portSetup: 'user', port_https: '80' });
    const response = await agent.post('/system-maintenance/management').type('form').send({ ...clash, _csrf: await pageToken(agent, '/system-maintenance/management') });
    expect(response.status).toBe(400);
    expect(response.text).toContain('HTTPS Port must differ from the HTTP port 80');
    await updateManagement((config) => (config.internet.allow = false));
  });
});

describe('brute force protection', () => {
  async function attempt(password: string): Promise<number> {
    const agent = (await import('supertest')).default.agent(routerOrigin(lab));
    const form = await agent.get('/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const response = await agent.post('/login').type('form').send({ _csrf: token, username: 'admin', password });
    return response.status;
  }

  test('sixth wrong password is blocked', async () => {
    const statuses = [];
    for (let index = 0; index < 6; index += 1) statuses.push(await attempt('wrong'));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 403]);
    expect(await attempt('admin')).toBe(403);
    const blocks = router().firmware.syslog.query({ category: 'Management' }).map((entry) => entry.message);
    expect(blocks.some((message) => message.startsWith('Brute force protection blocked 192.168.1.10 for HTTP after 5 failed logins'))).toBe(true);
  });

  test('block lifts after penalty period', async () => {
    await lab.clock.advance(30 * 60_000 + 1000);
    expect(await attempt('admin')).toBe(303);
  });

  test('parallel guesses are blocked too', async () => {
    const statuses = await Promise.all(Array.from({ length: 10 }, () => attempt('wrong')));
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 403)).toHaveLength(5);
    expect(router().firmware.management.bruteForce.blocked()).toHaveLength(1);
  });

  test('unblock from the page', async () => {
    router().firmware.management.bruteForce.unblock('192.168.1.10');
    const admin = await loginAgent(routerOrigin(lab));
    for (let index = 0; index < 6; index += 1) await attempt('wrong');
    expect(await attempt('admin')).toBe(403);

    const page = await admin.get('/system-maintenance/management').expect(200);
    expect(page.text).toContain('192.168.1.10');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await admin.post('/system-maintenance/management').type('form').send({ _csrf: token, action: 'unblock', source: '192.168.1.10' }).expect(303);
    expect(await attempt('admin')).toBe(303);
  });
});

describe('login protections', () => {
  test('validation code is required when enabled', async () => {
    await updateManagement((config) => (config.validationCode = true));
    try {
      const agent = (await import('supertest')).default.agent(routerOrigin(lab));
      const form = await agent.get('/login');
      expect(form.text).toContain('Validation Code');
      const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
      const wrong = await agent.post('/login').type('form').send({ _csrf: token, username: 'admin', password: 'admin', validationCode: '99999' });
      expect(wrong.status).toBe(401);
      expect(wrong.text).toContain('the validation code does not match the picture');

      // The code is in the SVG picture, as the person reads it.
      const picture = /src="data:image\/svg\+xml;base64,([^"]+)"/.exec(wrong.text)![1]!;
      const code = [...Buffer.from(picture, 'base64').toString('utf8').matchAll(/>(\d)<\/text>/g)].map((match) => match[1]).join('');
      const nextToken = /name="_csrf" value="([^"]+)"/.exec(wrong.text)![1];
      const right = await agent.post('/login').type('form').send({ _csrf: nextToken, username: 'admin', password: 'admin', validationCode: code });
      expect(right.status).toBe(303);
    } finally {
      await updateManagement((config) => (config.validationCode = false));
    }
  });

  test('admin login from the Internet can be disabled', async () => {
    router().firmware.management.bruteForce.unblock('192.0.2.100');
    await updateManagement((config) => {
      config.internet.allow = true;
      config.internet.services.https = true;
    });
    const admin = router().firmware.store.get<Record<string, unknown>>('admin');
    await router().firmware.store.update({ admin: { ...admin, allowInternetLogin: false } }, 'test');
    try {
      const form = await httpsThroughProxy('internet', wanAddress(), 443, '/login');
      expect(form).toMatchObject({ status: 200 });
      const sessionCookie = /Set-Cookie: ([^;]+)/i.exec((form as { body: string }).body)![1]!;
      const token = /name="_csrf" value="([^"]+)"/.exec((form as { body: string }).body)![1]!;
      const reply = await httpsPostThroughProxy(wanAddress(), '/login', `_csrf=${encodeURIComponent(token)}&username=admin&password=admin`, sessionCookie);
      expect(reply).toContain('Login from the Internet is disabled for this account');
    } finally {
      await router().firmware.store.update({ admin }, 'test');
      await updateManagement((config) => (config.internet.allow = false));
    }
  });

  test('lab ping API follows the ping switch', async () => {
    const api = (await import('supertest')).default(lab.consoleUrl.replace(/\/$/, ''));
    const blocked = await api.get('/api/network/ping').query({ from: 'internet', host: wanAddress() }).expect(200);
    expect(blocked.body.reachable).toBe(false);
    const lan = await api.get('/api/network/ping').query({ from: 'r1', host: '192.168.1.1' }).expect(200);
    expect(lan.body.reachable).toBe(true);
    const missing = await api.get('/api/network/ping').query({ from: 'internet' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('host');
  });
});

/** POSTs a form over HTTPS through the Internet proxy with a session cookie; returns the raw reply. */
function httpsPostThroughProxy(host: string, path: string, body: string, cookie: string): Promise<string> {
  const proxy = lab.ready().proxies.internet!;
  return new Promise((resolve, reject) => {
    const connect = httpRequest({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: `${host}:443` });
    connect.on('connect', (_response, socket) => {
      const secure = tlsConnect({ socket, servername: host, rejectUnauthorized: false }, () => {
        secure.write(`POST ${path} HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      });
      let text = '';
      secure.on('data', (chunk: Buffer) => (text += chunk.toString()));
      secure.on('end', () => resolve(text));
      secure.on('error', reject);
    });
    connect.on('error', reject);
    connect.end();
  });
}

describe('closing WAN management', () => {
  test('open WAN connection ends when access is closed', async () => {
    await updateManagement((config) => {
      config.internet.allow = true;
      config.internet.services.https = true;
    });
    const proxy = lab.ready().proxies.internet!;
    const closed = await new Promise<boolean>((resolve, reject) => {
      const connect = httpRequest({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: `${wanAddress()}:443` });
      connect.on('connect', (_response, socket) => {
        const secure = tlsConnect({ socket, servername: wanAddress(), rejectUnauthorized: false }, () => {
          void updateManagement((config) => (config.internet.allow = false));
        });
        secure.on('close', () => resolve(true));
        secure.on('error', () => resolve(true));
        setTimeout(() => resolve(false), 3000).unref();
      });
      connect.on('error', reject);
      connect.end();
    });
    expect(closed).toBe(true);
  });
});

describe('brute force and correct logins', () => {
  test('parallel correct logins block nobody', async () => {
    router().firmware.management.bruteForce.unblock('192.168.1.10');
    const request = (await import('supertest')).default;
    const login = async () => {
      const agent = request.agent(routerOrigin(lab));
      const form = await agent.get('/login');
      const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
      return (await agent.post('/login').type('form').send({ _csrf: token, username: 'admin', password: 'admin' })).status;
    };
    const statuses = await Promise.all(Array.from({ length: 8 }, login));
    expect(statuses.filter((status) => status === 303).length).toBeGreaterThanOrEqual(5);
    expect(router().firmware.management.bruteForce.blocked()).toEqual([]);
    expect(await login()).toBe(303);
  });
});
