/**
 * App registrations: creation, redirect URIs per platform, configured API permissions and client
 * secrets. A secret's value is returned once at creation and only its SHA-256 is kept.
 */
import { ALPHANUMERIC, matchesSha256, newGuid, randomText, sha256Hex } from '../identity/credentials';
import { conflict, invalidInput, notFound } from '../identity/errors';
import { checkDisplayName, checkRedirectUri } from '../identity/validation';
import type { EntraContext } from './context';
import { REDIRECT_PLATFORMS, SIGN_IN_AUDIENCES, type Application, type ClientSecret, type PermissionRef, type RedirectPlatform, type SignInAudience, type Tenant } from './model';
import { findPermission, RESOURCE_APIS } from './permissions';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Expiry presets of "Add a client secret" in days: 3, 6 (recommended), 12, 18 and 24 months. */
export const SECRET_EXPIRY_PRESETS_DAYS = [90, 180, 365, 545, 730];
/** Entra refuses client secrets that live longer than 24 months. */
export const MAX_SECRET_DAYS = 730;
/** Entra's limit of redirect URIs per application. */
const MAX_REDIRECT_URIS = 256;
/**
 * Characters of client secret values. Values have 40 characters: three random ones, the marker
 * `8Q~`, then 34 random ones, like the secrets the Entra admin center has issued since 2022.
 * NOTE: the meaning of the marker is not documented; the lab copies its shape only.
 */
const SECRET_ALPHABET = `${ALPHANUMERIC}_.~-`;
const SECRET_MARKER = '8Q~';

export interface NewApplication {
  displayName: string;
  signInAudience?: SignInAudience;
  redirectUris?: Partial<Record<RedirectPlatform, string[]>>;
}

export type SecretCheck = { result: 'valid'; secret: ClientSecret } | { result: 'expired'; secret: ClientSecret } | { result: 'wrong' };

export class Applications {
  constructor(private readonly context: EntraContext) {}

  create(tenant: Tenant, input: NewApplication): Application {
    const displayName = checkDisplayName(input.displayName, 'displayName');
    const signInAudience = input.signInAudience ?? 'AzureADMyOrg';
    if (!SIGN_IN_AUDIENCES.includes(signInAudience)) {
      throw invalidInput('signInAudience', `"signInAudience" must be one of ${SIGN_IN_AUDIENCES.join(', ')}; got "${String(signInAudience)}".`, [...SIGN_IN_AUDIENCES]);
    }
    const app: Application = {
      appId: newGuid(),
      id: newGuid(),
      displayName,
      signInAudience,
      redirectUris: { web: [], spa: [], publicClient: [] },
      // A new registration requests Microsoft Graph User.Read, as one made in the admin center does.
      requiredPermissions: [{ resource: 'graph', name: 'User.Read', type: 'delegated' }],
      secrets: [],
      createdAt: this.context.now(),
    };
    for (const platform of REDIRECT_PLATFORMS) {
      (input.redirectUris?.[platform] ?? []).forEach((uri, index) => addUri(app, platform, uri, `redirectUris.${platform}[${index}]`));
    }
    tenant.applications.push(app);
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, appId: app.appId }, 'App registration created');
    return app;
  }

  /** Finds a registration by application (client) ID in any tenant. */
  find(appId: string): { app: Application; appTenant: Tenant } | undefined {
    const key = appId.trim().toLowerCase();
    for (const tenant of this.context.file.data.tenants) {
      const app = tenant.applications.find((candidate) => candidate.appId === key);
      if (app) return { app, appTenant: tenant };
    }
    return undefined;
  }

  require(tenant: Tenant, appId: string, field = 'appId'): Application {
    const app = tenant.applications.find((candidate) => candidate.appId === appId.trim().toLowerCase());
    if (app) return app;
    throw notFound(field, `The tenant ${tenant.domains[0]} has no app registration with the application (client) ID "${appId}".`);
  }

  remove(tenant: Tenant, app: Application): void {
    tenant.applications.splice(tenant.applications.indexOf(app), 1);
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, appId: app.appId }, 'App registration deleted');
  }

  addRedirectUri(app: Application, platform: RedirectPlatform, uri: string): void {
    addUri(app, platform, uri);
    this.context.file.save();
  }

  removeRedirectUri(app: Application, platform: RedirectPlatform, uri: string): void {
    const list = app.redirectUris[platform];
    if (!list.includes(uri)) throw notFound('uri', `The ${platform} platform of ${app.displayName} has no redirect URI "${uri}".`);
    list.splice(list.indexOf(uri), 1);
    this.context.file.save();
  }

  /** Replaces the redirect URIs of one platform; the list is checked whole before anything changes. */
  setRedirectUris(app: Application, platform: RedirectPlatform, uris: string[]): void {
    const trial: Application = { ...app, redirectUris: { ...app.redirectUris, [platform]: [] } };
    uris.forEach((uri, index) => addUri(trial, platform, uri, `uris[${index}]`));
    app.redirectUris[platform] = trial.redirectUris[platform];
    this.context.file.save();
  }

  addPermission(app: Application, permission: PermissionRef): void {
    const known = findPermission(permission.resource, permission.name, permission.type);
    if (!known) throw invalidInput('permission', `${RESOURCE_APIS[permission.resource].displayName} has no ${permission.type} permission "${permission.name}" in the lab.`);
    const exists = app.requiredPermissions.some((entry) => entry.resource === known.resource && entry.type === known.type && entry.name === known.name);
    if (!exists) app.requiredPermissions.push({ resource: known.resource, name: known.name, type: known.type });
    this.context.file.save();
  }

  /** Replaces the configured permissions; every entry must be in the lab's permission catalogue. */
  setPermissions(app: Application, permissions: PermissionRef[]): void {
    const checked = permissions.map((permission) => {
      const known = findPermission(permission.resource, permission.name, permission.type);
      if (!known) throw invalidInput('permissions', `${RESOURCE_APIS[permission.resource].displayName} has no ${permission.type} permission "${permission.name}" in the lab.`);
      return { resource: known.resource, name: known.name, type: known.type };
    });
    app.requiredPermissions = checked.filter((entry, index) => checked.findIndex((other) => other.resource === entry.resource && other.type === entry.type && other.name === entry.name) === index);
    this.context.file.save();
  }

  removePermission(app: Application, permission: PermissionRef): void {
    const index = app.requiredPermissions.findIndex((entry) => entry.resource === permission.resource && entry.type === permission.type && entry.name.toLowerCase() === permission.name.toLowerCase());
    if (index < 0) throw notFound('permission', `${app.displayName} has no configured ${permission.type} permission ${permission.name} of ${RESOURCE_APIS[permission.resource].displayName}.`);
    app.requiredPermissions.splice(index, 1);
    this.context.file.save();
  }

  /**
   * Adds a client secret that expires after `days` (1 to 730). Returns the secret and its value;
   * the value exists only in this reply.
   */
  addSecret(tenant: Tenant, app: Application, description: string, days: number): { secret: ClientSecret; value: string } {
    if (description.length > 255 || /[\u0000-\u001f]/.test(description)) throw invalidInput('description', '"description" must be at most 255 characters without control characters.');
    if (!Number.isInteger(days) || days < 1 || days > MAX_SECRET_DAYS) {
      throw invalidInput('expiresInDays', `"expiresInDays" must be a whole number of days from 1 to ${MAX_SECRET_DAYS} (24 months); the admin center offers ${SECRET_EXPIRY_PRESETS_DAYS.join(', ')}; got ${String(days)}.`);
    }
    const value = `${randomText(3, SECRET_ALPHABET)}${SECRET_MARKER}${randomText(34, SECRET_ALPHABET)}`;
    const now = this.context.now();
    const secret: ClientSecret = { keyId: newGuid(), displayName: description, hint: value.slice(0, 3), hash: sha256Hex(value), startDateTime: now, endDateTime: now + days * DAY_MS };
    app.secrets.push(secret);
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, appId: app.appId, keyId: secret.keyId, days }, 'Client secret added');
    return { secret, value };
  }

  requireSecret(app: Application, keyId: string): ClientSecret {
    const secret = app.secrets.find((candidate) => candidate.keyId === keyId.trim().toLowerCase());
    if (secret) return secret;
    throw notFound('secretId', `${app.displayName} has no client secret with the secret ID "${keyId}".`);
  }

  removeSecret(tenant: Tenant, app: Application, secret: ClientSecret): void {
    app.secrets.splice(app.secrets.indexOf(secret), 1);
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, appId: app.appId, keyId: secret.keyId }, 'Client secret deleted');
  }

  /** Ends a secret's validity now, as if its expiry date had come. */
  expireSecret(tenant: Tenant, app: Application, secret: ClientSecret): void {
    secret.endDateTime = Math.min(secret.endDateTime, this.context.now());
    this.context.file.save();
    this.context.logger.info({ tenant: tenant.id, appId: app.appId, keyId: secret.keyId }, 'Client secret expired by the lab');
  }

  checkSecret(app: Application, value: string): SecretCheck {
    const secret = app.secrets.find((candidate) => matchesSha256(candidate.hash, value));
    if (!secret) return { result: 'wrong' };
    return secret.endDateTime <= this.context.now() ? { result: 'expired', secret } : { result: 'valid', secret };
  }
}

/** Adds a redirect URI after checking it; `field` names it in errors. */
function addUri(app: Application, platform: RedirectPlatform, uri: string, field = 'uri'): void {
  if (!REDIRECT_PLATFORMS.includes(platform)) throw invalidInput('platform', `"platform" must be one of ${REDIRECT_PLATFORMS.join(', ')}; got "${String(platform)}".`, [...REDIRECT_PLATFORMS]);
  if (typeof uri !== 'string') throw invalidInput(field, `"${field}" must be a string.`);
  // Mobile and desktop apps may use custom schemes such as msal<client id>://auth.
  if (platform === 'publicClient') checkCustomSchemeUri(uri, field);
  else checkRedirectUri(uri, field);
  const everywhere = REDIRECT_PLATFORMS.flatMap((name) => app.redirectUris[name]);
  if (everywhere.includes(uri)) throw conflict(field, `The redirect URI ${uri} is already registered for ${app.displayName}.`);
  if (everywhere.length >= MAX_REDIRECT_URIS) throw invalidInput(field, `An application can have at most ${MAX_REDIRECT_URIS} redirect URIs.`);
  app.redirectUris[platform].push(uri);
}

function checkCustomSchemeUri(uri: string, field: string): void {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^#\s]+$/i.test(uri) || uri.length > 256) {
    throw invalidInput(field, `"${field}" must be an absolute URI of at most 256 characters without a fragment, such as msal<client id>://auth; got "${uri.slice(0, 80)}".`);
  }
}
