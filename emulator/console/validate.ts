/**
 * Checks of request bodies and query strings. Each check throws an ApiError that names the field,
 * what was expected and what arrived, so a caller can fix the request from the message alone.
 */
import type { IncomingMessage } from 'node:http';
import express, { type Request, type RequestHandler } from 'express';
import { ApiError, invalidField } from './errors';

/** Requests whose body arrived empty, which body-parser turns into `{}`. */
const emptyBodies = new WeakSet<IncomingMessage>();

/** Describes a received JSON or query value for an error message, e.g. `the string "no"`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  return `a value of type ${typeof value}`;
}

/**
 * Rejects a POST whose Content-Type is not application/json with 415. Requiring JSON also keeps
 * plain HTML forms on other sites from posting to the lab API, because a cross-origin request
 * with this Content-Type needs a CORS preflight, which the lab never grants.
 */
export const requireJsonContentType: RequestHandler = (req, _res, next) => {
  const received = req.get('content-type');
  // req.is() returns null for a request without a body, whatever its Content-Type. Such a request
  // with a JSON Content-Type goes on, and bodyObject reports the empty body.
  const isJson = req.is('application/json');
  if (isJson || (isJson === null && mediaTypeOf(received) === 'application/json')) {
    next();
    return;
  }
  throw new ApiError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    `The request body must be JSON sent with Content-Type: application/json; got ${received ? `"${received}"` : 'no Content-Type'}.`,
    'Content-Type',
  );
};

const jsonParser = express.json({
  // Any JSON value is parsed, so that bodyObject can report that `42` is valid JSON but not an object.
  strict: false,
  verify: (req, _res, raw) => {
    if (raw.length === 0) emptyBodies.add(req);
  },
});

/**
 * Parses a JSON request body. A body that does not decompress with the encoding its
 * Content-Encoding header names gets a 400 error about that header.
 */
export const parseJsonBody: RequestHandler = (req, res, next) => {
  jsonParser(req, res, (error?: unknown) => {
    next(error === undefined ? undefined : contentEncodingError(req, error));
  });
};

/**
 * Turns an error of the decompression stream into a 400 error about the Content-Encoding header and
 * returns any other error unchanged. In body-parser 2.4 the decompression stream's errors are the
 * only ones without a `type`.
 */
function contentEncodingError(req: Request, error: unknown): unknown {
  if (!(error instanceof Error) || (error as { type?: unknown }).type !== undefined) return error;
  const encoding = req.get('content-encoding');
  if (!encoding || encoding.toLowerCase() === 'identity') return error;
  return invalidField(
    'Content-Encoding',
    `The request body could not be decompressed as Content-Encoding "${encoding}" (${error.message}); send the JSON uncompressed without a Content-Encoding header, or compressed with the encoding that header names.`,
  );
}

/**
 * Returns the JSON body as an object that contains only the given fields. `example` is a valid body
 * to show in the error message.
 */
export function bodyObject(req: Request, allowedFields: string[], example: string): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined || emptyBodies.has(req)) {
    throw invalidField('body', `The request body is empty; send a JSON object such as ${example}.`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidField('body', `The request body must be a JSON object such as ${example}; got ${describeValue(body)}.`);
  }
  for (const field of Object.keys(body)) {
    if (!allowedFields.includes(field)) {
      throw invalidField(field, `Unknown field "${field}"; this request takes only ${allowedFields.map((name) => `"${name}"`).join(', ')}, e.g. ${example}.`);
    }
  }
  return body as Record<string, unknown>;
}

export function requireBoolean(body: Record<string, unknown>, field: string): boolean {
  const value = body[field];
  if (typeof value !== 'boolean') {
    throw invalidField(field, `"${field}" must be true or false (a JSON boolean); got ${describeValue(value)}.`);
  }
  return value;
}

export function requireNumberInRange(body: Record<string, unknown>, field: string, min: number, max: number, unit: string): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalidField(field, `"${field}" must be a number of ${unit} from ${min} to ${max}; got ${describeValue(value)}.`);
  }
  return value;
}

export function requireOneOf<T extends string>(body: Record<string, unknown>, field: string, allowed: readonly T[]): T {
  const value = body[field];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const message = `"${field}" must be one of ${allowed.map((name) => `"${name}"`).join(', ')}; got ${describeValue(value)}.`;
    throw new ApiError(400, 'INVALID_REQUEST', message, field, [...allowed]);
  }
  return value as T;
}

/**
 * Returns the query parameters as single strings. Unknown parameters and parameters given more
 * than once are rejected, so that a typo such as `?afer=5` fails instead of being ignored.
 */
export function queryStrings(req: Request, allowed: string[]): Record<string, string | undefined> {
  const query = req.query as Record<string, unknown>;
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!allowed.includes(name)) {
      const accepted = allowed.length ? `takes only ${allowed.map((entry) => `"${entry}"`).join(', ')}` : 'takes no query parameters';
      throw invalidField(name, `Unknown query parameter "${name}"; this request ${accepted}.`);
    }
    if (typeof value !== 'string') throw invalidField(name, `Query parameter "${name}" must be given once, as a single value.`);
    result[name] = value;
  }
  return result;
}

/** Rejects every query parameter, on the routes that take none. */
export const rejectQueryParameters: RequestHandler = (req, _res, next) => {
  queryStrings(req, []);
  next();
};

/** Parses an optional whole-number query parameter within [min, max]. */
export function optionalWholeNumber(value: string | undefined, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw invalidField(field, `Query parameter "${field}" must be a whole number from ${min} to ${max}; got ${describeValue(value)}.`);
  }
  return number;
}

export function optionalOneOf<T extends string>(value: string | undefined, field: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ApiError(400, 'INVALID_REQUEST', `Query parameter "${field}" must be one of ${allowed.join(', ')}; got ${describeValue(value)}.`, field, [...allowed]);
  }
  return value as T;
}

/** Returns the media type of a Content-Type header in lower case, without parameters such as charset. */
function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
