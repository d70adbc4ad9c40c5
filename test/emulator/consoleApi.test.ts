import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import type { Logger } from 'pino';
import request from 'supertest';
import type { Lab } from '../../emulator/lab';
import { createConsoleApp } from '../../emulator/console/app';
import { apiErrorHandler } from '../../emulator/console/errors';
import { MAX_ADVANCE_SECONDS } from '../../emulator/console/clockApi';
import { BOOT_WAIT_MS } from '../../emulator/console/routersApi';
import { startTestLab } from '../helpers/lab';

let lab: Lab;
let app: express.Express;

beforeAll(async () => {
  lab = await startTestLab();
  app = createConsoleApp(lab);
});

afterAll(async () => {
  await lab.stop();
});

function postJson(path: string, body: unknown) {
  return request(app).post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

/**
 * Sends `head` (request line and headers, without the blank line) as is, with no body, and returns
 * the status and body of the reply. Node's HTTP client always adds Content-Length or
 * Transfer-Encoding to a POST, and curl's `-X POST` without `-d` sends neither.
 */
async function rawRequest(head: string): Promise<{ status: number; body: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(`${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });
    // The reply starts with a status line such as `HTTP/1.1 400 Bad Request`.
    return { status: Number(reply.split(' ')[1]), body: reply.slice(reply.indexOf('\r\n\r\n') + 4) };
  } finally {
    server.close();
  }
}

describe('GET /api/routers', () => {
  test('lists every router with its state', async () => {
    const response = await request(app).get('/api/routers').expect(200);

    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body.routers).toHaveLength(1);
    const router = response.body.routers[0];
    expect(router.id).toBe('r1');
    expect(router.lanUrl).toBe(lab.routers[0]!.lanUrl);
    expect(router.firmwareState).toBe('running');
    expect(router.model).toBe('Vigor2927');
    expect(router.firmwareVersion).toMatch(/_sim$/);
    expect(typeof router.serialNumber).toBe('string');
    expect(router.routerName).toBe('DrayTek');
    expect(router.uptimeSeconds).toBe(0);
    expect(router.ports.map((port: { name: string }) => port.name)).toEqual(['WAN1', 'WAN2', 'LAN1', 'LAN2', 'LAN3', 'LAN4']);
    expect(router.ports[0].address.ip).toMatch(/^203\.0\.113\./);
    expect(router.ports[2]).not.toHaveProperty('address');
    expect(router.leds.ACT).toBe('blink');
  });

  test('returns one router by id', async () => {
    const response = await request(app).get('/api/routers/r1').expect(200);

    expect(response.body.id).toBe('r1');
    expect(response.body.ports).toHaveLength(6);
  });

  test('unknown router gets 404 listing valid ids', async () => {
    const response = await request(app).get('/api/routers/r9').expect(404);

    expect(response.body.error.code).toBe('NOT_FOUND');
    expect(response.body.error.field).toBe('id');
    expect(response.body.error.message).toContain('"r9"');
    expect(response.body.error.validValues).toEqual(['r1']);
  });
});

describe('POST /api/routers/{id}/ports/{port}/link', () => {
  test('pulling WAN1 drops the link and logs it', async () => {
    const response = await postJson('/api/routers/r1/ports/WAN1/link', { up: false }).expect(200);

    expect(response.body.name).toBe('WAN1');
    expect(response.body.linkUp).toBe(false);
    expect(response.body.speedMbps).toBe(0);
    expect(response.body.address).toBeNull();

    const syslog = await request(app).get('/api/routers/r1/syslog').query({ category: 'WAN' }).expect(200);
    const messages: string[] = syslog.body.entries.map((entry: { message: string }) => entry.message);
    expect(messages.some((message) => message.includes('WAN1') && message.includes('disconnected'))).toBe(true);
  });

  test('plugging WAN1 back in gets an address', async () => {
    const response = await postJson('/api/routers/r1/ports/WAN1/link', { up: true }).expect(200);

    expect(response.body.linkUp).toBe(true);
    expect(response.body.speedMbps).toBe(1000);
    expect(response.body.address.ip).toMatch(/^203\.0\.113\./);

    const router = await request(app).get('/api/routers/r1').expect(200);
    expect(router.body.leds.WAN1).toBe('on');
  });

  test('LAN port link changes too', async () => {
    const response = await postJson('/api/routers/r1/ports/LAN2/link', { up: true }).expect(200);

    expect(response.body.linkUp).toBe(true);
    expect(response.body).not.toHaveProperty('address');
  });
});

describe('clock API', () => {
  test('advance moves lab time by exactly N seconds', async () => {
    const before = await request(app).get('/api/clock').expect(200);
    expect(before.body.mode).toBe('paused');

    const after = await postJson('/api/clock/advance', { seconds: 3600 }).expect(200);

    expect(after.body.now - before.body.now).toBe(3_600_000);
    expect(after.body.iso).toBe(new Date(after.body.now).toISOString());
    const router = await request(app).get('/api/routers/r1').expect(200);
    expect(router.body.uptimeSeconds).toBe(3600);
  });

  test('fractional seconds and zero are accepted', async () => {
    const before = await request(app).get('/api/clock').expect(200);

    await postJson('/api/clock/advance', { seconds: 0 }).expect(200);
    const after = await postJson('/api/clock/advance', { seconds: 1.5 }).expect(200);

    expect(after.body.now - before.body.now).toBe(1500);
  });

  test('mode switches between real and paused', async () => {
    const running = await postJson('/api/clock/mode', { mode: 'real' }).expect(200);
    expect(running.body.mode).toBe('real');

    const paused = await postJson('/api/clock/mode', { mode: 'paused' }).expect(200);
    expect(paused.body.mode).toBe('paused');
  });
});

describe('bad requests', () => {
  const cases: { name: string; path: string; body: unknown; status: number; field: string }[] = [
    { name: 'missing up', path: '/api/routers/r1/ports/WAN1/link', body: {}, status: 400, field: 'up' },
    { name: 'up as a string', path: '/api/routers/r1/ports/WAN1/link', body: { up: 'no' }, status: 400, field: 'up' },
    { name: 'unknown body field', path: '/api/routers/r1/ports/WAN1/link', body: { up: true, port: 'WAN2' }, status: 400, field: 'port' },
    { name: 'array body', path: '/api/routers/r1/ports/WAN1/link', body: [true], status: 400, field: 'body' },
    { name: 'unknown port WAN9', path: '/api/routers/r1/ports/WAN9/link', body: { up: true }, status: 404, field: 'port' },
    { name: 'unknown router r9', path: '/api/routers/r9/ports/WAN1/link', body: { up: true }, status: 404, field: 'id' },
    { name: 'seconds -1', path: '/api/clock/advance', body: { seconds: -1 }, status: 400, field: 'seconds' },
    { name: 'seconds "x"', path: '/api/clock/advance', body: { seconds: 'x' }, status: 400, field: 'seconds' },
    { name: 'seconds over 10 years', path: '/api/clock/advance', body: { seconds: MAX_ADVANCE_SECONDS + 1 }, status: 400, field: 'seconds' },
    { name: 'missing seconds', path: '/api/clock/advance', body: {}, status: 400, field: 'seconds' },
    { name: 'unknown clock mode', path: '/api/clock/mode', body: { mode: 'fast' }, status: 400, field: 'mode' },
  ];

  test.each(cases)('$name gets $status naming $field', async ({ path, body, status, field }) => {
    const response = await postJson(path, body).expect(status);

    expect(response.body.error.field).toBe(field);
    expect(response.body.error.message).toContain(field);
  });

  test('invalid values name what is expected', async () => {
    const up = await postJson('/api/routers/r1/ports/WAN1/link', { up: 'no' }).expect(400);
    expect(up.body.error.code).toBe('INVALID_REQUEST');
    expect(up.body.error.message).toContain('true or false');
    expect(up.body.error.message).toContain('the string "no"');

    const seconds = await postJson('/api/clock/advance', { seconds: -1 }).expect(400);
    expect(seconds.body.error.message).toContain(`from 0 to ${MAX_ADVANCE_SECONDS}`);

    const port = await postJson('/api/routers/r1/ports/WAN9/link', { up: true }).expect(404);
    expect(port.body.error.validValues).toEqual(['WAN1', 'WAN2', 'LAN1', 'LAN2', 'LAN3', 'LAN4']);
  });

  test('non-JSON body gets 400', async () => {
    const response = await request(app).post('/api/routers/r1/ports/WAN1/link').set('Content-Type', 'application/json').send('{"up": fals').expect(400);

    expect(response.body.error.code).toBe('INVALID_REQUEST');
    expect(response.body.error.field).toBe('body');
    expect(response.body.error.message).toContain('not valid JSON');
  });

  test.each(['null', '42', '"up"'])('JSON body %s gets 400 naming body', async (body) => {
    const response = await request(app).post('/api/routers/r1/ports/WAN1/link').set('Content-Type', 'application/json').send(body).expect(400);

    expect(response.body.error.field).toBe('body');
    expect(response.body.error.message).toContain('must be a JSON object such as {"up": false}');
    expect(response.body.error.message).not.toContain('not valid JSON');
  });

  test('empty body gets 400 naming body', async () => {
    const response = await request(app).post('/api/clock/advance').set('Content-Type', 'application/json').set('Content-Length', '0').expect(400);

    expect(response.body.error.field).toBe('body');
    expect(response.body.error.message).toBe('The request body is empty; send a JSON object such as {"seconds": 3600}.');
  });

  test('POST without body gets 400 naming body', async () => {
    const response = await rawRequest('POST /api/clock/advance HTTP/1.1\r\nContent-Type: application/json');

    expect(response.status).toBe(400);
    const error = JSON.parse(response.body).error;
    expect(error.field).toBe('body');
    expect(error.message).toContain('The request body is empty');
  });

  test('POST without body or type gets 415', async () => {
    const response = await rawRequest('POST /api/clock/advance HTTP/1.1');

    expect(response.status).toBe(415);
    expect(JSON.parse(response.body).error.message).toContain('got no Content-Type');
  });

  test('wrong content type gets 415', async () => {
    const response = await request(app).post('/api/clock/advance').set('Content-Type', 'text/plain').send('{"seconds": 60}').expect(415);

    expect(response.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(response.body.error.field).toBe('Content-Type');
    expect(response.body.error.message).toContain('application/json');
  });

  test('form-encoded body gets 415', async () => {
    const response = await request(app).post('/api/routers/r1/ports/WAN1/link').type('form').send({ up: 'false' }).expect(415);

    expect(response.body.error.field).toBe('Content-Type');
  });

  test('gzip header on plain body gets 400', async () => {
    const response = await request(app).post('/api/clock/advance').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('{"seconds": 1}').expect(400);

    expect(response.body.error.code).toBe('INVALID_REQUEST');
    expect(response.body.error.field).toBe('Content-Encoding');
    expect(response.body.error.message).toContain('could not be decompressed as Content-Encoding "gzip"');
  });

  test('gzip-compressed body is accepted', async () => {
    const before = lab.clock.now();
    // serialize() keeps superagent from sending the Buffer as JSON.
    await request(app)
      .post('/api/clock/advance')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize((body) => body)
      .send(gzipSync('{"seconds": 1}'))
      .expect(200);

    expect(lab.clock.now()).toBe(before + 1000);
  });

  test('unknown content encoding gets 415', async () => {
    const response = await request(app).post('/api/clock/advance').set('Content-Type', 'application/json').set('Content-Encoding', 'x-pack').send('{"seconds": 1}').expect(415);

    expect(response.body.error.field).toBe('Content-Encoding');
    expect(response.body.error.message).toContain('"x-pack"');
  });

  test.each(['/api', '/api/routers', '/api/routers/r1', '/api/routers/r1/syslog.txt', '/api/clock'])('GET %s?x=1 gets 400 naming x', async (path) => {
    const response = await request(app).get(`${path}?x=1`).expect(400);

    expect(response.body.error.field).toBe('x');
    expect(response.body.error.message).toBe('Unknown query parameter "x"; this request takes no query parameters.');
  });

  test('query parameter on POST gets 400', async () => {
    const response = await request(app).post('/api/clock/mode?mode=paused').set('Content-Type', 'application/json').send('{"mode": "paused"}').expect(400);

    expect(response.body.error.field).toBe('mode');
  });

  test('bad syslog queries get 400', async () => {
    const queries: [Record<string, string>, string][] = [
      [{ limit: '0' }, 'limit'],
      [{ limit: '2001' }, 'limit'],
      [{ after: '-1' }, 'after'],
      [{ after: 'abc' }, 'after'],
      [{ category: 'Nope' }, 'category'],
      [{ severity: 'loud' }, 'severity'],
      [{ afer: '5' }, 'afer'],
    ];
    for (const [query, field] of queries) {
      const response = await request(app).get('/api/routers/r1/syslog').query(query).expect(400);
      expect(response.body.error.field).toBe(field);
    }
  });

  test('repeated query parameter gets 400', async () => {
    const response = await request(app).get('/api/routers/r1/syslog?after=1&after=2').expect(400);

    expect(response.body.error.field).toBe('after');
    expect(response.body.error.message).toContain('once');
  });

  test('malformed path encoding gets 400', async () => {
    const response = await request(app).get('/api/routers/%E0').expect(400);

    expect(response.body.error.code).toBe('INVALID_REQUEST');
    expect(response.body.error.message).toContain('%E0');
  });

  test('oversized body gets 413', async () => {
    const response = await postJson('/api/clock/advance', { seconds: 1, padding: 'x'.repeat(200_000) }).expect(413);

    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('unknown API route gets 404 JSON', async () => {
    const response = await request(app).get('/api/nothing-here').expect(404);

    expect(response.body.error.code).toBe('NOT_FOUND');
    expect(response.body.error.message).toContain('/api/nothing-here');
  });

  test('wrong method gets 405 with Allow', async () => {
    const response = await request(app).get('/api/clock/advance').expect(405);

    expect(response.headers.allow).toBe('POST');
    expect(response.body.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  test('non-loopback Host header gets 403', async () => {
    const response = await request(app).get('/api/routers').set('Host', 'attacker.example:7100').expect(403);

    expect(response.body.error.code).toBe('HOST_NOT_ALLOWED');
  });
});

describe('syslog API', () => {
  test('after returns only newer entries', async () => {
    const all = await request(app).get('/api/routers/r1/syslog').expect(200);
    const entries = all.body.entries;
    expect(entries.length).toBeGreaterThan(1);
    const lastSeq = entries[entries.length - 1].seq;

    const newer = await request(app).get('/api/routers/r1/syslog').query({ after: String(lastSeq - 1) }).expect(200);

    expect(newer.body.entries).toHaveLength(1);
    expect(newer.body.entries[0].seq).toBe(lastSeq);
    expect(newer.body.entries[0].iso).toBe(new Date(newer.body.entries[0].time).toISOString());
  });

  test('limit keeps the newest entries', async () => {
    const response = await request(app).get('/api/routers/r1/syslog').query({ limit: '1' }).expect(200);
    const all = await request(app).get('/api/routers/r1/syslog').expect(200);

    expect(response.body.entries).toHaveLength(1);
    expect(response.body.entries[0].seq).toBe(all.body.entries[all.body.entries.length - 1].seq);
  });

  test('severity filter keeps that severity and worse', async () => {
    const response = await request(app).get('/api/routers/r1/syslog').query({ severity: 'warning' }).expect(200);

    expect(response.body.entries.length).toBeGreaterThan(0);
    for (const entry of response.body.entries) expect(['error', 'warning']).toContain(entry.severity);
  });

  test('syslog.txt is a plain-text attachment', async () => {
    const response = await request(app).get('/api/routers/r1/syslog.txt').expect(200);

    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.headers['content-disposition']).toContain('attachment');
    expect(response.headers['content-disposition']).toContain('r1-syslog.txt');
    expect(response.text).toMatch(/^\d{4}-\d\d-\d\dT\S+ DrayTek NOTICE \[System\] Vigor2927 firmware \S+ started/m);
  });
});

describe('console page', () => {
  test('renders router r1 with its web UI link', async () => {
    const response = await request(app).get('/').expect(200);
    const lanUrl = lab.routers[0]!.lanUrl;

    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('<title>vigor-sim lab console</title>');
    expect(response.text).toContain('data-router="r1"');
    expect(response.text).toContain(`<a href="${lanUrl}" target="_blank" rel="noopener noreferrer">`);
    expect(response.text).toContain('data-port="WAN1" aria-pressed="true"');
    expect(response.text).toContain('data-port="LAN3" aria-pressed="false"');
    expect(response.text).toContain('data-advance="2592000"');
    expect(response.text).toContain('src="/console.js"');
  });

  test('sends a CSP with self-only scripts and styles', async () => {
    const response = await request(app).get('/').expect(200);
    const csp = response.headers['content-security-policy'];

    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  test('serves its script and style sheet', async () => {
    const script = await request(app).get('/console.js').expect(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.text).toContain('/api/clock/advance');

    const styles = await request(app).get('/console.css').expect(200);
    expect(styles.headers['content-type']).toMatch(/text\/css/);
  });

  test('escapes the router name', async () => {
    const { store } = lab.routers[0]!.firmware;
    await store.update({ management: { ...store.get<Record<string, unknown>>('management'), routerName: '<b>lab</b>' } }, 'test');

    const response = await request(app).get('/').expect(200);

    expect(response.text).toContain('&lt;b&gt;lab&lt;/b&gt;');
    expect(response.text).not.toContain('<b>lab</b>');
  });
});

describe('error middleware', () => {
  test('unexpected error gets a generic JSON 500', async () => {
    const logger = { error: jest.fn(), debug: jest.fn() } as unknown as Logger;
    const broken = express();
    broken.get('/boom', async () => {
      throw new Error('internal detail');
    });
    broken.use(apiErrorHandler(logger));

    const response = await request(broken).get('/boom').expect(500);

    expect(response.body.error.code).toBe('INTERNAL_ERROR');
    expect(response.body.error.message).not.toContain('internal detail');
    expect(logger.error).toHaveBeenCalledTimes(1);
  });
});

describe('POST /api/routers/{id}/reset-button', () => {
  async function setRouterName(name: string): Promise<void> {
    const { store } = lab.routers[0]!.firmware;
    await store.update({ management: { ...store.get<Record<string, unknown>>('management'), routerName: name } }, 'test');
  }

  async function syslogMessages(): Promise<string[]> {
    const response = await request(app).get('/api/routers/r1/syslog').query({ category: 'System' }).expect(200);
    return response.body.entries.map((entry: { message: string }) => entry.message);
  }

  /** Yields to the event loop until `condition` is true; setImmediate keeps working under fake timers. */
  async function waitUntil(condition: () => boolean): Promise<void> {
    for (let turn = 0; !condition(); turn += 1) {
      if (turn > 10_000) throw new Error('The condition was still false after 10000 event-loop turns');
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  test('short press restarts and keeps settings', async () => {
    await setRouterName('Kept');
    await postJson('/api/clock/advance', { seconds: 60 }).expect(200);
    const before = await request(app).get('/api/routers/r1').expect(200);
    expect(before.body.uptimeSeconds).toBeGreaterThanOrEqual(60);

    const response = await postJson('/api/routers/r1/reset-button', { holdSeconds: 1 }).expect(202);

    expect(response.body).toEqual({ action: 'restart', router: 'r1' });
    const after = await request(app).get('/api/routers/r1').expect(200);
    expect(after.body.firmwareState).toBe('running');
    expect(after.body.uptimeSeconds).toBe(0);
    expect(after.body.routerName).toBe('Kept');
    expect(await syslogMessages()).toContain('Vigor2927 firmware 4.4.5_sim started (restarted by reset button; configuration from flash)');
  });

  test('5 s press still only restarts', async () => {
    const response = await postJson('/api/routers/r1/reset-button', { holdSeconds: 5 }).expect(202);

    expect(response.body.action).toBe('restart');
    const router = await request(app).get('/api/routers/r1').expect(200);
    expect(router.body.routerName).toBe('Kept');
  });

  test('6 s hold restores factory defaults', async () => {
    await setRouterName('Kept');
    await postJson('/api/clock/advance', { seconds: 60 }).expect(200);

    const response = await postJson('/api/routers/r1/reset-button', { holdSeconds: 6 }).expect(202);

    expect(response.body).toEqual({ action: 'factoryReset', router: 'r1' });
    const after = await request(app).get('/api/routers/r1').expect(200);
    expect(after.body.firmwareState).toBe('running');
    expect(after.body.uptimeSeconds).toBe(0);
    expect(after.body.routerName).toBe('DrayTek');
    expect(await syslogMessages()).toContain('Vigor2927 firmware 4.4.5_sim started (factory defaults restored by reset button; configuration from flash)');
  });

  test('console page has both reset buttons', async () => {
    const page = await request(app).get('/').expect(200);

    expect(page.text).toContain('<button type="button" data-hold-seconds="1" data-reset-action="restart" title="Press the reset button for 1 s: the router restarts with its current settings.">Restart</button>');
    expect(page.text).toContain('<button type="button" data-hold-seconds="6" data-reset-action="factoryReset" title="Hold the reset button for 6 s, after a confirmation: the router restores its factory default settings and restarts.">Factory reset</button>');
    expect(page.text).toContain('id="routers-status"');
    const script = await request(app).get('/console.js').expect(200);
    expect(script.text).toContain('/reset-button');
    expect(script.text).toContain('window.confirm(');
  });

  const badBodies: { name: string; body: unknown }[] = [
    { name: 'missing holdSeconds', body: {} },
    { name: 'holdSeconds -1', body: { holdSeconds: -1 } },
    { name: 'holdSeconds 61', body: { holdSeconds: 61 } },
    { name: 'holdSeconds "x"', body: { holdSeconds: 'x' } },
    { name: 'holdSeconds null', body: { holdSeconds: null } },
  ];

  test.each(badBodies)('$name gets 400 naming holdSeconds', async ({ body }) => {
    const response = await postJson('/api/routers/r1/reset-button', body).expect(400);

    expect(response.body.error.code).toBe('INVALID_REQUEST');
    expect(response.body.error.field).toBe('holdSeconds');
    expect(response.body.error.message).toContain('"holdSeconds" must be a number of seconds from 0 to 60');
  });

  test('unknown body field gets 400 naming it', async () => {
    const response = await postJson('/api/routers/r1/reset-button', { holdSeconds: 1, hold: 6 }).expect(400);

    expect(response.body.error.field).toBe('hold');
  });

  test('unknown router gets 404', async () => {
    const response = await postJson('/api/routers/r9/reset-button', { holdSeconds: 1 }).expect(404);

    expect(response.body.error.field).toBe('id');
    expect(response.body.error.validValues).toEqual(['r1']);
  });

  test('GET gets 405 with Allow POST', async () => {
    const response = await request(app).get('/api/routers/r1/reset-button').expect(405);

    expect(response.headers.allow).toBe('POST');
    expect(response.body.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  test('non-JSON content type gets 415', async () => {
    const response = await request(app).post('/api/routers/r1/reset-button').set('Content-Type', 'text/plain').send('{"holdSeconds": 1}').expect(415);

    expect(response.body.error.field).toBe('Content-Type');
  });

  test('firmware not running gets 409', async () => {
    const state = jest.spyOn(lab.routers[0]!.firmware, 'state', 'get').mockReturnValue('booting');
    try {
      const response = await postJson('/api/routers/r1/reset-button', { holdSeconds: 1 }).expect(409);

      expect(response.body.error.code).toBe('CONFLICT');
      expect(response.body.error.message).toContain('booting');
    } finally {
      state.mockRestore();
    }
  });

  test('no boot in time gets 504, second press 409', async () => {
    // A restart that never finishes, so the firmware never emits 'booted'.
    const reboot = jest.spyOn(lab.routers[0]!.firmware, 'reboot').mockReturnValue(new Promise(() => {}));
    // Only setTimeout and clearTimeout are fake, so the HTTP exchange and setImmediate run on real time.
    jest.useFakeTimers({
      doNotFake: ['Date', 'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval'],
    });
    try {
      const first = postJson('/api/routers/r1/reset-button', { holdSeconds: 1 }).then((response) => response);
      await waitUntil(() => reboot.mock.calls.length > 0);

      const second = await postJson('/api/routers/r1/reset-button', { holdSeconds: 1 }).expect(409);
      expect(second.body.error.message).toContain('waiting for it to boot');

      jest.advanceTimersByTime(BOOT_WAIT_MS);
      const response = await first;
      expect(response.status).toBe(504);
      expect(response.body.error.code).toBe('GATEWAY_TIMEOUT');
      expect(response.body.error.message).toContain('Timed out after 10 s');
    } finally {
      jest.useRealTimers();
      reboot.mockRestore();
    }
  });
});
