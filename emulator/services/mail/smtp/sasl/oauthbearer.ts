/**
 * SASL OAUTHBEARER (RFC 7628): a GS2 header with the user as authzid (`n,a=user,`), then
 * ^A-separated `key=value` pairs with `auth=Bearer <token>`, ending in ^A^A.
 */
import { decodeBase64, withResponse, type SaslHandler } from './session';

export interface OauthBearerResponse {
  /** The authzid, or null when the client left it out and the token's user applies. */
  user: string | null;
  token: string;
}

/** Returns the user and token of an OAUTHBEARER response, or null when it is malformed. */
export function parseOauthBearer(response: string): OauthBearerResponse | null {
  const decoded = decodeBase64(response);
  if (!decoded) return null;
  const [gs2Header, ...pairs] = decoded.toString('utf8').split('\x01');
  const gs2 = /^[ny],(?:a=([^,]*))?,$/.exec(gs2Header ?? '');
  const auth = pairs.find((pair) => pair.startsWith('auth='))?.slice('auth='.length);
  const match = auth ? /^Bearer +(\S+)$/i.exec(auth) : null;
  if (!gs2 || !match) return null;
  // RFC 5801 escapes ',' and '=' in the authzid as =2C and =3D.
  const user = gs2[1] ? gs2[1].replace(/=2C/g, ',').replace(/=3D/g, '=') : null;
  return { user, token: match[1]! };
}

export const oauthBearer: SaslHandler = (session, initialResponse, done) => {
  withResponse(session, initialResponse, done, (response, next) => {
    const parsed = parseOauthBearer(response);
    if (!parsed) {
      session.malformed('OAUTHBEARER', next);
      return;
    }
    session.authenticateBearer('OAUTHBEARER', parsed.user, parsed.token, next);
  });
};
