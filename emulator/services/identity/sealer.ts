/**
 * Self-contained opaque tokens: a JSON payload sealed with AES-256-GCM under a lab key. Real refresh
 * tokens of Entra ID and Google access tokens are opaque to clients, so the lab may seal them. Then
 * it stores nothing per token, and a router that refreshes every hour for months grows no state file.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class TokenSealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError(`A token sealing key must be 32 bytes, got ${key.length}`);
  }

  /** Seals `payload` and returns it as base64url text. */
  seal(payload: object): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  /** Opens text from `seal`; returns undefined for anything this key did not seal. */
  open<T>(text: string): T | undefined {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
    const raw = Buffer.from(text, 'base64url');
    if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }
}
