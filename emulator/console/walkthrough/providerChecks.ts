/**
 * Walkthrough checks on the provider's side: the app registration (Microsoft) or OAuth client
 * (Google) the router's profile names, its secret, permissions, consent and redirect URI. The
 * tenant is the one the profile's Tenant ID names, else the router's class-lab tenant. The project
 * is the one that contains the profile's client, else the router's class-lab project.
 */
import { RELAY_REDIRECT_URI } from '../../../firmware';
import { GOOGLE_ERRORS } from '../../services/google/errors';
import type { CloudProject, OAuthClient } from '../../services/google/model';
import type { Application, Tenant } from '../../services/microsoft/model';
import { identityOf } from '../identityApi';
import { oauthCause } from './causes';
import { done, failed, formatTime, todo, type Check, type FlowContext } from './context';
import { STEP_IDS, stepTitle, type WalkthroughProvider } from './steps';

/** The scope Gmail's SMTP server requires. */
const GMAIL_SCOPE = 'https://mail.google.com/';

type AppCheckId = 'app' | 'secret' | 'permissions' | 'consent' | 'redirectUri';
export type AppChecks = Record<AppCheckId, Check>;

/** Builds the checks before the app step is done: the app step's own detail, and the rest wait for it. */
function waitingForApp(provider: WalkthroughProvider, appDetail: string): AppChecks {
  const waiting = todo(`Comes after step ${STEP_IDS.indexOf('app') + 1}, "${stepTitle(provider, 'app')}".`);
  return { app: todo(appDetail), secret: waiting, permissions: waiting, consent: waiting, redirectUri: waiting };
}

export function microsoftChecks(context: FlowContext): AppChecks {
  const entra = identityOf(context.lab).microsoft;
  const profileTenant = context.profile?.oauth.tenantId;
  const tenant = (profileTenant && entra.tenants.find(profileTenant)) || entra.tenants.find(context.identity.microsoft.tenantId);
  if (!tenant) {
    const missing = failed(`The tenant ${context.identity.microsoft.domain} no longer exists.`, oauthCause(undefined, 'AADSTS90002'));
    return { ...waitingForApp(context.provider, ''), app: missing };
  }

  const clientId = context.profile?.oauth.clientId;
  const named = clientId ? tenant.applications.find((app) => app.appId === clientId) : undefined;
  if (clientId && !named) {
    const wrongApp = failed(`The profile's Client ID ${clientId} is not an app of ${tenant.domains[0]}.`, oauthCause('unauthorized_client', 'AADSTS700016'));
    return { ...waitingForApp(context.provider, ''), app: wrongApp };
  }
  const app = named ?? tenant.applications[tenant.applications.length - 1];
  if (!app) return waitingForApp(context.provider, `Register an app in the Entra admin center, signed in as ${context.identity.microsoft.admin.address}.`);

  return {
    app: done(`${app.displayName} (client ID ${app.appId}) in ${tenant.displayName}`),
    secret: microsoftSecret(app, context.now),
    permissions: microsoftPermissions(app),
    consent: microsoftConsent(tenant, app),
    redirectUri: redirectCheck(app.redirectUris.web, oauthCause(undefined, 'AADSTS50011')),
  };
}

function microsoftSecret(app: Application, now: number): Check {
  if (app.secrets.length === 0) return todo('Add a client secret in Certificates & secrets and copy its value.');
  const valid = app.secrets.filter((secret) => secret.endDateTime > now);
  if (valid.length === 0) return failed('Every client secret of the app has expired.', oauthCause('invalid_client', 'AADSTS7000222'));
  const newest = valid[valid.length - 1]!;
  // A secret may have no description, and the admin center then identifies it by its value's first characters.
  const label = newest.displayName ? `"${newest.displayName}"` : `(no description, value ${newest.hint}...)`;
  return done(`${valid.length} valid secret(s), the newest ${label} created ${formatTime(newest.startDateTime)}, expires ${formatTime(newest.endDateTime)}`);
}

function microsoftPermissions(app: Application): Check {
  const has = (resource: string, name: string) => app.requiredPermissions.some((permission) => permission.resource === resource && permission.name === name && permission.type === 'delegated');
  const missing = [has('exchange', 'SMTP.Send') ? '' : 'Office 365 Exchange Online SMTP.Send', has('graph', 'offline_access') ? '' : 'Microsoft Graph offline_access'].filter(Boolean);
  if (missing.length > 0) return todo(`Add the delegated permission(s) ${missing.join(' and ')} in API permissions.`);
  return done('SMTP.Send and offline_access (delegated)');
}

function microsoftConsent(tenant: Tenant, app: Application): Check {
  const grants = tenant.servicePrincipals.find((principal) => principal.appId === app.appId)?.grants ?? [];
  const smtp = grants.filter((grant) => grant.resource === 'exchange' && grant.scopes.includes('SMTP.Send'));
  if (smtp.some((grant) => grant.consentType === 'AllPrincipals')) return done(`Granted for ${tenant.displayName}`);
  if (smtp.length > 0) return done('A user consented to SMTP.Send; admin consent is not granted');
  return todo(`Press "Grant admin consent for ${tenant.displayName}" in API permissions.`);
}

export function googleChecks(context: FlowContext): AppChecks {
  const google = identityOf(context.lab).google;
  const clientId = context.profile?.oauth.clientId;
  const named = clientId ? google.projects.findClient(clientId) : undefined;
  if (clientId && !named) {
    const wrongClient = failed(`The profile's Client ID ${clientId} is not an OAuth client of any lab project.`, `${GOOGLE_ERRORS.clientNotFound.description} ${oauthCause('invalid_client', undefined)}`);
    return { ...waitingForApp(context.provider, ''), app: wrongClient };
  }
  const project: CloudProject | undefined = named?.project ?? google.projects.find(context.identity.google.projectId);
  if (!project) return { ...waitingForApp(context.provider, ''), app: failed(`The project ${context.identity.google.projectId} no longer exists.`, 'Create a project in the Cloud console, or ask the trainer for one.') };
  const client: OAuthClient | undefined = named?.client ?? project.clients[project.clients.length - 1];
  if (!client) return waitingForApp(context.provider, `Create an OAuth client (Web application) in the project ${project.id}, signed in as ${project.owner}.`);

  const sender = (context.profile?.sender || context.identity.google.alerts.address).toLowerCase();
  const grant = google.grants.find(sender, client.clientId);
  return {
    app: done(`${client.name} (client ID ${client.clientId}) in ${project.name}`),
    secret: client.secrets.length > 0 ? done(`${client.secrets.length} secret(s)`) : todo('Add a client secret to the OAuth client and copy it.'),
    permissions: grant?.scopes.includes(GMAIL_SCOPE) ? done(`${sender} granted ${GMAIL_SCOPE}`) : todo(`The router asks for ${GMAIL_SCOPE} at Authorize; the sender grants it on the consent screen.`),
    consent: googleConsent(project, sender, Boolean(context.profile?.sender)),
    redirectUri: redirectCheck(client.redirectUris, oauthCause('redirect_uri_mismatch', undefined)),
  };
}

function googleConsent(project: CloudProject, sender: string, senderSaved: boolean): Check {
  const screen = project.consentScreen;
  if (screen.publishingStatus === 'In production') return done(`${screen.appName} is published (In production)`);
  if (screen.testUsers.includes(sender)) return done(`${screen.appName} is in Testing and ${sender} is a test user; its refresh tokens live 7 days`);
  const detail = `${screen.appName} is in Testing and ${sender} is not a test user.`;
  if (!senderSaved) return todo(detail);
  return failed(detail, `"Error 403: ${GOOGLE_ERRORS.pageTestersOnly.error}" at sign-in: add ${sender} as a test user on the OAuth consent screen, or publish the app.`);
}

function redirectCheck(uris: string[], cause: string): Check {
  if (uris.includes(RELAY_REDIRECT_URI)) return done(RELAY_REDIRECT_URI);
  if (uris.length === 0) return todo(`Add the redirect URI ${RELAY_REDIRECT_URI} (platform Web).`);
  return failed(`Registered: ${uris.join(', ')}; the router uses ${RELAY_REDIRECT_URI}.`, cause);
}
