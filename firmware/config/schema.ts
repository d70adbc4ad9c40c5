/**
 * JSON Schema plumbing shared by every module: one ajv instance, the `secret` keyword that marks
 * values to encrypt at rest and in backups, and error messages that name the field and the fix.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FieldError } from '../errors';

export type JsonSchema = Record<string, unknown>;

// `verbose` makes ajv attach `parentSchema` to each error, and `describe` reads titles and bounds from it.
export const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, verbose: true });
addFormats(ajv);
// `secret: true` on a string property: encrypted in the config file and in backups, masked in views.
ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });

/**
 * Compiled validators by schema text. Every router of a lab builds the same configuration schema,
 * and compiling it took about 60 ms per router on the machine of docs/benchmarks.md. Sharing one
 * function is safe because callers read its `errors` right after the synchronous call.
 */
const compiledSchemas = new Map<string, ValidateFunction>();

export function compile(schema: JsonSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiledSchemas.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiledSchemas.set(key, validate);
  }
  return validate;
}

/** Turns ajv errors into one message per field, each saying what a valid value looks like. */
export function toFieldErrors(errors: ErrorObject[] | null | undefined, root = ''): FieldError[] {
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const error of errors ?? []) {
    // An `if` error only reports that the `then` branch failed, and that branch's own errors name the field.
    if (error.keyword === 'if') continue;
    const pathParts = error.instancePath.split('/').slice(1).map(decodePointer);
    if (error.keyword === 'required') pathParts.push(String(error.params.missingProperty));
    if (error.keyword === 'additionalProperties') pathParts.push(String(error.params.additionalProperty));
    const field = [root, ...pathParts].filter(Boolean).join('.') || '(document)';
    if (seen.has(field)) continue;
    seen.add(field);
    const title = (error.parentSchema as JsonSchema | undefined)?.title;
    result.push(typeof title === 'string' ? { field, message: describe(error), title } : { field, message: describe(error) });
  }
  return result;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is missing';
    case 'additionalProperties':
      return 'is not a known field; remove it';
    case 'type':
      return `must be ${/^[aeiou]/.test(String(params.type)) ? 'an' : 'a'} ${String(params.type)}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'minimum':
    case 'maximum': {
      const schema = error.parentSchema as { minimum?: number; maximum?: number };
      return `must be a number from ${schema.minimum ?? '-∞'} to ${schema.maximum ?? '∞'}`;
    }
    case 'minLength':
      return params.limit === 1 ? `must not be empty` : `must be at least ${String(params.limit)} characters`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters`;
    case 'format':
      return `must be ${formatExample(String(params.format))}`;
    case 'pattern':
      return `has characters or a form that is not allowed`;
    case 'minItems':
    case 'maxItems':
      return `must have ${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params.limit)} entries`;
    default:
      return `${error.message ?? 'is invalid'}`;
  }
}

function formatExample(format: string): string {
  switch (format) {
    case 'ipv4':
      return 'an IPv4 address such as 192.168.1.1';
    case 'hostname':
      return 'a host name such as router.example.com';
    case 'email':
      return 'an e-mail address such as admin@example.com';
    default:
      return `in ${format} format`;
  }
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Calls `transform` on every string value whose schema says `secret: true` and returns a copy with
 * the results. Walks `properties`, `items` and schema-valued `additionalProperties`.
 */
export function mapSecrets<T>(schema: JsonSchema, value: T, transform: (secret: string, path: string) => string, path = ''): T {
  if (schema.secret === true && typeof value === 'string') return transform(value, path) as T;

  if (Array.isArray(value) && isSchema(schema.items)) {
    const items = schema.items;
    return value.map((item, index) => mapSecrets(items, item, transform, `${path}[${index}]`)) as T;
  }

  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const extra = isSchema(schema.additionalProperties) ? schema.additionalProperties : undefined;
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const childSchema = properties[key] ?? extra;
      copy[key] = childSchema ? mapSecrets(childSchema, child, transform, path ? `${path}.${key}` : key) : child;
    }
    return copy as T;
  }

  return value;
}

function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
