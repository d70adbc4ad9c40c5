/**
 * SASL XOAUTH2 (Google's and Microsoft's mechanism): the client response is
 * base64("user=" address ^A "auth=Bearer " token ^A ^A), sent as the initial response or after an
 * empty 334 challenge.
 */
import { decodeBase64, withResponse, type SaslHandler } from './session';

export interface Xoauth2Response {
  user: string;
  token: string;
}

/** Returns the user and token of an XOAUTH2 response, or null when it is malformed. */
export function parseXoauth2(response: string): Xoauth2Response | null {
  const decoded = decodeBase64(response);
  if (!decoded) return null;
  const fields = decoded.toString('utf8').split('\x01');
  const user = fields.find((field) => field.startsWith('user='))?.slice('user='.length);
  const auth = fields.find((field) => field.startsWith('auth='))?.slice('auth='.length);
  const match = auth ? /^Bearer +(\S+)$/i.exec(auth) : null;
  if (!user || !match) return null;
  return { user, token: match[1]! };
}

export const xoauth2: SaslHandler = (session, initialResponse, done) => {
  withResponse(session, initialResponse, done, (response, next) => {
    const parsed = parseXoauth2(response);
    if (!parsed) {
      session.malformed('XOAUTH2', next);
      return;
    }
    session.authenticateBearer('XOAUTH2', parsed.user, parsed.token, next);
  });
};
