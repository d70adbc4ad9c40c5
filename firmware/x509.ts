/**
 * X.509 certificates for the router's HTTPS service and for the lab CA: ECDSA P-256 keys, SHA-256
 * signatures. Every time comes from the caller (the lab clock), so nothing here reads Date.now().
 */
// @peculiar/x509 decorates its ASN.1 classes, which needs reflect-metadata loaded before it.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Maximum leaf validity. Since 1 September 2020 the Apple and Google root store policies reject
 * publicly trusted TLS certificates valid for more than 398 days, so public CAs issue at most 397
 * (GlobalSign support article "397 Day Maximum TLS Certificate Validity").
 */
export const MAX_LEAF_VALIDITY_DAYS = 397;

/**
 * Subject organization of the router's own certificate, the vendor's company name.
 * NOTE: the other subject fields of a real Vigor factory certificate are not reproduced.
 */
export const ROUTER_ORGANIZATION = 'DrayTek Corp.';

export interface KeyPair {
  /** PKCS#8 PEM of the private key. */
  privateKeyPem: string;
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}

export interface CertificateRequest {
  commonName: string;
  organization?: string;
  /** Subject Alternative Name DNS entries. Wildcards such as `*.example.com` are allowed. */
  dnsNames?: string[];
  /** Subject Alternative Name IP entries, IPv4 or IPv6. */
  ipAddresses?: string[];
  publicKey: CryptoKey;
  /**
   * Signer. `certPem` is the issuer's certificate. Without it the certificate is self-signed, so
   * `privateKey` must belong to `publicKey`.
   */
  issuer: { certPem?: string; privateKey: CryptoKey };
  notBefore: Date;
  notAfter: Date;
  /** Whether to make a CA certificate with pathLen 0, which signs leaf certificates only. A leaf gets serverAuth. */
  isCa: boolean;
}

export interface SelfSignedRequest {
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
  organization?: string;
}

export interface CertificateInfo {
  subjectCommonName: string | null;
  issuerCommonName: string | null;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 over the DER certificate, colon-separated upper-case hex as Node's `fingerprint256`. */
  sha256Fingerprint: string;
}

export async function generateKeyPair(): Promise<KeyPair> {
  const { publicKey, privateKey } = (await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', privateKey);
  return { privateKeyPem: endWithNewline(x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')), publicKey, privateKey };
}

/** Imports a PKCS#8 PEM P-256 private key and derives its public key. Throws for any other key. */
export async function importKeyPair(privateKeyPem: string): Promise<KeyPair> {
  const pkcs8 = x509.PemConverter.decodeFirst(privateKeyPem);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, EC_KEY, true, ['sign']);
  const spki = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' });
  const publicKey = await webcrypto.subtle.importKey('spki', spki, EC_KEY, true, ['verify']);
  return { privateKeyPem, publicKey, privateKey };
}

/** Creates the router's own certificate with a new key, as a Vigor ships one. */
export async function createSelfSigned(request: SelfSignedRequest): Promise<{ certPem: string; keyPem: string }> {
  const keys = await generateKeyPair();
  const certPem = await createCertificate({
    commonName: request.commonName,
    organization: request.organization ?? ROUTER_ORGANIZATION,
    dnsNames: request.dnsNames,
    ipAddresses: request.ipAddresses,
    publicKey: keys.publicKey,
    issuer: { privateKey: keys.privateKey },
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    isCa: false,
  });
  return { certPem, keyPem: keys.privateKeyPem };
}

/** Creates and signs a certificate and returns its PEM. Throws RangeError for an invalid request. */
export async function createCertificate(request: CertificateRequest): Promise<string> {
  validateRequest(request);
  const issuerCert = request.issuer.certPem === undefined ? undefined : new x509.X509Certificate(request.issuer.certPem);
  const subject = subjectName(request.commonName, request.organization);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject,
    issuer: issuerCert ? issuerCert.subjectName : subject,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    publicKey: request.publicKey,
    signingKey: request.issuer.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: await buildExtensions(request, issuerCert),
  });
  return endWithNewline(certificate.toString('pem'));
}

/**
 * Parsed certificates by PEM text. Every router checks its certificates' expiry once a lab day, and
 * parsing one with @peculiar/x509 took about 2 ms on the machine of docs/benchmarks.md, which made
 * long clock advances slow.
 */
const parsedCertificates = new Map<string, CertificateInfo>();
const PARSED_CERTIFICATES_KEPT = 1000;

/** Returns the fields of a certificate; throws for a PEM that is not a certificate. */
export function certificateInfo(pem: string): CertificateInfo {
  let info = parsedCertificates.get(pem);
  if (!info) {
    info = parseCertificate(pem);
    // Forgets the oldest entry first. A lab has a few certificates per router.
    if (parsedCertificates.size >= PARSED_CERTIFICATES_KEPT) parsedCertificates.delete(parsedCertificates.keys().next().value!);
    parsedCertificates.set(pem, info);
  }
  // A copy, so that a caller changing its Dates or arrays cannot change what later callers get.
  return { ...info, dnsNames: [...info.dnsNames], ipAddresses: [...info.ipAddresses], notBefore: new Date(info.notBefore), notAfter: new Date(info.notAfter) };
}

function parseCertificate(pem: string): CertificateInfo {
  const certificate = new x509.X509Certificate(pem);
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  const names = san ? san.names.items : [];
  const digest = createHash('sha256').update(new Uint8Array(certificate.rawData)).digest('hex');
  return {
    subjectCommonName: certificate.subjectName.getField('CN')[0] ?? null,
    issuerCommonName: certificate.issuerName.getField('CN')[0] ?? null,
    dnsNames: names.filter((name) => name.type === 'dns').map((name) => name.value),
    ipAddresses: names.filter((name) => name.type === 'ip').map((name) => name.value),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    sha256Fingerprint: digest.toUpperCase().match(/../g)!.join(':'),
  };
}

/**
 * Returns base64 of SHA-256 over the DER SubjectPublicKeyInfo of a certificate, public key or
 * private key PEM: the form of Chromium's --ignore-certificate-errors-spki-list and of HPKP pins.
 */
export function spkiSha256Base64(pem: string): string {
  const spki = pem.includes('CERTIFICATE-----')
    ? new Uint8Array(new x509.X509Certificate(pem).publicKey.rawData)
    : createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** Adds the final newline that @peculiar/x509 leaves out, so PEM strings concatenate into a valid chain. */
function endWithNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

function validateRequest(request: CertificateRequest): void {
  const validityMs = request.notAfter.getTime() - request.notBefore.getTime();
  if (!(validityMs > 0)) {
    throw new RangeError(`Invalid certificate validity: notAfter ${request.notAfter.toISOString()} is not after notBefore ${request.notBefore.toISOString()}`);
  }
  // Counts both the notBefore and the notAfter second (the stricter reading), so 397 days end 1 s early.
  if (!request.isCa && validityMs + 1000 > MAX_LEAF_VALIDITY_DAYS * DAY_MS) {
    throw new RangeError(`Invalid certificate validity for ${request.commonName}: a leaf certificate may be valid for at most ${MAX_LEAF_VALIDITY_DAYS} days`);
  }
  const dnsNames = request.dnsNames ?? [];
  const ipAddresses = request.ipAddresses ?? [];
  if (!request.isCa && dnsNames.length + ipAddresses.length === 0) {
    throw new RangeError(`Missing subject alternative names for ${request.commonName}: browsers ignore the common name, so a leaf needs at least one DNS name or IP address`);
  }
  for (const name of dnsNames) {
    if (!isDnsName(name)) throw new RangeError(`Invalid DNS name ${JSON.stringify(name)}: expected a host name such as router.example.com or *.example.com`);
  }
  for (const address of ipAddresses) {
    if (isIP(address) === 0) throw new RangeError(`Invalid IP address ${JSON.stringify(address)}: expected IPv4 or IPv6`);
  }
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (labels[0] === '*' && labels.length > 2) labels.shift();
  return labels.every((label) => DNS_LABEL.test(label));
}

/** Copies the issuer's Subject Key Identifier, so the pair matches even if a CA computed it differently. */
async function authorityKeyIdentifier(publicKey: CryptoKey, issuerCert: x509.X509Certificate | undefined): Promise<x509.AuthorityKeyIdentifierExtension> {
  const issuerKeyId = issuerCert?.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (issuerKeyId !== undefined) return new x509.AuthorityKeyIdentifierExtension(issuerKeyId);
  return x509.AuthorityKeyIdentifierExtension.create(issuerCert ?? publicKey);
}

function subjectName(commonName: string, organization: string | undefined): x509.JsonName {
  return organization === undefined ? [{ CN: [commonName] }] : [{ O: [organization] }, { CN: [commonName] }];
}

/**
 * Returns 16 random bytes as hex. RFC 5280 section 4.1.2.2 requires a positive serial number of at
 * most 20 octets. A first byte in 0x01..0x7f keeps the DER INTEGER positive and exactly 16 octets long.
 */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

async function buildExtensions(request: CertificateRequest, issuerCert: x509.X509Certificate | undefined): Promise<x509.Extension[]> {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(request.isCa, request.isCa ? 0 : undefined, true),
    new x509.KeyUsagesExtension(request.isCa ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(request.publicKey),
    await authorityKeyIdentifier(request.publicKey, issuerCert),
  ];
  if (!request.isCa) extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]));
  const generalNames = [
    ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (generalNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(generalNames));
  return extensions;
}
