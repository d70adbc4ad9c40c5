/**
 * `vigor-sim run` as CI calls it: the compiled CLI (npm test builds dist/ first) on the shipped
 * scenarios with JUnit output, and on a scenario with a deliberately wrong expectation.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireBuild } from '../helpers/cliLab';
import { tempDir } from '../helpers/lab';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'vigor-sim.js');

function runCli(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', ...args], { cwd: ROOT });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, stdout }));
  });
}

let directory: ReturnType<typeof tempDir>;

beforeAll(() => requireBuild());

beforeEach(() => {
  directory = tempDir('vigor-sim-scenario-');
});

afterEach(() => {
  directory.remove();
});

test('shipped scenarios pass with JUnit output', async () => {
  const junit = path.join(directory.path, 'results.xml');
  const result = await runCli(['scenarios/', '--junit', junit, '--parallel', '4']);

  expect(result.stderr).toMatch(/(\d+) of \1 scenarios passed/);
  expect(result.code).toBe(0);
  const xml = readFileSync(junit, 'utf8');
  const cases = xml.match(/<testcase /g) ?? [];
  expect(cases.length).toBe(10);
  expect(xml).toContain('failures="0" errors="0"');
  expect(xml).not.toContain('<failure');
  expect(xml).toContain('name="OAuth mail flow with Microsoft 365"');
  expect(xml).toContain('name="OAuth mail flow with Google (Gmail)"');
}, 120_000);

test('wrong expectation gives a readable report', async () => {
  const file = path.join(directory.path, 'wrong.yaml');
  writeFileSync(
    file,
    [
      'name: Wrong DDNS expectation',
      'steps:',
      '  - routerSubmit:',
      '      page: Applications >> Dynamic DNS Setup',
      '      fields: { action: global, enabled: true }',
      '  - routerSubmit:',
      '      page: Applications >> Dynamic DNS Setup',
      '      query: { index: 1 }',
      '      fields: { action: save, index: 1, enabled: true, provider: drayddns, domain: r1, login: r1-trainee, password: r1-ddns-pass, connection: https }',
      '  - syslogContains: { category: DDNS, text: Certificate for r1.drayddns.com installed }',
      'expect:',
      '  - dnsResolves: { name: r1.drayddns.com, to: 198.51.100.99, timeoutSeconds: 1 }',
      '',
    ].join('\n'),
  );
  const junit = path.join(directory.path, 'results.xml');
  const result = await runCli([file, '--junit', junit]);

  expect(result.code).toBe(1);
  expect(result.stderr).toContain('FAIL Wrong DDNS expectation');
  expect(result.stderr).toMatch(/step 4 \(dnsResolves, .*wrong\.yaml:12\)/);
  expect(result.stderr).toContain('expected: r1.drayddns.com resolves to 198.51.100.99');
  expect(result.stderr).toMatch(/found: +r1\.drayddns\.com resolves to 203\.0\.113\.\d+/);
  expect(result.stderr).toContain('last timeline events:');
  expect(result.stderr).toMatch(/ddns +r1 /);
  expect(result.stderr).toContain('0 of 1 scenarios passed');
  const xml = readFileSync(junit, 'utf8');
  expect(xml).toContain('failures="1"');
  expect(xml).toContain('<failure message="step 4 (dnsResolves');
}, 60_000);

test('invalid scenario file fails with file and line', async () => {
  const file = path.join(directory.path, 'typo.yaml');
  writeFileSync(file, ['name: Typo', 'steps:', '  - advanceClok: { hours: 1 }', ''].join('\n'));
  const result = await runCli([file]);

  expect(result.stderr).toContain('ERROR typo.yaml');
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/typo\.yaml:3: steps\[0\]\.advanceClok: unknown step "advanceClok"; valid ones are routerSubmit, /);
});

test('missing scenario path is a usage error', async () => {
  const result = await runCli(['no-such-dir/']);

  expect(result.stderr).toContain('Scenario file or directory not found: no-such-dir/');
  expect(result.code).toBe(2);
});
