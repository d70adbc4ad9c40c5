/**
 * The identity providers' keys: one RSA token-signing key per provider (RS256, as both publish in
 * their JWKS) and the AES key that seals opaque tokens. They are created once per data directory
 * and kept in `<data>/lab/identity-keys.json`, so tokens stay valid across lab restarts.
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
  microsoft: SigningKey;
  google: SigningKey;
  sealingKey: Buffer;
}

interface StoredKeys {
  version: 1;
  microsoft: JWK | null;
  google: JWK | null;
  sealingKey: string | null;
}

export async function loadIdentityKeys(labDir: string | null, now: number, logger: Logger): Promise<IdentityKeys> {
  const file = new StateFile<StoredKeys>(labDir && path.join(labDir, 'identity-keys.json'), () => ({ version: 1, microsoft: null, google: null, sealingKey: null }), now, logger);
  const stored = file.data;
  stored.microsoft ??= await newPrivateJwk();
  stored.google ??= await newPrivateJwk();
  stored.sealingKey ??= randomBytes(32).toString('base64');
  file.save();
  return {
    microsoft: await signingKeyFrom(stored.microsoft),
    google: await signingKeyFrom(stored.google),
    sealingKey: Buffer.from(stored.sealingKey, 'base64'),
  };
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
