/**
 * Records the OAuth exchanges of an identity provider's site in the lab timeline: each request to
 * an endpoint the recorder watches (authorize, sign-in, consent, token, revoke) with its reply.
 * Token requests keep their form and JSON reply; timeline.record masks every secret in them.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Timeline } from '../../timeline';
import { maskUrl } from '../../timeline';
import { clientAddressOf } from '../serve';

export interface OAuthRecorderOptions {
  timeline: Timeline;
  /** Id of the router whose public WAN address is `address`, if any. */
  routerAt(address: string): string | undefined;
  /** Host name of the site, e.g. `login.microsoftonline.com`. */
  host: string;
  /** Paths (without the query string) whose requests are recorded, by the step they are. */
  steps: { path: RegExp; step: OAuthStep }[];
}

/** Where a request sits in an authorization; the sequence diagram draws each step as an arrow. */
export type OAuthStep = 'authorize' | 'sign-in' | 'consent' | 'callback' | 'token' | 'revoke';

/** Maximum characters of a reply body kept in a timeline event. */
const MAX_REPLY_CHARACTERS = 64_000;

/** Wraps a site's request listener so that its OAuth requests and replies reach the timeline. */
export function recordOAuthExchanges(handler: RequestListener, options: OAuthRecorderOptions): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const match = options.steps.find((entry) => entry.path.test(path));
    if (match) captureExchange(req, res, match.step, options);
    handler(req, res);
  };
}

function captureExchange(req: IncomingMessage, res: ServerResponse, step: OAuthStep, options: OAuthRecorderOptions): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const keep = (chunk: unknown) => {
    if (size >= MAX_REPLY_CHARACTERS || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    chunks.push(buffer);
    size += buffer.length;
  };
  res.write = ((...args: unknown[]) => {
    keep(args[0]);
    return write(...args);
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    keep(args[0]);
    return end(...args);
  }) as typeof res.end;

  res.once('finish', () => {
    const source = clientAddressOf(req.socket as Socket);
    const router = options.routerAt(source);
    const url = maskUrl(`https://${options.host}${req.url ?? '/'}`);
    const location = res.getHeader('location');
    const reply = replyBody(Buffer.concat(chunks).toString('utf8', 0, MAX_REPLY_CHARACTERS), String(res.getHeader('content-type') ?? ''));
    const error = reply && typeof reply === 'object' && 'error' in reply ? ` ${String((reply as Record<string, unknown>).error)}` : '';
    options.timeline.record({
      protocol: 'oauth',
      router,
      from: router ? `${router} (${source})` : source,
      to: options.host,
      summary: `${step}: ${req.method} ${url.split('?')[0]} -> ${res.statusCode}${error}`,
      detail: {
        step,
        request: {
          method: req.method,
          url,
          // Only token and revoke forms are kept; sign-in forms carry the user's password.
          form: step === 'token' || step === 'revoke' ? (req as IncomingMessage & { body?: unknown }).body : undefined,
          authorization: req.headers.authorization,
        },
        reply: { status: res.statusCode, location: typeof location === 'string' ? maskUrl(location) : undefined, body: step === 'token' || step === 'revoke' ? reply : undefined },
      },
    });
  });
}

/** Parses a JSON reply so that its token fields are masked one by one; other replies stay text. */
function replyBody(text: string, contentType: string): unknown {
  if (!text) return undefined;
  if (contentType.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return '(a JSON reply that was cut off or is invalid)';
    }
  }
  return '(not kept: not JSON)';
}
