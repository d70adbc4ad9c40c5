/**
 * The dyndns2 update endpoint beyond the return codes: DNS writes, the address it sets, HTTPS, the
 * generic provider, slow replies on the lab clock and the masked history.
 */
import type { Lab } from '../../../emulator';
import { startTestLab } from '../../helpers/lab';
import { makeAccount, provider, send } from './helpers';

let lab: Lab;

beforeAll(async () => {
  lab = await startTestLab();
});

afterAll(async () => {
  await lab.stop();
});

function wan1(id = 'r1'): string {
  const address = lab.router(id)!.hardware.ports.address('WAN1');
  if (!address) throw new Error(`${id} WAN1 has no address`);
  return address.ip;
}

describe('update endpoint', () => {
  test('good writes lab DNS at once', async () => {
    const account = await makeAccount(lab, 'dnswrite');
    expect(() => lab.dns.resolve(account.hostname)).toThrow(/NXDOMAIN/);
    const reply = await send(lab, { auth: account.auth, query: { hostname: account.hostname, myip: '203.0.113.70' } });
    expect(reply.body).toBe('good 203.0.113.70');
    expect(lab.dns.resolve(account.hostname)).toBe('203.0.113.70');
    expect(lab.dns.list().find((record) => record.name === account.hostname)?.source).toBe('ddns');
  });

  test('missing myip uses caller address', async () => {
    const account = await makeAccount(lab, 'caller');
    const reply = await send(lab, { auth: account.auth, query: { hostname: account.hostname } });
    expect(reply.body).toBe('good 192.0.2.100');
  });

  test('malformed myip uses caller address', async () => {
    const account = await makeAccount(lab, 'malformed');
    const reply = await send(lab, { auth: account.auth, query: { hostname: account.hostname, myip: '300.1.2.3' } });
    expect(reply.body).toBe('good 192.0.2.100');
  });

  test('IPv6 in myip is ignored', async () => {
    const account = await makeAccount(lab, 'dualstack');
    const reply = await send(lab, { auth: account.auth, query: { hostname: account.hostname, myip: '2001:db8::1,203.0.113.71', myipv6: '2001:db8::2' } });
    expect(reply.body).toBe('good 203.0.113.71');
  });

  test('router update without myip sets WAN1 address', async () => {
    const seed = provider(lab).definition.seed('r1');
    const reply = await send(lab, { fromRouter: 'r1', auth: [seed.username, seed.password], query: { hostname: seed.hostname } });
    expect(reply.body).toBe(`good ${wan1()}`);
    expect(lab.dns.resolve('r1.drayddns.com')).toBe(wan1());
  });

  test('HTTPS update validates against lab CA', async () => {
    const account = await makeAccount(lab, 'secure');
    const reply = await send(lab, { https: true, auth: account.auth, query: { hostname: account.hostname, myip: '203.0.113.72' } });
    expect(reply.body).toBe('good 203.0.113.72');
    expect(provider(lab).history({ hostname: account.hostname }).at(-1)?.via).toBe('https');
  });

  test.each([false, true])('generic provider good then nochg (HTTPS %s)', async (https) => {
    const account = await makeAccount(lab, `dyn${https ? 's' : 'p'}`, { providerId: 'dyndns' });
    expect(account.hostname).toMatch(/\.homeip\.net$/);
    const options = { host: 'members.dyndns.org', https, auth: account.auth, query: { hostname: account.hostname, myip: '198.51.100.20' } };
    expect((await send(lab, options)).body).toBe('good 198.51.100.20');
    expect((await send(lab, options)).body).toBe('nochg 198.51.100.20');
    expect(lab.dns.resolve(account.hostname)).toBe('198.51.100.20');
  });

  test('providers keep separate accounts', async () => {
    const seed = provider(lab).definition.seed('r1');
    const reply = await send(lab, { host: 'members.dyndns.org', auth: [seed.username, seed.password], query: { hostname: seed.hostname } });
    expect(reply.body).toBe('badauth');
  });

  test('unblocking ends abuse replies', async () => {
    const account = await makeAccount(lab, 'unblock');
    await provider(lab).setBlocked(account.hostname, true);
    const options = { auth: account.auth, query: { hostname: account.hostname, myip: '203.0.113.73' } };
    expect((await send(lab, options)).body).toBe('abuse');
    await provider(lab).setBlocked(account.hostname, false);
    expect((await send(lab, options)).body).toBe('good 203.0.113.73');
  });

  test('nochg window expires on lab clock', async () => {
    const account = await makeAccount(lab, 'window', { address: '203.0.113.74' });
    const options = { auth: account.auth, query: { hostname: account.hostname, myip: '203.0.113.74' } };
    const { nochgLimit, windowMs } = provider(lab).definition.abuse;
    for (let i = 0; i < nochgLimit; i += 1) expect((await send(lab, options)).body).toBe('nochg 203.0.113.74');
    await lab.clock.advance(windowMs);
    expect((await send(lab, options)).body).toBe('nochg 203.0.113.74');
  });
});

describe('slow replies', () => {
  test('reply waits for lab time', async () => {
    const account = await makeAccount(lab, 'slow');
    await provider(lab).setAccountFaults(account.username, { replyDelaySeconds: 30 });
    let settled = false;
    const pending = send(lab, { auth: account.auth, query: { hostname: account.hostname, myip: '203.0.113.75' } }).finally(() => (settled = true));

    // The lab clock is paused, so host time alone does not release the reply.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    expect(lab.dns.resolve(account.hostname)).toBe('203.0.113.75');

    await lab.clock.advance(30_000);
    const reply = await pending;
    expect(reply.body).toBe('good 203.0.113.75');
    expect(provider(lab).history({ hostname: account.hostname }).at(-1)?.delaySeconds).toBe(30);
  });
});

describe('update history', () => {
  test('records request and reply', async () => {
    const account = await makeAccount(lab, 'history');
    await send(lab, { auth: account.auth, userAgent: 'history-agent/2', query: { hostname: account.hostname, myip: '203.0.113.76' } });
    const entry = provider(lab).history({ account: account.username }).at(-1)!;
    expect(entry).toMatchObject({
      kind: 'update',
      via: 'http',
      clientAddress: '192.0.2.100',
      method: 'GET',
      target: `/nic/update?hostname=${account.hostname}&myip=203.0.113.76`,
      authorization: `Basic ${account.username}:********`,
      userAgent: 'history-agent/2',
      status: 200,
      reply: 'good 203.0.113.76',
      codes: ['good'],
    });
    expect(entry.reasons).toEqual([`good (${account.hostname}: address changed)`]);
  });

  test('masks passwords everywhere', async () => {
    const account = await makeAccount(lab, 'masked');
    await send(lab, { auth: account.auth, query: { hostname: account.hostname, password: account.password } });
    await send(lab, { auth: [account.username, 'wrong-secret-9'], query: { hostname: account.hostname } });
    const entries = provider(lab).history({ account: account.username });
    expect(entries).toHaveLength(2);
    expect(entries[0]!.target).toBe(`/nic/update?hostname=${account.hostname}&password=********`);
    const text = JSON.stringify(provider(lab).history());
    expect(text).not.toContain(account.password);
    expect(text).not.toContain('wrong-secret-9');
  });
});
