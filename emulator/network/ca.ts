/**
 * The lab's own certificate authority. It signs the certificates of the emulated services and of
 * the routers' DDNS names, so a browser that trusts the CA (or the two SPKI hashes) accepts every
 * lab site. The CA lives in one directory per data directory, or only in memory for an ephemeral lab.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { MAX_LEAF_VALIDITY_DAYS, certificateInfo, createCertificate, generateKeyPair, importKeyPair, spkiSha256Base64, type KeyPair } from '../../firmware/x509';

export const CA_COMMON_NAME = 'vigor-sim Lab Root CA';
const CA_VALIDITY_YEARS = 10;
/** A cached leaf certificate is re-issued once it has this many days or fewer left. */
const RENEW_BEFORE_DAYS = 30;
/** New certificates start this long before `now`, so a client clock a little behind the lab clock accepts them. */
const BACKDATE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const CA_CERT_FILE = 'ca.crt';
const CA_KEY_FILE = 'ca.key';
const LEAF_KEY_FILE = 'leaf.key';
const ISSUED_DIR = 'issued';

export interface IssuedCertificate {
  certPem: string;
  /** PKCS#8 PEM of the leaf key that every certificate of this CA shares. */
  keyPem: string;
  /** The leaf certificate followed by the CA certificate. */
  chainPem: string;
}

/** Error for a CA file that cannot be read or used. The message names the file and how to recover. */
export class LabCaError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`Lab CA file ${file} ${problem}. Delete the directory ${path.dirname(file)} to create a new lab CA; browsers that trusted the old CA must then trust the new one.`);
    this.name = 'LabCaError';
  }
}

interface CaMaterial {
  certPem: string;
  keys: KeyPair;
  leafKeys: KeyPair;
}

export class LabCa {
  private readonly issued = new Map<string, IssuedCertificate>();
  private readonly pending = new Map<string, Promise<IssuedCertificate>>();
  private readonly hashes: string[];

  private constructor(
    private readonly dir: string | null,
    private readonly material: CaMaterial,
  ) {
    this.hashes = [spkiSha256Base64(material.certPem), spkiSha256Base64(material.leafKeys.privateKeyPem)];
  }

  /**
   * Loads the CA kept in `dir`, or creates it there on first use. With `dir` null a new CA lives in
   * memory only. Throws LabCaError when an existing CA file is unreadable, corrupt or expired.
   */
  static async open(dir: string | null, now: Date): Promise<LabCa> {
    if (dir === null) return new LabCa(null, await createCa(now));
    const existing = await loadCa(dir, now);
    if (existing) return new LabCa(dir, existing);
    const created = await createCa(now);
    await saveCa(dir, created);
    return new LabCa(dir, created);
  }

  caPem(): string {
    return this.material.certPem;
  }

  /** SHA-256 SPKI hashes (base64) of the CA key and of the shared leaf key, for --ignore-certificate-errors-spki-list. */
  spkiHashes(): string[] {
    return [...this.hashes];
  }

  /**
   * Returns a certificate for `names`, which are host names or IP addresses. The first name becomes
   * the common name. A cached certificate for the same names is reused while it has more than
   * RENEW_BEFORE_DAYS left at `now`. Otherwise a new one is issued and cached.
   */
  async issue(names: string[], now: Date): Promise<IssuedCertificate> {
    const normalized = normalizeNames(names);
    const cacheKey = [...normalized].sort().join(' ');
    const inFlight = this.pending.get(cacheKey);
    if (inFlight) return inFlight;
    const request = this.reuseOrIssue(normalized, cacheKey, now).finally(() => this.pending.delete(cacheKey));
    this.pending.set(cacheKey, request);
    return request;
  }

  /**
   * Issues a certificate for a customer's names (a router's DrayDDNS name) with a key pair of its
   * own. It is not cached, and its key is not the shared one of the lab's own sites, so the router
   * that receives it cannot stand in for an emulated service.
   */
  async issueForCustomer(names: string[], now: Date): Promise<IssuedCertificate> {
    const normalized = normalizeNames(names);
    const keys = await generateKeyPair();
    const certPem = await this.sign(normalized, now, keys.publicKey);
    return { certPem, keyPem: keys.privateKeyPem, chainPem: certPem + this.material.certPem };
  }

  private async reuseOrIssue(names: string[], cacheKey: string, now: Date): Promise<IssuedCertificate> {
    const cached = this.issued.get(cacheKey) ?? (await this.readIssued(names[0]!));
    if (cached && this.isReusable(cached.certPem, names, now)) {
      this.issued.set(cacheKey, cached);
      return cached;
    }
    const certPem = await this.sign(names, now);
    const certificate = { certPem, keyPem: this.material.leafKeys.privateKeyPem, chainPem: certPem + this.material.certPem };
    this.issued.set(cacheKey, certificate);
    await this.writeIssued(names[0]!, certificate);
    return certificate;
  }

  private async sign(names: string[], now: Date, publicKey: CryptoKey = this.material.leafKeys.publicKey): Promise<string> {
    const notBefore = new Date(now.getTime() - BACKDATE_MS);
    const caNotAfter = certificateInfo(this.material.certPem).notAfter;
    const leafNotAfter = new Date(notBefore.getTime() + MAX_LEAF_VALIDITY_DAYS * DAY_MS - 1000);
    return createCertificate({
      commonName: names[0]!,
      dnsNames: names.filter((name) => isIP(name) === 0),
      ipAddresses: names.filter((name) => isIP(name) !== 0),
      publicKey,
      issuer: { certPem: this.material.certPem, privateKey: this.material.keys.privateKey },
      notBefore,
      notAfter: leafNotAfter < caNotAfter ? leafNotAfter : caNotAfter,
      isCa: false,
    });
  }

  /** Checks that the certificate covers exactly `names`, uses the shared leaf key and stays valid long enough. */
  private isReusable(certPem: string, names: string[], now: Date): boolean {
    let info;
    try {
      info = certificateInfo(certPem);
    } catch {
      return false; // A damaged copy on disk is issued again.
    }
    const covered = [...info.dnsNames, ...info.ipAddresses].map((name) => name.toLowerCase()).sort();
    const sameNames = covered.join(' ') === [...names].sort().join(' ');
    const daysLeft = (info.notAfter.getTime() - now.getTime()) / DAY_MS;
    const sameKey = spkiSha256Base64(certPem) === this.hashes[1];
    return sameNames && sameKey && info.notBefore <= now && daysLeft > RENEW_BEFORE_DAYS;
  }

  private async readIssued(firstName: string): Promise<IssuedCertificate | undefined> {
    if (this.dir === null) return undefined;
    const certPem = await readOptional(path.join(this.dir, ISSUED_DIR, `${fileStem(firstName)}.crt`));
    if (certPem === null) return undefined;
    return { certPem, keyPem: this.material.leafKeys.privateKeyPem, chainPem: certPem + this.material.certPem };
  }

  private async writeIssued(firstName: string, certificate: IssuedCertificate): Promise<void> {
    if (this.dir === null) return;
    const issuedDir = path.join(this.dir, ISSUED_DIR);
    await mkdir(issuedDir, { recursive: true, mode: 0o700 });
    await writeAtomically(path.join(issuedDir, `${fileStem(firstName)}.key`), certificate.keyPem, 0o600);
    await writeAtomically(path.join(issuedDir, `${fileStem(firstName)}.crt`), certificate.certPem, 0o644);
  }
}

async function createCa(now: Date): Promise<CaMaterial> {
  const keys = await generateKeyPair();
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_VALIDITY_YEARS);
  const certPem = await createCertificate({
    commonName: CA_COMMON_NAME,
    publicKey: keys.publicKey,
    issuer: { privateKey: keys.privateKey },
    notBefore,
    notAfter,
    isCa: true,
  });
  return { certPem, keys, leafKeys: await generateKeyPair() };
}

/** Writes the keys before ca.crt, so a ca.crt on disk always has its keys beside it. */
async function saveCa(dir: string, material: CaMaterial): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeAtomically(path.join(dir, CA_KEY_FILE), material.keys.privateKeyPem, 0o600);
    await writeAtomically(path.join(dir, LEAF_KEY_FILE), material.leafKeys.privateKeyPem, 0o600);
    await writeAtomically(path.join(dir, CA_CERT_FILE), material.certPem, 0o644);
  } catch (error) {
    throw new Error(`Failed to create the lab CA in ${dir}: ${(error as Error).message}. Check that the data directory is writable.`, { cause: error });
  }
}

/** Returns the CA kept in `dir`, or null when there is none yet (no ca.crt). */
async function loadCa(dir: string, now: Date): Promise<CaMaterial | null> {
  const certFile = path.join(dir, CA_CERT_FILE);
  const certPem = await readCaFile(certFile);
  if (certPem === null) return null;
  const notAfter = parseCaCertificate(certFile, certPem);
  if (notAfter <= now) throw new LabCaError(certFile, `expired on ${notAfter.toISOString()}`);
  const keys = await readKeyFile(path.join(dir, CA_KEY_FILE));
  if (spkiSha256Base64(keys.privateKeyPem) !== spkiSha256Base64(certPem)) {
    throw new LabCaError(path.join(dir, CA_KEY_FILE), `does not contain the key of ${certFile}`);
  }
  const leafKeys = await readKeyFile(path.join(dir, LEAF_KEY_FILE));
  return { certPem, keys, leafKeys };
}

/** Returns the notAfter of the CA certificate. Throws LabCaError unless it is a lab CA certificate. */
function parseCaCertificate(file: string, certPem: string): Date {
  let info;
  try {
    info = certificateInfo(certPem);
  } catch (error) {
    throw new LabCaError(file, `is corrupt (${(error as Error).message})`);
  }
  if (info.subjectCommonName !== CA_COMMON_NAME) {
    throw new LabCaError(file, `is not a ${CA_COMMON_NAME} certificate (subject CN ${JSON.stringify(info.subjectCommonName)})`);
  }
  return info.notAfter;
}

async function readKeyFile(file: string): Promise<KeyPair> {
  const pem = await readCaFile(file);
  if (pem === null) throw new LabCaError(file, 'is missing');
  try {
    return await importKeyPair(pem);
  } catch (error) {
    throw new LabCaError(file, `is corrupt or not a P-256 private key (${(error as Error).message})`);
  }
}

async function readCaFile(file: string): Promise<string | null> {
  try {
    return await readOptional(file);
  } catch (error) {
    throw new LabCaError(file, `cannot be read (${(error as Error).message})`);
  }
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Writes through a temporary file and a rename, so a killed process leaves the old file or the new one. */
async function writeAtomically(file: string, data: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, data, { mode });
  await rename(temporary, file);
}

function normalizeNames(names: string[]): string[] {
  const normalized = [...new Set(names.map((name) => name.trim().toLowerCase().replace(/\.$/, '')))];
  if (normalized.length === 0) throw new RangeError('Missing names: a lab certificate needs at least one host name or IP address');
  return normalized;
}

/** File name for a host name or IP address; `*` and the colons of IPv6 are not portable in file names. */
function fileStem(name: string): string {
  return name.replace(/[^a-z0-9.-]/g, '_');
}
