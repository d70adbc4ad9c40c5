/**
 * TLS/SSL Encryption Setup: the protocol versions the router's HTTPS listener accepts. Node.js
 * has no SSL 3.0 at all, and its OpenSSL refuses TLS 1.0 and 1.1 at the default security level, so
 * enabling those lowers the level (as an old router would accept them).
 */
import type { SecureVersion } from 'node:tls';
import type { FieldError } from '../../errors';
import type { ManagementConfig } from './schema';

const ORDER: { key: keyof ManagementConfig['tls']; version: SecureVersion }[] = [
  { key: 'tls10', version: 'TLSv1' },
  { key: 'tls11', version: 'TLSv1.1' },
  { key: 'tls12', version: 'TLSv1.2' },
  { key: 'tls13', version: 'TLSv1.3' },
];

export interface TlsVersionOptions {
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  /** OpenSSL cipher string; set only when legacy versions need a lower security level. */
  ciphers?: string;
}

/** Checks that the enabled versions form a usable, unbroken range (Node.js cannot skip one). */
export function validateTlsVersions(tls: ManagementConfig['tls']): FieldError[] {
  const enabled = ORDER.filter((entry) => tls[entry.key]);
  if (enabled.length === 0) {
    return [{ field: 'tls.tls12', message: 'at least one of TLS 1.3, 1.2, 1.1 and 1.0 must be on; SSL 3.0 alone cannot serve HTTPS', title: 'TLS/SSL Encryption Setup' }];
  }
  const first = ORDER.indexOf(enabled[0]!);
  const last = ORDER.indexOf(enabled[enabled.length - 1]!);
  const gap = ORDER.slice(first, last + 1).find((entry) => !tls[entry.key]);
  if (gap) return [{ field: `tls.${gap.key}`, message: 'must be on when both an older and a newer TLS version are on', title: 'TLS/SSL Encryption Setup' }];
  return [];
}

export function tlsVersionOptions(tls: ManagementConfig['tls']): TlsVersionOptions {
  const enabled = ORDER.filter((entry) => tls[entry.key]);
  const minVersion = enabled[0]?.version ?? 'TLSv1.2';
  const maxVersion = enabled[enabled.length - 1]?.version ?? 'TLSv1.3';
  const legacy = tls.tls10 || tls.tls11;
  return legacy ? { minVersion, maxVersion, ciphers: 'DEFAULT@SECLEVEL=0' } : { minVersion, maxVersion };
}
