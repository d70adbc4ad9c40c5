/**
 * HTTP requests of the firmware, always through the HAL uplink, so they fail as a real router's
 * would when no WAN carries traffic. HTTPS trusts the public roots plus the CAs the hardware
 * carries (the lab CA in a lab).
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkServerIdentity, createSecureContext, rootCertificates, type ConnectionOptions, type PeerCertificate, type SecureContext } from 'node:tls';
import type { RouterHardware, WanPortName } from '../hal';

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpRequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Send through this WAN instead of the active one. */
  via?: WanPortName;
  /** Host time to wait for the whole reply; socket time-outs are about real sockets, not lab time. */
  timeoutMs?: number;
}

/** Largest reply body read; dyndns2 and token replies are a few hundred bytes. */
const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 20_000;

export function trustedCas(hardware: RouterHardware): string[] {
  return [...rootCertificates, ...hardware.extraTrustedCas];
}

/**
 * Building a TLS context from Node.js's 144 public roots took 25 ms of CPU per connection on the
 * machine of docs/benchmarks.md, so each router's hardware builds one and reuses it.
 */
const trustedContexts = new WeakMap<RouterHardware, SecureContext>();

/** Returns the TLS context that trusts trustedCas(hardware); extraTrustedCas is fixed when the hardware is built. */
export function trustedSecureContext(hardware: RouterHardware): SecureContext {
  let context = trustedContexts.get(hardware);
  if (!context) {
    context = createSecureContext({ ca: trustedCas(hardware) });
    trustedContexts.set(hardware, context);
  }
  return context;
}

/** A certificate-time failure, with the code and message OpenSSL gives for the same check. */
export class CertificateTimeError extends Error {
  constructor(
    readonly code: 'CERT_NOT_YET_VALID' | 'CERT_HAS_EXPIRED',
    message: string,
  ) {
    super(message);
    this.name = 'CertificateTimeError';
  }
}

/**
 * Returns the TLS options of every connection the firmware opens: its trusted CAs, and a check of
 * the server certificate's validity period against the router's clock. OpenSSL checks the period
 * against the host's time, which is not the router's when its clock is wrong.
 */
export function routerTlsOptions(hardware: RouterHardware): ConnectionOptions {
  return {
    secureContext: trustedSecureContext(hardware),
    checkServerIdentity: (hostname: string, certificate: PeerCertificate) => checkServerIdentity(hostname, certificate) ?? checkCertificateTime(certificate, hardware.clock.now()),
  };
}

/** Returns an error when `now` (ms since the epoch) is outside the certificate's validity period. */
export function checkCertificateTime(certificate: PeerCertificate, now: number): CertificateTimeError | undefined {
  const notBefore = Date.parse(certificate.valid_from);
  const notAfter = Date.parse(certificate.valid_to);
  const subject = certificate.subject?.CN ?? 'the server';
  const clock = `the router's clock shows ${new Date(now).toISOString()}`;
  if (now < notBefore) return new CertificateTimeError('CERT_NOT_YET_VALID', `certificate is not yet valid: the certificate of ${subject} is valid from ${new Date(notBefore).toISOString()}, but ${clock}`);
  if (now > notAfter) return new CertificateTimeError('CERT_HAS_EXPIRED', `certificate has expired: the certificate of ${subject} was valid until ${new Date(notAfter).toISOString()}, but ${clock}`);
  return undefined;
}

export function httpFetch(hardware: RouterHardware, url: string, options: HttpRequestOptions = {}): Promise<HttpReply> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const agent = secure ? hardware.uplink.httpsAgent(routerTlsOptions(hardware), options.via) : hardware.uplink.httpAgent({}, options.via);
  const send = secure ? httpsRequest : httpRequest;

  return new Promise((resolve, reject) => {
    const request = send(
      target,
      { method: options.method ?? 'GET', headers: { ...options.headers, ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) }, agent, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) request.destroy(new Error(`The reply from ${target.host} is larger than ${MAX_BODY_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error(`No reply from ${target.host} within ${(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
    request.end(options.body);
  });
}
