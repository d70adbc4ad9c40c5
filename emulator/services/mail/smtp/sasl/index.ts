/**
 * SASL mechanisms of SMTP AUTH (RFC 4954), one file each. A mechanism decodes what the client
 * sends and hands the credentials to ../authentication.ts, which checks them and sends the reply.
 */
import type { SaslMechanism } from '../dialect';
import { login } from './login';
import { oauthBearer } from './oauthbearer';
import { plain } from './plain';
import type { SaslHandler } from './session';
import { xoauth2 } from './xoauth2';

export type { SaslHandler, SaslSession } from './session';

export const SASL_MECHANISMS: Record<SaslMechanism, SaslHandler> = {
  LOGIN: login,
  PLAIN: plain,
  XOAUTH2: xoauth2,
  OAUTHBEARER: oauthBearer,
};
