/**
 * Lab API routes of the emulated identity providers under /api/identity: an overview here, the
 * Microsoft Entra ID routes in identityMicrosoftApi.ts and the Google routes in identityGoogleApi.ts.
 * docs/identity.md describes them. Errors of the directories (DirectoryError) become the API's
 * JSON errors with the field they name.
 */
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Lab } from '../lab';
import { SERVICE_HOSTS } from '../network/hosts';
import { DirectoryError } from '../services/identity/errors';
import { IdentityProviders } from '../services/identity/providers';
import { ApiError, invalidField, methodNotAllowed, type ApiErrorCode } from './errors';
import { createGoogleIdentityApi } from './identityGoogleApi';
import { createMicrosoftIdentityApi } from './identityMicrosoftApi';
import { describeValue, rejectQueryParameters } from './validate';

export const IDENTITY_API_ROUTES = [
  'GET /api/identity',
  'GET /api/identity/microsoft/tenants',
  'POST /api/identity/microsoft/tenants',
  'GET /api/identity/microsoft/tenants/{tenant}',
  'DELETE /api/identity/microsoft/tenants/{tenant}',
  'POST /api/identity/microsoft/tenants/{tenant}/smtp-auth',
  'GET /api/identity/microsoft/tenants/{tenant}/users',
  'POST /api/identity/microsoft/tenants/{tenant}/users',
  'GET /api/identity/microsoft/tenants/{tenant}/users/{user}',
  'DELETE /api/identity/microsoft/tenants/{tenant}/users/{user}',
  'POST /api/identity/microsoft/tenants/{tenant}/users/{user}/password',
  'POST /api/identity/microsoft/tenants/{tenant}/users/{user}/revoke-sessions',
  'POST /api/identity/microsoft/tenants/{tenant}/users/{user}/account-enabled',
  'POST /api/identity/microsoft/tenants/{tenant}/users/{user}/smtp-auth',
  'GET /api/identity/microsoft/tenants/{tenant}/apps',
  'POST /api/identity/microsoft/tenants/{tenant}/apps',
  'GET /api/identity/microsoft/tenants/{tenant}/apps/{appId}',
  'DELETE /api/identity/microsoft/tenants/{tenant}/apps/{appId}',
  'POST /api/identity/microsoft/tenants/{tenant}/apps/{appId}/redirect-uris',
  'POST /api/identity/microsoft/tenants/{tenant}/apps/{appId}/permissions',
  'POST /api/identity/microsoft/tenants/{tenant}/apps/{appId}/admin-consent',
  'POST /api/identity/microsoft/tenants/{tenant}/apps/{appId}/secrets',
  'DELETE /api/identity/microsoft/tenants/{tenant}/apps/{appId}/secrets/{secretId}',
  'POST /api/identity/microsoft/tenants/{tenant}/apps/{appId}/secrets/{secretId}/expire',
  'GET /api/identity/microsoft/tenants/{tenant}/enterprise-apps',
  'DELETE /api/identity/microsoft/tenants/{tenant}/enterprise-apps/{appId}',
  'DELETE /api/identity/microsoft/tenants/{tenant}/enterprise-apps/{appId}/consent',
  'GET /api/identity/google/accounts',
  'POST /api/identity/google/accounts',
  'GET /api/identity/google/accounts/{email}',
  'DELETE /api/identity/google/accounts/{email}',
  'POST /api/identity/google/accounts/{email}/password',
  'POST /api/identity/google/accounts/{email}/enabled',
  'DELETE /api/identity/google/accounts/{email}/grants/{clientId}',
  'GET /api/identity/google/projects',
  'POST /api/identity/google/projects',
  'GET /api/identity/google/projects/{project}',
  'DELETE /api/identity/google/projects/{project}',
  'POST /api/identity/google/projects/{project}/consent-screen',
  'POST /api/identity/google/projects/{project}/clients',
  'DELETE /api/identity/google/projects/{project}/clients/{clientId}',
  'POST /api/identity/google/projects/{project}/clients/{clientId}/redirect-uris',
  'POST /api/identity/google/projects/{project}/clients/{clientId}/secrets',
  'DELETE /api/identity/google/projects/{project}/clients/{clientId}/secrets/{secretId}',
];

const IDENTITY_HOSTS = ['login.microsoftonline.com', 'entra.microsoft.com', 'accounts.google.com', 'oauth2.googleapis.com', 'console.cloud.google.com'];

export function createIdentityApi(lab: Lab): Router {
  const api = express.Router();
  api
    .route('/identity')
    .get(rejectQueryParameters, (_req, res) => {
      const { microsoft, google } = identityOf(lab);
      res.json({
        hosts: SERVICE_HOSTS.filter((host) => IDENTITY_HOSTS.includes(host.name)).map((host) => ({ name: host.name, address: host.address, description: host.description })),
        microsoft: { tenants: microsoft.tenants.list().map((tenant) => ({ id: tenant.id, displayName: tenant.displayName, domain: tenant.domains[0] })) },
        google: { accounts: google.accounts.list().map((account) => account.email), projects: google.projects.list().map((project) => project.id) },
        docs: 'docs/identity.md',
      });
    })
    .all(methodNotAllowed(['GET']));
  api.use('/identity/microsoft', createMicrosoftIdentityApi(lab));
  api.use('/identity/google', createGoogleIdentityApi(lab));
  api.use(directoryErrors);
  return api;
}

/** Returns the identity providers of the lab. They start with the lab, so their absence is a bug. */
export function identityOf(lab: Lab): IdentityProviders {
  const identity = lab.services?.identity;
  if (!(identity instanceof IdentityProviders)) throw new Error('The identity providers of this lab have not started');
  return identity;
}

const API_ERRORS: Record<DirectoryError['kind'], { status: number; code: ApiErrorCode }> = {
  invalid: { status: 400, code: 'INVALID_REQUEST' },
  'not-found': { status: 404, code: 'NOT_FOUND' },
  conflict: { status: 409, code: 'CONFLICT' },
};

const directoryErrors: ErrorRequestHandler = (error, _req, _res, next) => {
  if (!(error instanceof DirectoryError)) return next(error);
  const { status, code } = API_ERRORS[error.kind];
  next(new ApiError(status, code, error.message, error.field, error.validValues));
};

/** Reads a string field of a JSON body; returns undefined when the field is optional and absent. */
export function textField(body: Record<string, unknown>, field: string, options: { required: true; example: string }): string;
export function textField(body: Record<string, unknown>, field: string, options: { required?: false; example: string }): string | undefined;
export function textField(body: Record<string, unknown>, field: string, options: { required?: boolean; example: string }): string | undefined {
  const value = body[field];
  if (value === undefined && !options.required) return undefined;
  if (typeof value !== 'string' || (options.required && value.trim() === '')) {
    throw invalidField(field, `"${field}" must be a non-empty string such as ${JSON.stringify(options.example)}; got ${describeValue(value)}.`);
  }
  return value;
}

export function optionalBooleanField(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidField(field, `"${field}" must be true or false (a JSON boolean); got ${describeValue(value)}.`);
  return value;
}

export function stringListField(body: Record<string, unknown>, field: string, example: string): string[] {
  const value = body[field];
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
    throw invalidField(field, `"${field}" must be a JSON array of strings such as ["${example}"]; got ${describeValue(value)}.`);
  }
  return value as string[];
}
