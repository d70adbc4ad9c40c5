/** DrayDDNS's certificate endpoint: a lab-CA certificate for the account's hostname, and its errors as JSON. */
import { X509Certificate } from 'node:crypto';
import type { Lab } from '../../../emulator';
import { startTestLab } from '../../helpers/lab';
import { fetchOverTls, startHttpsServer } from '../../helpers/tls';
import { makeAccount, provider, send, type UpdateOptions } from './helpers';

let lab: Lab;

beforeAll(async () => {
  lab = await startTestLab();
});

afterAll(async () => {
  await lab.stop();
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function certificateRequest(options: UpdateOptions & { hostname?: string }): UpdateOptions {
  return { https: true, method: 'POST', path: '/api/v1/certificate', headers: FORM, body: options.hostname === undefined ? '' : `hostname=${encodeURIComponent(options.hostname)}`, ...options };
}

describe('certificate endpoint', () => {
  test('issues lab CA certificate for hostname', async () => {
    const seed = provider(lab).definition.seed('r1');
    const reply = await send(lab, certificateRequest({ auth: [seed.username, seed.password], hostname: 'r1.drayddns.com' }));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(reply.body) as { hostname: string; certPem: string; keyPem: string; chainPem: string; notAfter: string };
    expect(body.hostname).toBe('r1.drayddns.com');

    const certificate = new X509Certificate(body.certPem);
    expect(certificate.checkHost('r1.drayddns.com')).toBe('r1.drayddns.com');
    expect(certificate.verify(new X509Certificate(lab.ca.caPem()).publicKey)).toBe(true);
    expect(new Date(body.notAfter).getTime()).toBe(new Date(certificate.validTo).getTime());
    expect(body.chainPem.startsWith(body.certPem)).toBe(true);

    // The key and certificate serve TLS that a client trusting only the lab CA accepts.
    const server = await startHttpsServer(body.keyPem, body.chainPem);
    try {
      expect(await fetchOverTls(server.port, { ca: lab.ca.caPem(), servername: 'r1.drayddns.com' })).toBe('hello over TLS');
    } finally {
      await server.close();
    }
  });

  test('history records issue without key', async () => {
    const account = await makeAccount(lab, 'certhistory');
    await send(lab, certificateRequest({ auth: account.auth, hostname: account.hostname }));
    const entry = provider(lab).history({ hostname: account.hostname }).at(-1)!;
    expect(entry).toMatchObject({ kind: 'certificate', status: 200, via: 'https', authorization: `Basic ${account.username}:********` });
    expect(entry.reply).toMatch(new RegExp(`^certificate for ${account.hostname}, valid until `));
    expect(JSON.stringify(provider(lab).history())).not.toContain('PRIVATE KEY');
  });

  const ERRORS: { name: string; status: number; code: string; field?: string; request(account: Awaited<ReturnType<typeof makeAccount>>): UpdateOptions; fault?: 'maintenance' }[] = [
    { name: 'plain HTTP', status: 403, code: 'https_required', request: (a) => certificateRequest({ auth: a.auth, hostname: a.hostname, https: false }) },
    { name: 'no credentials', status: 401, code: 'unauthorized', request: (a) => certificateRequest({ hostname: a.hostname }) },
    { name: 'wrong password', status: 401, code: 'invalid_credentials', request: (a) => certificateRequest({ auth: [a.username, 'nope'], hostname: a.hostname }) },
    { name: 'missing hostname', status: 400, code: 'invalid_request', field: 'hostname', request: (a) => certificateRequest({ auth: a.auth }) },
    { name: 'unknown form field', status: 400, code: 'invalid_request', field: 'name', request: (a) => certificateRequest({ auth: a.auth, body: `hostname=${a.hostname}&name=x` }) },
    { name: 'unknown hostname', status: 404, code: 'unknown_hostname', field: 'hostname', request: (a) => certificateRequest({ auth: a.auth, hostname: 'nobody.drayddns.com' }) },
    { name: 'hostname of other account', status: 403, code: 'hostname_not_in_account', field: 'hostname', request: (a) => certificateRequest({ auth: a.auth, hostname: 'r1.drayddns.com' }) },
    { name: 'JSON body', status: 415, code: 'unsupported_media_type', field: 'Content-Type', request: (a) => certificateRequest({ auth: a.auth, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hostname: a.hostname }) }) },
    { name: 'GET method', status: 405, code: 'method_not_allowed', request: (a) => ({ https: true, auth: a.auth, path: '/api/v1/certificate' }) },
    { name: 'provider maintenance', status: 503, code: 'maintenance', fault: 'maintenance', request: (a) => certificateRequest({ auth: a.auth, hostname: a.hostname }) },
  ];

  test.each(ERRORS.map((entry, index) => [entry.name, entry, index] as const))('rejects %s', async (_name, entry, index) => {
    const account = await makeAccount(lab, `certerror${index}`);
    if (entry.fault) await provider(lab).setFaults({ [entry.fault]: true });
    try {
      const reply = await send(lab, entry.request(account));
      expect(reply.status).toBe(entry.status);
      const body = JSON.parse(reply.body) as { error: { code: string; message: string; field?: string } };
      expect(body.error.code).toBe(entry.code);
      expect(body.error.message.length).toBeGreaterThan(20);
      expect(body.error.field).toBe(entry.field);
    } finally {
      if (entry.fault) await provider(lab).setFaults({ [entry.fault]: false });
    }
  });

  test('generic provider has no certificates', async () => {
    const reply = await send(lab, certificateRequest({ host: 'members.dyndns.org', hostname: 'r1.homeip.net' }));
    expect(reply.status).toBe(404);
  });
});
