/**
 * Steps of the OAuth mail flow shared by the flow tests: the router configured through its web UI,
 * and the person's browser steps through the lab proxy as an Internet host.
 */
import type { Lab } from '../../emulator';
import type { MailService as LabMailService } from '../../emulator/services/mail';
import { managementForm } from './forms';
import { loginAgent, pageToken } from './lab';
import { LabBrowser, proxyAgent } from '../services/identity/identityLab';

export type Agent = Awaited<ReturnType<typeof loginAgent>>;

export const PROFILE_PAGE = '/objects-setting/sms-mail-service-object';
export const RECIPIENT = 'trainee@contosolab.onmicrosoft.com';


/** Step 1: the seeded DrayDDNS account through Applications >> Dynamic DNS Setup. */
export async function setUpDdns(lab: Lab, agent: Agent): Promise<void> {
  const page = '/applications/dynamic-dns';
  await agent.post(page).type('form').send({ _csrf: await pageToken(agent, page), action: 'global', enabled: 'on' }).expect(303);
  const account = { action: 'save', index: '1', enabled: 'on', wan: 'WAN1-first', provider: 'drayddns', serviceType: 'dynamic', domain: 'r1', login: 'r1-trainee', password: 'r1-ddns-pass', realWanIp: 'wan', intervalMinutes: '1440', authType: 'basic', connection: 'https', expectedResponse: 'good' };
  await agent.post(page).type('form').send({ ...account, _csrf: await pageToken(agent, page) }).expect(303);
  await waitFor(lab, () => lab.router('r1')!.firmware.ddns.states()[0]!.status === 'registered', 'the DDNS account to register');
  await waitFor(lab, () => lab.router('r1')!.firmware.syslog.query({ category: 'DDNS' }).some((entry) => entry.message.startsWith('Certificate for r1.drayddns.com installed')), 'the DrayDDNS certificate');
}

/** Steps 2 and 7: HTTPS management from the Internet on or off, through the Management page. */
export async function setWanHttps(lab: Lab, agent: Agent, on: boolean): Promise<void> {
  const page = '/system-maintenance/management';
  const form = managementForm(lab.router('r1')!.firmware.management.config(), on ? { internetAllow: 'on', internet_https: 'on' } : { internetAllow: undefined, internet_https: undefined });
  await agent.post(page).type('form').send({ ...form, _csrf: await pageToken(agent, page) }).expect(303);
}

export async function saveProfile(agent: Agent, fields: Record<string, string>): Promise<void> {
  const response = await agent.post(PROFILE_PAGE).type('form').send({ action: 'save', index: '1', smtpServer: '', smtpPort: '587', security: 'starttls', sendingIntervalSeconds: '0', ...fields, _csrf: await pageToken(agent, `${PROFILE_PAGE}?index=1`) });
  if (response.status !== 303) throw new Error(`Saving the mail profile failed with HTTP ${response.status}: ${response.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 600)}`);
}

/** Step 4: Authorize opens the provider; the person signs in and consents; the relay and the router finish. */
export async function authorize(lab: Lab, agent: Agent, signIn: (browser: LabBrowser, url: string) => Promise<{ location?: string; status: number; text: string }>): Promise<string> {
  const token = await pageToken(agent, `${PROFILE_PAGE}?index=1`);
  const start = await agent.get(`${PROFILE_PAGE}/authorize`).query({ index: '1', _csrf: token });
  if (start.status !== 302) throw new Error(`Authorize did not redirect: HTTP ${start.status} ${start.text.slice(0, 300)}`);
  const providerUrl = start.headers.location!;

  const browser = new LabBrowser(proxyAgent(lab));
  const toRelay = await signIn(browser, providerUrl);
  if (!toRelay.location?.startsWith('https://oauth2.drayddns.com/doc/mailOAuth.htm?')) return toRelay.text;
  const toRouter = await browser.get(toRelay.location);
  if (!toRouter.location?.startsWith('https://r1.drayddns.com/doc/mailOAuth.htm?')) throw new Error(`The relay did not forward to the router: HTTP ${toRouter.status} ${toRouter.location ?? ''}`);
  const callback = await browser.get(toRouter.location);
  return callback.text;
}

export async function sendTestMail(agent: Agent): Promise<string> {
  const response = await agent.post(PROFILE_PAGE).type('form').send({ action: 'test', index: '1', recipient: RECIPIENT, _csrf: await pageToken(agent, `${PROFILE_PAGE}?index=1`) });
  return response.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

export function mailbox(lab: Lab): LabMailService {
  return lab.services.mail as LabMailService;
}

export async function waitFor(lab: Lab, condition: () => boolean, what: string): Promise<void> {
  for (let round = 0; round < 300; round += 1) {
    if (condition()) return;
    await lab.clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

