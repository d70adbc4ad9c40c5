/**
 * The HTTP application of one provider, served on its update host over HTTP and HTTPS: the dyndns2
 * endpoint `/nic/update`, a short home page, and for DrayDDNS the certificate endpoint.
 */
import type { Socket } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../../../hal';
import type { LabCa } from '../../network/ca';
import type { LabDns } from '../../network/dns';
import type { Timeline } from '../../timeline';
import { clientAddressOf } from '../serve';
import { maskAuthorization, maskTarget } from './basicAuth';
import { CERTIFICATE_PATH, createCertificateRouter } from './certificate';
import { setBasicChallenge, viaOf } from './http';
import type { DdnsProvider } from './provider';
import { runUpdate } from './update';
import { parseUpdateRequest } from './updateRequest';

export interface SiteDeps {
  ca: LabCa;
  clock: Clock;
  dns: LabDns;
  logger: Logger;
  /** Where each update request and its reply is recorded, with the router whose WAN address sent it. */
  timeline?: Timeline;
  routerAt?(address: string): string | undefined;
}

export function createProviderApp(provider: DdnsProvider, deps: SiteDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag, because a dyndns2 reply is the outcome of one update and never worth caching.
  app.disable('etag');
  const host = provider.definition.updateHost;

  app.get('/', (_req, res) => {
    const certificate = provider.definition.issuesCertificates ? `\nCertificates: POST https://${host}/api/v1/certificate with hostname=<name> (HTTP Basic auth).` : '';
    res.type('text/plain').send(`${provider.definition.name} (emulated by vigor-sim).\nUpdates: GET http(s)://${host}/nic/update?hostname=<name>&myip=<IPv4> with HTTP Basic auth and a User-Agent.${certificate}\n`);
  });

  // Every method reaches the handler, which replies `badagent` to anything but GET as Dyn did.
  app.all('/nic/update', async (req, res) => {
    const request = parseUpdateRequest(req, clientAddressOf(req.socket as Socket));
    const outcome = await runUpdate(provider, request, deps.dns.isFailing());
    if (outcome.delaySeconds > 0) await deps.clock.sleep(outcome.delaySeconds * 1000);

    await provider.recordHistory({
      kind: 'update',
      via: viaOf(req),
      clientAddress: request.clientAddress,
      method: req.method,
      target: maskTarget(req.originalUrl),
      authorization: maskAuthorization(req.headers.authorization),
      username: request.authorization.kind === 'basic' ? request.authorization.credentials.username : null,
      hostnames: request.hostnames,
      userAgent: request.userAgent,
      status: outcome.status,
      reply: outcome.body,
      reasons: outcome.reasons,
      codes: outcome.codes,
      delaySeconds: outcome.delaySeconds,
    });
    deps.logger.info({ provider: provider.id, account: outcome.account?.username, client: request.clientAddress, hostnames: request.hostnames, codes: outcome.codes }, `DDNS update: ${outcome.reasons.join(', ')}`);

    const router = deps.routerAt?.(request.clientAddress);
    deps.timeline?.record({
      protocol: 'ddns',
      router,
      from: router ? `${router} (${request.clientAddress})` : request.clientAddress,
      to: host,
      summary: `${provider.definition.name} update of ${request.hostnames.join(', ') || '(no hostname)'} -> ${outcome.status} ${outcome.body.split('\n').join(', ')}`,
      detail: {
        request: { method: req.method, via: viaOf(req), target: maskTarget(req.originalUrl), authorization: maskAuthorization(req.headers.authorization), userAgent: request.userAgent, hostnames: request.hostnames, address: request.address },
        reply: { status: outcome.status, body: outcome.body, reasons: outcome.reasons, delaySeconds: outcome.delaySeconds },
      },
    });

    if (outcome.status === 401) setBasicChallenge(res, provider.definition.name);
    res.status(outcome.status).set('Cache-Control', 'no-cache').type('text/plain').send(outcome.body);
  });

  if (provider.definition.issuesCertificates) app.use(createCertificateRouter(provider, deps));

  const paths = provider.definition.issuesCertificates ? `/nic/update and ${CERTIFICATE_PATH}` : '/nic/update';
  app.use((req, res) => {
    res.status(404).type('text/plain').send(`Not found: ${req.path}. ${provider.definition.name} serves ${paths}.\n`);
  });
  app.use(internalError(provider, deps.logger));
  return app;
}

/**
 * Logs a failure of the provider itself and replies `911`, the dyndns2 code for a problem on the
 * provider's side, or a JSON error on the certificate endpoint.
 */
function internalError(provider: DdnsProvider, logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    logger.error({ err: error, provider: provider.id, method: req.method, path: req.path }, 'The DDNS provider failed to handle a request');
    if (res.headersSent) {
      next(error);
      return;
    }
    if (req.path === CERTIFICATE_PATH) {
      res.status(500).json({ error: { code: 'internal_error', message: `${provider.definition.name} failed to handle the request; the lab log has the details.` } });
      return;
    }
    res.status(500).type('text/plain').send('911');
  };
}
