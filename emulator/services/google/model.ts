/**
 * Google accounts, Cloud projects with their OAuth clients and consent screens, and the grants
 * users gave, as the lab stores them in `<data>/lab/google-identity.json`. Times are lab time in
 * ms since the epoch.
 */

export const GOOGLE_STATE_VERSION = 1;

export type PublishingStatus = 'Testing' | 'In production';
export const PUBLISHING_STATUSES: readonly PublishingStatus[] = ['Testing', 'In production'];

export interface GoogleState {
  version: typeof GOOGLE_STATE_VERSION;
  seeded: boolean;
  /** Routers from r2 on whose class-lab project and accounts the lab has seeded (services/identity/classLab.ts). */
  seededRouters?: string[];
  accounts: GoogleAccount[];
  projects: CloudProject[];
  grants: Grant[];
  refreshTokens: StoredRefreshToken[];
}

export interface GoogleAccount {
  /** Account ID: the 21-digit `sub` of Google's tokens. */
  id: string;
  email: string;
  displayName: string;
  passwordHash: string;
  /** A suspended account cannot sign in and its tokens stop working. */
  enabled: boolean;
  /** Gmail "Send mail as" aliases. */
  sendAs: string[];
  createdAt: number;
}

export interface CloudProject {
  /** Project ID, e.g. `vigor-mail-lab`. */
  id: string;
  name: string;
  /** 12-digit project number, which starts every client ID of the project. */
  number: string;
  /** E-mail of the account that owns the project and may use the console for it. */
  owner: string;
  createdAt: number;
  consentScreen: ConsentScreen;
  clients: OAuthClient[];
}

export interface ConsentScreen {
  appName: string;
  supportEmail: string;
  /** External apps are open to any Google account; the lab does not model Workspace-internal apps. */
  userType: 'External';
  publishingStatus: PublishingStatus;
  /** Accounts that may use the app while it is in Testing. */
  testUsers: string[];
}

export interface OAuthClient {
  clientId: string;
  name: string;
  type: 'Web application';
  redirectUris: string[];
  secrets: ClientSecret[];
  createdAt: number;
}

export interface ClientSecret {
  id: string;
  /** SHA-256 of the value; the console shows the value once, at creation. */
  hash: string;
  /** Last four characters, which the console shows afterwards. */
  hint: string;
  createdAt: number;
}

/** Consent of one account for one client: the scopes granted and whether offline access was. */
export interface Grant {
  id: string;
  email: string;
  clientId: string;
  scopes: string[];
  offline: boolean;
  grantedAt: number;
}

export interface StoredRefreshToken {
  /** SHA-256 of the token. */
  hash: string;
  grantId: string;
  email: string;
  clientId: string;
  createdAt: number;
  lastUsedAt: number;
}
