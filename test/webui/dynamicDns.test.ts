import type { Lab } from '../../emulator';
import { loginAgent, pageToken, routerOrigin, startTestLab } from '../helpers/lab';

let lab: Lab;

beforeAll(async () => {
  lab = await startTestLab();
});

afterAll(async () => {
  await lab.stop();
});

function text(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

const PAGE = '/applications/dynamic-dns';
const ACCOUNT = { action: 'save', index: '1', enabled: 'on', wan: 'WAN1-first', provider: 'drayddns', serviceType: 'dynamic', domain: 'r1', login: 'r1-trainee', password: 'r1-ddns-pass', realWanIp: 'wan', intervalMinutes: '1440', authType: 'basic', connection: 'https', expectedResponse: 'good' };

async function waitForStatus(status: string): Promise<void> {
  for (let round = 0; round < 100 && lab.router('r1')!.firmware.ddns.states()[0]!.status !== status; round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Dynamic DNS Setup page', () => {
  test('account saved, updated and listed', async () => {
    const agent = await loginAgent(routerOrigin(lab));
    await agent.post(PAGE).type('form').send({ _csrf: await pageToken(agent, PAGE), action: 'global', enabled: 'on' }).expect(303);
    await agent.post(PAGE).type('form').send({ ...ACCOUNT, _csrf: await pageToken(agent, PAGE) }).expect(303);
    await waitForStatus('registered');

    const list = text((await agent.get(PAGE)).text);
    expect(list).toContain('r1.drayddns.com');
    expect(list).toMatch(/good: 203\.0\.113\.\d+ registered with DrayDDNS/);
    expect(lab.dns.resolve('r1.drayddns.com')).toBe(lab.router('r1')!.hardware.ports.address('WAN1')!.ip);
  });

  test('password never reaches the page', async () => {
    const agent = await loginAgent(routerOrigin(lab));
    const page = await agent.get(`${PAGE}?index=1`);
    expect(page.text).not.toContain('r1-ddns-pass');
    expect(page.text).toContain('a password is stored');
  });

  test('force update and log', async () => {
    const agent = await loginAgent(routerOrigin(lab));
    const reply = await agent.post(PAGE).type('form').send({ _csrf: await pageToken(agent, PAGE), action: 'force', index: '1' });
    expect(reply.status).toBe(303);
    const log = text((await agent.get(`${PAGE}?view=log`)).text);
    expect(log).toContain('DrayDDNS replied &#34;nochg&#34;');
  });

  test('invalid fields are named', async () => {
    const agent = await loginAgent(routerOrigin(lab));
    const response = await agent
      .post(PAGE)
      .type('form')
      .send({ ...ACCOUNT, index: '2', domain: 'bad_name!', intervalMinutes: '0', login: 'x'.repeat(65), _csrf: await pageToken(agent, PAGE) });
    expect(response.status).toBe(400);
    const page = text(response.text);
    expect(page).toContain('Update Interval must be a number from 1 to 1440');
    expect(page).toContain('Login Name must be at most 64 characters');
    expect(page).toContain('Domain Name');
  });

  test('unknown index is rejected', async () => {
    const agent = await loginAgent(routerOrigin(lab));
    const response = await agent.get(`${PAGE}?index=9`);
    expect(response.status).toBe(400);
    expect(response.text).toContain('index must be a whole number from 1 to 6');
  });
});
