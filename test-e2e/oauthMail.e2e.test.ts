/**
 * The whole OAuth mail flow in Chromium, clicked as a trainee clicks it. As the LAN PC: DDNS and
 * WAN HTTPS on the router. As an Internet host: the provider's admin console, the mail profile and
 * its Authorize window, the test e-mail in webmail and the alert setup. Then WAN HTTPS goes off
 * and a WAN cable pull must bring a mail alert. Last, the trainer's walkthrough in the lab console
 * must show every step done. The steps are numbered as in docs/training.md, which shows the
 * screenshots they save to docs/images/.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import request from 'supertest';
import type { Lab } from '../emulator';
import { startTestLab } from '../test/helpers/lab';
import { launchAs, launchOnHost, newContext, screenshot } from './helpers/browser';

const ROUTER_LAN = 'http://192.168.1.1';
const ROUTER_WAN = 'https://r1.drayddns.com';
const REDIRECT_URI = 'https://oauth2.drayddns.com/doc/mailOAuth.htm';
const RECIPIENT = 'trainee@contosolab.onmicrosoft.com';
const GMAIL_RECIPIENT = 'lab.owner@gmail.com';

let lab: Lab;
let browsers: Browser[] = [];

beforeEach(async () => {
  lab = await startTestLab({ clockMode: 'real' });
  browsers = [];
});

afterEach(async () => {
  for (const browser of browsers) await browser.close();
  await lab.stop();
});

async function browserAs(place: string): Promise<BrowserContext> {
  const browser = await launchAs(lab, place);
  browsers.push(browser);
  return newContext(browser);
}

function labApi() {
  return request(lab.consoleUrl.replace(/\/$/, ''));
}

/** Polls `check` every 200 ms (host time) for up to `timeoutMs`. */
async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Waits until the first element of `locator` contains `text`, and fails with the element's text otherwise. */
async function waitForText(locator: Locator, text: string): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor();
  } catch (error) {
    const shown = (await locator.first().textContent({ timeout: 1_000 }).catch(() => null)) ?? '(element not found)';
    throw new Error(`Expected "${text}" in ${locator}, found: ${shown.replace(/\s+/g, ' ').slice(0, 500)}`, { cause: error });
  }
}

async function routerLogin(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('admin');
  await page.getByRole('button', { name: 'Login' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Router steps 1 and 2 as the LAN PC: the DrayDDNS account, then HTTPS management from the Internet. */
async function setUpDdnsAndWanHttps(prefix: string): Promise<void> {
  const context = await browserAs('r1');
  const page = await context.newPage();
  await routerLogin(page, ROUTER_LAN);
  await screenshot(page, `${prefix}-01-router-lan-dashboard`);

  await page.goto(`${ROUTER_LAN}/applications/dynamic-dns`);
  await page.getByLabel('Enable Dynamic DNS Setup').check();
  await page.getByRole('button', { name: 'OK' }).click();
  await page.getByRole('link', { name: '1.', exact: true }).click();
  await page.getByLabel('Enable Dynamic DNS Account').check();
  await page.getByLabel('Service Provider').selectOption({ label: 'DrayDDNS' });
  await page.getByLabel('Domain Name').fill('r1');
  await page.getByLabel('Login Name').fill('r1-trainee');
  await page.getByLabel('Password', { exact: true }).fill('r1-ddns-pass');
  await screenshot(page, `${prefix}-02-ddns-account`);
  await page.getByRole('button', { name: 'OK' }).click();
  await eventually(async () => {
    await page.goto(`${ROUTER_LAN}/applications/dynamic-dns`);
    return (await page.locator('td.ddns-registered').count()) === 1;
  }, 'the DrayDDNS account to register');
  await eventually(() => lab.router('r1')!.firmware.syslog.query({ category: 'DDNS' }).some((entry) => entry.message.startsWith('Certificate for r1.drayddns.com installed')), 'the DrayDDNS certificate');
  await screenshot(page, `${prefix}-03-ddns-registered`);

  await page.goto(`${ROUTER_LAN}/system-maintenance/management`);
  await page.getByLabel('Allow management from the Internet').check();
  await page.getByLabel('HTTPS Server').first().check();
  await screenshot(page, `${prefix}-04-management-wan-https`);
  await page.getByRole('button', { name: 'OK' }).first().click();
  await context.close();
}

/** Step 3 in the Entra admin center: the app registration, its secret, the API permissions and admin consent. */
async function registerEntraApp(page: Page): Promise<{ clientId: string; tenantId: string; secret: string }> {
  await page.goto('https://entra.microsoft.com/');
  await page.getByLabel('Email').fill('admin@contosolab.onmicrosoft.com');
  await page.getByLabel('Password').fill('Admin-Lab-2026!');
  await screenshot(page, 'ms-05-entra-sign-in');
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.getByRole('link', { name: 'App registrations' }).first().click();
  await page.getByRole('link', { name: 'New registration' }).click();
  await page.getByLabel('Name').fill('Vigor mail');
  await page.getByLabel('Select a platform').selectOption({ label: 'Web' });
  await page.getByLabel('Redirect URI').fill(REDIRECT_URI);
  await screenshot(page, 'ms-06-entra-new-registration');
  await page.getByRole('button', { name: 'Register' }).click();
  const clientId = (await page.locator('#client-id').textContent())!.trim();
  const tenantId = (await page.locator('#tenant-id').textContent())!.trim();
  await screenshot(page, 'ms-07-entra-overview');

  await page.getByRole('link', { name: 'Certificates & secrets' }).click();
  await page.getByLabel('Description').fill('router r1');
  await page.getByRole('button', { name: 'Add' }).click();
  const secret = (await page.locator('#shown-once').textContent())!.trim();
  await screenshot(page, 'ms-08-entra-secret-value');

  await page.getByRole('link', { name: 'API permissions' }).click();
  await page.getByLabel('Permission').selectOption({ label: 'Office 365 Exchange Online - Delegated - SMTP.Send' });
  await page.getByRole('button', { name: 'Add permissions' }).click();
  await page.getByLabel('Permission').selectOption({ label: 'Microsoft Graph - Delegated - offline_access' });
  await page.getByRole('button', { name: 'Add permissions' }).click();
  await page.getByRole('button', { name: 'Grant admin consent for Contoso Lab' }).click();
  await screenshot(page, 'ms-09-entra-api-permissions');
  return { clientId, tenantId, secret };
}

const PROFILE_PAGE = '/objects-setting/sms-mail-service-object';

/** Step 4 on the router as an Internet host: mail service object 1 with the provider's client. */
async function saveMailProfile(page: Page, prefix: string, profile: { name: string; provider: string; clientId: string; clientSecret: string; tenantId: string; sender: string }): Promise<void> {
  await page.goto(`${ROUTER_WAN}${PROFILE_PAGE}`);
  await page.getByRole('link', { name: '1.', exact: true }).click();
  await page.getByLabel('Profile Name').fill(profile.name);
  await page.getByLabel('Authentication').selectOption({ label: 'OAuth 2.0' });
  await page.getByLabel('OAuth Provider').selectOption({ label: profile.provider });
  await page.getByLabel('Client ID').fill(profile.clientId);
  await page.getByLabel('Client Secret').fill(profile.clientSecret);
  await page.getByLabel('Tenant ID').fill(profile.tenantId);
  await page.getByLabel('Sender Address').fill(profile.sender);
  await screenshot(page, `${prefix}-10-mail-profile`);
  await page.getByRole('button', { name: 'OK' }).click();
  await page.goto(`${ROUTER_WAN}${PROFILE_PAGE}?index=1`);
}

/** Clicks Authorize on the profile page and returns the window it opens. */
async function openAuthorizeWindow(page: Page, prefix: string): Promise<Page> {
  await page.locator('#mail-status').scrollIntoViewIfNeeded();
  await screenshot(page, `${prefix}-11-before-authorize`);
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('link', { name: 'Authorize' }).click()]);
  await popup.setViewportSize({ width: 1024, height: 700 });
  await popup.waitForLoadState();
  return popup;
}

/** Waits for the router's callback page in the Authorize window and for the profile status. */
async function expectCallback(popup: Page, page: Page, prefix: string, account: string): Promise<void> {
  try {
    await popup.waitForURL(/^https:\/\/r1\.drayddns\.com\/doc\/mailOAuth\.htm/);
  } catch (error) {
    const text = (await popup.locator('body').textContent().catch(() => '')) ?? '';
    throw new Error(`The Authorize window stopped at ${popup.url()}: ${text.replace(/\s+/g, ' ').slice(0, 800)}`, { cause: error });
  }
  await waitForText(popup.locator('body'), `is authorized as ${account}`);
  await screenshot(popup, `${prefix}-14-router-callback`);
  await popup.close();
  await page.reload();
  await waitForText(page.locator('#mail-status'), `authorized as ${account}`);
  await page.locator('#mail-status').scrollIntoViewIfNeeded();
  await screenshot(page, `${prefix}-15-profile-authorized`);
}

/** Step 5: the test e-mail from the profile page. */
async function sendTestMail(page: Page, prefix: string, recipient: string): Promise<void> {
  await page.getByLabel('Recipient').fill(recipient);
  await page.getByRole('button', { name: 'Send a Test E-mail' }).click();
  const result = page.locator('p.flash[role="status"]');
  await waitForText(result, 'Sent. The server replied: 250');
  await result.scrollIntoViewIfNeeded();
  await screenshot(page, `${prefix}-16-test-mail-sent`);
}

/** Opens `address`'s mailbox in webmail, waits for a message whose subject matches and opens it. */
async function showInWebmail(context: BrowserContext, webmail: string, address: string, subject: RegExp, shots: { inbox: string; message: string }): Promise<void> {
  const page = await context.newPage();
  await page.goto(webmail);
  await page.getByRole('row').filter({ hasText: address }).getByRole('link').first().click();
  const link = page.getByRole('link', { name: subject }).first();
  await link.waitFor();
  await screenshot(page, shots.inbox);
  await link.click();
  await screenshot(page, shots.message);
  await page.close();
}

/** Step 6: notification object 1 for the WAN events and alert rule 1 that mails them with profile 1. */
async function setUpAlert(page: Page, prefix: string, recipient: string): Promise<void> {
  await page.goto(`${ROUTER_WAN}/objects-setting/notification-object`);
  await page.getByRole('link', { name: '1.', exact: true }).click();
  await page.getByLabel('Profile Name').fill('wan');
  await page.getByLabel('WAN disconnected').check();
  await page.getByLabel('WAN reconnected').check();
  await screenshot(page, `${prefix}-19-notification-object`);
  await page.getByRole('button', { name: 'OK' }).click();

  await page.goto(`${ROUTER_WAN}/applications/sms-mail-alert`);
  await page.getByLabel('Enable rule 1', { exact: true }).check();
  await page.getByLabel('Mail service object of rule 1', { exact: true }).selectOption({ index: 1 });
  await page.getByLabel('Recipients of rule 1', { exact: true }).fill(recipient);
  await page.getByLabel('Notification object of rule 1', { exact: true }).selectOption({ index: 1 });
  await screenshot(page, `${prefix}-20-mail-alert-rule`);
  await page.getByRole('button', { name: 'OK' }).click();
}

/** Step 7 as the LAN PC: HTTPS management from the Internet off again, because mail needs only outgoing connections. */
async function turnOffWanHttps(prefix: string): Promise<void> {
  const context = await browserAs('r1');
  const page = await context.newPage();
  await routerLogin(page, ROUTER_LAN);
  await page.goto(`${ROUTER_LAN}/system-maintenance/management`);
  await page.getByLabel('Allow management from the Internet').uncheck();
  await page.getByLabel('HTTPS Server').first().uncheck();
  await screenshot(page, `${prefix}-21-management-wan-https-off`);
  await page.getByRole('button', { name: 'OK' }).first().click();
  await context.close();
}

/** Step 8, the trainer's part: WAN1's cable out and back in through the lab API, then the alert queue. */
async function pullWanCable(page: Page, prefix: string, recipient: string): Promise<void> {
  const before = await mailCount(recipient);
  await labApi().post('/api/routers/r1/ports/WAN1/link').send({ up: false }).expect(200);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await labApi().post('/api/routers/r1/ports/WAN1/link').send({ up: true }).expect(200);
  // Both alerts, "WAN1 disconnected" and "WAN1 reconnected", go out once WAN1 is back.
  await eventually(async () => (await mailCount(recipient)) >= before + 2, 'the two WAN alerts in the mailbox', 60_000);
  await page.goto(`${ROUTER_LAN}/applications/sms-mail-alert?tab=queue`);
  await screenshot(page, `${prefix}-22-alert-queue`);
}

/**
 * Checks that the router's web UI no longer answers on its DrayDDNS name from the Internet. A new
 * browser context opens a new connection, because the router checks the rule when it accepts one.
 */
async function expectRouterClosed(internet: BrowserContext): Promise<void> {
  const context = await newContext(internet.browser()!);
  const page = await context.newPage();
  const reply = await page.goto(`${ROUTER_WAN}/`, { timeout: 10_000 }).then(
    (response) => `HTTP ${response?.status()}`,
    () => null,
  );
  await context.close();
  if (reply !== null) throw new Error(`${ROUTER_WAN}/ still answered from the Internet (${reply}) after HTTPS management was turned off`);
}

async function mailCount(address: string): Promise<number> {
  const reply = await labApi().get(`/api/mail/mailboxes/${encodeURIComponent(address)}/messages`);
  return reply.status === 200 ? (reply.body.messages ?? reply.body).length : 0;
}

/**
 * Opens the router's guided walkthrough in the lab console and checks that the clicks above ticked
 * every step, then opens the trainer view of all routers.
 */
async function showWalkthrough(prefix: string, provider: 'microsoft' | 'google'): Promise<void> {
  const browser = await launchOnHost();
  browsers.push(browser);
  const page = await (await newContext(browser)).newPage();
  await page.goto(`${lab.consoleUrl}routers/r1/walkthrough?provider=${provider}`);
  await waitForText(page.locator('#checklist-heading'), '12 of 12 done');
  await page.locator('#checklist-heading').evaluate((heading) => heading.scrollIntoView());
  await screenshot(page, `${prefix}-25-walkthrough`);
  await page.goto(`${lab.consoleUrl}trainer?provider=${provider}`);
  await waitForText(page.locator('table.trainer'), 'All steps done.');
  await screenshot(page, `${prefix}-26-trainer-view`);
}

/** Step 3 in the Cloud console as the project owner: a Web application OAuth client with the relay's redirect URI. */
async function createGoogleClient(page: Page): Promise<{ clientId: string; clientSecret: string }> {
  await page.goto('https://console.cloud.google.com/');
  await page.getByLabel('Email').fill('lab.owner@gmail.com');
  await page.getByLabel('Password').fill('Owner-Lab-2026!');
  await screenshot(page, 'google-05-cloud-sign-in');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await screenshot(page, 'google-06-cloud-projects');
  await page.getByRole('link', { name: 'Vigor Mail Lab' }).click();
  await page.getByRole('link', { name: 'OAuth consent screen' }).click();
  await screenshot(page, 'google-07-consent-screen');
  await page.getByRole('link', { name: 'Credentials' }).click();
  await page.getByLabel('Name').fill('Vigor router');
  await page.getByLabel('Authorized redirect URIs (one per line)').fill(REDIRECT_URI);
  await screenshot(page, 'google-08-create-client');
  await page.getByRole('button', { name: 'Create' }).click();
  const notice = (await page.locator('#flash').textContent()) ?? '';
  const clientId = /Client ID: (\S+?)\.? Copy/.exec(notice)?.[1];
  if (!clientId) throw new Error(`The Cloud console did not show a client ID: ${notice}`);
  const clientSecret = (await page.locator('#shown-once').textContent())!.trim();
  await screenshot(page, 'google-09-client-secret');
  return { clientId, clientSecret };
}

describe('OAuth mail flow in Chromium', () => {
  test('Microsoft: Entra app, authorize, mail, alert', async () => {
    await setUpDdnsAndWanHttps('ms');
    const internet = await browserAs('internet');
    const page = await internet.newPage();

    const app = await registerEntraApp(page);

    await routerLogin(page, ROUTER_WAN);
    await saveMailProfile(page, 'ms', { name: 'm365', provider: 'Microsoft', clientId: app.clientId, clientSecret: app.secret, tenantId: app.tenantId, sender: 'alerts@contosolab.onmicrosoft.com' });
    const popup = await openAuthorizeWindow(page, 'ms');
    await popup.getByLabel('Email, phone, or Skype').fill('alerts@contosolab.onmicrosoft.com');
    await screenshot(popup, 'ms-12-microsoft-sign-in');
    await popup.getByRole('button', { name: 'Next' }).click();
    await popup.getByLabel('Password').fill('Alerts-Lab-2026!');
    await popup.getByRole('button', { name: 'Sign in', exact: true }).click();
    // Admin consent covers SMTP.Send and offline_access; the user still consents to openid, profile and email.
    await popup.getByRole('heading', { name: 'Permissions requested' }).waitFor();
    await screenshot(popup, 'ms-13-microsoft-consent');
    await popup.getByRole('button', { name: 'Accept' }).click();
    await expectCallback(popup, page, 'ms', 'alerts@contosolab.onmicrosoft.com');

    await sendTestMail(page, 'ms', RECIPIENT);
    await showInWebmail(internet, 'https://outlook.office365.com/', RECIPIENT, /test/i, { inbox: 'ms-17-webmail-inbox', message: 'ms-18-webmail-test-mail' });
    await setUpAlert(page, 'ms', RECIPIENT);
    await turnOffWanHttps('ms');
    const lan = await (await browserAs('r1')).newPage();
    await routerLogin(lan, ROUTER_LAN);
    await pullWanCable(lan, 'ms', RECIPIENT);
    await expectRouterClosed(internet);
    await showInWebmail(internet, 'https://outlook.office365.com/', RECIPIENT, /WAN1 disconnected/, { inbox: 'ms-23-webmail-alerts', message: 'ms-24-webmail-alert' });
    await showWalkthrough('ms', 'microsoft');
  });

  test('Google: Cloud client, authorize, mail, alert', async () => {
    await setUpDdnsAndWanHttps('google');
    const internet = await browserAs('internet');
    const page = await internet.newPage();
    const client = await createGoogleClient(page);

    await routerLogin(page, ROUTER_WAN);
    await saveMailProfile(page, 'google', { name: 'gmail', provider: 'Google', clientId: client.clientId, clientSecret: client.clientSecret, tenantId: '', sender: 'lab.alerts@gmail.com' });
    const popup = await openAuthorizeWindow(page, 'google');
    await popup.getByLabel('Email or phone').fill('lab.alerts@gmail.com');
    await screenshot(popup, 'google-12-google-sign-in');
    await popup.getByRole('button', { name: 'Next' }).click();
    await popup.getByLabel('Enter your password').fill('Alerts-Lab-2026!');
    await popup.getByRole('button', { name: 'Next' }).click();
    // The app is in Testing and unverified, so Google warns first; "Continue" goes on to the consent screen.
    await popup.getByRole('heading', { name: 'Google hasn’t verified this app' }).waitFor();
    await screenshot(popup, 'google-13a-unverified-app');
    await popup.getByRole('button', { name: 'Continue' }).click();
    await popup.getByRole('heading', { name: /wants to access your Google Account/ }).waitFor();
    await screenshot(popup, 'google-13b-google-consent');
    await popup.getByRole('button', { name: 'Continue' }).click();
    await expectCallback(popup, page, 'google', 'lab.alerts@gmail.com');

    await sendTestMail(page, 'google', GMAIL_RECIPIENT);
    await showInWebmail(internet, 'https://mail.google.com/', GMAIL_RECIPIENT, /test/i, { inbox: 'google-17-webmail-inbox', message: 'google-18-webmail-test-mail' });
    await setUpAlert(page, 'google', GMAIL_RECIPIENT);
    await turnOffWanHttps('google');
    const lan = await (await browserAs('r1')).newPage();
    await routerLogin(lan, ROUTER_LAN);
    await pullWanCable(lan, 'google', GMAIL_RECIPIENT);
    await expectRouterClosed(internet);
    await showInWebmail(internet, 'https://mail.google.com/', GMAIL_RECIPIENT, /WAN1 disconnected/, { inbox: 'google-23-webmail-alerts', message: 'google-24-webmail-alert' });
    await showWalkthrough('google', 'google');
  });
});
