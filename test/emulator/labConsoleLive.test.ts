/**
 * The console's live parts: the Server-Sent Events stream, the board sensors route, the fault
 * catalogue with the SMTP server switch, and the timeline of OAuth, SMTP and DDNS with secrets
 * masked.
 */
import { get, type IncomingMessage } from 'node:http';
import request from 'supertest';
import type { Lab } from '../../emulator';
import { API_ROUTES } from '../../emulator/console/api';
import { createConsoleApp } from '../../emulator/console/app';
import { FAULTS } from '../../emulator/console/faults';
import { loginAgent, routerOrigin, startTestLab } from '../helpers/lab';
import { authorize, mailbox, RECIPIENT, saveProfile, sendTestMail, setUpDdns, setWanHttps, waitFor } from '../helpers/mailFlow';
import { ALERTS, createMailApp, microsoftSignIn, TENANT_ID } from '../services/identity/identityLab';

let lab: Lab;

beforeEach(async () => {
  lab = await startTestLab();
});

afterEach(async () => {
  await lab.stop();
});

function postJson(path: string, body: unknown) {
  return request(createConsoleApp(lab)).post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Opens GET /api/events on the lab's console port and collects the events it sends. */
async function openEventStream(): Promise<{ events: StreamEvent[]; response: IncomingMessage; next(match: (event: StreamEvent) => boolean): Promise<StreamEvent>; close(): void }> {
  const events: StreamEvent[] = [];
  const waiters: { match: (event: StreamEvent) => boolean; resolve(event: StreamEvent): void }[] = [];
  const response = await new Promise<IncomingMessage>((resolve, reject) => get(`${lab.consoleUrl}api/events`, resolve).on('error', reject));
  let buffer = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const type = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!type || !data) continue;
      const event = { type, data: JSON.parse(data) as Record<string, unknown> };
      events.push(event);
      for (const waiter of waiters.filter((candidate) => candidate.match(event))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  return {
    events,
    response,
    next: (match) => {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    close: () => response.destroy(),
  };
}

type PortView = { name: string; linkUp: boolean };

/** Supertest parser that keeps a reply as text; it buffers image/svg+xml as binary otherwise. */
function readText(response: IncomingMessage, callback: (error: Error | null, body: string) => void): void {
  let text = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (text += chunk));
  response.on('end', () => callback(null, text));
}

describe('GET /api/events', () => {
  test('sends clock and router state, then a link change', async () => {
    const stream = await openEventStream();
    try {
      expect(stream.response.statusCode).toBe(200);
      expect(stream.response.headers['content-type']).toMatch(/^text\/event-stream/);
      await stream.next((event) => event.type === 'clock');
      await stream.next((event) => event.type === 'router' && event.data.id === 'r1');

      await postJson('/api/routers/r1/ports/LAN2/link', { up: false }).expect(200);
      const change = await stream.next(
        (event) => event.type === 'router' && (event.data.ports as PortView[]).some((port) => port.name === 'LAN2' && !port.linkUp),
      );

      expect((change.data.leds as Record<string, string>).LAN2).toBe('off');
      expect(typeof change.data.time).toBe('number');
    } finally {
      stream.close();
    }
  });

  test('sends a sensor change', async () => {
    const stream = await openEventStream();
    try {
      await stream.next((event) => event.type === 'router');
      await postJson('/api/routers/r1/sensors', { temperatureC: 91 }).expect(200);
      const change = await stream.next((event) => event.type === 'router' && (event.data.sensors as { temperatureC: number }).temperatureC === 91);
      expect(change.data.id).toBe('r1');
    } finally {
      stream.close();
    }
  });
});

describe('POST /api/routers/{id}/sensors', () => {
  test('sets the given sensors only', async () => {
    const before = lab.router('r1')!.hardware.sensors.read();
    const response = await postJson('/api/routers/r1/sensors', { cpuPercent: 97.5, memoryPercent: 88 }).expect(200);

    expect(response.body).toEqual({ temperatureC: before.temperatureC, cpuPercent: 97.5, memoryPercent: 88 });
    expect(lab.router('r1')!.hardware.sensors.read().cpuPercent).toBe(97.5);
  });

  test.each([
    [{ temperatureC: 126 }, 'temperatureC'],
    [{ temperatureC: -41 }, 'temperatureC'],
    [{ cpuPercent: -1 }, 'cpuPercent'],
    [{ memoryPercent: 101 }, 'memoryPercent'],
    [{ cpuPercent: '50' }, 'cpuPercent'],
    [{ fanRpm: 3000 }, 'fanRpm'],
    [{}, 'body'],
  ])('rejects %j', async (body, field) => {
    const before = lab.router('r1')!.hardware.sensors.read();
    const response = await postJson('/api/routers/r1/sensors', body).expect(400);

    expect(response.body.error.code).toBe('INVALID_REQUEST');
    expect(response.body.error.field).toBe(field);
    expect(lab.router('r1')!.hardware.sensors.read()).toEqual(before);
  });

  test('rejects an unknown router', async () => {
    const response = await postJson('/api/routers/r9/sensors', { cpuPercent: 50 }).expect(404);
    expect(response.body.error.field).toBe('id');
  });
});

describe('fault catalogue', () => {
  test('every control names a lab API route', async () => {
    const response = await request(createConsoleApp(lab)).get('/api/faults').expect(200);
    expect(response.body.faults).toHaveLength(FAULTS.length);

    const routes = API_ROUTES.map((route) => new RegExp(`^${route.replace(/\{[^}]+\}/g, '[^/]+').replace(' ', ' ')}$`));
    for (const fault of FAULTS) {
      for (const control of [fault.on, fault.off]) {
        if (!control) continue;
        const line = `${control.method} ${control.path}`;
        expect(routes.some((route) => route.test(line)) ? line : `no route for ${line}`).toBe(line);
      }
    }
  });

  test('faults not built say so', () => {
    for (const fault of FAULTS.filter((entry) => entry.on === null)) {
      expect(fault.notAvailable).toMatch(/^Not available yet: /);
    }
  });
});

describe('fault parameters in a class lab', () => {
  let classLab: Lab;

  beforeAll(async () => {
    classLab = await startTestLab({ routers: 2 });
  });

  afterAll(async () => {
    await classLab?.stop();
  });

  test('r2 gets its own tenant and account', async () => {
    const response = await request(createConsoleApp(classLab)).get('/api/routers/r2/fault-parameters').expect(200);
    expect(response.body).toEqual({
      router: 'r2',
      parameters: {
        router: 'r2',
        tenant: 'contosolabr2.onmicrosoft.com',
        user: 'alerts@contosolabr2.onmicrosoft.com',
        appId: '',
        secretId: '',
        project: 'vigor-mail-lab-r2',
        provider: 'drayddns',
        account: 'r2-trainee',
      },
    });
  });

  test('unknown router gets 404', async () => {
    const response = await request(createConsoleApp(classLab)).get('/api/routers/r9/fault-parameters').expect(404);
    expect(response.body.error.field).toBe('id');
  });

  test('fault page starts with r1', async () => {
    const page = (await request(createConsoleApp(classLab)).get('/faults').expect(200)).text;
    expect(page).toContain('<option value="r2">r2</option>');
    expect(page).toContain('name="user" value="alerts@contosolab.onmicrosoft.com"');
    expect(page).toContain('name="account" value="r1-trainee"');
    expect(page).toContain('name="project" value="vigor-mail-lab"');
  });

  test('WAN1 addresses follow router ids', () => {
    expect(classLab.router('r1')!.hardware.ports.address('WAN1')?.ip).toBe('203.0.113.10');
    expect(classLab.router('r2')!.hardware.ports.address('WAN1')?.ip).toBe('203.0.113.11');
  });
});

describe('console pages', () => {
  test('main page draws a front panel per router', async () => {
    const page = (await request(createConsoleApp(lab)).get('/').expect(200)).text;
    expect(page).toContain('<div class="front-panel" data-router="r1">');
    expect(page).toContain('data-led="WAN1"');
    expect(page).toContain('data-socket="LAN4"');
    expect(page).toContain('data-lab-time');
  });

  test('fault page lists every fault', async () => {
    const page = (await request(createConsoleApp(lab)).get('/faults').expect(200)).text;
    for (const fault of FAULTS) expect(page).toContain(`data-fault="${fault.id}"`);
  });

  test('timeline page rejects an unknown protocol', async () => {
    const response = await request(createConsoleApp(lab)).get('/timeline?protocol=ftp').expect(400);
    expect(response.body.error.field).toBe('protocol');
  });
});

describe('POST /api/mail/servers', () => {
  const exchange = { sourceAddress: '192.0.2.100', destinationAddress: '192.0.2.12', destinationPort: 587 };

  test('takes a server down and back up', async () => {
    const down = await postJson('/api/mail/servers', { server: 'exchange', accepting: false }).expect(200);
    expect(down.body.servers).toContainEqual({ server: 'exchange', accepting: false, endpoints: ['smtp.office365.com:587'] });

    const refused = lab.internet.route(exchange);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('ECONNREFUSED');
    expect(lab.internet.route({ ...exchange, destinationAddress: '192.0.2.22' }).ok).toBe(true);

    await postJson('/api/mail/servers', { server: 'exchange', accepting: true }).expect(200);
    expect(lab.internet.route(exchange).ok).toBe(true);
  });

  test.each([
    [{ server: 'yahoo', accepting: false }, 'server'],
    [{ server: 'gmail', accepting: 'no' }, 'accepting'],
    [{ server: 'gmail' }, 'accepting'],
  ])('rejects %j', async (body, field) => {
    const response = await postJson('/api/mail/servers', body).expect(400);
    expect(response.body.error.field).toBe(field);
  });
});

describe('timeline of the mail flow', () => {
  test('records OAuth, SMTP and DDNS with secrets masked', async () => {
    const agent = await loginAgent(routerOrigin(lab));
    await setUpDdns(lab, agent);
    await setWanHttps(lab, agent, true);
    const app = await createMailApp(lab);
    await saveProfile(agent, { name: 'm365', auth: 'oauth2', provider: 'microsoft', clientId: app.appId, clientSecret: app.secret, tenantId: TENANT_ID, sender: ALERTS.userPrincipalName });
    await authorize(lab, agent, (browser, url) => microsoftSignIn(browser, url, ALERTS));
    expect(await sendTestMail(agent)).toContain('Sent. The server replied: 250');
    await waitFor(lab, () => mailbox(lab).store.messages(RECIPIENT).length === 1, 'the test mail');

    const oauth = lab.timeline.query({ protocol: 'oauth' });
    const steps = oauth.map((event) => (event.detail as { step: string }).step);
    expect(steps).toEqual(expect.arrayContaining(['authorize', 'sign-in', 'callback', 'token']));
    const token = oauth.find((event) => (event.detail as { step: string }).step === 'token')!;
    expect(token.router).toBe('r1');
    expect(token.summary).toMatch(/-> 200$/);

    // The session is recorded when it closes, which comes after the message is stored.
    const smtpSession = () => lab.timeline.query({ protocol: 'smtp' }).some((event) => event.router === 'r1' && /AUTH XOAUTH2 as alerts@.* succeeded, 1 message accepted/.test(event.summary));
    await waitFor(lab, smtpSession, 'the SMTP session in the timeline');

    const ddns = lab.timeline.query({ protocol: 'ddns' });
    expect(ddns.some((event) => event.router === 'r1' && /update of r1\.drayddns\.com -> 200 good/.test(event.summary))).toBe(true);

    const json = JSON.stringify(lab.timeline.query());
    expect(json).not.toContain(app.secret);
    expect(json).not.toContain(ALERTS.password);
    expect(json).not.toContain('r1-ddns-pass');
    expect(json).not.toContain(Buffer.from('r1-trainee:r1-ddns-pass').toString('base64'));
    // A JWT (access and ID tokens) would show as three base64url parts; masked ones keep 4 characters.
    expect(json).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
    expect(json).toMatch(/"access_token":"eyJ0\.\.\.\(\d+ characters\)"/);
    expect(json).toMatch(/"refresh_token":"[^"]{4}\.\.\.\(\d+ characters\)"/);
    expect(json).toMatch(/"client_secret":"[^"]{4}\.\.\.\(\d+ characters\)"/);

    const consoleApp = request(createConsoleApp(lab));
    const svgResponse = await consoleApp.get('/timeline/sequence.svg?router=r1').buffer(true).parse((response, callback) => readText(response as unknown as IncomingMessage, callback)).expect(200);
    expect(svgResponse.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const svg = svgResponse.body as string;
    expect(svg).toContain('sign-in (login.microsoftonline.com) -&gt; 302');
    expect(svg).toContain('redirect with code -&gt; 302');
    expect(svg).toContain('HTTPS accepted (callback)');
    expect(svg).toContain('token (login.microsoftonline.com) -&gt; 200');
    expect(svg).toContain('smtp.office365.com:587: AUTH XOAUTH2');
    const detail = (await consoleApp.get(`/timeline/${token.seq}`).expect(200)).text;
    expect(detail).toContain('&quot;client_secret&quot;');
    expect(detail).not.toContain(app.secret);

    // A later test e-mail is no part of the authorization, which ends with its first SMTP session.
    await postJson(`/api/identity/microsoft/tenants/${TENANT_ID}/smtp-auth`, { enabled: false }).expect(200);
    expect(await sendTestMail(agent)).toContain('5.7.139');
    await waitFor(lab, () => lab.timeline.query({ protocol: 'smtp' }).length >= 2, 'the failed SMTP session in the timeline');
    const later = (await consoleApp.get('/timeline/sequence.svg').buffer(true).parse((response, callback) => readText(response as unknown as IncomingMessage, callback)).expect(200)).body as string;
    expect(later.match(/<title>[^<]*smtp\.office365\.com:587/g)).toHaveLength(1);
    expect(later).not.toContain('5.7.139');
    expect(later).toContain('>Router r1</text>');
    const timeline = (await consoleApp.get('/timeline').expect(200)).text;
    expect(timeline).toContain('Newest OAuth authorization of router r1 (r1.drayddns.com)');
  });

  test('SMTP server down fails the test mail', async () => {
    const agent = await loginAgent(routerOrigin(lab));
    await setUpDdns(lab, agent);
    await setWanHttps(lab, agent, true);
    const app = await createMailApp(lab);
    await saveProfile(agent, { name: 'm365', auth: 'oauth2', provider: 'microsoft', clientId: app.appId, clientSecret: app.secret, tenantId: TENANT_ID, sender: ALERTS.userPrincipalName });
    await authorize(lab, agent, (browser, url) => microsoftSignIn(browser, url, ALERTS));

    await postJson('/api/mail/servers', { server: 'exchange', accepting: false }).expect(200);
    expect(await sendTestMail(agent)).toMatch(/refused/i);

    await postJson('/api/mail/servers', { server: 'exchange', accepting: true }).expect(200);
    expect(await sendTestMail(agent)).toContain('Sent. The server replied: 250');
  });
});
