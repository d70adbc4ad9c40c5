/**
 * The error type of the emulated Entra ID and its three renderings. They are the token endpoint's
 * JSON error, the query of an error redirected to the client, and the HTML error page with the
 * troubleshooting details (request id, correlation id, timestamp, message).
 */
import type { Request, Response } from 'express';
import { html } from '../../console/html';
import { newGuid } from '../identity/credentials';
import { formatErrorTimestamp, noStore, renderPage } from '../identity/web';
import { aadstsEntry, fillMessage, type AadstsEntry } from './aadsts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** HTTP status of the HTML error page. NOTE: inferred; Microsoft documents only the page's content. */
export const ERROR_PAGE_STATUS = 400;

export class AadError extends Error {
  readonly entry: AadstsEntry;

  constructor(
    readonly code: number,
    readonly params: Record<string, string> = {},
  ) {
    const entry = aadstsEntry(code);
    super(`AADSTS${code}: ${fillMessage(entry.message, params)}`);
    this.name = 'AadError';
    this.entry = entry;
  }
}

/** Ids and time that every error reply carries; the correlation id echoes the client's `client-request-id`. */
export interface ErrorContext {
  traceId: string;
  correlationId: string;
  now: number;
}

export function errorContext(req: Request, now: number): ErrorContext {
  // MSAL sends the id as a header or, on token requests, as a query parameter.
  const fromQuery = (req.query as Record<string, unknown>)['client-request-id'];
  const requested = req.get('client-request-id') ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
  return { traceId: newGuid(), correlationId: requested && GUID.test(requested) ? requested.toLowerCase() : newGuid(), now };
}

function describe(error: AadError, context: ErrorContext): string {
  return `${error.message}\r\nTrace ID: ${context.traceId}\r\nCorrelation ID: ${context.correlationId}\r\nTimestamp: ${formatErrorTimestamp(context.now)}`;
}

function errorUri(code: number): string {
  return `https://login.microsoftonline.com/error?code=${code}`;
}

/** Sends the token endpoint's JSON error, with the status the catalogue gives for the code. */
export function sendTokenError(res: Response, error: AadError, context: ErrorContext): void {
  const token = error.entry.token ?? { error: 'invalid_request', status: 400 };
  noStore(res);
  res.set('x-ms-request-id', context.traceId);
  res.set('client-request-id', context.correlationId);
  res.status(token.status).json({
    error: token.error,
    error_description: describe(error, context),
    error_codes: [error.code],
    timestamp: formatErrorTimestamp(context.now),
    trace_id: context.traceId,
    correlation_id: context.correlationId,
    error_uri: errorUri(error.code),
    ...(token.suberror ? { suberror: token.suberror } : {}),
  });
}

/** Returns the query parameters of an error redirected to the client, without `state`, which the caller adds. */
export function redirectErrorParams(error: AadError, context: ErrorContext): Record<string, string> {
  return { error: error.entry.redirect ?? 'invalid_request', error_description: describe(error, context), error_uri: errorUri(error.code) };
}

/** Sends the sign-in site's error page, for errors that must not go to an unverified redirect URI. */
export function sendErrorPage(res: Response, error: AadError, context: ErrorContext): void {
  const body = html`<div class="brand">Microsoft</div>
<h1>Sign in</h1>
<p>Sorry, but we’re having trouble signing you in.</p>
<p class="error" id="error-message">${error.message}</p>
<div class="details">
<h2>Troubleshooting details</h2>
<p>If you contact your administrator, send this info to them.</p>
<p>Request Id: <span id="request-id">${context.traceId}</span><br>
Correlation Id: <span id="correlation-id">${context.correlationId}</span><br>
Timestamp: <span id="timestamp">${new Date(context.now).toISOString().replace(/\.\d{3}Z$/, 'Z')}</span><br>
Message: ${error.message}</p>
</div>`;
  noStore(res);
  res.set('x-ms-request-id', context.traceId);
  res.status(ERROR_PAGE_STATUS).type('html').send(renderPage('Sign in to your account', body));
}
