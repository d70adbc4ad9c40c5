/**
 * Helpers of the identity tests: a lab with the two providers, clients that reach them through the
 * lab proxy, and the browser steps of a sign-in (user name, password, consent) as a person clicks them.
 */
import request from 'supertest';
import type { Lab } from '../../../emulator';
import { IdentityProviders } from '../../../emulator/services/identity/providers';
import { LabBrowser, LabProxyAgent, labFetch } from '../../helpers/labHttps';

// The sign-in steps and app creation moved to the emulator, where the TypeScript API and the
// scenario runner use them too.
export { ADMIN, ALERTS, createGoogleClient, createMailApp, GOOGLE_PROJECT, googleSignIn, microsoftSignIn, REDIRECT_URI, redirectParams, TENANT_ID } from '../../../emulator/api/identity';

export const SMTP_SCOPE = 'https://outlook.office.com/SMTP.Send';

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

export { LabBrowser };

export const GMAIL_SCOPE = 'https://mail.google.com/';

