/**
 * The emulated Google identity service: accounts, Cloud projects with OAuth clients and consent
 * screens, grants and tokens, kept in `<data>/lab/google-identity.json`, plus authorization codes
 * and browser sign-in state in memory. The sign-in site, the token endpoint, the Cloud console
 * and the lab API all work on one instance.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { SignJWT } from 'jose';
import type { Logger } from 'pino';
import { BrowserSignIn, type Flow } from '../identity/browserSignIn';
import { CodeStore } from '../identity/codes';
import { hashSeedPassword } from '../identity/credentials';
import type { IdentityKeys, SigningKey } from '../identity/keys';
import { TokenSealer } from '../identity/sealer';
import { StateFile } from '../identity/stateFile';
import { GoogleAccounts } from './accounts';
import type { GoogleContext } from './context';
import { GoogleGrants } from './grants';
import { GOOGLE_STATE_VERSION, type GoogleAccount, type GoogleState } from './model';
import { CloudProjects } from './projects';
import { SEED_ACCOUNTS, SEED_PROJECT } from './seed';

/** NOTE: Google does not document the code lifetime; the lab uses 10 minutes, as Entra ID does. */
export const GOOGLE_CODE_LIFETIME_MS = 10 * 60 * 1000;
const ID_TOKEN_SECONDS = 3600;

export type Prompt = 'none' | 'consent' | 'select_account';

export interface GoogleAuthorizeRequest {
  clientId: string;
  redirectUri: string;
  state?: string;
  scopes: string[];
  /** access_type=offline: the client wants a refresh token. */
  offline: boolean;
  prompts: Prompt[];
  loginHint?: string;
  codeChallenge?: string;
  codeChallengeMethod: 'S256' | 'plain';
  nonce?: string;
  /** include_granted_scopes=true: the code also covers what the account granted the client before. */
  includeGrantedScopes?: boolean;
}

export interface GoogleSessionAccount {
  /** The account's e-mail, which identifies the entry in the session. */
  key: string;
  authTime: number;
}

export type GoogleFlow = Flow<GoogleAuthorizeRequest, GoogleSessionAccount>;

export interface GoogleCodeGrant {
  email: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  /** Whether redeeming the code returns a refresh token. */
  issueRefreshToken: boolean;
  codeChallenge?: string;
  codeChallengeMethod: 'S256' | 'plain';
  nonce?: string;
}

export class GoogleIdentity {
  readonly accounts: GoogleAccounts;
  readonly projects: CloudProjects;
  readonly grants: GoogleGrants;
  readonly codes: CodeStore<GoogleCodeGrant>;
  readonly signIn: BrowserSignIn<GoogleAuthorizeRequest, GoogleSessionAccount>;

  private constructor(
    private readonly context: GoogleContext,
    private readonly key: Promise<SigningKey>,
    sealingKey: Buffer,
  ) {
    this.accounts = new GoogleAccounts(context);
    this.projects = new CloudProjects(context);
    this.grants = new GoogleGrants(context, new TokenSealer(sealingKey));
    this.codes = new CodeStore<GoogleCodeGrant>(context.now, GOOGLE_CODE_LIFETIME_MS);
    this.signIn = new BrowserSignIn(context.now, 'SID');
  }

  static async open(labDir: string | null, now: () => number, keys: IdentityKeys, logger: Logger): Promise<GoogleIdentity> {
    const seed = (): GoogleState => ({ version: GOOGLE_STATE_VERSION, seeded: false, accounts: [], projects: [], grants: [], refreshTokens: [] });
    const file = new StateFile<GoogleState>(labDir && path.join(labDir, 'google-identity.json'), seed, now(), logger);
    const google = new GoogleIdentity({ file, now, logger: logger.child({ service: 'google-identity' }) }, keys.google, keys.sealingKey);
    if (!file.data.seeded) await google.seed();
    return google;
  }

  get logger(): Logger {
    return this.context.logger;
  }

  now(): number {
    return this.context.now();
  }

  /** Returns whether the class-lab seed of a router (r2 and up) was created once, even if deleted since. */
  routerSeeded(routerId: string): boolean {
    return this.context.file.data.seededRouters?.includes(routerId) ?? false;
  }

  recordRouterSeeded(routerId: string): void {
    (this.context.file.data.seededRouters ??= []).push(routerId);
    this.context.file.save();
  }

  /** Returns whether the app of a client is in Testing, where only test users may sign in and refresh tokens live 7 days. */
  appInTesting(clientId: string): boolean {
    return this.projects.findClient(clientId)?.project.consentScreen.publishingStatus === 'Testing';
  }

  async idToken(account: GoogleAccount, clientId: string, scopes: string[], accessToken: string, nonce?: string): Promise<string> {
    const now = Math.floor(this.now() / 1000);
    const claims: Record<string, unknown> = { iss: 'https://accounts.google.com', azp: clientId, aud: clientId, sub: account.id, at_hash: atHash(accessToken), iat: now, exp: now + ID_TOKEN_SECONDS };
    if (scopes.includes('https://www.googleapis.com/auth/userinfo.email')) Object.assign(claims, { email: account.email, email_verified: true });
    if (scopes.includes('https://www.googleapis.com/auth/userinfo.profile')) claims.name = account.displayName;
    if (nonce) claims.nonce = nonce;
    const key = await this.key;
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
  }

  private async seed(): Promise<void> {
    for (const account of SEED_ACCOUNTS) await this.accounts.create(account, hashSeedPassword);
    const project = this.projects.create(SEED_PROJECT);
    for (const user of SEED_PROJECT.testUsers) this.projects.addTestUser(project, user);
    this.context.file.data.seeded = true;
    this.context.file.save();
  }
}

/** OpenID Connect at_hash: the left half of the SHA-256 of the access token, base64url. */
function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
