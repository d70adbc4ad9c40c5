/**
 * The APIs and permissions the emulated Entra ID supports: the ones a mail-sending device needs,
 * with the descriptions the admin center and the consent page show.
 */
import type { PermissionType, ResourceKey } from './model';

export interface ResourceApi {
  key: ResourceKey;
  /** Well-known application ID of the Microsoft API. */
  appId: string;
  displayName: string;
  /** Identifier URIs that prefix scopes, e.g. `https://outlook.office.com/SMTP.Send`. */
  identifierUris: string[];
}

export const RESOURCE_APIS: Record<ResourceKey, ResourceApi> = {
  graph: { key: 'graph', appId: '00000003-0000-0000-c000-000000000000', displayName: 'Microsoft Graph', identifierUris: ['https://graph.microsoft.com'] },
  exchange: {
    key: 'exchange',
    appId: '00000002-0000-0ff1-ce00-000000000000',
    displayName: 'Office 365 Exchange Online',
    identifierUris: ['https://outlook.office.com', 'https://outlook.office365.com'],
  },
};

export interface PermissionDefinition {
  resource: ResourceKey;
  name: string;
  type: PermissionType;
  /** Text of the consent page and the admin center's description column. */
  description: string;
  adminConsentRequired: boolean;
}

export const PERMISSIONS: PermissionDefinition[] = [
  { resource: 'graph', name: 'openid', type: 'delegated', description: 'Sign users in', adminConsentRequired: false },
  { resource: 'graph', name: 'profile', type: 'delegated', description: "View users' basic profile", adminConsentRequired: false },
  { resource: 'graph', name: 'email', type: 'delegated', description: "View users' email address", adminConsentRequired: false },
  { resource: 'graph', name: 'offline_access', type: 'delegated', description: 'Maintain access to data you have given it access to', adminConsentRequired: false },
  { resource: 'graph', name: 'User.Read', type: 'delegated', description: 'Sign in and read user profile', adminConsentRequired: false },
  { resource: 'graph', name: 'Mail.Send', type: 'delegated', description: 'Send mail as a user', adminConsentRequired: false },
  { resource: 'exchange', name: 'SMTP.Send', type: 'delegated', description: 'Send emails from mailboxes using SMTP AUTH.', adminConsentRequired: false },
  { resource: 'exchange', name: 'IMAP.AccessAsUser.All', type: 'delegated', description: 'Read and write access to mailboxes via IMAP.', adminConsentRequired: false },
  { resource: 'exchange', name: 'POP.AccessAsUser.All', type: 'delegated', description: 'Read and write access to mailboxes via POP.', adminConsentRequired: false },
  { resource: 'exchange', name: 'SMTP.SendAsApp', type: 'application', description: 'Send emails from mailboxes using SMTP AUTH.', adminConsentRequired: true },
];

/** The OpenID Connect scopes, which need no resource prefix and never decide a token's audience. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

export function findPermission(resource: ResourceKey, name: string, type: PermissionType): PermissionDefinition | undefined {
  return PERMISSIONS.find((entry) => entry.resource === resource && entry.type === type && entry.name.toLowerCase() === name.toLowerCase());
}

/** Finds a resource API by display name, application ID or key. */
export function findResourceApi(text: string): ResourceApi | undefined {
  const key = text.trim().toLowerCase();
  return Object.values(RESOURCE_APIS).find((api) => api.key === key || api.appId === key || api.displayName.toLowerCase() === key);
}

export function describePermission(resource: ResourceKey, name: string): string {
  return PERMISSIONS.find((entry) => entry.resource === resource && entry.name === name)?.description ?? name;
}
