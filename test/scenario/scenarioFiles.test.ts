/** Loading scenario files: errors with file, line and field, and the schema published in docs/ci.md. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseScenario, ScenarioFileError } from '../../emulator/scenario/load';
import { scenarioSchema, STEP_NAMES } from '../../emulator/scenario/schema';
import { expandScenarioArguments, globToRegExp } from '../../emulator/scenario/files';

const ROOT = path.join(__dirname, '..', '..');

function loadError(source: string): ScenarioFileError {
  try {
    parseScenario(source, 'bad.yaml');
  } catch (error) {
    if (error instanceof ScenarioFileError) return error;
    throw error;
  }
  throw new Error('The scenario loaded without an error');
}

describe('scenario file loading', () => {
  test('valid file keeps step lines', () => {
    const scenario = parseScenario(['name: ok', 'steps:', '  - advanceClock: { hours: 1 }', '  - syslogContains:', '      text: hello'].join('\n'), 'ok.yaml');
    expect(scenario.steps[0]!.line).toBe(3);
    expect(scenario.steps[1]!.line).toBe(4);
  });

  test('unknown step names the valid ones', () => {
    const error = loadError(['name: typo', 'steps:', '  - advanceClock: { hours: 1 }', '  - advanceClok: { hours: 1 }'].join('\n'));
    expect(error.line).toBe(4);
    expect(error.field).toBe('steps[1].advanceClok');
    expect(error.reason).toContain('unknown step "advanceClok"');
    for (const name of STEP_NAMES) expect(error.reason).toContain(name);
  });

  test('bad field value gives line and field', () => {
    const error = loadError(['name: bad port', 'steps:', '  - advanceClock: { hours: 1 }', '  - unplug:', '      router: r1', '      port: WAN9'].join('\n'));
    expect(error.message).toMatch(/^bad\.yaml:6: steps\[1\]\.unplug\.port: must be one of "WAN1"/);
  });

  test('missing field gives the step line', () => {
    const error = loadError(['name: missing', 'steps:', '  - syslogContains:', '      router: r1'].join('\n'));
    expect(error.line).toBe(3);
    expect(error.reason).toBe('missing required field "text"');
  });

  test('unknown fault names the valid ones', () => {
    const error = loadError(['name: fault', 'steps:', '  - injectFault: { fault: meteorStrike }'].join('\n'));
    expect(error.line).toBe(3);
    expect(error.reason).toContain('clientSecretExpired');
  });

  test('invalid YAML gives the line', () => {
    const error = loadError(['name: broken', 'steps:', '  - advanceClock: { hours: 1', '  - plug: {}'].join('\n'));
    expect(error.reason).toMatch(/^invalid YAML/);
    expect(error.line).toBeGreaterThanOrEqual(3);
  });

  test('missing name is reported', () => {
    const error = loadError(['steps:', '  - advanceClock: { hours: 1 }'].join('\n'));
    expect(error.reason).toBe('missing required field "name"');
  });
});

describe('shipped scenarios and docs', () => {
  test('every shipped scenario loads', () => {
    const files = expandScenarioArguments(['scenarios/'], ROOT);
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) expect(() => parseScenario(readFileSync(file, 'utf8'), file)).not.toThrow();
  });

  test('docs/ci.md publishes the schema', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'ci.md'), 'utf8');
    const published = /### JSON Schema[\s\S]*?```json\n([\s\S]*?)\n```/.exec(doc);
    expect(published).not.toBeNull();
    expect(JSON.parse(published![1]!)).toEqual(JSON.parse(JSON.stringify(scenarioSchema)));
  });

  test('docs/ci.md shows the Jest example', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'ci.md'), 'utf8');
    const source = readFileSync(path.join(__dirname, 'apiExample.test.ts'), 'utf8');
    const example = /\/\/ docs\/ci\.md example start\n([\s\S]*?)\/\/ docs\/ci\.md example end/.exec(source)![1]!.replace("'../../emulator'", "'vigor-sim'");
    expect(doc).toContain(example);
  });

  test('globs match files by pattern', () => {
    expect(globToRegExp('scenarios/fault-*.yaml').test('scenarios/fault-dns-failure.yaml')).toBe(true);
    expect(globToRegExp('scenarios/*.yaml').test('scenarios/sub/x.yaml')).toBe(false);
    expect(globToRegExp('scenarios/**/*.{yaml,yml}').test('scenarios/sub/x.yml')).toBe(true);
    expect(expandScenarioArguments(['scenarios/oauth-*.yaml'], ROOT).map((file) => path.basename(file))).toEqual(['oauth-mail-google.yaml', 'oauth-mail-microsoft.yaml']);
  });
});
