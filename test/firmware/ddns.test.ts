/**
 * The router's Dynamic DNS module against the lab's emulated DrayDDNS: updates, return codes as a
 * careful client handles them, Internet IP detection behind CGNAT, and the DrayDDNS certificate.
 */
import { request as httpRequest } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import type { Lab } from '../../emulator';
import { type DdnsConfig } from '../../firmware';
import { emptyAccount } from '../../firmware/modules/ddns/schema';
import { startTestLab } from '../helpers/lab';

let lab: Lab;

beforeEach(async () => {
  lab = await startTestLab();
});

afterEach(async () => {
  await lab.stop();
});

function router() {
  return lab.router('r1')!;
}

async function configureAccount(overrides: Partial<ReturnType<typeof emptyAccount>> = {}): Promise<void> {
  const config = router().firmware.store.get<DdnsConfig>('ddns');
  config.enabled = true;
  config.accounts[0] = { ...emptyAccount(), enabled: true, provider: 'drayddns', domain: 'r1', login: 'r1-trainee', password: 'r1-ddns-pass', ...overrides };
  await router().firmware.store.update({ ddns: config }, 'test');
}

/** Lets pending network work finish: advances zero lab time until the account stops updating. */
async function settle(): Promise<void> {
  for (let round = 0; round < 50; round += 1) {
    await lab.clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (router().firmware.ddns.states()[0]!.status !== 'updating') return;
  }
}

function state() {
  return router().firmware.ddns.states()[0]!;
}

function wanAddress(): string {
  return router().hardware.ports.address('WAN1')!.ip;
}

describe('DDNS module with DrayDDNS', () => {
  test('update makes lab DNS resolve the name', async () => {
    await configureAccount();
    await settle();
    expect(state()).toMatchObject({ status: 'registered', hostname: 'r1.drayddns.com', registeredIp: wanAddress() });
    expect(lab.dns.resolve('r1.drayddns.com')).toBe(wanAddress());
    const log = router().firmware.syslog.query({ category: 'DDNS' }).map((entry) => entry.message);
    expect(log.some((message) => message.includes('replied "good"'))).toBe(true);
  });

  test('new WAN address updates the record', async () => {
    await configureAccount();
    await settle();
    const before = wanAddress();
    lab.isp.setLineOptions('r1', 'WAN1', { newAddressOnReconnect: true });
    lab.reconnectLine('r1', 'WAN1');
    await lab.clock.advance(5_000);
    await settle();
    expect(wanAddress()).not.toBe(before);
    expect(lab.dns.resolve('r1.drayddns.com')).toBe(wanAddress());
  });

  test('bad password stops the account', async () => {
    await configureAccount({ password: 'wrong-password' });
    await settle();
    expect(state().status).toBe('stopped');
    expect(state().message).toContain('badauth');
    const attempts = router().firmware.ddns.logEntries().length;
    await lab.clock.advance(2 * 86_400_000);
    await settle();
    expect(router().firmware.ddns.logEntries()).toHaveLength(attempts);
  });

  test('unknown host name stops with nohost', async () => {
    await configureAccount({ domain: 'somebody-else' });
    await settle();
    expect(state().status).toBe('stopped');
    expect(state().message).toContain('nohost');
  });

  test('server error retries after ten minutes', async () => {
    await lab.services.ddns!.provider('drayddns')!.setFaults({ maintenance: true });
    await configureAccount();
    await settle();
    expect(state().status).toBe('retrying');
    expect(state().message).toContain('911');
    await lab.services.ddns!.provider('drayddns')!.setFaults({ maintenance: false });
    await lab.clock.advance(9 * 60_000);
    await settle();
    expect(state().status).toBe('retrying');
    await lab.clock.advance(60_000);
    await settle();
    expect(state().status).toBe('registered');
  });

  test('network failure retries with backoff', async () => {
    lab.isp.setLineOptions('r1', 'WAN1', { outage: true });
    await configureAccount();
    await settle();
    expect(state().status).toBe('retrying');
    expect(state().message).toMatch(/Network error: .*retrying in 30 s/);
    lab.isp.setLineOptions('r1', 'WAN1', { outage: false });
    await lab.clock.advance(30_000);
    await settle();
    expect(state().status).toBe('registered');
  });

  test('Internet IP behind CGNAT registers public address', async () => {
    lab.setLine('r1', 'WAN1', { cgnat: true });
    await lab.clock.advance(5_000);
    expect(wanAddress()).toMatch(/^100\.64\./);
    await configureAccount({ realWanIp: 'internet' });
    await settle();
    expect(state().status).toBe('registered');
    expect(lab.dns.resolve('r1.drayddns.com')).toMatch(/^203\.0\.113\.[2-5]$/);
  });

  test('DrayDDNS certificate serves HTTPS name', async () => {
    await configureAccount();
    await settle();
    for (let round = 0; round < 20 && !router().firmware.syslog.query({ category: 'DDNS' }).some((entry) => entry.message.startsWith('Certificate for')); round += 1) await settle();
    const messages = router().firmware.syslog.query({ category: 'DDNS' }).map((entry) => entry.message);
    expect(messages.some((message) => message.startsWith('Certificate for r1.drayddns.com installed'))).toBe(true);

    const management = router().firmware.management.config();
    management.internet.allow = true;
    management.internet.services.https = true;
    await router().firmware.store.update({ management }, 'test');
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const proxy = lab.ready().proxies.internet!;
      const connect = httpRequest({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: 'r1.drayddns.com:443' });
      connect.on('connect', (_response, socket) => {
        const secure = tlsConnect({ socket, servername: 'r1.drayddns.com', ca: lab.ca.caPem() }, () => {
          resolve(secure.authorized);
          secure.destroy();
        });
        secure.on('error', reject);
      });
      connect.on('error', reject);
      connect.end();
    });
    expect(authorized).toBe(true);
  });
});
