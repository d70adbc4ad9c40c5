/**
 * The identity providers' keys: one RSA token-signing key per provider (RS256, as both publish in
 * their JWKS) and the AES key that seals opaque tokens. They are created once per data directory
 * and kept in `<data>/lab/identity-keys.json`, so tokens stay valid across lab restarts. An
 * ephemeral lab creates new keys at every start.
 */
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Logger } from 'pino';
import { StateFile } from './stateFile';

export interface SigningKey {
  /** Key id: the base64url SHA-1 of the public key, the same length and alphabet as Entra's `kid`. */
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public key as a JWKS entry. */
  publicJwk: JWK;
}

export interface IdentityKeys {
  /** Settles once the key exists, which for an ephemeral lab can be after the lab is ready. */
  microsoft: Promise<SigningKey>;
  google: Promise<SigningKey>;
  sealingKey: Buffer;
}

interface StoredKeys {
  version: 1;
  microsoft: JWK | null;
  google: JWK | null;
  sealingKey: string | null;
}

/**
 * Loads the keys of a data directory, creating the missing ones, or creates the keys of an
 * ephemeral lab (labDir null). Creating an RSA-2048 key takes about 150 ms of CPU on libuv's
 * thread pool. A data directory waits for its new keys, so they are on disk before the lab is
 * ready and nothing writes there after the lab stops. An ephemeral lab creates them in the
 * background while it starts, and the first token or JWKS request waits for them.
 */
export async function loadIdentityKeys(labDir: string | null, now: number, logger: Logger): Promise<IdentityKeys> {
  const file = new StateFile<StoredKeys>(labDir && path.join(labDir, 'identity-keys.json'), () => ({ version: 1, microsoft: null, google: null, sealingKey: null }), now, logger);
  const stored = file.data;
  stored.sealingKey ??= randomBytes(32).toString('base64');
  const microsoftJwk = stored.microsoft ? Promise.resolve(stored.microsoft) : newPrivateJwk();
  const googleJwk = stored.google ? Promise.resolve(stored.google) : newPrivateJwk();
  const saved = Promise.all([microsoftJwk, googleJwk]).then(([microsoft, google]) => {
    Object.assign(stored, { microsoft, google });
    file.save();
  });

  const keys: IdentityKeys = {
    microsoft: saved.then(() => signingKeyFrom(stored.microsoft!)),
    google: saved.then(() => signingKeyFrom(stored.google!)),
    sealingKey: Buffer.from(stored.sealingKey, 'base64'),
  };
  if (labDir) {
    await Promise.all([keys.microsoft, keys.google]);
  } else {
    file.save();
    // A failure surfaces at the first use of a key. This handler logs it and keeps it from being an unhandled rejection meanwhile.
    Promise.all([keys.microsoft, keys.google]).catch((error: unknown) => logger.error({ err: error }, 'Creating the token-signing keys failed, so token requests fail until the lab restarts'));
  }
  return keys;
}

async function newPrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return exportJWK(privateKey);
}

async function signingKeyFrom(privateJwk: JWK): Promise<SigningKey> {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = privateJwk;
  const der = createPublicKey({ key: publicPart as import('node:crypto').JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'der' });
  const kid = createHash('sha1').update(der).digest('base64url');
  return {
    kid,
    privateKey: (await importJWK(privateJwk, 'RS256')) as CryptoKey,
    publicKey: (await importJWK(publicPart, 'RS256')) as CryptoKey,
    publicJwk: { kty: 'RSA', use: 'sig', kid, n: publicPart.n, e: publicPart.e, alg: 'RS256' },
  };
}
