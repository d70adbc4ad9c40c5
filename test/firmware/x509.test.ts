// @peculiar/x509 needs reflect-metadata loaded before it.
import 'reflect-metadata';
import { X509Certificate as NodeCertificate, createHash, createPrivateKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {
  MAX_LEAF_VALIDITY_DAYS,
  certificateInfo,
  createCertificate,
  createSelfSigned,
  generateKeyPair,
  importKeyPair,
  spkiSha256Base64,
  type CertificateRequest,
} from '../../firmware/x509';
import { fetchOverTls, startHttpsServer } from '../helpers/tls';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Whole seconds, because X.509 times have one-second precision. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);

function nodeSpkiHash(pem: string): string {
  const spki = new NodeCertificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

function routerCertificate(overrides: Partial<Parameters<typeof createSelfSigned>[0]> = {}) {
  return createSelfSigned({
    commonName: 'Vigor2927',
    dnsNames: ['vigor.example.com'],
    ipAddresses: ['127.0.0.1', '192.168.1.1'],
    notBefore: NOW,
    notAfter: new Date(NOW.getTime() + 365 * DAY_MS),
    ...overrides,
  });
}

async function leafRequest(overrides: Partial<CertificateRequest> = {}): Promise<CertificateRequest> {
  const keys = await generateKeyPair();
  return {
    commonName: 'mail.example.com',
    dnsNames: ['mail.example.com'],
    publicKey: keys.publicKey,
    issuer: { privateKey: keys.privateKey },
    notBefore: NOW,
    notAfter: new Date(NOW.getTime() + 90 * DAY_MS),
    isCa: false,
    ...overrides,
  };
}

describe('generateKeyPair', () => {
  test('exports a P-256 PKCS#8 PEM', async () => {
    const keys = await generateKeyPair();

    expect(keys.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPrivateKey(keys.privateKeyPem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(keys.publicKey.type).toBe('public');
    expect(keys.privateKey.type).toBe('private');
  });

  test('PEM imports back to the same key', async () => {
    const keys = await generateKeyPair();

    const imported = await importKeyPair(keys.privateKeyPem);

    expect(spkiSha256Base64(imported.privateKeyPem)).toBe(spkiSha256Base64(keys.privateKeyPem));
    expect(imported.publicKey.type).toBe('public');
  });

  test('import rejects a non-key PEM', async () => {
    await expect(importKeyPair('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).rejects.toThrow();
  });
});

describe('createSelfSigned', () => {
  test('router certificate has DrayTek subject and all names', async () => {
    const { certPem } = await routerCertificate();
    const info = certificateInfo(certPem);
    const node = new NodeCertificate(certPem);

    expect(info.subjectCommonName).toBe('Vigor2927');
    expect(info.issuerCommonName).toBe('Vigor2927');
    expect(node.subject).toContain('O=DrayTek Corp.');
    expect(info.dnsNames).toEqual(['vigor.example.com']);
    expect(info.ipAddresses).toEqual(['127.0.0.1', '192.168.1.1']);
    expect(node.issuer).toBe(node.subject);
    expect(node.verify(node.publicKey)).toBe(true);
  });

  test('organization can be overridden', async () => {
    const { certPem } = await routerCertificate({ organization: 'Training Ltd' });

    expect(new NodeCertificate(certPem).subject).toContain('O=Training Ltd');
  });

  test('times come from the parameters', async () => {
    const notBefore = new Date('2030-02-01T10:00:00.000Z');
    const notAfter = new Date('2031-01-01T10:00:00.000Z');

    const info = certificateInfo((await routerCertificate({ notBefore, notAfter })).certPem);

    expect(info.notBefore).toEqual(notBefore);
    expect(info.notAfter).toEqual(notAfter);
  });

  test('HTTPS works when the client trusts it', async () => {
    const { certPem, keyPem } = await routerCertificate();
    const server = await startHttpsServer(keyPem, certPem);
    try {
      await expect(fetchOverTls(server.port, { ca: certPem })).resolves.toBe('hello over TLS');
      await expect(fetchOverTls(server.port, { ca: certPem, servername: 'vigor.example.com' })).resolves.toBe('hello over TLS');
      await expect(fetchOverTls(server.port, {})).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    } finally {
      await server.close();
    }
  });
});

describe('createCertificate', () => {
  test('leaf has serverAuth, key identifiers and a 16-byte serial', async () => {
    const certPem = await createCertificate(await leafRequest());
    const certificate = new x509.X509Certificate(certPem);
    const node = new NodeCertificate(certPem);

    expect(node.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(node.ca).toBe(false);
    expect(node.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/);
    expect(certificate.getExtension(x509.SubjectKeyIdentifierExtension)).not.toBeNull();
    expect(certificate.getExtension(x509.AuthorityKeyIdentifierExtension)).not.toBeNull();
    expect(certificate.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
  });

  test('serial numbers differ', async () => {
    const request = await leafRequest();

    const first = new NodeCertificate(await createCertificate(request));
    const second = new NodeCertificate(await createCertificate(request));

    expect(first.serialNumber).not.toBe(second.serialNumber);
  });

  test('issued leaf chains to its CA', async () => {
    const caKeys = await generateKeyPair();
    const caPem = await createCertificate({
      commonName: 'Test CA',
      publicKey: caKeys.publicKey,
      issuer: { privateKey: caKeys.privateKey },
      notBefore: NOW,
      notAfter: new Date(NOW.getTime() + 3650 * DAY_MS),
      isCa: true,
    });
    const leafPem = await createCertificate(await leafRequest({ issuer: { certPem: caPem, privateKey: caKeys.privateKey } }));
    const ca = new x509.X509Certificate(caPem);
    const leaf = new x509.X509Certificate(leafPem);

    expect(new NodeCertificate(leafPem).checkIssued(new NodeCertificate(caPem))).toBe(true);
    expect(new NodeCertificate(leafPem).verify(new NodeCertificate(caPem).publicKey)).toBe(true);
    expect(certificateInfo(leafPem).issuerCommonName).toBe('Test CA');
    expect(leaf.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
    expect(ca.getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: true, pathLength: 0 });
  });

  test('leaf validity limit is 397 days', async () => {
    const longest = new Date(NOW.getTime() + MAX_LEAF_VALIDITY_DAYS * DAY_MS - 1000);

    await expect(createCertificate(await leafRequest({ notAfter: longest }))).resolves.toMatch(/CERTIFICATE/);
    await expect(createCertificate(await leafRequest({ notAfter: new Date(longest.getTime() + 1000) }))).rejects.toThrow(/at most 397 days/);
  });

  test('notAfter before notBefore is rejected', async () => {
    await expect(createCertificate(await leafRequest({ notAfter: new Date(NOW.getTime() - 1000) }))).rejects.toThrow(/is not after notBefore/);
  });

  test('leaf without names is rejected', async () => {
    await expect(createCertificate(await leafRequest({ dnsNames: [] }))).rejects.toThrow(/at least one DNS name or IP address/);
  });

  test('invalid names are rejected', async () => {
    await expect(createCertificate(await leafRequest({ dnsNames: ['bad name.example'] }))).rejects.toThrow(/Invalid DNS name "bad name.example"/);
    await expect(createCertificate(await leafRequest({ ipAddresses: ['300.1.1.1'] }))).rejects.toThrow(/Invalid IP address "300.1.1.1"/);
  });

  test('wildcard name is accepted', async () => {
    const certPem = await createCertificate(await leafRequest({ dnsNames: ['*.example.com'] }));

    expect(certificateInfo(certPem).dnsNames).toEqual(['*.example.com']);
  });
});

describe('certificateInfo', () => {
  test('fingerprint matches Node', async () => {
    const { certPem } = await routerCertificate();

    expect(certificateInfo(certPem).sha256Fingerprint).toBe(new NodeCertificate(certPem).fingerprint256);
  });

  test('garbage is rejected', () => {
    expect(() => certificateInfo('not a certificate')).toThrow();
  });

  test('repeated call returns an unchanged copy', async () => {
    const { certPem } = await routerCertificate();
    const first = certificateInfo(certPem);
    const expected = structuredClone(first);
    first.notAfter.setTime(0);
    first.dnsNames.push('changed.example.com');
    first.ipAddresses.length = 0;

    expect(certificateInfo(certPem)).toEqual(expected);
  });
});

describe('spkiSha256Base64', () => {
  test('matches the SPKI hash Node computes', async () => {
    const { certPem, keyPem } = await routerCertificate();

    expect(spkiSha256Base64(certPem)).toBe(nodeSpkiHash(certPem));
    expect(spkiSha256Base64(keyPem)).toBe(nodeSpkiHash(certPem));
  });
});
