/**
 * A memory cache of passwords that passed a scrypt check, so that repeated updates of one account
 * (ten routers over 90 lab days of one clock advance, for example) do not each cost a scrypt run.
 * It keeps no password, only an HMAC-SHA256 of it under a random key that lives as long as the
 * process, and it is never written to disk.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Host time an entry stays valid, a choice rather than a standard. It is host time because lab time can jump by days at once. */
const ENTRY_LIFETIME_MS = 10 * 60 * 1000;

interface Entry {
  /** The stored hash the password was checked against. A new password hash voids the entry. */
  passwordHash: string;
  passwordMac: Buffer;
  /** Host time (`performance.now()`, ms) after which the entry is void. */
  expiresAt: number;
}

export class VerifiedCredentials {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, Entry>();

  /** Returns true when `password` passed a check against `passwordHash` within the entry lifetime. */
  matches(username: string, passwordHash: string, password: string): boolean {
    const entry = this.entries.get(username);
    if (!entry) return false;
    if (entry.passwordHash !== passwordHash || entry.expiresAt <= performance.now()) {
      this.entries.delete(username);
      return false;
    }
    return timingSafeEqual(entry.passwordMac, this.mac(password));
  }

  /** Records a password that has just passed the scrypt check against `passwordHash`. */
  remember(username: string, passwordHash: string, password: string): void {
    this.entries.set(username, { passwordHash, passwordMac: this.mac(password), expiresAt: performance.now() + ENTRY_LIFETIME_MS });
  }

  private mac(password: string): Buffer {
    return createHmac('sha256', this.key).update(password, 'utf8').digest();
  }
}
