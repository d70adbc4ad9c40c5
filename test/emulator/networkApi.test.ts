/**
 * Lab API routes of the emulated network (ready information, DNS, ISP lines, reconnect, probe) and
 * the console's /proxy.pac and /lab-ca.crt, through the lab's real console listener.
 */
import request from 'supertest';
import type { Lab } from '../../emulator';
import { SERVICE_HOSTS } from '../../emulator/network/hosts';
import { startTestLab } from '../helpers/lab';

let lab: Lab;
let api: ReturnType<typeof request>;

const CHECKIP_ADDRESS = SERVICE_HOSTS.find((host) => host.name === 'checkip.dyndns.org')!.address;

beforeAll(async () => {
  lab = await startTestLab();
  api = request(lab.consoleUrl.replace(/\/$/, ''));
});

afterAll(async () => {
  await lab.stop();
});

function postJson(path: string, body: unknown) {
  return api.post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

function probe(query: Record<string, string>) {
  return api.get('/api/network/probe').query(query);
}

function wanAddress(wan: 'WAN1' | 'WAN2' = 'WAN1'): string | null {
  return lab.router('r1')!.hardware.ports.address(wan)?.ip ?? null;
}

/** Checks that a reply is a 400 INVALID_REQUEST about `field` whose message names that field. */
function expectInvalid(response: request.Response, field: string): void {
  expect(response.status).toBe(400);
  expect(response.body.error.code).toBe('INVALID_REQUEST');
  expect(response.body.error.field).toBe(field);
  expect(response.body.error.message).toContain(field);
}

describe('GET /api/lab', () => {
  test('matches lab.ready()', async () => {
    const response = await api.get('/api/lab').expect(200);
    expect(response.body).toEqual(JSON.parse(JSON.stringify(lab.ready())));
  });

  test('lists the CA SPKI hashes', async () => {
    const response = await api.get('/api/lab').expect(200);
    expect(response.body.caSpkiHashes).toEqual(lab.ca.spkiHashes());
    expect(response.body.caSpkiHashes).toHaveLength(2);
  });

  test('query parameter gets 400', async () => {
    const response = await api.get('/api/lab?x=1');
    expectInvalid(response, 'x');
  });
});

describe('lab DNS', () => {
  test('lists the service records', async () => {
    const response = await api.get('/api/dns').expect(200);
    expect(response.body.failing).toBe(false);
    const checkip = response.body.records.find((record: { name: string }) => record.name === 'checkip.dyndns.org');
    expect(checkip).toMatchObject({ address: CHECKIP_ADDRESS, source: 'service' });
  });

  test('added record resolves in the probe', async () => {
    const before = await probe({ host: 'added.example.net', port: '80' }).expect(200);
    expect(before.body.result).toBe('unresolved');

    const added = await postJson('/api/dns/records', { name: 'Added.Example.NET.', address: CHECKIP_ADDRESS }).expect(201);
    try {
      expect(added.body).toMatchObject({ name: 'added.example.net', address: CHECKIP_ADDRESS, source: 'lab' });
      const listed = await api.get('/api/dns').expect(200);
      expect(listed.body.records.map((record: { name: string }) => record.name)).toContain('added.example.net');
      const after = await probe({ host: 'added.example.net', port: '80' }).expect(200);
      expect(after.body.result).toBe('open');
    } finally {
      await api.delete('/api/dns/records/added.example.net').expect(204);
    }
    const removed = await probe({ host: 'added.example.net', port: '80' }).expect(200);
    expect(removed.body.result).toBe('unresolved');
  });

  test('deleting an unknown name gets 404', async () => {
    const response = await api.delete('/api/dns/records/never-added.example.net').expect(404);
    expect(response.body.error.field).toBe('name');
  });

  test.each([
    [{ address: CHECKIP_ADDRESS }, 'name'],
    [{ name: 'x.example.net' }, 'address'],
    [{ name: 'x.example.net', address: '192.0.2' }, 'address'],
    [{ name: 'x.example.net', address: 41 }, 'address'],
    [{ name: 'bad name', address: CHECKIP_ADDRESS }, 'name'],
    [{ name: '192.0.2.77', address: CHECKIP_ADDRESS }, 'name'],
    [{ name: 'x.example.net', address: CHECKIP_ADDRESS, ttl: 60 }, 'ttl'],
  ])('bad record %j gets 400 naming %s', async (body, field) => {
    expectInvalid(await postJson('/api/dns/records', body), field);
  });

  test('empty record body gets 400', async () => {
    const response = await api.post('/api/dns/records').set('Content-Type', 'application/json').send('');
    expectInvalid(response, 'body');
  });

  test('failure makes lookups SERVFAIL', async () => {
    const response = await postJson('/api/dns/failure', { failing: true }).expect(200);
    try {
      expect(response.body).toEqual({ failing: true });
      expect((await api.get('/api/dns').expect(200)).body.failing).toBe(true);
      const result = await probe({ host: 'checkip.dyndns.org', port: '80' }).expect(200);
      expect(result.body.result).toBe('unresolved');
      expect(result.body.detail).toContain('SERVFAIL');
    } finally {
      await postJson('/api/dns/failure', { failing: false }).expect(200);
    }
    const healed = await probe({ host: 'checkip.dyndns.org', port: '80' }).expect(200);
    expect(healed.body.result).toBe('open');
  });

  test('non-boolean failing gets 400', async () => {
    expectInvalid(await postJson('/api/dns/failure', { failing: 'yes' }), 'failing');
  });
});

describe('ISP lines', () => {
  test('r1 WAN1 starts at 203.0.113.10', () => {
    expect(wanAddress()).toBe('203.0.113.10');
  });

  test('line starts with every switch off', async () => {
    const response = await api.get('/api/routers/r1/wan/WAN1/line').expect(200);
    expect(response.body).toEqual({ line: 'r1/WAN1', newAddressOnReconnect: false, cgnat: false, outage: false, address: wanAddress(), publicAddress: wanAddress() });
  });

  test('outage times out traffic', async () => {
    const response = await postJson('/api/routers/r1/wan/WAN1/line', { outage: true }).expect(200);
    try {
      expect(response.body.outage).toBe(true);
      const result = await probe({ from: 'r1', host: 'checkip.dyndns.org', port: '80' }).expect(200);
      expect(result.body.result).toBe('filtered');
    } finally {
      await postJson('/api/routers/r1/wan/WAN1/line', { outage: false }).expect(200);
    }
  });

  test('cgnat gives a shared public address', async () => {
    const publicAddress = wanAddress();
    await postJson('/api/routers/r1/wan/WAN1/line', { cgnat: true }).expect(200);
    try {
      await lab.clock.advance(5_000);
      const response = await api.get('/api/routers/r1/wan/WAN1/line').expect(200);
      expect(response.body.cgnat).toBe(true);
      expect(response.body.address).toMatch(/^100\.64\./);
      expect(response.body.publicAddress).toMatch(/^203\.0\.113\.[2-5]$/);
      expect(wanAddress()).toBe(response.body.address);
    } finally {
      await postJson('/api/routers/r1/wan/WAN1/line', { cgnat: false }).expect(200);
      await lab.clock.advance(5_000);
    }
    expect(wanAddress()).toBe(publicAddress);
  });

  test('newAddressOnReconnect renumbers', async () => {
    const before = wanAddress();
    await postJson('/api/routers/r1/wan/WAN1/line', { newAddressOnReconnect: true }).expect(200);
    try {
      await api.post('/api/routers/r1/wan/WAN1/reconnect').expect(202);
      await lab.clock.advance(5_000);
      expect(wanAddress()).toMatch(/^203\.0\.113\./);
      expect(wanAddress()).not.toBe(before);
    } finally {
      await postJson('/api/routers/r1/wan/WAN1/line', { newAddressOnReconnect: false }).expect(200);
    }
  });

  test.each([
    [{ outage: 'yes' }, 'outage'],
    [{ cgnat: 1 }, 'cgnat'],
    [{ newAddressOnReconnect: null }, 'newAddressOnReconnect'],
    [{ outage: true, speed: 10 }, 'speed'],
    [{}, 'body'],
  ])('bad line body %j gets 400 naming %s', async (body, field) => {
    expectInvalid(await postJson('/api/routers/r1/wan/WAN1/line', body), field);
  });

  test('empty line body gets 400', async () => {
    const response = await api.post('/api/routers/r1/wan/WAN1/line').set('Content-Type', 'application/json').send('');
    expectInvalid(response, 'body');
  });

  test('unknown WAN gets 404', async () => {
    const read = await api.get('/api/routers/r1/wan/WAN3/line').expect(404);
    expect(read.body.error).toMatchObject({ code: 'NOT_FOUND', field: 'wan' });
    const write = await postJson('/api/routers/r1/wan/WAN3/line', { outage: true }).expect(404);
    expect(write.body.error.field).toBe('wan');
    const reconnect = await api.post('/api/routers/r1/wan/WAN3/reconnect').expect(404);
    expect(reconnect.body.error.field).toBe('wan');
  });

  test('unknown router gets 404', async () => {
    const response = await api.get('/api/routers/r9/wan/WAN1/line').expect(404);
    expect(response.body.error.field).toBe('id');
  });
});

describe('POST /api/routers/{id}/wan/{wan}/reconnect', () => {
  test('drops the session, dials again', async () => {
    const before = wanAddress();
    const response = await api.post('/api/routers/r1/wan/WAN1/reconnect').expect(202);
    expect(response.body).toMatchObject({ router: 'r1', wan: 'WAN1', previousAddress: before });
    expect(wanAddress()).toBeNull();

    await lab.clock.advance(5_000);
    expect(wanAddress()).toBe(before);
  });

  test('WAN without session gets 409', async () => {
    expect(wanAddress('WAN2')).toBeNull();
    const response = await api.post('/api/routers/r1/wan/WAN2/reconnect').expect(409);
    expect(response.body.error.code).toBe('CONFLICT');
    expect(response.body.error.message).toContain('WAN2');
  });
});

describe('POST /api/routers/{id}/wan/{wan}/renumber', () => {
  test('gives a new address once', async () => {
    const before = wanAddress();
    const response = await api.post('/api/routers/r1/wan/WAN1/renumber').expect(202);
    expect(response.body).toMatchObject({ router: 'r1', wan: 'WAN1', previousAddress: before });
    expect(wanAddress()).toBeNull();
    await lab.clock.advance(5_000);
    const renumbered = wanAddress();
    expect(renumbered).toMatch(/^203\.0\.113\./);
    expect(renumbered).not.toBe(before);

    const line = await api.get('/api/routers/r1/wan/WAN1/line').expect(200);
    expect(line.body.newAddressOnReconnect).toBe(false);
    await api.post('/api/routers/r1/wan/WAN1/reconnect').expect(202);
    await lab.clock.advance(5_000);
    expect(wanAddress()).toBe(renumbered);
  });

  test('leaves newAddressOnReconnect on', async () => {
    await postJson('/api/routers/r1/wan/WAN1/line', { newAddressOnReconnect: true }).expect(200);
    try {
      await api.post('/api/routers/r1/wan/WAN1/renumber').expect(202);
      const line = await api.get('/api/routers/r1/wan/WAN1/line').expect(200);
      expect(line.body.newAddressOnReconnect).toBe(true);
    } finally {
      await postJson('/api/routers/r1/wan/WAN1/line', { newAddressOnReconnect: false }).expect(200);
      await lab.clock.advance(5_000);
    }
  });

  test('WAN without session gets 409', async () => {
    expect(wanAddress('WAN2')).toBeNull();
    const response = await api.post('/api/routers/r1/wan/WAN2/renumber').expect(409);
    expect(response.body.error.code).toBe('CONFLICT');
  });
});

describe('GET /api/network/probe', () => {
  test('router LAN address is open', async () => {
    const response = await probe({ from: 'r1', host: '192.168.1.1', port: '80' }).expect(200);
    expect(response.body).toMatchObject({ from: 'r1', host: '192.168.1.1', port: 80, result: 'open' });
    expect(typeof response.body.service).toBe('string');
  });

  test('unserved service port is closed', async () => {
    const response = await probe({ from: 'internet', host: 'checkip.dyndns.org', port: '8080' }).expect(200);
    expect(response.body).toMatchObject({ result: 'closed' });
    expect(response.body.detail).toContain('refused');
  });

  test('WAN port follows the router', async () => {
    // The firmware's WAN management settings decide whether the router refuses (closed) or drops
    // (filtered) a connection to its WAN address; the probe reports that decision.
    const router = lab.router('r1')!;
    const decision = router.hardware.inbound.route({ interface: 'WAN1', viaPort: 'WAN1', sourceAddress: '192.0.2.100', localPort: 443 });
    const expected = { accepted: 'open', refused: 'closed', filtered: 'filtered', 'no-link': 'unreachable' }[decision.outcome];

    const response = await probe({ from: 'internet', host: wanAddress()!, port: '443' }).expect(200);
    expect(response.body).toMatchObject({ from: 'internet', host: wanAddress(), port: 443, result: expected });
  });

  test('unused public address is filtered', async () => {
    const response = await probe({ from: 'internet', host: '192.0.2.250', port: '80' }).expect(200);
    expect(response.body.result).toBe('filtered');
  });

  test('LAN address from Internet is unreachable', async () => {
    const response = await probe({ from: 'internet', host: '192.168.1.1', port: '80' }).expect(200);
    expect(response.body.result).toBe('unreachable');
  });

  test('unknown name is unresolved', async () => {
    const response = await probe({ host: 'no-such-host.example', port: '80' }).expect(200);
    expect(response.body).toMatchObject({ from: 'internet', result: 'unresolved' });
    expect(response.body.detail).toContain('NXDOMAIN');
  });

  test.each([
    [{ from: 'r9', host: '192.0.2.41', port: '80' }, 'from'],
    [{ port: '80' }, 'host'],
    [{ host: '', port: '80' }, 'host'],
    [{ host: 'bad host', port: '80' }, 'host'],
    [{ host: '192.0.2.41' }, 'port'],
    [{ host: '192.0.2.41', port: '0' }, 'port'],
    [{ host: '192.0.2.41', port: '65536' }, 'port'],
    [{ host: '192.0.2.41', port: 'http' }, 'port'],
    [{ host: '192.0.2.41', port: '0x50' }, 'port'],
    [{ host: '192.0.2.41', port: '8e1' }, 'port'],
    [{ host: '192.0.2.41', port: '80', to: 'x' }, 'to'],
  ])('bad query %j gets 400 naming %s', async (query, field) => {
    expectInvalid(await probe(query), field);
  });
});

describe('GET /proxy.pac', () => {
  test('internet PAC names its proxy', async () => {
    const response = await api.get('/proxy.pac?from=internet').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ns-proxy-autoconfig/);
    expect(response.text).toContain(`return "PROXY 127.0.0.1:${lab.ready().proxies.internet!.port}";`);
    expect(response.text).toContain('host === "127.0.0.1"');
    expect(response.text).toContain('return "DIRECT"');
  });

  test('router PAC names its LAN proxy', async () => {
    const response = await api.get('/proxy.pac?from=r1').expect(200);
    expect(response.text).toContain(`return "PROXY 127.0.0.1:${lab.ready().proxies.r1!.port}";`);
    expect(response.text).toContain('the LAN PC of router r1');
    expect(response.text).toContain('return "DIRECT"');
  });

  test('missing from means internet', async () => {
    const response = await api.get('/proxy.pac').expect(200);
    expect(response.text).toContain(`PROXY 127.0.0.1:${lab.ready().proxies.internet!.port}`);
  });

  test('unknown from gets 404', async () => {
    const response = await api.get('/proxy.pac?from=r9').expect(404);
    expect(response.body.error).toMatchObject({ code: 'NOT_FOUND', field: 'from' });
  });

  test('repeated from gets 400', async () => {
    expectInvalid(await api.get('/proxy.pac?from=r1&from=internet'), 'from');
  });
});

describe('console page browser access', () => {
  test('lists PAC URLs and commands', async () => {
    const page = await api.get('/').expect(200);
    const ready = lab.ready();
    expect(page.text).toContain('<h2 id="browser-heading">Browser access</h2>');
    expect(page.text).toContain('<a href="/lab-ca.crt" download>');
    expect(page.text).toContain(`<code>${ready.proxies.internet!.pac}</code>`);
    expect(page.text).toContain(`<code>${ready.proxies.r1!.pac}</code>`);
    // The test lab runs on a random port base, so the commands name its console.
    expect(page.text).toContain(`<code>vigor-sim browser --as internet --console ${lab.consoleUrl}</code>`);
    expect(page.text).toContain(`<code>vigor-sim browser --as lan --router r1 --console ${lab.consoleUrl}</code>`);
  });
});

describe('GET /lab-ca.crt', () => {
  test('returns the CA PEM', async () => {
    const response = await api.get('/lab-ca.crt').buffer(true).parse((reply, done) => {
      let text = '';
      reply.on('data', (chunk: Buffer) => (text += chunk.toString()));
      reply.on('end', () => done(null, text));
    });
    expect(response.status).toBe(200);
    expect(response.body).toBe(lab.ca.caPem());
    expect(response.body).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(response.headers['content-type']).toMatch(/^application\/x-pem-file/);
    expect(response.headers['content-disposition']).toContain('vigor-sim-lab-ca.crt');
  });
});
