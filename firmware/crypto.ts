/**
 * Secrets at rest. Keys are derived from the board's device key with HKDF, one per purpose, and
 * values are sealed with AES-256-GCM, so a config file or backup shows no secret in clear and a
 * changed byte is detected.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keyLength: number, options: { N: number }) => Promise<Buffer>;

/** Prefix of a sealed value; a string that starts with it is never taken as a clear secret. */
export const SEALED_PREFIX = 'enc:v1:';

export type KeyPurpose = 'config-secrets' | 'backup-secrets' | 'backup-signature' | 'session' | 'certificate-key' | 'mail-tokens';

export function deriveKey(deviceKeyHex: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(deviceKeyHex, 'hex'), Buffer.alloc(0), `vigor-sim ${purpose}`, 32));
}

export function seal(plaintext: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Opens a sealed value; throws when the key is wrong or the value was altered. */
export function unseal(sealed: string, key: Buffer): string {
  if (!sealed.startsWith(SEALED_PREFIX)) throw new Error('Value is not sealed');
  const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64');
  if (raw.length < 28) throw new Error('Sealed value is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** scrypt cost: 2^14 is the interactive-login figure of the scrypt paper and Node's default. */
const SCRYPT_N = 16384;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, { N: SCRYPT_N });
  return `scrypt$${SCRYPT_N}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, cost, saltText, hashText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !hashText) return false;
  const expected = Buffer.from(hashText, 'base64');
  const actual = await scrypt(password, Buffer.from(saltText, 'base64'), expected.length, { N: Number(cost) });
  return timingSafeEqual(actual, expected);
}
