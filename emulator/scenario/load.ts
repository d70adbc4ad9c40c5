/**
 * Reading scenario files: YAML parsed with js-yaml, checked against the JSON Schema with ajv, and
 * every problem reported with the file, the line and the field.
 */
import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject } from 'ajv';
import { jsYaml, type YamlException } from './jsYaml';
import { ACTION_SCHEMAS, EXPECTATION_SCHEMAS, scenarioSchema, STEP_NAMES } from './schema';
import type { Scenario } from './types';

/** A scenario file that cannot be run: invalid YAML or a value the schema rejects. */
export class ScenarioFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${field ? `${field}: ` : ''}${reason}`);
  }
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(scenarioSchema);

/** Loads and validates a scenario file; throws ScenarioFileError. The scenario keeps the line of each step. */
export function loadScenarioFile(file: string): Scenario {
  return parseScenario(readFileSync(file, 'utf8'), file);
}

export function parseScenario(source: string, file: string): Scenario {
  const lines = new WeakMap<object, number>();
  const opened: number[] = [];
  let document: unknown;
  try {
    document = jsYaml().safeLoad(source, {
      filename: file,
      listener(event, state) {
        if (event === 'open') {
          opened.push(state.line);
          return;
        }
        const line = opened.pop();
        if (line !== undefined && state.result !== null && typeof state.result === 'object' && !lines.has(state.result)) lines.set(state.result, line + 1);
      },
    });
  } catch (error) {
    const yamlError = error as YamlException;
    if (yamlError.name !== 'YAMLException') throw error;
    throw new ScenarioFileError(file, yamlError.mark ? yamlError.mark.line + 1 : undefined, undefined, `invalid YAML: ${yamlError.reason}`);
  }

  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw new ScenarioFileError(file, 1, undefined, 'a scenario file must be a YAML mapping with name and steps');
  if (!validate(document)) {
    const error = mostUsefulError(validate.errors ?? []);
    const { line, field } = locate(document, error, lines, source);
    throw new ScenarioFileError(file, line, field, describeError(error));
  }

  const scenario = document as unknown as Scenario;
  scenario.file = file;
  for (const list of [scenario.steps, scenario.expect ?? []]) for (const step of list) Object.defineProperty(step, 'line', { value: lines.get(step), enumerable: false });
  return scenario;
}

/**
 * Picks the error a person should read first. A step with an unknown name also fails the
 * one-property rules, so the unknown name wins, then the deepest error.
 */
function mostUsefulError(errors: ErrorObject[]): ErrorObject {
  const unknown = errors.find((error) => error.keyword === 'additionalProperties');
  if (unknown) return unknown;
  return [...errors].sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length)[0]!;
}

function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const path = error.instancePath.split('/').slice(1);
  const inStepList = (path[0] === 'steps' || path[0] === 'expect') && path.length === 2;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      if (inStepList) {
        const valid = path[0] === 'steps' ? STEP_NAMES : Object.keys(EXPECTATION_SCHEMAS);
        return `unknown ${path[0] === 'steps' ? 'step' : 'expectation'} "${name}"; valid ones are ${valid.join(', ')}`;
      }
      return `unknown field "${name}"`;
    }
    case 'required':
      return `missing required field "${String(params.missingProperty)}"`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
    case 'maxProperties':
    case 'minProperties':
      if (inStepList) return `a step is a mapping with exactly one key, the step name (${Object.keys(ACTION_SCHEMAS).join(', ')}, or a check)`;
      return error.message ?? 'invalid';
    default:
      return error.message ?? 'invalid';
  }
}

/** Finds the line and the dotted field of an error from the lines the YAML listener recorded. */
function locate(document: object, error: ErrorObject, lines: WeakMap<object, number>, source: string): { line?: number; field?: string } {
  const path = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  const extra = error.keyword === 'additionalProperties' ? String(params.additionalProperty) : undefined;
  const fieldPath = extra === undefined ? path : [...path, extra];
  const field = fieldPath.map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : `${index === 0 ? '' : '.'}${part}`)).join('') || undefined;

  // The innermost object on the path with a known line, then the line of the next key below it.
  let node: unknown = document;
  let line = lines.get(document);
  let rest = fieldPath;
  for (let index = 0; index < fieldPath.length; index += 1) {
    const child = (node as Record<string, unknown>)?.[fieldPath[index]!];
    if (child === null || typeof child !== 'object') break;
    node = child;
    if (lines.has(child)) {
      line = lines.get(child);
      rest = fieldPath.slice(index + 1);
    }
  }
  const key = rest.find((part) => !/^\d+$/.test(part));
  if (key !== undefined && line !== undefined) {
    const sourceLines = source.split('\n');
    const pattern = new RegExp(`^\\s*(- )?["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`);
    for (let index = line - 1; index < sourceLines.length; index += 1) {
      if (pattern.test(sourceLines[index]!)) return { line: index + 1, field };
    }
  }
  return { line, field };
}
