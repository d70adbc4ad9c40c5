/**
 * Errors of the lab API and the middleware that turns every error into a JSON reply of the form
 * `{"error": {"code", "message", "field"?, "validValues"?}}`.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

export type ApiErrorCode =
  | 'INVALID_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'HOST_NOT_ALLOWED'
  | 'CONFLICT'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | 'GATEWAY_TIMEOUT';

export interface ApiErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    /** Body field, query parameter, path parameter or header the error is about. */
    field?: string;
    /** Accepted values of `field`, when they form a short list. */
    validValues?: string[];
  };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    readonly validValues?: string[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field === undefined ? {} : { field: this.field }),
        ...(this.validValues === undefined ? {} : { validValues: this.validValues }),
      },
    };
  }
}

/** Builds a 400 error about one field of the body or the query string. */
export function invalidField(field: string, message: string): ApiError {
  return new ApiError(400, 'INVALID_REQUEST', message, field);
}

/** Replies 404 to any /api path that no route matched. */
export const apiRouteNotFound: RequestHandler = (req, res) => {
  const error = new ApiError(404, 'NOT_FOUND', `No lab API route matches ${req.method} ${req.originalUrl}; GET /api lists the routes.`);
  res.status(error.status).json(error.toJSON());
};

/** Replies 405 with an Allow header to a known path requested with a method it does not serve. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  const allow = allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed;
  return (req, res) => {
    res.set('Allow', allow.join(', '));
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    const error = new ApiError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.baseUrl}${req.path}; use ${allowed.join(' or ')}.`);
    res.status(error.status).json(error.toJSON());
  };
}

/** Error from body-parser (an http-errors instance whose `type` names the failure) or the router. */
interface HttpError extends Error {
  status?: number;
  expose?: boolean;
  type?: string;
}

/**
 * Drops the part of a JSON.parse message that quotes the body (`Unexpected token 'x', "eyJh..." is
 * not valid JSON`), because the body may carry a token or password.
 */
function withoutExcerpt(message: string): string {
  return message.replace(/,\s*".*$/s, '').replace(/"[^"]*"/g, '"..."');
}

/** Maps errors from Express and body-parser to the API's error codes; returns undefined for others. */
function fromFrameworkError(error: HttpError): ApiError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'INVALID_REQUEST', `The request body is not valid JSON (${withoutExcerpt(error.message)}); send a JSON object, as docs/lab-api.md shows for each route.`, 'body');
    case 'entity.too.large':
      return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than the 100 kB the lab API accepts.', 'body');
    case 'charset.unsupported':
      return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `${error.message}; send UTF-8 JSON.`, 'Content-Type');
    case 'encoding.unsupported':
      return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `${error.message}; send the JSON uncompressed without a Content-Encoding header, or compressed with gzip, deflate or br.`, 'Content-Encoding');
    default:
      break;
  }
  // Other client errors from Express and its router, such as a path with broken percent-encoding
  // ("Failed to decode param '%E0'"), which carry a 4xx status but no `type`.
  if (typeof error.status === 'number' && error.status >= 400 && error.status < 500 && error.expose !== false) {
    return new ApiError(error.status, 'INVALID_REQUEST', `The request is malformed: ${error.message}.`);
  }
  return undefined;
}

/**
 * Sends every error as JSON. Client errors are logged at debug level. Any other error is a bug in
 * the lab, so it is logged at error level and the reply carries only a generic message.
 */
export function apiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    let known: ApiError | undefined;
    if (error instanceof ApiError) known = error;
    else if (error instanceof Error) known = fromFrameworkError(error);
    if (known) {
      logger.debug({ method: req.method, url: req.originalUrl, code: known.code, field: known.field }, known.message);
      // A route may have set another type before it failed (message/rfc822 for a raw message).
      res.status(known.status).type('json').json(known.toJSON());
      return;
    }
    logger.error({ err: error, method: req.method, url: req.originalUrl }, 'The lab console failed to handle a request');
    const internal = new ApiError(500, 'INTERNAL_ERROR', 'The lab console failed to handle the request; the lab log has the details.');
    res.status(internal.status).type('json').json(internal.toJSON());
  };
}
