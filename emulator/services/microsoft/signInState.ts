/**
 * State the Entra sign-in site keeps per browser: sign-in flows of authorize requests and the
 * signed-in accounts of a browser session (Entra's ESTSAUTH cookie).
 */
import type { Request, Response } from 'express';
import { BrowserSignIn, type Flow } from '../identity/browserSignIn';
import { newGuid } from '../identity/credentials';
import type { ClientType } from './tokens';

export type Prompt = 'login' | 'none' | 'consent' | 'select_account';
export type ResponseMode = 'query' | 'fragment' | 'form_post';

export interface AuthorizeRequest {
  /** The tenant segment of the URL: `common`, `organizations`, a tenant ID or a domain. */
  tenantSegment: string;
  /** The tenant the URL names, or undefined for `common` and `organizations`. */
  tenantId?: string;
  appId: string;
  redirectUri: string;
  clientType: ClientType;
  responseMode: ResponseMode;
  state?: string;
  nonce?: string;
  scopes: string[];
  prompt?: Prompt;
  loginHint?: string;
  codeChallenge?: string;
  codeChallengeMethod: 'S256' | 'plain';
  /** MSAL requests `client_info` (uid and utid) with `client_info=1`. */
  clientInfo: boolean;
}

export interface SessionAccount {
  /** The user's object ID, which identifies the entry in the session. */
  key: string;
  tenantId: string;
  userId: string;
  /** Lab time of the password sign-in; sessions from before a revocation are dead. */
  authTime: number;
  /** The user's session revocation count at sign-in; absent in sessions from before it was kept. */
  revocations?: number;
  sid: string;
}

export type SignInFlow = Flow<AuthorizeRequest, SessionAccount>;

export class SignInState extends BrowserSignIn<AuthorizeRequest, SessionAccount> {
  constructor(private readonly clock: () => number) {
    super(clock, 'ESTSAUTH');
  }

  signInUser(req: Request, res: Response, tenantId: string, userId: string, revocations: number): SessionAccount {
    return this.signIn(req, res, { key: userId, tenantId, userId, authTime: this.clock(), revocations, sid: newGuid() });
  }
}
