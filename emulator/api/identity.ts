/**
 * The person's side of the OAuth flows, shared by the TypeScript API, the scenario runner and the
 * tests: mail apps created through the lab API, and the sign-in and consent pages of Microsoft and
 * Google clicked through as a browser without JavaScript does.
 */
import type { Lab } from '../lab';
import { SEED_PROJECT } from '../services/google/seed';
import { SEED_TENANT, SEED_USERS } from '../services/microsoft/seed';
import { LabBrowser, LabProxyAgent, unescapeHtml, type PageReply } from './labHttps';
import { labApiRequest } from './labApi';

/** The redirect URI of DrayTek's OAuth relay, which routers register with the providers. */
export const REDIRECT_URI = 'https://oauth2.drayddns.com/doc/mailOAuth.htm';
export const TENANT_ID = SEED_TENANT.id;
export const ADMIN = SEED_USERS[0]!;
export const ALERTS = SEED_USERS[1]!;
export const GOOGLE_PROJECT = SEED_PROJECT.id;

export interface MailApp {
  appId: string;
  secret: string;
  secretId: string;
}

/** Creates a single-tenant web app with SMTP.Send and offline_access, a secret and admin consent, through the lab API. */
export async function createMailApp(lab: Lab, options: { adminConsent?: boolean; displayName?: string; tenant?: string; secretExpiresInDays?: number } = {}): Promise<MailApp> {
  const tenant = options.tenant ?? TENANT_ID;
  const base = `/api/identity/microsoft/tenants/${encodeURIComponent(tenant)}/apps`;
  const created = await labApiRequest(lab, 'POST', base, {
    displayName: options.displayName ?? 'Vigor mail',
    redirectUris: { web: [REDIRECT_URI] },
    permissions: [
      { api: 'Office 365 Exchange Online', permission: 'SMTP.Send', type: 'delegated' },
      { api: 'Microsoft Graph', permission: 'offline_access', type: 'delegated' },
      { api: 'Microsoft Graph', permission: 'openid', type: 'delegated' },
      { api: 'Microsoft Graph', permission: 'profile', type: 'delegated' },
      { api: 'Microsoft Graph', permission: 'email', type: 'delegated' },
    ],
  });
  const appId = created.appId as string;
  const secretBody = options.secretExpiresInDays === undefined ? { description: 'router' } : { description: 'router', expiresInDays: options.secretExpiresInDays };
  const secret = await labApiRequest(lab, 'POST', `${base}/${appId}/secrets`, secretBody);
  if (options.adminConsent !== false) await labApiRequest(lab, 'POST', `${base}/${appId}/admin-consent`);
  return { appId, secret: secret.value as string, secretId: secret.secretId as string };
}

/** Creates an OAuth client in a Google Cloud project (the seeded one by default) through the lab API. */
export async function createGoogleClient(lab: Lab, name = 'Vigor router', project = GOOGLE_PROJECT): Promise<{ clientId: string; clientSecret: string }> {
  const created = await labApiRequest(lab, 'POST', `/api/identity/google/projects/${encodeURIComponent(project)}/clients`, { name, redirectUris: [REDIRECT_URI] });
  return { clientId: created.clientId as string, clientSecret: created.clientSecret as string };
}

/** Creates a cookie-keeping browser on the lab's Internet host that reaches lab hosts through the lab proxy. */
export function internetBrowser(lab: Lab): LabBrowser {
  return new LabBrowser(LabProxyAgent.forLab(lab));
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

/** Signs in with the provider that an authorize URL belongs to. */
export function signInAt(browser: LabBrowser, authorizeUrl: string, person: { user: string; password: string }): Promise<PageReply> {
  const host = new URL(authorizeUrl).hostname;
  if (host === 'accounts.google.com') return googleSignIn(browser, authorizeUrl, { email: person.user, password: person.password });
  return microsoftSignIn(browser, authorizeUrl, { userPrincipalName: person.user, password: person.password });
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
