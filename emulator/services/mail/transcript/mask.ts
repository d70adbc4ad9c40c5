/**
 * Masking of secrets in an SMTP transcript. A client line that carries a token or a password is
 * shown with the secret replaced, plus a decoded form that explains the line's content, so that a
 * trainee can study XOAUTH2 on the wire without the credential. Server challenges are
 * decoded as well (`334 VXNlcm5hbWU6` is "Username:", Gmail's 334 carries JSON).
 */

/** Characters of a token kept visible, enough to show its kind (a JWT starts with `eyJ`). */
const VISIBLE_TOKEN_CHARACTERS = 10;
/**
 * Characters of an XOAUTH2 or OAUTHBEARER blob kept visible: 12 base64 characters are 9 bytes,
 * which fall within `user=...` or `n,a=...` before any token. Password blobs stay hidden whole.
 */
const VISIBLE_BEARER_BLOB_CHARACTERS = 12;

export interface MaskedLine {
  text: string;
  /** Meaning of the line once decoded, with secrets masked; absent for plain lines. */
  decoded?: string;
}

/** Tracks which client line is a credential: the answers to LOGIN's prompts are. */
export class TranscriptMasker {
  private expecting: 'none' | 'username' | 'password' | 'sasl' = 'none';

  client(line: string): MaskedLine {
    const expecting = this.expecting;
    this.expecting = 'none';
    if (expecting === 'username') return { text: line, decoded: `user name: ${decode(line) ?? '(not base64)'}` };
    if (expecting === 'password') return { text: maskBlob(line, 0), decoded: 'password: [hidden]' };
    if (expecting === 'sasl') return line === '' ? { text: '', decoded: 'empty line: the client acknowledges the error challenge' } : this.saslResponse(line);

    const auth = /^AUTH\s+(\S+)(?:\s+(\S+))?$/i.exec(line);
    if (!auth) return { text: line };
    const mechanism = auth[1]!.toUpperCase();
    const response = auth[2];
    if (response === undefined) {
      if (mechanism !== 'LOGIN') this.expecting = 'sasl';
      return { text: line };
    }
    if (mechanism === 'LOGIN') {
      this.expecting = 'password';
      return { text: line, decoded: `user name: ${decode(response) ?? '(not base64)'}` };
    }
    const masked = this.saslResponse(response);
    return { text: `AUTH ${auth[1]} ${masked.text}`, decoded: masked.decoded };
  }

  /** Masks a SASL response: a bearer blob keeps its start visible, and a PLAIN one is hidden whole. */
  private saslResponse(blob: string): MaskedLine {
    const decoded = decode(blob);
    const isPassword = decoded === null || decoded.includes('\x00');
    return { text: maskBlob(blob, isPassword ? 0 : VISIBLE_BEARER_BLOB_CHARACTERS), decoded: describeSasl(decoded) };
  }

  server(line: string): MaskedLine {
    const challenge = /^334 ?(.*)$/.exec(line);
    if (!challenge) return { text: line };
    const payload = challenge[1]!;
    if (payload === 'VXNlcm5hbWU6') {
      this.expecting = 'username';
      return { text: line, decoded: 'Username:' };
    }
    if (payload === 'UGFzc3dvcmQ6') {
      this.expecting = 'password';
      return { text: line, decoded: 'Password:' };
    }
    this.expecting = 'sasl';
    if (payload === '') return { text: line, decoded: 'empty challenge: the server waits for the SASL response' };
    return { text: line, decoded: decode(payload) ?? undefined };
  }
}

/** Describes a decoded SASL response with its secrets masked. */
function describeSasl(decoded: string | null): string {
  if (decoded === null) return '(not base64)';
  if (decoded.includes('\x00')) {
    const [authzid, authcid] = decoded.split('\x00');
    return `PLAIN: authorization id "${authzid}", user "${authcid}", password [hidden]`;
  }
  return decoded.replace(/(auth=Bearer\s+)([^\s\x01]+)/i, (_match, prefix: string, token: string) => `${prefix}${maskToken(token)}`).replace(/\x01/g, '^A');
}

function maskToken(token: string): string {
  return `${token.slice(0, VISIBLE_TOKEN_CHARACTERS)}... [${token.length} characters hidden]`;
}

function maskBlob(blob: string, visible: number): string {
  if (blob.length <= visible || visible === 0) return `[${blob.length} characters hidden]`;
  return `${blob.slice(0, visible)}... [${blob.length - visible} characters hidden]`;
}

function decode(text: string): string | null {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) return null;
  return Buffer.from(trimmed, 'base64').toString('utf8');
}
