/**
 * The fault catalogue: every fault a trainer can put into the lab, what a real administrator would
 * see when it happens, and the lab API requests that switch it on and off. The console's fault page
 * and GET /api/faults are built from this table alone.
 */

/** A lab API request with `{name}` placeholders that the parameters of the fault fill in. */
export interface FaultRequest {
  method: 'POST' | 'DELETE';
  path: string;
  /** JSON body; omitted for routes that take none. */
  body?: Record<string, unknown>;
}

export interface FaultParameter {
  name: string;
  label: string;
  /**
   * Value the form starts with when the router chosen on the fault page has none for this
   * parameter (faultParameters.ts lists those it has).
   */
  example: string;
}

export interface Fault {
  id: string;
  title: string;
  /** What a real administrator would see, in the router's pages and at the provider. */
  explanation: string;
  parameters: FaultParameter[];
  on: FaultRequest | null;
  /** Null when the fault cannot be undone by one request; `offNote` says what ends it. */
  off: FaultRequest | null;
  offNote?: string;
  /** Why the lab cannot switch the fault on yet, when `on` is null. */
  notAvailable?: string;
}

const TENANT: FaultParameter = { name: 'tenant', label: 'Tenant (ID or domain)', example: '' };
const APP_ID: FaultParameter = { name: 'appId', label: 'Application (client) ID', example: '' };
const USER: FaultParameter = { name: 'user', label: 'User (UPN or object ID)', example: '' };
const PROVIDER: FaultParameter = { name: 'provider', label: 'DDNS provider', example: 'drayddns' };
const ACCOUNT: FaultParameter = { name: 'account', label: 'DDNS account (user name)', example: 'r1-trainee' };
const MICROSOFT = '/api/identity/microsoft/tenants/{tenant}';

export const FAULTS: Fault[] = [
  {
    id: 'client-secret-expired',
    title: 'Client secret expired (Microsoft)',
    explanation:
      "The next token refresh fails with invalid_client, AADSTS7000222 \"The provided client secret keys for app '...' are expired\". The router's syslog shows the failed refresh and no alert mail leaves; Entra >> App registrations >> Certificates & secrets shows the secret as Expired.",
    parameters: [TENANT, APP_ID, { name: 'secretId', label: 'Secret ID', example: '' }],
    on: { method: 'POST', path: `${MICROSOFT}/apps/{appId}/secrets/{secretId}/expire` },
    off: { method: 'POST', path: `${MICROSOFT}/apps/{appId}/secrets`, body: { description: 'router' } },
    offNote: 'Switching off creates a new secret; the reply shows its value once, and the trainee enters it in the router and authorizes the profile again.',
  },
  {
    id: 'consent-revoked',
    title: 'Admin consent revoked (Microsoft)',
    explanation:
      'The next refresh fails with invalid_grant, AADSTS65001 (consent_required), and a new authorization asks for consent again. Entra >> Enterprise applications >> Permissions is empty.',
    parameters: [TENANT, APP_ID],
    on: { method: 'DELETE', path: `${MICROSOFT}/enterprise-apps/{appId}/consent` },
    off: { method: 'POST', path: `${MICROSOFT}/apps/{appId}/admin-consent` },
  },
  {
    id: 'refresh-tokens-revoked',
    title: 'Refresh tokens revoked (user revoke sessions)',
    explanation:
      'The next refresh fails with invalid_grant, AADSTS50173 (the grant was revoked). Mail still goes out until the current access token expires (60 to 90 minutes), then the router shows the profile as needing authorization again.',
    parameters: [TENANT, USER],
    on: { method: 'POST', path: `${MICROSOFT}/users/{user}/revoke-sessions` },
    off: null,
    offNote: 'A revocation cannot be undone: authorize the mail profile in the router again.',
  },
  {
    id: 'smtp-auth-off-tenant',
    title: 'SMTP AUTH off for the tenant',
    explanation:
      'Tokens are still issued, but Exchange Online rejects AUTH XOAUTH2 with "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant". The router shows the test e-mail as failed with that reply.',
    parameters: [TENANT],
    on: { method: 'POST', path: `${MICROSOFT}/smtp-auth`, body: { enabled: false } },
    off: { method: 'POST', path: `${MICROSOFT}/smtp-auth`, body: { enabled: true } },
  },
  {
    id: 'smtp-auth-off-mailbox',
    title: 'SMTP AUTH off for a mailbox',
    explanation:
      'As for the tenant, but the reply ends "SmtpClientAuthentication is disabled for the Mailbox": the mailbox setting (Microsoft 365 admin center >> Users >> Mail >> Authenticated SMTP) overrides the tenant.',
    parameters: [TENANT, USER],
    on: { method: 'POST', path: `${MICROSOFT}/users/{user}/smtp-auth`, body: { enabled: false } },
    off: { method: 'POST', path: `${MICROSOFT}/users/{user}/smtp-auth`, body: { enabled: null } },
    offNote: 'Switching off lets the mailbox follow the tenant setting again.',
  },
  {
    id: 'google-app-testing',
    title: 'Google app back in Testing',
    explanation:
      'Only test users can authorize, and refresh tokens die 7 days after issue, also those issued before the move. After that the refresh fails with invalid_grant "Token has been expired or revoked." and Gmail mail stops.',
    parameters: [{ name: 'project', label: 'Google Cloud project ID', example: '' }],
    on: { method: 'POST', path: '/api/identity/google/projects/{project}/consent-screen', body: { publishingStatus: 'Testing' } },
    off: { method: 'POST', path: '/api/identity/google/projects/{project}/consent-screen', body: { publishingStatus: 'In production' } },
  },
  {
    id: 'ddns-maintenance',
    title: 'DDNS provider answers 911',
    explanation:
      "Every update gets 911 (provider in maintenance). The router's DDNS page and syslog show 911 and a retry after 10 minutes; the DDNS name keeps its old address, which is wrong after a WAN address change.",
    parameters: [PROVIDER],
    on: { method: 'POST', path: '/api/ddns/{provider}/faults', body: { maintenance: true } },
    off: { method: 'POST', path: '/api/ddns/{provider}/faults', body: { maintenance: false } },
  },
  {
    id: 'ddns-abuse-lock',
    title: 'DDNS account locked for abuse',
    explanation:
      "Updates with this account's credentials get abuse and the router stops updating until an administrator acts; DrayDDNS certificate requests get 403 account_locked. The router's DDNS page shows abuse. Other accounts of the provider, and so other trainees, are not affected.",
    parameters: [PROVIDER, ACCOUNT],
    on: { method: 'POST', path: '/api/ddns/{provider}/accounts/{account}/faults', body: { abuseLock: true } },
    off: { method: 'POST', path: '/api/ddns/{provider}/accounts/{account}/faults', body: { abuseLock: false } },
  },
  {
    id: 'dns-failure',
    title: 'DNS failure',
    explanation:
      'Every lookup in the lab gets SERVFAIL, so the router cannot resolve the DDNS, identity or SMTP hosts, and its DDNS updates, token refreshes and mail fail. Addresses given as IP addresses still work.',
    parameters: [],
    on: { method: 'POST', path: '/api/dns/failure', body: { failing: true } },
    off: { method: 'POST', path: '/api/dns/failure', body: { failing: false } },
  },
  {
    id: 'smtp-server-down',
    title: 'SMTP server down',
    explanation:
      "The provider's SMTP server refuses connections (nothing listens on its ports), and open sessions are dropped. The router's test e-mail fails with connection refused.",
    parameters: [{ name: 'server', label: 'Server (exchange or gmail)', example: 'exchange' }],
    on: { method: 'POST', path: '/api/mail/servers', body: { server: '{server}', accepting: false } },
    off: { method: 'POST', path: '/api/mail/servers', body: { server: '{server}', accepting: true } },
  },
  {
    id: 'router-clock-wrong-at-boot',
    title: 'Router clock wrong at boot',
    explanation:
      "The router is power cycled and its real-time clock comes back with a wrong date (as when the clock's backup power ran out). It then checks every server certificate against that date, so DDNS updates, token refreshes and mail fail with \"certificate is not yet valid\" (date in the past) or \"certificate has expired\" (date in the future). The syslog shows these TLS errors with the wrong time stamps, a test e-mail fails, and System Status shows the wrong time. A Vigor sets its clock from an NTP server (System Maintenance >> Time and Date); while no NTP server answers, the clock stays wrong.",
    parameters: [
      { name: 'router', label: 'Router', example: 'r1' },
      { name: 'date', label: 'Date the clock starts from (ISO 8601, UTC)', example: '2020-01-01T00:00:00Z' },
    ],
    on: { method: 'POST', path: '/api/routers/{router}/clock-offset', body: { date: '{date}', reboot: true } },
    off: { method: 'DELETE', path: '/api/routers/{router}/clock-offset' },
    offNote: 'Switching off stands for an NTP server that answers again: the router sets its clock to lab time at once and boots with the right time from then on.',
  },
];
