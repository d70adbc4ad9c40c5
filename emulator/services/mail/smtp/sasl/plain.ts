/** SASL PLAIN (RFC 4616): base64(authzid NUL authcid NUL password). */
import { decodeBase64, withResponse, type SaslHandler } from './session';

/** Returns the user and password of a PLAIN response, or null when it is malformed. */
export function parsePlain(response: string): { user: string; password: string } | null {
  const decoded = decodeBase64(response);
  if (!decoded) return null;
  const parts = decoded.toString('utf8').split('\x00');
  if (parts.length !== 3) return null;
  const [authzid, authcid, password] = parts as [string, string, string];
  // Many clients put the user in the authzid and leave the authcid empty.
  const user = authcid || authzid;
  if (!user) return null;
  return { user, password };
}

export const plain: SaslHandler = (session, initialResponse, done) => {
  withResponse(session, initialResponse, done, (response, next) => {
    const parsed = parsePlain(response);
    if (!parsed) {
      session.malformed('PLAIN', next);
      return;
    }
    session.authenticatePassword('PLAIN', parsed.user, parsed.password, next);
  });
};
