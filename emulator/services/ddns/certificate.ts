/**
 * `POST /api/v1/certificate` on DrayDDNS: a certificate for one of the account's hostnames, signed
 * by the lab CA. It replaces DrayDDNS's Let's Encrypt service in the lab, so a router can serve HTTPS
 * under its DrayDDNS name. The request is a form with `hostname=`, sent over HTTPS with the
 * account's Basic credentials. The reply is JSON, and every error is JSON of the form
 * `{"error": {"code", "message", "field"?}}`.
 */
import type { Socket } from 'node:net';
import express, { type Request, type Response, type Router } from 'express';
import { certificateInfo } from '../../../firmware/x509';
import { clientAddressOf } from '../serve';
import { maskAuthorization, parseAuthorization } from './basicAuth';
import type { DdnsProvider } from './provider';
import { setBasicChallenge, viaOf } from './http';
import type { SiteDeps } from './site';
import type { AccountRecord } from './store';

export const CERTIFICATE_PATH = '/api/v1/certificate';

/** A rejected certificate request, sent as JSON with its HTTP status. */
class CertificateError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CertificateError';
  }
}

export function createCertificateRouter(provider: DdnsProvider, deps: SiteDeps): Router {
  const router = express.Router();
  const formParser = express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 10 });

  router.post(CERTIFICATE_PATH, async (req, res) => {
    let hostname: string | null = null;
    let account: AccountRecord | undefined;
    try {
      hostname = await readHostname(req, res, provider, formParser);
      account = await authorize(req, provider);
      const record = provider.findHostname(hostname);
      if (!record) throw new CertificateError(404, 'unknown_hostname', `${provider.definition.name} has no hostname ${hostname}; create it first.`, 'hostname');
      if (record.account !== account.username) throw new CertificateError(403, 'hostname_not_in_account', `${hostname} does not belong to the account ${account.username}.`, 'hostname');

      // Certificates must also be valid for clients that check them against the host's clock.
      // Each customer certificate gets its own key, never the shared key of the lab's own sites.
      const issued = await deps.ca.issueForCustomer([record.hostname], new Date(Math.min(deps.clock.now(), Date.now())));
      const info = certificateInfo(issued.certPem);
      const body = { hostname: record.hostname, certPem: issued.certPem, keyPem: issued.keyPem, chainPem: issued.chainPem, notBefore: info.notBefore.toISOString(), notAfter: info.notAfter.toISOString() };
      await finish(req, res, { provider, deps, account, hostname, status: 200, body, summary: `certificate for ${record.hostname}, valid until ${body.notAfter}` });
      deps.logger.info({ provider: provider.id, account: account.username, hostname, notAfter: body.notAfter }, 'DDNS provider issued a certificate');
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error;
      const body = { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
      await finish(req, res, { provider, deps, account, hostname, status: error.status, body, summary: `${error.code}: ${error.message}` });
      deps.logger.info({ provider: provider.id, hostname, code: error.code }, `DDNS certificate request rejected: ${error.message}`);
    }
  });

  router.all(CERTIFICATE_PATH, (req, res) => {
    res.set('Allow', 'POST').status(405).json({ error: { code: 'method_not_allowed', message: `${req.method} is not allowed on ${CERTIFICATE_PATH}; send POST with the form field hostname.` } });
  });
  return router;
}

/** Checks transport and body, and returns the requested hostname in lower case. */
async function readHostname(req: Request, res: Response, provider: DdnsProvider, formParser: express.RequestHandler): Promise<string> {
  if (viaOf(req) !== 'https') {
    throw new CertificateError(403, 'https_required', `Certificates are issued over HTTPS only, because the reply carries a private key; send the request to https://${provider.definition.updateHost}${CERTIFICATE_PATH}.`);
  }
  if (!req.is('application/x-www-form-urlencoded')) {
    const received = req.get('content-type');
    throw new CertificateError(415, 'unsupported_media_type', `Send the body as a form (Content-Type: application/x-www-form-urlencoded) such as hostname=r1.drayddns.com; got ${received ? `"${received}"` : 'no Content-Type'}.`, 'Content-Type');
  }
  try {
    await new Promise<void>((resolve, reject) => formParser(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
  } catch (error) {
    throw new CertificateError(400, 'invalid_request', `Failed to read the form body (${(error as Error).message}); send hostname=<name> as application/x-www-form-urlencoded.`, 'body');
  }

  const fields = (req.body ?? {}) as Record<string, unknown>;
  for (const field of Object.keys(fields)) {
    if (field !== 'hostname') throw new CertificateError(400, 'invalid_request', `Unknown form field "${field}"; send only hostname=<name>.`, field);
  }
  const value = fields.hostname;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CertificateError(400, 'invalid_request', 'The form field "hostname" is missing; send hostname=<name>, for example hostname=r1.drayddns.com.', 'hostname');
  }
  return value.trim().toLowerCase().replace(/\.$/, '');
}

/** Checks the provider's and the account's faults and the Basic credentials; returns the account. */
async function authorize(req: Request, provider: DdnsProvider): Promise<AccountRecord> {
  const name = provider.definition.name;
  const faults = provider.faults;
  if (faults.maintenance) throw new CertificateError(503, 'maintenance', `${name} is in maintenance; try again later.`);

  const { auth, account } = await provider.authenticate(parseAuthorization(req.headers.authorization));
  if (auth === 'missing') throw new CertificateError(401, 'unauthorized', `The request has no credentials; send the ${name} account's user name and password with HTTP Basic authentication.`);
  if (auth !== 'ok' || !account || faults.passwordChanged || account.faults.passwordChanged) {
    throw new CertificateError(401, 'invalid_credentials', `The user name or password is wrong; use the ${name} account that owns the hostname.`);
  }
  if (account.faults.maintenance) throw new CertificateError(503, 'maintenance', `${name} is in maintenance for this account; try again later.`);
  if (faults.abuseLock || account.faults.abuseLock) throw new CertificateError(403, 'account_locked', `The account ${account.username} is locked for abuse; ask ${name} to unlock it.`);
  return account;
}

interface Reply {
  provider: DdnsProvider;
  deps: SiteDeps;
  account: AccountRecord | undefined;
  hostname: string | null;
  status: number;
  body: object;
  /** History text in place of the body, which may contain a private key. */
  summary: string;
}

/** Waits out a slow-reply fault, records the request in the history and sends the JSON reply. */
async function finish(req: Request, res: Response, reply: Reply): Promise<void> {
  const { provider, deps, account } = reply;
  const delaySeconds = Math.max(provider.faults.replyDelaySeconds, account?.faults.replyDelaySeconds ?? 0);
  if (delaySeconds > 0) await deps.clock.sleep(delaySeconds * 1000);
  const authorization = parseAuthorization(req.headers.authorization);
  await provider.recordHistory({
    kind: 'certificate',
    via: viaOf(req),
    clientAddress: clientAddressOf(req.socket as Socket),
    method: req.method,
    target: req.originalUrl,
    authorization: maskAuthorization(req.headers.authorization),
    username: authorization.kind === 'basic' ? authorization.credentials.username : null,
    hostnames: reply.hostname ? [reply.hostname] : [],
    userAgent: req.get('user-agent') ?? null,
    status: reply.status,
    reply: reply.summary,
    reasons: [],
    codes: [],
    delaySeconds,
  });
  if (reply.status === 401) setBasicChallenge(res, provider.definition.name);
  res.status(reply.status).set('Cache-Control', 'no-store').json(reply.body);
}
