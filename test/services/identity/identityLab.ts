/**
 * Helpers of the identity tests: a lab with the two providers, clients that reach them through the
 * lab proxy, and the browser steps of a sign-in (user name, password, consent) as a person clicks them.
 */
import request from 'supertest';
import type { Lab } from '../../../emulator';
import { IdentityProviders } from '../../../emulator/services/identity/providers';
import { SEED_TENANT, SEED_USERS } from '../../../emulator/services/microsoft/seed';
import { LabBrowser, LabProxyAgent, labFetch, unescapeHtml, type PageReply } from '../../helpers/labHttps';

export const REDIRECT_URI = 'https://oauth2.drayddns.com/doc/mailOAuth.htm';
export const SMTP_SCOPE = 'https://outlook.office.com/SMTP.Send';
export const TENANT_ID = SEED_TENANT.id;
export const ADMIN = SEED_USERS[0]!;
export const ALERTS = SEED_USERS[1]!;

export function identity(lab: Lab): IdentityProviders {
  const providers = lab.services.identity;
  if (!(providers instanceof IdentityProviders)) throw new Error('The lab has no identity providers');
  return providers;
}

export function proxyAgent(lab: Lab): LabProxyAgent {
  return LabProxyAgent.forLab(lab);
}

export function proxyFetch(lab: Lab): typeof fetch {
  return labFetch(proxyAgent(lab));
}

export function labApi(lab: Lab): ReturnType<typeof request> {
  return request(lab.consoleUrl.replace(/\/$/, ''));
}

/** Creates a single-tenant web app with SMTP.Send and offline_access, a secret and admin consent, through the lab API. */
export async function createMailApp(lab: Lab, options: { adminConsent?: boolean; displayName?: string } = {}): Promise<{ appId: string; secret: string; secretId: string }> {
  const api = labApi(lab);
  const created = await api
    .post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps`)
    .send({
      displayName: options.displayName ?? 'Vigor mail',
      redirectUris: { web: [REDIRECT_URI] },
      permissions: [
        { api: 'Office 365 Exchange Online', permission: 'SMTP.Send', type: 'delegated' },
        { api: 'Microsoft Graph', permission: 'offline_access', type: 'delegated' },
        { api: 'Microsoft Graph', permission: 'openid', type: 'delegated' },
        { api: 'Microsoft Graph', permission: 'profile', type: 'delegated' },
        { api: 'Microsoft Graph', permission: 'email', type: 'delegated' },
      ],
    })
    .expect(201);
  const appId = created.body.appId as string;
  const secret = await api.post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps/${appId}/secrets`).send({ description: 'router' }).expect(201);
  if (options.adminConsent !== false) await api.post(`/api/identity/microsoft/tenants/${TENANT_ID}/apps/${appId}/admin-consent`).expect(200);
  return { appId, secret: secret.body.value as string, secretId: secret.body.secretId as string };
}

/**
 * Signs in on the Microsoft pages from an authorize URL and accepts consent if asked. Returns the
 * final reply: a redirect to the client, a form_post page, or whatever page stopped the flow.
 */
export async function microsoftSignIn(browser: LabBrowser, authorizeUrl: string, user: { userPrincipalName: string; password: string }, options: { consent?: 'accept' | 'cancel' } = {}): Promise<PageReply> {
  let page = await browser.get(authorizeUrl);
  if (page.status === 200 && page.text.includes('Pick an account')) page = await submitStep(browser, page, authorizeUrl, 'another');
  if (page.status === 200 && page.text.includes('name="login"')) {
    page = await browser.submit(page, authorizeUrl, '/login', { login: user.userPrincipalName });
    if (page.text.includes('name="passwd"')) page = await browser.submit(page, authorizeUrl, '/login', { passwd: user.password });
  }
  if (page.status === 200 && page.text.includes('Permissions requested')) {
    page = await browser.submit(page, authorizeUrl, '/Consent/Set', { decision: options.consent ?? 'accept' });
  }
  return page;
}

/** Submits the form of a page whose hidden `step` field has this value. */
async function submitStep(browser: LabBrowser, page: PageReply, pageUrl: string, step: string): Promise<PageReply> {
  const forms = [...page.text.matchAll(/<form\b[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/gi)];
  const form = forms.find((match) => match[2]!.includes(`name="step" value="${step}"`));
  if (!form) throw new Error(`The page has no form for the step "${step}"`);
  const hidden = Object.fromEntries([...form[2]!.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((input) => [unescapeHtml(input[1]!), unescapeHtml(input[2]!)]));
  return browser.post(new URL(unescapeHtml(form[1]!), pageUrl).href, hidden);
}

/** Returns the query (or fragment) parameters of a redirect to the client. */
export function redirectParams(reply: PageReply): URLSearchParams {
  if (!reply.location) throw new Error(`Expected a redirect, got HTTP ${reply.status}: ${reply.text.slice(0, 400)}`);
  const url = new URL(reply.location);
  return url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
}

export { LabBrowser };

export const GOOGLE_PROJECT = 'vigor-mail-lab';
export const GMAIL_SCOPE = 'https://mail.google.com/';

/** Creates an OAuth client in the seeded Cloud project through the lab API. */
export async function createGoogleClient(lab: Lab, name = 'Vigor router'): Promise<{ clientId: string; clientSecret: string }> {
  const created = await labApi(lab).post(`/api/identity/google/projects/${GOOGLE_PROJECT}/clients`).send({ name, redirectUris: [REDIRECT_URI] }).expect(201);
  return { clientId: created.body.clientId as string, clientSecret: created.body.clientSecret as string };
}

/**
 * Signs in on the Google pages from an authorize URL, passes the unverified-app warning and
 * submits the consent screen. Returns the reply that ends the flow.
 */
export async function googleSignIn(browser: LabBrowser, authorizeUrl: string, account: { email: string; password: string }, options: { consent?: 'allow' | 'cancel' } = {}): Promise<PageReply> {
  let page = await browser.get(authorizeUrl);
  if (page.status === 200 && page.text.includes('Choose an account')) {
    const listed = page.text.includes(`name="account" value="${account.email}"`);
    page = listed ? await browser.submit(page, authorizeUrl, '/o/oauth2/v2/signin', { step: 'choose', account: account.email }) : await submitStep(browser, page, authorizeUrl, 'another');
  }
  if (page.status === 200 && page.text.includes('name="identifier"')) {
    page = await browser.submit(page, authorizeUrl, '/o/oauth2/v2/signin', { identifier: account.email });
    if (page.text.includes('name="Passwd"')) page = await browser.submit(page, authorizeUrl, '/o/oauth2/v2/signin', { Passwd: account.password });
  }
  if (page.status === 200 && page.text.includes('hasn’t verified this app')) page = await browser.submit(page, authorizeUrl, '/o/oauth2/v2/consent', { decision: 'continue' });
  if (page.status === 200 && page.text.includes('wants to access your Google Account')) page = await browser.submit(page, authorizeUrl, '/o/oauth2/v2/consent', { decision: options.consent ?? 'allow' });
  return page;
}
