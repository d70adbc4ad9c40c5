/**
 * The HTTPS certificate for the router's DrayDDNS name. DrayDDNS gets it from Let's Encrypt for
 * its customers; the lab's DrayDDNS issues it from the lab CA at `POST /api/v1/certificate`. It is
 * kept on flash with its key sealed and renewed when less than 30 days remain.
 */
import type { RouterHardware } from '../../../hal';
import { deriveKey, seal, unseal } from '../../crypto';
import { httpFetch } from '../../http';
import { providerById } from './providers';
import type { DdnsAccount } from './schema';

export const DDNS_CERTIFICATE_FILE = 'ddns-certificate.json';
const RENEW_BEFORE_MS = 30 * 86_400_000;

export interface DdnsCertificate {
  hostname: string;
  /** Leaf and chain, PEM. */
  chainPem: string;
  keyPem: string;
  /** Lab time (ms) the certificate expires. */
  notAfter: number;
}

interface StoredCertificate {
  hostname: string;
  chainPem: string;
  sealedKeyPem: string;
  notAfter: number;
}

export async function loadDdnsCertificate(hardware: RouterHardware): Promise<DdnsCertificate | undefined> {
  const stored = await hardware.flash.file<StoredCertificate>(DDNS_CERTIFICATE_FILE).read();
  if (stored.status !== 'ok') return undefined;
  try {
    const keyPem = unseal(stored.data.sealedKeyPem, deriveKey(hardware.board.deviceKey, 'certificate-key'));
    return { hostname: stored.data.hostname, chainPem: stored.data.chainPem, keyPem, notAfter: stored.data.notAfter };
  } catch {
    return undefined;
  }
}

/** Gets a certificate for `hostname` unless a valid one is stored; returns the new one, or undefined when none was needed. */
export async function fetchDdnsCertificate(hardware: RouterHardware, account: DdnsAccount, hostname: string): Promise<DdnsCertificate | undefined> {
  const current = await loadDdnsCertificate(hardware);
  if (current && current.hostname === hostname && current.notAfter - hardware.clock.now() > RENEW_BEFORE_MS) return undefined;

  const host = providerById(account.provider).updateHost;
  const reply = await httpFetch(hardware, `https://${host}/api/v1/certificate`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${account.login}:${account.password}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ hostname }).toString(),
  });
  let parsed: { chainPem?: string; keyPem?: string; notAfter?: string | number; error?: { message?: string } | string };
  try {
    parsed = JSON.parse(reply.body);
  } catch {
    throw new Error(`${host} replied HTTP ${reply.status} without JSON`);
  }
  if (reply.status !== 200 || !parsed.chainPem || !parsed.keyPem) {
    const reason = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? `HTTP ${reply.status}`);
    throw new Error(`${host} refused: ${reason}`);
  }

  const certificate: DdnsCertificate = { hostname, chainPem: parsed.chainPem, keyPem: parsed.keyPem, notAfter: new Date(parsed.notAfter ?? 0).getTime() };
  const sealedKeyPem = seal(certificate.keyPem, deriveKey(hardware.board.deviceKey, 'certificate-key'));
  await hardware.flash.file<StoredCertificate>(DDNS_CERTIFICATE_FILE).write({ hostname, chainPem: certificate.chainPem, sealedKeyPem, notAfter: certificate.notAfter });
  return certificate;
}
