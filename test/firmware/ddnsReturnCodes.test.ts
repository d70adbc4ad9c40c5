/**
 * Every dyndns2 return code on the router side, table-driven: a test provider on the lab Internet
 * answers each code, and the router's DDNS account must register, stop, or retry as a careful
 * client does, with the code in its status.
 */
import { createServer } from 'node:http';
import type { Lab } from '../../emulator';
import type { DdnsConfig } from '../../firmware';
import { emptyAccount } from '../../firmware/modules/ddns/schema';
import { startTestLab } from '../helpers/lab';

const PROVIDER_ADDRESS = '192.0.2.98';
const PROVIDER_NAME = 'dyndns.codes.test';

let lab: Lab;
let reply: string;
let requests: number;

beforeAll(async () => {
  lab = await startTestLab();
  const server = createServer((request, response) => {
    requests += 1;
    response.writeHead(200, { 'content-type': 'text/plain' }).end(`${reply}\n`);
    void request;
  });
  lab.internet.listen(PROVIDER_ADDRESS, 80, 'test dyndns2 provider', (socket) => server.emit('connection', socket));
  lab.dns.set(PROVIDER_NAME, PROVIDER_ADDRESS, 'lab');
});

afterAll(async () => {
  await lab.stop();
});

function router() {
  return lab.router('r1')!;
}

async function configure(domain: string): Promise<void> {
  const config = router().firmware.store.get<DdnsConfig>('ddns');
  config.enabled = true;
  config.accounts[0] = {
    ...emptyAccount(),
    enabled: true,
    provider: 'user-defined',
    domain,
    login: 'user',
    password: 'secret-pass',
    userDefined: { providerHost: PROVIDER_NAME, apiPath: '/nic/update?hostname=###HOSTNAME###&myip=###IP###', authType: 'basic', connection: 'http', expectedResponse: '' },
  };
  await router().firmware.store.update({ ddns: config }, 'test');
}

async function settle(): Promise<void> {
  for (let round = 0; round < 100; round += 1) {
    await lab.clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (router().firmware.ddns.states()[0]!.status !== 'updating' && router().firmware.ddns.states()[0]!.status !== 'waiting') return;
  }
}

const CASES: [string, 'registered' | 'stopped' | 'retrying'][] = [
  ['good 203.0.113.10', 'registered'],
  ['nochg 203.0.113.10', 'registered'],
  ['badauth', 'stopped'],
  ['!donator', 'stopped'],
  ['notfqdn', 'stopped'],
  ['nohost', 'stopped'],
  ['numhost', 'stopped'],
  ['abuse', 'stopped'],
  ['badagent', 'stopped'],
  ['dnserr', 'retrying'],
  ['911', 'retrying'],
  ['something unexpected', 'stopped'],
];

describe('router DDNS return codes', () => {
  test.each(CASES)('reply "%s" leaves account %s', async (code, status) => {
    reply = code;
    requests = 0;
    await configure(`host-${CASES.findIndex((entry) => entry[0] === code)}.codes.test`);
    await settle();

    const state = router().firmware.ddns.states()[0]!;
    expect(state.status).toBe(status);
    expect(state.message).toContain(code.split(' ')[0]!);
    expect(requests).toBe(1);

    // A stopped account sends nothing more until its settings change; a retrying one retries after 10 minutes.
    await lab.clock.advance(10 * 60_000);
    await settle();
    expect(requests).toBe(status === 'retrying' ? 2 : 1);
  });
});
