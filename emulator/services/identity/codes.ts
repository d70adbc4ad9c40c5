/**
 * Authorization codes of both providers: random strings handed to the browser, kept in memory by
 * their SHA-256 until they expire on the lab clock. A code can be redeemed once; a second attempt
 * is reported apart from an unknown code, because Entra ID replies to the two differently.
 */
import { sha256Hex } from './credentials';

/** Redeemed and expired codes are remembered this much longer, so a late replay still reads as reused. */
const KEEP_AFTER_EXPIRY_MS = 60 * 60 * 1000;

export type CodeLookup<T> = { status: 'valid'; grant: T } | { status: 'unknown' } | { status: 'expired'; grant: T } | { status: 'redeemed'; grant: T };

interface Entry<T> {
  grant: T;
  expiresAt: number;
  redeemed: boolean;
}

export class CodeStore<T> {
  private readonly codes = new Map<string, Entry<T>>();

  constructor(
    private readonly now: () => number,
    private readonly lifetimeMs: number,
  ) {}

  /** Stores `grant` under `code`, which the caller generated in its provider's format. */
  add(code: string, grant: T): void {
    this.prune();
    this.codes.set(sha256Hex(code), { grant, expiresAt: this.now() + this.lifetimeMs, redeemed: false });
  }

  /** Looks a code up without using it; the caller checks the request, then calls markRedeemed. */
  lookup(code: string): CodeLookup<T> {
    const entry = this.codes.get(sha256Hex(code));
    if (!entry) return { status: 'unknown' };
    if (entry.redeemed) return { status: 'redeemed', grant: entry.grant };
    if (entry.expiresAt <= this.now()) return { status: 'expired', grant: entry.grant };
    return { status: 'valid', grant: entry.grant };
  }

  markRedeemed(code: string): void {
    const entry = this.codes.get(sha256Hex(code));
    if (entry) entry.redeemed = true;
  }

  private prune(): void {
    const cutoff = this.now() - KEEP_AFTER_EXPIRY_MS;
    for (const [key, entry] of this.codes) if (entry.expiresAt < cutoff) this.codes.delete(key);
  }
}
