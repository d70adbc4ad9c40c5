/**
 * The Entra ID directory as the lab stores it in `<data>/lab/microsoft-identity.json`. Field names
 * follow Microsoft Graph where Graph has the concept (userPrincipalName, accountEnabled,
 * signInAudience, keyId, endDateTime, consentType). Times are lab time in ms since the epoch.
 */

export const MICROSOFT_STATE_VERSION = 1;

export interface MicrosoftState {
  version: typeof MICROSOFT_STATE_VERSION;
  tenants: Tenant[];
  /** Routers from r2 on whose class-lab tenant the lab has seeded (services/identity/classLab.ts). */
  seededRouters?: string[];
}

export interface Tenant {
  /** Directory (tenant) ID. */
  id: string;
  displayName: string;
  /** Verified domains; the first is the initial `<name>.onmicrosoft.com` domain. */
  domains: string[];
  createdAt: number;
  /**
   * Exchange Online organisation setting (the inverse of SmtpClientAuthenticationDisabled): SMTP AUTH
   * for every mailbox that does not override it.
   */
  smtpAuthEnabled: boolean;
  users: User[];
  applications: Application[];
  /** Enterprise applications: the apps this tenant uses, with the consent given in it. */
  servicePrincipals: ServicePrincipal[];
}

export interface User {
  /** Object ID (`oid` in tokens). */
  id: string;
  userPrincipalName: string;
  displayName: string;
  /** Primary SMTP address of the user's mailbox, or null for a user without a mailbox. */
  mail: string | null;
  passwordHash: string;
  accountEnabled: boolean;
  /** Global Administrators may use the admin center and consent for the whole tenant. */
  globalAdmin: boolean;
  /** Per-mailbox "Authenticated SMTP": true or false overrides the tenant setting, null follows it. */
  smtpAuthEnabled: boolean | null;
  /** Extra addresses the mailbox may send as (Exchange Send As rights). */
  sendAs: string[];
  /** Sessions and refresh tokens issued before this time are revoked (Graph signInSessionsValidFromDateTime). */
  signInSessionsValidFrom: number;
  /**
   * Number of times the user's sessions were revoked. Sessions and refresh tokens carry the count
   * they began with, and an older count is revoked. On a paused lab clock a revocation and the
   * token issued just before it share a millisecond, so the time alone cannot tell them apart.
   */
  sessionRevocations?: number;
  createdAt: number;
}

export type SignInAudience = 'AzureADMyOrg' | 'AzureADMultipleOrgs' | 'AzureADandPersonalMicrosoftAccount';
export const SIGN_IN_AUDIENCES: readonly SignInAudience[] = ['AzureADMyOrg', 'AzureADMultipleOrgs', 'AzureADandPersonalMicrosoftAccount'];

/** Redirect URI platforms: a Web app is a confidential client, SPA and mobile/desktop ones are public. */
export type RedirectPlatform = 'web' | 'spa' | 'publicClient';
export const REDIRECT_PLATFORMS: readonly RedirectPlatform[] = ['web', 'spa', 'publicClient'];

export interface Application {
  /** Application (client) ID. */
  appId: string;
  /** Object ID of the registration. */
  id: string;
  displayName: string;
  signInAudience: SignInAudience;
  redirectUris: Record<RedirectPlatform, string[]>;
  /** Configured API permissions (requiredResourceAccess), which "Grant admin consent" grants. */
  requiredPermissions: PermissionRef[];
  secrets: ClientSecret[];
  createdAt: number;
}

export type ResourceKey = 'graph' | 'exchange';
export type PermissionType = 'delegated' | 'application';

export interface PermissionRef {
  resource: ResourceKey;
  name: string;
  type: PermissionType;
}

export interface ClientSecret {
  /** Secret ID. Clients must send the value, never this. */
  keyId: string;
  /** Description given at creation. */
  displayName: string;
  /** First three characters of the value, which the admin center shows. */
  hint: string;
  /** SHA-256 of the value; the value itself is shown once and never stored. */
  hash: string;
  startDateTime: number;
  endDateTime: number;
}

export interface ServicePrincipal {
  appId: string;
  /** Object ID of the enterprise application in this tenant. */
  id: string;
  displayName: string;
  createdAt: number;
  /** Delegated permission grants (oauth2PermissionGrants). */
  grants: PermissionGrant[];
  /** Application permissions granted by an admin (appRoleAssignments). */
  appRoles: { resource: ResourceKey; name: string; grantedAt: number }[];
}

export interface PermissionGrant {
  id: string;
  /** AllPrincipals: an admin consented for everyone; Principal: one user consented for themselves. */
  consentType: 'AllPrincipals' | 'Principal';
  /** The consenting user for Principal grants, null for AllPrincipals. */
  principalId: string | null;
  resource: ResourceKey;
  scopes: string[];
  grantedAt: number;
}
