/**
 * The router's own HTTPS certificate: self-signed, as a Vigor ships, created at first boot and
 * kept on flash with its private key sealed by the device key. It is renewed at boot when it has
 * expired on the router's clock.
 */
import type { RouterHardware } from '../hal';
import { deriveKey, seal, unseal } from './crypto';
import { certificateInfo, createSelfSigned, MAX_LEAF_VALIDITY_DAYS } from './x509';

export const CERTIFICATE_FILE = 'certificate.json';
const DAY_MS = 86_400_000;

interface StoredCertificate {
  certPem: string;
  sealedKeyPem: string;
}

export interface RouterCertificate {
  certPem: string;
  keyPem: string;
}

export async function loadRouterCertificate(hardware: RouterHardware, lanAddress: string): Promise<RouterCertificate> {
  const key = deriveKey(hardware.board.deviceKey, 'certificate-key');
  const file = hardware.flash.file<StoredCertificate>(CERTIFICATE_FILE);
  const stored = await file.read();
  const now = hardware.clock.now();

  if (stored.status === 'ok') {
    try {
      const info = certificateInfo(stored.data.certPem);
      if (info.notAfter.getTime() > now && info.ipAddresses.includes(lanAddress)) {
        return { certPem: stored.data.certPem, keyPem: unseal(stored.data.sealedKeyPem, key) };
      }
    } catch {
      // An unreadable or foreign certificate is replaced below, as the router would regenerate it.
    }
  }

  // Valid from a day back, so that a client whose clock is slightly behind the router's accepts it.
  const notBefore = new Date(now - DAY_MS);
  const created = await createSelfSigned({
    commonName: hardware.board.model,
    dnsNames: [],
    ipAddresses: [lanAddress],
    notBefore,
    notAfter: new Date(notBefore.getTime() + (MAX_LEAF_VALIDITY_DAYS - 1) * DAY_MS),
  });
  await file.write({ certPem: created.certPem, sealedKeyPem: seal(created.keyPem, key) });
  return created;
}
