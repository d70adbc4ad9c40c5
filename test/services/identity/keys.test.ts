/**
 * Token-signing keys and password hashes of the identity providers. An ephemeral lab creates its
 * keys in the background, and a data directory has them on disk before loadIdentityKeys returns.
 * Seed passwords get the lower seed cost, other passwords the full cost.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { hashPassword, hashSeedPassword, verifyPassword } from '../../../emulator/services/identity/credentials';
import { loadIdentityKeys } from '../../../emulator/services/identity/keys';

const logger = pino({ level: 'silent' });

describe('loadIdentityKeys', () => {
  test('ephemeral keys settle after return', async () => {
    const keys = await loadIdentityKeys(null, Date.now(), logger);
    expect(keys.sealingKey).toHaveLength(32);
    const [microsoft, google] = await Promise.all([keys.microsoft, keys.google]);
    expect(microsoft.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', kid: microsoft.kid });
    expect(google.kid).not.toBe(microsoft.kid);
  });

  test('data directory keys on disk at return', async () => {
    const labDir = mkdtempSync(path.join(os.tmpdir(), 'vigor-sim-keys-'));
    try {
      const keys = await loadIdentityKeys(labDir, Date.now(), logger);
      const stored = JSON.parse(readFileSync(path.join(labDir, 'identity-keys.json'), 'utf8')) as { microsoft: { n: string } | null; google: { n: string } | null };
      expect(stored.microsoft?.n).toBe((await keys.microsoft).publicJwk.n);
      expect(stored.google?.n).toBe((await keys.google).publicJwk.n);

      const reopened = await loadIdentityKeys(labDir, Date.now(), logger);
      expect((await reopened.microsoft).kid).toBe((await keys.microsoft).kid);
      expect(reopened.sealingKey.equals(keys.sealingKey)).toBe(true);
    } finally {
      rmSync(labDir, { recursive: true, force: true });
    }
  });
});

describe('password hashes', () => {
  test('seed hash uses seed cost', async () => {
    const stored = await hashSeedPassword('Trainee-Lab-2026!');
    expect(stored.split(':').slice(0, 4)).toEqual(['scrypt', '1024', '8', '1']);
    expect(await verifyPassword(stored, 'Trainee-Lab-2026!')).toBe(true);
    expect(await verifyPassword(stored, 'Trainee-Lab-2027!')).toBe(false);
  });

  test('other passwords use full cost', async () => {
    const stored = await hashPassword('Chosen-by-user-1');
    expect(stored.split(':')[1]).toBe('16384');
    expect(await verifyPassword(stored, 'Chosen-by-user-1')).toBe(true);
  });
});
