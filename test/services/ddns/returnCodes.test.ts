/**
 * Every dyndns2 return code of the emulated providers, table-driven, through the lab's port
 * forwards as a real HTTP client sends them.
 */
import type { Lab } from '../../../emulator';
import { RETURN_CODES, type ReturnCode } from '../../../emulator/services/ddns/returnCodes';
import { startTestLab } from '../../helpers/lab';
import { makeAccount, provider, send, type UpdateOptions } from './helpers';

let lab: Lab;

beforeAll(async () => {
  lab = await startTestLab();
});

afterAll(async () => {
  await lab.stop();
});

type Account = Awaited<ReturnType<typeof makeAccount>>;

interface Case {
  name: string;
  code: ReturnCode;
  credited?: boolean;
  /** Address the hostname has before the request. */
  address?: string;
  prepare?(lab: Lab, account: Account): Promise<void>;
  request(account: Account): UpdateOptions;
  status?: number;
  body(account: Account): string;
  cleanup?(lab: Lab): Promise<void>;
}

const update = (account: Account, query: Record<string, string> = {}): UpdateOptions => ({ auth: account.auth, query: { hostname: account.hostname, ...query } });

const CASES: Case[] = [
  { name: 'good for new address', code: 'good', request: (a) => update(a, { myip: '203.0.113.50' }), body: () => 'good 203.0.113.50' },
  { name: 'nochg for same address', code: 'nochg', address: '203.0.113.51', request: (a) => update(a, { myip: '203.0.113.51' }), body: () => 'nochg 203.0.113.51' },
  { name: 'badauth for wrong password', code: 'badauth', request: (a) => ({ ...update(a), auth: [a.username, 'wrong'] }), body: () => 'badauth' },
  { name: 'badauth for unknown user', code: 'badauth', request: (a) => ({ ...update(a), auth: ['nobody-here', 'x'] }), body: () => 'badauth' },
  { name: 'badauth 401 without credentials', code: 'badauth', request: (a) => ({ ...update(a), auth: undefined }), status: 401, body: () => 'badauth' },
  { name: 'badauth for Bearer header', code: 'badauth', request: (a) => ({ ...update(a), auth: 'Bearer abc' }), body: () => 'badauth' },
  {
    name: 'badauth after account password change',
    code: 'badauth',
    prepare: async (l, a) => void (await provider(l).setAccountFaults(a.username, { passwordChanged: true })),
    request: (a) => update(a),
    body: () => 'badauth',
  },
  {
    name: 'badauth after provider password change',
    code: 'badauth',
    prepare: async (l) => void (await provider(l).setFaults({ passwordChanged: true })),
    request: (a) => update(a),
    body: () => 'badauth',
    cleanup: async (l) => void (await provider(l).setFaults({ passwordChanged: false })),
  },
  { name: '!donator for wildcard uncredited', code: '!donator', credited: false, request: (a) => update(a, { wildcard: 'ON' }), body: () => '!donator' },
  { name: '!donator for offline uncredited', code: '!donator', credited: false, request: (a) => update(a, { offline: 'YES' }), body: () => '!donator' },
  { name: 'wildcard fine when credited', code: 'good', request: (a) => update(a, { wildcard: 'ON', mx: 'mail.example.com', backmx: 'YES', myip: '203.0.113.52' }), body: () => 'good 203.0.113.52' },
  { name: 'notfqdn once without hostname', code: 'notfqdn', request: (a) => ({ auth: a.auth, query: { myip: '203.0.113.53' } }), body: () => 'notfqdn' },
  { name: 'notfqdn for single label', code: 'notfqdn', request: (a) => update(a, { hostname: 'r1' }), body: () => 'notfqdn' },
  { name: 'nohost for other account', code: 'nohost', request: (a) => update(a, { hostname: 'r1.drayddns.com' }), body: () => 'nohost' },
  { name: 'nohost for unknown name', code: 'nohost', request: (a) => update(a, { hostname: 'www.example.com' }), body: () => 'nohost' },
  {
    name: 'numhost for 21 hostnames',
    code: 'numhost',
    request: (a) => update(a, { hostname: Array.from({ length: 21 }, () => a.hostname).join(',') }),
    body: () => 'numhost',
  },
  {
    name: 'abuse for locked account',
    code: 'abuse',
    prepare: async (l, a) => void (await provider(l).setAccountFaults(a.username, { abuseLock: true })),
    request: (a) => update(a),
    body: () => 'abuse',
  },
  {
    name: 'abuse for locked provider',
    code: 'abuse',
    prepare: async (l) => void (await provider(l).setFaults({ abuseLock: true })),
    request: (a) => update(a),
    body: () => 'abuse',
    cleanup: async (l) => void (await provider(l).setFaults({ abuseLock: false })),
  },
  {
    name: 'abuse for blocked hostname',
    code: 'abuse',
    prepare: async (l, a) => void (await provider(l).setBlocked(a.hostname, true)),
    request: (a) => update(a, { myip: '203.0.113.54' }),
    body: () => 'abuse',
  },
  {
    name: 'abuse after repeated nochg',
    code: 'abuse',
    address: '203.0.113.55',
    prepare: async (l, a) => {
      for (let i = 0; i < provider(l).definition.abuse.nochgLimit; i += 1) {
        expect((await send(l, update(a, { myip: '203.0.113.55' }))).body).toBe('nochg 203.0.113.55');
      }
    },
    request: (a) => update(a, { myip: '203.0.113.55' }),
    body: () => 'abuse',
  },
  { name: 'badagent without User-Agent', code: 'badagent', request: (a) => ({ ...update(a), userAgent: null }), body: () => 'badagent' },
  { name: 'badagent for POST', code: 'badagent', request: (a) => ({ ...update(a), method: 'POST' }), body: () => 'badagent' },
  {
    // A failing lab DNS also stops clients from finding the provider by name, so the router
    // connects to its address.
    name: 'dnserr while lab DNS fails',
    code: 'dnserr',
    prepare: async (l) => l.dns.setFailing(true),
    request: (a) => ({ ...update(a, { myip: '203.0.113.56' }), fromRouter: 'r1', connectTo: '192.0.2.30' }),
    body: () => 'dnserr',
    cleanup: async (l) => l.dns.setFailing(false),
  },
  {
    name: 'dnserr for account fault',
    code: 'dnserr',
    prepare: async (l, a) => void (await provider(l).setAccountFaults(a.username, { dnsError: true })),
    request: (a) => update(a, { myip: '203.0.113.57' }),
    body: () => 'dnserr',
  },
  {
    name: '911 in provider maintenance',
    code: '911',
    prepare: async (l) => void (await provider(l).setFaults({ maintenance: true })),
    request: (a) => update(a),
    body: () => '911',
    cleanup: async (l) => void (await provider(l).setFaults({ maintenance: false })),
  },
  {
    name: '911 in account maintenance',
    code: '911',
    prepare: async (l, a) => void (await provider(l).setAccountFaults(a.username, { maintenance: true })),
    request: (a) => update(a),
    body: () => '911',
  },
  {
    name: 'one line per hostname in order',
    code: 'good',
    address: '203.0.113.58',
    request: (a) => update(a, { hostname: `${a.hostname},r1.drayddns.com,bad_name,${a.hostname}`, myip: '203.0.113.59' }),
    body: () => 'good 203.0.113.59\nnohost\nnotfqdn\nnochg 203.0.113.59',
  },
];

describe('dyndns2 return codes', () => {
  test('table covers every return code', () => {
    expect(new Set(CASES.map((entry) => entry.code))).toEqual(new Set(Object.keys(RETURN_CODES)));
  });

  test.each(CASES.map((entry, index) => [entry.name, entry, index] as const))('%s', async (_name, entry, index) => {
    const account = await makeAccount(lab, `case${index}`, { credited: entry.credited, address: entry.address ?? null });
    await entry.prepare?.(lab, account);
    try {
      const reply = await send(lab, entry.request(account));
      expect(reply.status).toBe(entry.status ?? 200);
      expect(reply.body).toBe(entry.body(account));
      expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    } finally {
      await entry.cleanup?.(lab);
    }
  });
});
