// @peculiar/x509 needs reflect-metadata loaded before it.
import 'reflect-metadata';
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { CA_COMMON_NAME, LabCa, LabCaError } from '../../emulator/network/ca';
import { certificateInfo, spkiSha256Base64 } from '../../firmware/x509';
import { fetchOverTls, startHttpsServer } from '../helpers/tls';

const DAY_MS = 24 * 60 * 60 * 1000;
const MICROSOFT = 'login.microsoftonline.com';

function daysLater(start: Date, days: number): Date {
  return new Date(start.getTime() + days * DAY_MS);
}

describe('LabCa', () => {
  const directories: string[] = [];
  const now = new Date();

  function temporaryDir(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigor-ca-'));
    directories.push(dir);
    return path.join(dir, 'lab', 'ca');
  }

  afterAll(() => {
    for (const dir of directories) rmSync(dir, { recursive: true, force: true });
  });

  describe('HTTPS with an issued certificate', () => {
    let lab: LabCa;
    let server: Awaited<ReturnType<typeof startHttpsServer>>;

    beforeAll(async () => {
      lab = await LabCa.open(temporaryDir(), now);
      const issued = await lab.issue([MICROSOFT], now);
      server = await startHttpsServer(issued.keyPem, issued.chainPem);
    });

    afterAll(() => server.close());

    test('client trusting the CA connects', async () => {
      await expect(fetchOverTls(server.port, { ca: lab.caPem(), servername: MICROSOFT })).resolves.toBe('hello over TLS');
    });

    test('other server name fails the hostname check', async () => {
      await expect(fetchOverTls(server.port, { ca: lab.caPem(), servername: 'other.example' })).rejects.toMatchObject({
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      });
    });

    test('client without the CA rejects the chain', async () => {
      await expect(fetchOverTls(server.port, { servername: MICROSOFT })).rejects.toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    });
  });

  test('IP address names work', async () => {
    const lab = await LabCa.open(null, now);
    const issued = await lab.issue(['127.0.0.1', '::1'], now);
    const server = await startHttpsServer(issued.keyPem, issued.chainPem);
    try {
      await expect(fetchOverTls(server.port, { ca: lab.caPem() })).resolves.toBe('hello over TLS');
      expect(await lab.issue(['127.0.0.1', '::1'], now)).toBe(issued);
    } finally {
      await server.close();
    }
  });

  test('CA certificate is a 10-year root', async () => {
    const lab = await LabCa.open(null, now);
    const info = certificateInfo(lab.caPem());
    const ca = new x509.X509Certificate(lab.caPem());

    expect(info.subjectCommonName).toBe(CA_COMMON_NAME);
    expect(info.issuerCommonName).toBe(CA_COMMON_NAME);
    expect(info.notAfter.getUTCFullYear() - info.notBefore.getUTCFullYear()).toBe(10);
    expect(ca.getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: true, pathLength: 0, critical: true });
    expect(ca.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  });

  test('leaf covers names and lasts 397 days', async () => {
    const lab = await LabCa.open(null, now);

    const issued = await lab.issue([MICROSOFT, 'login.live.com'], now);
    const info = certificateInfo(issued.certPem);

    expect(info.subjectCommonName).toBe(MICROSOFT);
    expect(info.issuerCommonName).toBe(CA_COMMON_NAME);
    expect(info.dnsNames).toEqual([MICROSOFT, 'login.live.com']);
    expect(info.notAfter.getTime() - info.notBefore.getTime()).toBe(397 * DAY_MS - 1000);
    expect(issued.chainPem).toBe(issued.certPem + lab.caPem());
    expect(new NodeCertificate(issued.certPem).verify(new NodeCertificate(lab.caPem()).publicKey)).toBe(true);
  });

  test('CA persists in its directory', async () => {
    const dir = temporaryDir();
    const first = await LabCa.open(dir, now);

    const again = await LabCa.open(dir, daysLater(now, 1));
    const other = await LabCa.open(temporaryDir(), now);

    expect(again.caPem()).toBe(first.caPem());
    expect(again.spkiHashes()).toEqual(first.spkiHashes());
    expect(other.caPem()).not.toBe(first.caPem());
    expect(existsSync(path.join(dir, 'ca.crt'))).toBe(true);
  });

  (process.platform === 'win32' ? test.skip : test)('key files are private', async () => {
    const dir = temporaryDir();
    const lab = await LabCa.open(dir, now);
    await lab.issue([MICROSOFT], now);

    expect(statSync(path.join(dir, 'ca.key')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'leaf.key')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'issued', `${MICROSOFT}.key`)).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(dir, 'issued', `${MICROSOFT}.crt`))).toBe(true);
  });

  test('ephemeral CA issues certificates', async () => {
    const lab = await LabCa.open(null, now);

    const issued = await lab.issue([MICROSOFT], now);

    expect(certificateInfo(issued.certPem).dnsNames).toEqual([MICROSOFT]);
  });

  test('cached certificate is reused', async () => {
    const lab = await LabCa.open(null, now);
    const issued = await lab.issue([MICROSOFT], now);

    expect(await lab.issue([MICROSOFT], now)).toBe(issued);
    expect(await lab.issue(['LOGIN.microsoftonline.com.'], daysLater(now, 300))).toBe(issued);
  });

  test('concurrent requests share one certificate', async () => {
    const lab = await LabCa.open(null, now);

    const [first, second] = await Promise.all([lab.issue([MICROSOFT], now), lab.issue([MICROSOFT], now)]);

    expect(second).toBe(first);
  });

  test('near expiry it is re-issued', async () => {
    const lab = await LabCa.open(null, now);
    const issued = await lab.issue([MICROSOFT], now);
    const later = daysLater(now, 380);

    const renewed = await lab.issue([MICROSOFT], later);

    expect(renewed.certPem).not.toBe(issued.certPem);
    expect(certificateInfo(renewed.certPem).notAfter.getTime()).toBeGreaterThan(daysLater(later, 390).getTime());
    expect(spkiSha256Base64(renewed.certPem)).toBe(spkiSha256Base64(issued.certPem));
  });

  test('other names get another certificate', async () => {
    const lab = await LabCa.open(null, now);
    const issued = await lab.issue([MICROSOFT], now);

    const wider = await lab.issue([MICROSOFT, 'login.live.com'], now);

    expect(wider.certPem).not.toBe(issued.certPem);
    expect(await lab.issue([MICROSOFT], now)).toBe(issued);
  });

  test('issued certificate is reused from disk', async () => {
    const dir = temporaryDir();
    const issued = await (await LabCa.open(dir, now)).issue([MICROSOFT], now);

    const reopened = await LabCa.open(dir, daysLater(now, 10));

    expect((await reopened.issue([MICROSOFT], daysLater(now, 10))).certPem).toBe(issued.certPem);
  });

  test('SPKI hashes cover CA and every leaf', async () => {
    const lab = await LabCa.open(null, now);

    const microsoft = await lab.issue([MICROSOFT], now);
    const google = await lab.issue(['accounts.google.com'], now);

    expect(lab.spkiHashes()).toEqual([spkiSha256Base64(lab.caPem()), spkiSha256Base64(microsoft.certPem)]);
    expect(spkiSha256Base64(google.certPem)).toBe(lab.spkiHashes()[1]);
  });

  test('empty name list is rejected', async () => {
    const lab = await LabCa.open(null, now);

    await expect(lab.issue([], now)).rejects.toThrow(/at least one host name or IP address/);
  });

  describe('damaged CA directory', () => {
    async function damagedDir(file: string, contents: string | null): Promise<string> {
      const dir = temporaryDir();
      await LabCa.open(dir, now);
      if (contents === null) rmSync(path.join(dir, file));
      else writeFileSync(path.join(dir, file), contents);
      return dir;
    }

    test('corrupt ca.crt gives clear error', async () => {
      const dir = await damagedDir('ca.crt', '-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n');

      const opening = LabCa.open(dir, now);

      await expect(opening).rejects.toBeInstanceOf(LabCaError);
      await expect(opening).rejects.toThrow(`Lab CA file ${path.join(dir, 'ca.crt')} is corrupt`);
      await expect(opening).rejects.toThrow(`Delete the directory ${dir} to create a new lab CA`);
    });

    test('corrupt ca.key names the file', async () => {
      const dir = await damagedDir('ca.key', 'not a key');

      await expect(LabCa.open(dir, now)).rejects.toThrow(`Lab CA file ${path.join(dir, 'ca.key')} is corrupt`);
    });

    test('missing leaf.key names the file', async () => {
      const dir = await damagedDir('leaf.key', null);

      await expect(LabCa.open(dir, now)).rejects.toThrow(`Lab CA file ${path.join(dir, 'leaf.key')} is missing`);
    });

    test('key of another CA is rejected', async () => {
      const dir = await damagedDir('ca.key', null);
      const otherDir = temporaryDir();
      await LabCa.open(otherDir, now);
      writeFileSync(path.join(dir, 'ca.key'), readFileSync(path.join(otherDir, 'ca.key')));

      await expect(LabCa.open(dir, now)).rejects.toThrow(`Lab CA file ${path.join(dir, 'ca.key')} does not contain the key of`);
    });

    test('expired CA is rejected', async () => {
      const dir = temporaryDir();
      await LabCa.open(dir, now);

      await expect(LabCa.open(dir, daysLater(now, 3660))).rejects.toThrow(/ca\.crt expired on .*Delete the directory/);
    });

    test('unreadable ca.crt names the file', async () => {
      const dir = temporaryDir();
      await LabCa.open(dir, now);
      rmSync(path.join(dir, 'ca.crt'));
      mkdirSync(path.join(dir, 'ca.crt'));

      await expect(LabCa.open(dir, now)).rejects.toThrow(`Lab CA file ${path.join(dir, 'ca.crt')} cannot be read`);
    });
  });
});
