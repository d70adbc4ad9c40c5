/**
 * HTTP Basic credentials (RFC 7617): parsing them from the Authorization header, and masking them
 * and password-like query parameters before a request goes into the provider history.
 */

export interface Credentials {
  username: string;
  password: string;
}

/** Result of parsing the Authorization header: credentials, nothing, or a value that is not Basic credentials. */
export type ParsedAuthorization = { kind: 'basic'; credentials: Credentials } | { kind: 'missing' } | { kind: 'malformed' };

const MASK = '********';
/** Query parameters whose values the history masks; some clients send the password in the URL. */
const SECRET_PARAMETERS = /^(pass(word)?|pwd|secret|token|key|apikey)$/i;

export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (header === undefined || header.trim() === '') return { kind: 'missing' };
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return { kind: 'malformed' };
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // The user name ends at the first colon; the password may contain colons.
  if (colon < 1) return { kind: 'malformed' };
  return { kind: 'basic', credentials: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } };
}

/** Masks the password of an Authorization header for the history, keeping the scheme and user name. */
export function maskAuthorization(header: string | undefined): string | null {
  const parsed = parseAuthorization(header);
  if (parsed.kind === 'missing') return null;
  if (parsed.kind === 'malformed') return `${header!.trim().split(/\s+/)[0]} ${MASK} (not Basic credentials)`;
  return `Basic ${parsed.credentials.username}:${MASK}`;
}

/** Masks the password-like query parameters of a request target (path and query). */
export function maskTarget(target: string): string {
  const queryStart = target.indexOf('?');
  if (queryStart < 0) return target;
  const parameters = target.slice(queryStart + 1).split('&').map((pair) => {
    const equals = pair.indexOf('=');
    const name = decodeComponent(equals < 0 ? pair : pair.slice(0, equals));
    return equals >= 0 && SECRET_PARAMETERS.test(name) ? `${pair.slice(0, equals)}=${MASK}` : pair;
  });
  return `${target.slice(0, queryStart)}?${parameters.join('&')}`;
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
