/**
 * Lab API routes of the emulated Microsoft Entra ID under /api/identity/microsoft. They cover
 * tenants, users, app registrations with redirect URIs, permissions and secrets, admin consent and
 * enterprise applications. They also inject the faults: revoke consent, expire or delete a secret,
 * block a user, revoke sessions and switch SMTP AUTH off. CI uses them in place of the admin center.
 */
import express, { type Request, type Router } from 'express';
import type { Lab } from '../lab';
import { SECRET_EXPIRY_PRESETS_DAYS, MAX_SECRET_DAYS } from '../services/microsoft/applications';
import { REDIRECT_PLATFORMS, SIGN_IN_AUDIENCES, type PermissionRef } from '../services/microsoft/model';
import { findPermission, findResourceApi, RESOURCE_APIS } from '../services/microsoft/permissions';
import { ApiError, invalidField, methodNotAllowed } from './errors';
import { identityOf, optionalBooleanField, stringListField, textField } from './identityApi';
import { appView, servicePrincipalView, tenantView, userView } from './identityMicrosoftViews';
import { bodyObject, describeValue, parseJsonBody, rejectQueryParameters, requireBoolean, requireJsonContentType, requireOneOf } from './validate';

const json = [rejectQueryParameters, requireJsonContentType, parseJsonBody];
const DEFAULT_SECRET_DAYS = 180;

export function createMicrosoftIdentityApi(lab: Lab): Router {
  const api = express.Router();
  const entra = () => identityOf(lab).microsoft;
  const tenantOf = (req: Request) => entra().tenants.require(String(req.params.tenant), 'tenant');
  const userOf = (req: Request) => {
    const tenant = tenantOf(req);
    return { tenant, user: entra().tenants.requireUser(tenant, String(req.params.user), 'user') };
  };
  const appOf = (req: Request) => {
    const tenant = tenantOf(req);
    return { tenant, app: entra().apps.require(tenant, String(req.params.appId), 'appId') };
  };

  api
    .route('/tenants')
    .get(rejectQueryParameters, (_req, res) => {
      res.json({ tenants: entra().tenants.list().map(tenantView) });
    })
    .post(...json, async (req, res) => {
      const body = bodyObject(req, ['displayName', 'domain', 'id', 'smtpAuthEnabled', 'adminPassword'], '{"displayName": "Trainee 1", "domain": "trainee1"}');
      const tenants = entra().tenants;
      const tenant = tenants.create({
        displayName: textField(body, 'displayName', { required: true, example: 'Trainee 1' }),
        domain: textField(body, 'domain', { required: true, example: 'trainee1' }),
        id: textField(body, 'id', { example: '4d8b6e2a-93f1-4c0e-b7a5-1e6f2c9d8a47' }),
        smtpAuthEnabled: optionalBooleanField(body, 'smtpAuthEnabled'),
      });
      try {
        const adminPassword = textField(body, 'adminPassword', { example: 'Admin-Lab-2026!' });
        const { user, generatedPassword } = await tenants.createUser(tenant, { userPrincipalName: 'admin', displayName: `${tenant.displayName} Administrator`, password: adminPassword, globalAdmin: true });
        res.status(201).json({ tenant: tenantView(tenant), admin: { ...userView(user), ...(generatedPassword ? { password: generatedPassword } : {}) } });
      } catch (error) {
        // A tenant without its administrator would be unusable; remove it so the request can be repeated.
        tenants.remove(tenant);
        throw error;
      }
    })
    .all(methodNotAllowed(['GET', 'POST']));

  api
    .route('/tenants/:tenant')
    .get(rejectQueryParameters, (req, res) => {
      res.json(tenantView(tenantOf(req)));
    })
    .delete(rejectQueryParameters, (req, res) => {
      entra().tenants.remove(tenantOf(req));
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  api
    .route('/tenants/:tenant/smtp-auth')
    .post(...json, (req, res) => {
      const tenant = tenantOf(req);
      entra().tenants.setSmtpAuth(tenant, requireBoolean(bodyObject(req, ['enabled'], '{"enabled": false}'), 'enabled'));
      res.json(tenantView(tenant));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/tenants/:tenant/users')
    .get(rejectQueryParameters, (req, res) => {
      res.json({ users: tenantOf(req).users.map(userView) });
    })
    .post(...json, async (req, res) => {
      const tenant = tenantOf(req);
      const body = bodyObject(req, ['userPrincipalName', 'displayName', 'password', 'globalAdmin', 'mailbox'], '{"userPrincipalName": "alerts", "displayName": "Router Alerts"}');
      const { user, generatedPassword } = await entra().tenants.createUser(tenant, {
        userPrincipalName: textField(body, 'userPrincipalName', { required: true, example: `alerts@${tenant.domains[0]}` }),
        displayName: textField(body, 'displayName', { required: true, example: 'Router Alerts' }),
        password: textField(body, 'password', { example: 'Alerts-Lab-2026!' }),
        globalAdmin: optionalBooleanField(body, 'globalAdmin'),
        mailbox: optionalBooleanField(body, 'mailbox'),
      });
      res.status(201).json({ ...userView(user), ...(generatedPassword ? { password: generatedPassword } : {}) });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  api
    .route('/tenants/:tenant/users/:user')
    .get(rejectQueryParameters, (req, res) => {
      res.json(userView(userOf(req).user));
    })
    .delete(rejectQueryParameters, (req, res) => {
      const { tenant, user } = userOf(req);
      entra().tenants.removeUser(tenant, user);
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  api
    .route('/tenants/:tenant/users/:user/password')
    .post(...json, async (req, res) => {
      const { tenant, user } = userOf(req);
      const password = textField(bodyObject(req, ['password'], '{"password": "New-Lab-2026!"} or {} to generate one'), 'password', { example: 'New-Lab-2026!' });
      const { generatedPassword } = await entra().tenants.resetPassword(tenant, user, password);
      res.json({ ...userView(user), ...(generatedPassword ? { password: generatedPassword } : {}) });
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/tenants/:tenant/users/:user/revoke-sessions')
    .post(rejectQueryParameters, (req, res) => {
      const { tenant, user } = userOf(req);
      entra().tenants.revokeSessions(tenant, user);
      res.json(userView(user));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/tenants/:tenant/users/:user/account-enabled')
    .post(...json, (req, res) => {
      const { tenant, user } = userOf(req);
      entra().tenants.setAccountEnabled(tenant, user, requireBoolean(bodyObject(req, ['enabled'], '{"enabled": false}'), 'enabled'));
      res.json(userView(user));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/tenants/:tenant/users/:user/smtp-auth')
    .post(...json, (req, res) => {
      const { tenant, user } = userOf(req);
      const body = bodyObject(req, ['enabled'], '{"enabled": true} (or null to follow the tenant)');
      if (body.enabled !== null && typeof body.enabled !== 'boolean') throw invalidField('enabled', `"enabled" must be true, false or null (follow the tenant setting); got ${describeValue(body.enabled)}.`);
      entra().tenants.setMailboxSmtpAuth(tenant, user, body.enabled);
      res.json(userView(user));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/tenants/:tenant/apps')
    .get(rejectQueryParameters, (req, res) => {
      const tenant = tenantOf(req);
      res.json({ apps: tenant.applications.map((app) => appView(tenant, app, entra().now())) });
    })
    .post(...json, (req, res) => {
      const tenant = tenantOf(req);
      const body = bodyObject(req, ['displayName', 'signInAudience', 'redirectUris', 'permissions'], '{"displayName": "Vigor mail", "redirectUris": {"web": ["https://oauth2.drayddns.com/doc/mailOAuth.htm"]}}');
      const signInAudience = body.signInAudience === undefined ? undefined : requireOneOf(body, 'signInAudience', SIGN_IN_AUDIENCES);
      const redirectUris = redirectUrisField(body);
      const permissions = body.permissions === undefined ? undefined : permissionsField(body);
      const app = entra().apps.create(tenant, { displayName: textField(body, 'displayName', { required: true, example: 'Vigor mail' }), signInAudience, redirectUris });
      if (permissions) entra().apps.setPermissions(app, permissions);
      res.status(201).json(appView(tenant, app, entra().now()));
    })
    .all(methodNotAllowed(['GET', 'POST']));

  api
    .route('/tenants/:tenant/apps/:appId')
    .get(rejectQueryParameters, (req, res) => {
      const { tenant, app } = appOf(req);
      res.json(appView(tenant, app, entra().now()));
    })
    .delete(rejectQueryParameters, (req, res) => {
      const { tenant, app } = appOf(req);
      entra().apps.remove(tenant, app);
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  api
    .route('/tenants/:tenant/apps/:appId/redirect-uris')
    .post(...json, (req, res) => {
      const { tenant, app } = appOf(req);
      const body = bodyObject(req, ['platform', 'uris'], '{"platform": "web", "uris": ["https://oauth2.drayddns.com/doc/mailOAuth.htm"]}');
      entra().apps.setRedirectUris(app, requireOneOf(body, 'platform', REDIRECT_PLATFORMS), stringListField(body, 'uris', 'https://oauth2.drayddns.com/doc/mailOAuth.htm'));
      res.json(appView(tenant, app, entra().now()));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/tenants/:tenant/apps/:appId/permissions')
    .post(...json, (req, res) => {
      const { tenant, app } = appOf(req);
      const permissions = permissionsField(bodyObject(req, ['permissions'], '{"permissions": [{"api": "Office 365 Exchange Online", "permission": "SMTP.Send", "type": "delegated"}]}'));
      entra().apps.setPermissions(app, permissions);
      res.json(appView(tenant, app, entra().now()));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/tenants/:tenant/apps/:appId/admin-consent')
    .post(rejectQueryParameters, (req, res) => {
      const { tenant, app } = appOf(req);
      res.json(servicePrincipalView(entra().consents.grantAdminConsent(tenant, app)));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/tenants/:tenant/apps/:appId/secrets')
    .post(...json, (req, res) => {
      const { tenant, app } = appOf(req);
      const body = bodyObject(req, ['description', 'expiresInDays'], '{"description": "router", "expiresInDays": 180}');
      const days = body.expiresInDays === undefined ? DEFAULT_SECRET_DAYS : body.expiresInDays;
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_SECRET_DAYS) {
        throw invalidField('expiresInDays', `"expiresInDays" must be a whole number of days from 1 to ${MAX_SECRET_DAYS}; the admin center offers ${SECRET_EXPIRY_PRESETS_DAYS.join(', ')}; got ${describeValue(days)}.`);
      }
      const { secret, value } = entra().apps.addSecret(tenant, app, textField(body, 'description', { example: 'router' }) ?? '', days);
      res.status(201).json({ secretId: secret.keyId, description: secret.displayName, hint: secret.hint, startDateTime: secret.startDateTime, endDateTime: secret.endDateTime, value });
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/tenants/:tenant/apps/:appId/secrets/:secretId')
    .delete(rejectQueryParameters, (req, res) => {
      const { tenant, app } = appOf(req);
      entra().apps.removeSecret(tenant, app, entra().apps.requireSecret(app, String(req.params.secretId)));
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  api
    .route('/tenants/:tenant/apps/:appId/secrets/:secretId/expire')
    .post(rejectQueryParameters, (req, res) => {
      const { tenant, app } = appOf(req);
      entra().apps.expireSecret(tenant, app, entra().apps.requireSecret(app, String(req.params.secretId)));
      res.json(appView(tenant, app, entra().now()));
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/tenants/:tenant/enterprise-apps')
    .get(rejectQueryParameters, (req, res) => {
      res.json({ enterpriseApps: tenantOf(req).servicePrincipals.map(servicePrincipalView) });
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/tenants/:tenant/enterprise-apps/:appId')
    .delete(rejectQueryParameters, (req, res) => {
      entra().consents.remove(tenantOf(req), String(req.params.appId));
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  api
    .route('/tenants/:tenant/enterprise-apps/:appId/consent')
    .delete(rejectQueryParameters, (req, res) => {
      entra().consents.revokeAll(tenantOf(req), String(req.params.appId));
      res.status(204).end();
    })
    .all(methodNotAllowed(['DELETE']));

  return api;
}

function redirectUrisField(body: Record<string, unknown>): Partial<Record<(typeof REDIRECT_PLATFORMS)[number], string[]>> | undefined {
  const value = body.redirectUris;
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidField('redirectUris', `"redirectUris" must be an object of platform to URI list, such as {"web": ["https://oauth2.drayddns.com/doc/mailOAuth.htm"]}; got ${describeValue(value)}.`);
  }
  const result: Partial<Record<(typeof REDIRECT_PLATFORMS)[number], string[]>> = {};
  for (const [platform, uris] of Object.entries(value)) {
    if (!(REDIRECT_PLATFORMS as readonly string[]).includes(platform)) throw new ApiError(400, 'INVALID_REQUEST', `"redirectUris" has an unknown platform "${platform}"; use ${REDIRECT_PLATFORMS.join(', ')}.`, 'redirectUris', [...REDIRECT_PLATFORMS]);
    result[platform as (typeof REDIRECT_PLATFORMS)[number]] = stringListField(value as Record<string, unknown>, platform, 'https://oauth2.drayddns.com/doc/mailOAuth.htm');
  }
  return result;
}

/** `[{"api": "Office 365 Exchange Online", "permission": "SMTP.Send", "type": "delegated"}, ...]` */
function permissionsField(body: Record<string, unknown>): PermissionRef[] {
  const value = body.permissions;
  if (!Array.isArray(value)) throw invalidField('permissions', `"permissions" must be a JSON array such as [{"api": "Office 365 Exchange Online", "permission": "SMTP.Send", "type": "delegated"}]; got ${describeValue(value)}.`);
  const apiNames = Object.values(RESOURCE_APIS).map((api) => api.displayName);
  return value.map((entry, index) => {
    const field = `permissions[${index}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw invalidField(field, `"${field}" must be an object with "api", "permission" and "type".`);
    const { api: apiName, permission, type } = entry as Record<string, unknown>;
    const api = typeof apiName === 'string' ? findResourceApi(apiName) : undefined;
    if (!api) throw new ApiError(400, 'INVALID_REQUEST', `"${field}.api" must name an API of the lab; got ${describeValue(apiName)}.`, `${field}.api`, apiNames);
    if (type !== 'delegated' && type !== 'application') throw new ApiError(400, 'INVALID_REQUEST', `"${field}.type" must be "delegated" or "application"; got ${describeValue(type)}.`, `${field}.type`, ['delegated', 'application']);
    const known = typeof permission === 'string' ? findPermission(api.key, permission, type) : undefined;
    if (!known) throw invalidField(`${field}.permission`, `${api.displayName} has no ${type} permission ${describeValue(permission)} in the lab.`);
    return { resource: known.resource, name: known.name, type: known.type };
  });
}
