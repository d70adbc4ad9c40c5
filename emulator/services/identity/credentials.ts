/**
 * Random identifiers and credentials in the shapes the real providers use, and how the lab stores
 * them: passwords as scrypt hashes, client secrets and opaque tokens as SHA-256 hashes (they are
 * long random strings, so a fast hash is enough to make a leaked state file useless).
 */
import { createHash, randomInt, randomUUID, scrypt, timingSafeEqual, randomBytes } from 'node:crypto';

export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const BASE64URL_ALPHABET = `${ALPHANUMERIC}-_`;

/** scrypt cost parameters (N, r, p) and key length in bytes, as Node's defaults; about 50 ms per hash. */
const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 };
/**
 * scrypt cost N for the seeded users' passwords, which docs/identity.md publishes, so a high cost
 * would protect nothing. A hash costs about 3 ms instead of 50 ms, and an ephemeral lab seeds six
 * users at every start. A password that a user sets later gets the full cost.
 */
const SEED_SCRYPT_N = 1024;

/** Password hashing function: hashPassword, or hashSeedPassword for the published seed passwords. */
export type PasswordHasher = (password: string) => Promise<string>;

export function newGuid(): string {
  return randomUUID();
}

/** Returns a string of `length` characters drawn uniformly from `alphabet`. */
export function randomText(length: number, alphabet: string): string {
  let text = '';
  for (let index = 0; index < length; index += 1) text += alphabet[randomInt(alphabet.length)];
  return text;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Compares a value with a SHA-256 hash from sha256Hex in constant time. */
export function matchesSha256(hashHex: string, value: string): boolean {
  const expected = Buffer.from(hashHex, 'hex');
  const actual = createHash('sha256').update(value, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Hashes a password as `scrypt:N:r:p:<salt>:<key>` (base64). */
export async function hashPassword(password: string): Promise<string> {
  return hashWithCost(password, SCRYPT.N);
}

/** Hashes a published seed password in the same format as hashPassword, at the lower seed cost. */
export async function hashSeedPassword(password: string): Promise<string> {
  return hashWithCost(password, SEED_SCRYPT_N);
}

async function hashWithCost(password: string, N: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptKey(password, salt, N, SCRYPT.r, SCRYPT.p);
  return ['scrypt', N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join(':');
}

/** Checks a password against a hash from hashPassword; a malformed hash never matches. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split(':');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scryptKey(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Generates a password that meets the Entra and Google complexity rules (upper and lower case,
 * digits and a symbol), as the admin center shows for a new user or a password reset.
 */
export function newTemporaryPassword(): string {
  const letters = randomText(4, 'ABCDEFGHJKLMNPQRSTUVWXYZ') + randomText(6, 'abcdefghijkmnopqrstuvwxyz');
  return `${letters}${randomText(4, '23456789')}!`;
}

function scryptKey(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, SCRYPT.keyLength, { N, r, p }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
