/**
 * Lab snapshots through the lab API. A restore brings back router settings, mail and DDNS accounts
 * while the console and router web UI keep their ports, and invalid files leave the lab untouched.
 * A reset goes back to the seeded state. An ephemeral lab resets but takes no snapshot.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Lab } from '../../emulator';
import { newMessageId, parseMessage } from '../../emulator/services/mail/store/message';
import { buildSnapshot, type Snapshot } from '../../emulator/snapshot/format';
import { managementForm } from '../helpers/forms';
import { loginAgent, pageToken, routerOrigin, startTestLab, tempDir } from '../helpers/lab';
import { messageSource } from '../services/mail/helpers';

const MANAGEMENT_PAGE = '/system-maintenance/management';
const MAILBOX = 'trainee@contosolab.onmicrosoft.com';

function consoleOf(lab: Lab) {
  return request(lab.consoleUrl.replace(/\/$/, ''));
}

async function setRouterName(lab: Lab, name: string): Promise<void> {
  const agent = await loginAgent(routerOrigin(lab));
  const form = managementForm(lab.router('r1')!.firmware.management.config(), { routerName: name });
  await agent.post(MANAGEMENT_PAGE).type('form').send({ ...form, _csrf: await pageToken(agent, MANAGEMENT_PAGE) }).expect(303);
}

async function deliverMail(lab: Lab, subject: string): Promise<void> {
  const parsed = await parseMessage(Buffer.from(messageSource('alert@contosolab.onmicrosoft.com', MAILBOX, subject, `Body of ${subject}`)));
  const message = { ...parsed, id: newMessageId(), mailbox: MAILBOX, folder: 'inbox' as const, receivedAt: lab.clock.now(), envelope: { mailFrom: 'alert@contosolab.onmicrosoft.com', rcptTo: [MAILBOX] }, submission: { server: 'test', clientAddress: '192.0.2.100', user: null } };
  await lab.services.mail!.store.add({ address: MAILBOX, provider: 'microsoft', displayName: 'Trainee' }, message);
}

function credited(lab: Lab): boolean | undefined {
  return lab.services.ddns!.provider('drayddns')!.findAccount('r1-trainee')?.credited;
}

async function takeSnapshot(lab: Lab): Promise<Snapshot> {
  const response = await consoleOf(lab).get('/api/lab/snapshot').expect(200);
  expect(response.headers['content-disposition']).toMatch(/^attachment; filename="?vigor-sim-snapshot-[0-9TZ-]+\.json"?$/);
  return JSON.parse(response.text) as Snapshot;
}

function restore(lab: Lab, body: string) {
  return consoleOf(lab).post('/api/lab/restore').set('Content-Type', 'application/json').send(body);
}

/** Checks that the console and the router web UI reply with 200 and that the router is named `name`. */
async function expectWorking(lab: Lab, name: string): Promise<void> {
  await consoleOf(lab).get('/api/routers/r1').expect(200);
  await request(routerOrigin(lab)).get('/login').expect(200);
  expect(lab.router('r1')!.firmware.management.routerName()).toBe(name);
}

/** Advances the lab clock a second at a time until r1's WAN1 has an address, and returns it. */
async function wanAddress(lab: Lab): Promise<string> {
  for (let second = 0; second < 60; second += 1) {
    const address = lab.router('r1')!.hardware.ports.address('WAN1');
    if (address) return address.ip;
    await lab.clock.advance(1000);
  }
  throw new Error('r1 WAN1 got no address within 60 s of lab time');
}

describe('lab snapshot', () => {
  let lab: Lab;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    dir = tempDir();
    lab = await startTestLab({ dataDir: dir.path });
  });

  afterAll(async () => {
    await lab?.stop();
    dir.remove();
  });

  test('restore brings back state', async () => {
    const urls = { console: lab.consoleUrl, router: lab.router('r1')!.lanUrl };
    await setRouterName(lab, 'Prepared');
    const snapshot = await takeSnapshot(lab);
    expect(snapshot).toMatchObject({ format: 'vigor-sim-snapshot', version: 1, routers: ['r1'] });
    expect(snapshot.checksum).toMatch(/^[0-9a-f]{64}$/);
    const paths = snapshot.files.map((file) => file.path);
    expect(paths).toContain('lab/ddns/drayddns.json');
    expect(paths.some((file) => file.startsWith('routers/r1/'))).toBe(true);
    expect(paths).not.toContain('lab.lock');
    expect(paths.some((file) => file.startsWith('lab/ca/'))).toBe(false);

    await setRouterName(lab, 'ChangedInClass');
    await deliverMail(lab, 'WAN1 is down');
    await consoleOf(lab).post('/api/ddns/drayddns/accounts/r1-trainee').send({ credited: false }).expect(200);
    await lab.clock.advance(3_600_000);
    expect(lab.services.mail!.store.messages(MAILBOX, {})).toHaveLength(1);
    expect(credited(lab)).toBe(false);

    const response = await restore(lab, JSON.stringify(snapshot)).expect(200);
    expect(response.body).toMatchObject({ restored: true, routers: ['r1'], files: snapshot.files.length, labTime: snapshot.labTime });

    expect(lab.clock.now()).toBe(snapshot.labTime);
    expect(lab.services.mail!.store.messages(MAILBOX, {})).toEqual([]);
    expect(credited(lab)).toBe(true);
    expect(lab.consoleUrl).toBe(urls.console);
    expect(lab.router('r1')!.lanUrl).toBe(urls.router);
    await expectWorking(lab, 'Prepared');
    const wan = await wanAddress(lab);
    expect(lab.internet.ping('192.0.2.100', wan).detail).toContain('router r1 WAN1');
    expect(readdirSync(dir.path).filter((name) => name.startsWith('.restore'))).toEqual([]);
    expect(existsSync(path.join(dir.path, 'lab.lock'))).toBe(true);
  });

  test('invalid snapshots leave lab untouched', async () => {
    await setRouterName(lab, 'Untouched');
    const good = await takeSnapshot(lab);
    const text = JSON.stringify(good);
    const otherLab = buildSnapshot(good.labTime, ['r1', 'r2', 'r3'], good.files.map((file) => ({ path: file.path, data: Buffer.from(file.content, 'base64') })));
    const escape = buildSnapshot(good.labTime, ['r1'], [{ path: '../outside.json', data: Buffer.from('{}') }]);
    const cases: { name: string; body: string; field: string; message: RegExp }[] = [
      { name: 'truncated', body: text.slice(0, Math.floor(text.length / 2)), field: 'body', message: /^This file is not a vigor-sim snapshot: it is not valid JSON/ },
      { name: 'not an object', body: '[1, 2]', field: 'body', message: /^This file is not a vigor-sim snapshot: a snapshot is a JSON object/ },
      { name: 'tampered checksum', body: JSON.stringify({ ...good, checksum: '0'.repeat(64) }), field: 'checksum', message: /does not match.*Download a new snapshot from the lab page \(\/lab\) or GET \/api\/lab\/snapshot/ },
      { name: 'tampered file', body: JSON.stringify({ ...good, files: [{ path: 'routers/r1/extra.json', content: 'e30=' }, ...good.files] }), field: 'checksum', message: /does not match/ },
      { name: 'router count', body: JSON.stringify(otherLab), field: 'routers', message: /3 routers \(r1, r2, r3\).*runs 1 router.*--routers 3/ },
      { name: 'path escape', body: JSON.stringify(escape), field: 'files[0].path', message: /not a plain relative path/ },
      { name: 'wrong format', body: JSON.stringify({ ...good, format: 'tar' }), field: 'format', message: /^This file is not a vigor-sim snapshot: "format" must be "vigor-sim-snapshot"; got the string "tar"/ },
    ];

    for (const testCase of cases) {
      const response = await restore(lab, testCase.body);
      expect({ name: testCase.name, status: response.status }).toEqual({ name: testCase.name, status: 400 });
      expect({ name: testCase.name, field: response.body.error?.field }).toEqual({ name: testCase.name, field: testCase.field });
      expect(response.body.error.message).toMatch(testCase.message);
      await expectWorking(lab, 'Untouched');
    }
    expect(existsSync(path.join(dir.path, '..', 'outside.json'))).toBe(false);
  });

  test('oversized restore answers 413', async () => {
    const response = await restore(lab, `"${'a'.repeat(65 * 1024 * 1024)}"`);
    expect(response.status).toBe(413);
    expect(response.body.error.message).toMatch(/larger than the 64 MB/);
  });

  test('requests during reload answer 503', async () => {
    let release!: () => void;
    const prepareDone = new Promise<void>((resolve) => {
      release = resolve;
    });
    const reload = lab.reload(() => prepareDone);
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const response = await consoleOf(lab).get('/api/routers');
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('2');
      expect(response.body.error.message).toMatch(/restoring a snapshot or resetting/);
    } finally {
      release();
      await reload;
    }
    await consoleOf(lab).get('/api/routers').expect(200);
  });

  test('lab page shows controls', async () => {
    const page = await consoleOf(lab).get('/lab').expect(200);
    expect(page.text).toContain('href="/api/lab/snapshot"');
    expect(page.text).toContain('id="lab-restore-form"');
    expect(page.text).toContain('id="lab-reset-button"');
    const script = await consoleOf(lab).get('/lab.js').expect(200);
    expect(script.text).toContain('/api/lab/restore');
    // Lab time after a restore shows as on the other console pages, not as ISO 8601.
    expect(script.text).toContain('Lab time is now ${formatLabTime(result.labTime)}');
  });

  test('restore without JSON type rejected', async () => {
    const response = await consoleOf(lab).post('/api/lab/restore').set('Content-Type', 'text/plain').send('{}');
    expect(response.status).toBe(415);
  });

  test('reset returns seeded state', async () => {
    await setRouterName(lab, 'BeforeReset');
    await deliverMail(lab, 'before reset');
    await consoleOf(lab).post('/api/ddns/drayddns/accounts/r1-trainee').send({ credited: false }).expect(200);

    await consoleOf(lab).post('/api/lab/reset').send({}).expect(400);
    const response = await consoleOf(lab).post('/api/lab/reset').send({ confirm: true }).expect(200);
    expect(response.body).toEqual({ reset: true, routers: ['r1'] });

    await expectWorking(lab, 'DrayTek');
    expect(lab.services.mail!.store.mailboxes()).toEqual([]);
    expect(credited(lab)).toBe(true);
    expect(lab.services.identity!.mailbox(MAILBOX)).toBeDefined();
    expect(existsSync(path.join(dir.path, 'lab', 'ca'))).toBe(true);
    expect(existsSync(path.join(dir.path, 'lab.lock'))).toBe(true);
  });
});

describe('ephemeral lab snapshot', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await startTestLab();
  });

  afterAll(async () => {
    await lab?.stop();
  });

  test('snapshot answers 409', async () => {
    const response = await consoleOf(lab).get('/api/lab/snapshot').expect(409);
    expect(response.body.error.message).toMatch(/--data DIR/);
    await restore(lab, '{}').expect(409);
    const page = await consoleOf(lab).get('/lab').expect(200);
    expect(page.text).not.toContain('id="lab-restore-form"');
    expect(page.text).toContain('id="lab-reset-button"');
  });

  test('reset works', async () => {
    await setRouterName(lab, 'Ephemeral');
    await deliverMail(lab, 'in memory');
    await consoleOf(lab).post('/api/lab/reset').send({ confirm: true }).expect(200);
    await expectWorking(lab, 'DrayTek');
    expect(lab.services.mail!.store.mailboxes()).toEqual([]);
  });
});
