/** Hashing of the seed accounts' passwords, which the lab documents and so need no costly hash. */
import { randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * scrypt cost for the seed passwords, which docs/ddns.md publishes, so a high cost would protect
 * nothing. A hash at 2^10 took about 2 ms where the full cost of firmware/crypto.ts took 36 ms
 * (Node 20, 2-core x86-64 host), so a lab of 200 routers seeds its 400 accounts in about a second.
 */
const SEED_SCRYPT_COST = 1024;
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keyLength: number, options: { N: number }) => Promise<Buffer>;

/** Hashes a documented seed password in the `scrypt$N$salt$hash` form that verifyPassword reads. */
export async function hashSeedPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, { N: SEED_SCRYPT_COST });
  return `scrypt$${SEED_SCRYPT_COST}$${salt.toString('base64')}$${hash.toString('base64')}`;
}
