/**
 * `vigor-sim browser` as a user runs it: a real process from bin/vigor-sim.js (compiled code in
 * dist/, which `npm test` builds first) against a lab that this test process starts. The headless
 * Chromium runs need Debian's /usr/bin/chromium and are skipped without it.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Lab } from '../../emulator';
import { CA_NICKNAME, DEFAULT_CONSOLE_URL, describeLaunch, findOnPath, parseBrowserArguments, planLaunch, QUIET_FLAGS } from '../../emulator/browser';
import { UsageError } from '../../emulator/usageError';
import { startTestLab, tempDir } from '../helpers/lab';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'vigor-sim.js');
const CHROMIUM = '/usr/bin/chromium';
const chromiumTest = existsSync(CHROMIUM) ? test : test.skip;
const CHROMIUM_RUN_MS = 60_000;

let lab: Lab;
let consoleUrl: string;
let fakeChromiumDir: ReturnType<typeof tempDir>;
/** An executable used in place of Chromium where the test only prints the command. */
let fakeChromium: string;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist', 'emulator', 'browser.js'))) throw new Error('dist/ is missing or old: run "npm run build" (npm test does it first)');
  lab = await startTestLab();
  consoleUrl = lab.consoleUrl;
  fakeChromiumDir = tempDir();
  fakeChromium = path.join(fakeChromiumDir.path, 'chromium');
  writeFileSync(fakeChromium, '#!/bin/sh\nexit 0\n');
  chmodSync(fakeChromium, 0o755);
});

afterAll(async () => {
  await lab.stop();
  fakeChromiumDir.remove();
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `vigor-sim browser ARGS` to its end; a run longer than `timeoutMs` is stopped with SIGTERM. */
function browser(args: string[], timeoutMs = 20_000): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'browser', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Temporary folders of `vigor-sim browser` that exist now. */
function browserTempDirs(): string[] {
  return readdirSync(os.tmpdir()).filter((name) => name.startsWith('vigor-sim-browser-'));
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('browser arguments', () => {
  test('defaults browse as r1 LAN PC', () => {
    expect(parseBrowserArguments([])).toEqual({
      as: 'lan',
      router: 'r1',
      consoleUrl: DEFAULT_CONSOLE_URL,
      url: null,
      chromium: null,
      printCommand: false,
      headless: false,
      dumpDom: false,
    });
  });

  test('every option is read', () => {
    const options = parseBrowserArguments(['--as', 'internet', '--console', 'http://localhost:7300', '--url', 'https://checkip.dyndns.org/x', '--chromium', '/opt/chrome', '--print-command', '--headless', '--dump-dom']);
    expect(options).toEqual({
      as: 'internet',
      router: 'r1',
      consoleUrl: 'http://localhost:7300/',
      url: 'https://checkip.dyndns.org/x',
      chromium: '/opt/chrome',
      printCommand: true,
      headless: true,
      dumpDom: true,
    });
  });

  test.each([
    [['--as', 'wan'], '--as must be "lan" or "internet"'],
    [['--as', 'internet', '--router', 'r1'], '--router picks the LAN PC'],
    [['--router', ''], '--router must be a router id'],
    [['--dump-dom'], '--dump-dom only works with --headless'],
    [['--url', 'ftp://192.168.1.1/'], '--url must be an http:// or https:// URL'],
    [['--url', 'not a url'], '--url must be an http:// or https:// URL'],
    [['--console', 'localhost:7100'], '--console must be an http:// or https:// URL'],
    [['--chromium', ''], '--chromium must be the path'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['r1'], 'Unexpected argument'],
  ])('%j is a usage error', (args, message) => {
    expect(() => parseBrowserArguments(args)).toThrow(UsageError);
    expect(() => parseBrowserArguments(args)).toThrow(message);
  });

  test('usage error exits 2', async () => {
    const result = await browser(['--as', 'wan']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('vigor-sim: --as must be "lan" or "internet", got "wan".');
    expect(result.stdout).toBe('');
  });

  test('unknown router exits 2', async () => {
    const result = await browser(['--console', consoleUrl, '--router', 'r9', '--print-command']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('has no router "r9". Its routers are r1.');
  });

  test('help lists browser options', async () => {
    const child = spawn(process.execPath, [BIN, 'help'], { cwd: ROOT });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    for (const option of ['browser', '--as PLACE', '--router ID', '--console URL', '--url URL', '--chromium PATH', '--print-command', '--headless', '--dump-dom']) {
      expect(stdout).toContain(option);
    }
  });
});

describe('browser launch plan', () => {
  test('SPKI hashes without certutil', () => {
    const plan = planLaunch(parseBrowserArguments(['--console', consoleUrl]), lab.ready(), { chromium: '/usr/bin/chromium', certutil: null }, '/tmp/t');
    expect(plan.nss).toBeNull();
    expect(plan.env).toEqual({});
    expect(plan.chromiumArgs).toEqual([
      '--user-data-dir=/tmp/t/profile',
      `--proxy-server=${lab.ready().proxies.r1!.url}`,
      ...QUIET_FLAGS,
      `--ignore-certificate-errors-spki-list=${lab.ca.spkiHashes().join(',')}`,
      'http://192.168.1.1/',
    ]);
  });

  test('NSS database with certutil', () => {
    const options = parseBrowserArguments(['--console', consoleUrl, '--as', 'internet', '--headless', '--dump-dom']);
    const plan = planLaunch(options, lab.ready(), { chromium: '/usr/bin/chromium', certutil: '/usr/bin/certutil' }, '/tmp/t');
    expect(plan.env).toEqual({ HOME: '/tmp/t/home' });
    expect(plan.nss).toEqual({
      certutil: '/usr/bin/certutil',
      dir: '/tmp/t/home/.pki/nssdb',
      runs: [
        ['-N', '-d', 'sql:/tmp/t/home/.pki/nssdb', '--empty-password'],
        ['-A', '-n', CA_NICKNAME, '-t', 'C,,', '-i', '/tmp/t/lab-ca.crt', '-d', 'sql:/tmp/t/home/.pki/nssdb'],
      ],
    });
    expect(plan.chromiumArgs.join(' ')).not.toContain('--ignore-certificate-errors-spki-list');
    expect(plan.chromiumArgs.slice(-5)).toEqual(['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', 'https://checkip.dyndns.org/']);
    expect(describeLaunch(plan)).toContain(`/usr/bin/certutil -A -n 'vigor-sim Lab CA' -t C,, -i /tmp/t/lab-ca.crt`);
  });

  test('no sandbox flag without headless', () => {
    const plan = planLaunch(parseBrowserArguments(['--console', consoleUrl]), lab.ready(), { chromium: '/usr/bin/chromium', certutil: null }, '/tmp/t');
    expect(plan.chromiumArgs).not.toContain('--no-sandbox');
    expect(plan.chromiumArgs).not.toContain('--headless');
  });
});

describe('vigor-sim browser --print-command', () => {
  test('LAN PC command uses r1 proxy', async () => {
    const before = browserTempDirs();
    const result = await browser(['--console', consoleUrl, '--chromium', fakeChromium, '--print-command']);
    expect(result.code).toBe(0);

    const r1 = lab.ready().proxies.r1!;
    const command = result.stdout.split('\n').find((line) => line.includes(fakeChromium) && !line.startsWith('#'));
    expect(command).toBeDefined();
    expect(command).toContain(`--proxy-server=${r1.url} `);
    expect(command).toContain('--user-data-dir=');
    for (const flag of QUIET_FLAGS) expect(command).toContain(` ${flag}`);
    expect(command).toMatch(/ http:\/\/192\.168\.1\.1\/$/);
    expect(command).not.toContain('--headless');
    expect(result.stdout).toContain(`PAC) URL ${r1.pac}`);
    expect(browserTempDirs()).toEqual(before);
  });

  test('trust follows certutil presence', async () => {
    const result = await browser(['--console', consoleUrl, '--chromium', fakeChromium, '--print-command']);
    expect(result.code).toBe(0);
    if (findOnPath('certutil')) {
      expect(result.stdout).toContain('certutil -N -d sql:');
      expect(result.stdout).toContain(`-n 'vigor-sim Lab CA' -t C,,`);
      expect(result.stdout).toMatch(/^HOME=\S+\/home /m);
      expect(result.stdout).not.toContain('--ignore-certificate-errors-spki-list');
    } else {
      expect(result.stdout).toContain(`--ignore-certificate-errors-spki-list=${lab.ca.spkiHashes().join(',')}`);
      expect(result.stdout).not.toContain('HOME=');
    }
  });

  test('Internet host headless command', async () => {
    const result = await browser(['--console', consoleUrl, '--chromium', fakeChromium, '--as', 'internet', '--headless', '--dump-dom', '--print-command']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`--proxy-server=${lab.ready().proxies.internet!.url} `);
    expect(result.stdout).toContain('--headless --no-sandbox --disable-gpu --dump-dom https://checkip.dyndns.org/\n');
  });

  chromiumTest('finds /usr/bin/chromium by default', async () => {
    const result = await browser(['--console', consoleUrl, '--print-command']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^(HOME=\S+ )?\/usr\/bin\/chromium --user-data-dir=/m);
  });
});

describe('vigor-sim browser errors', () => {
  test('missing Chromium says how to install', async () => {
    const result = await browser(['--console', consoleUrl, '--chromium', '/nonexistent']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Chromium was not found at /nonexistent');
    expect(result.stderr).toContain('apt-get install chromium');
    expect(result.stderr).toContain(lab.ready().proxies.r1!.pac);
    expect(result.stdout).toBe('');
  });

  test('no lab names URL and --console', async () => {
    const port = await freeLoopbackPort();
    const result = await browser(['--console', `http://127.0.0.1:${port}/`, '--print-command']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No vigor-sim lab responds at http://127.0.0.1:${port}/`);
    expect(result.stderr).toContain('--console URL');
    expect(result.stdout).toBe('');
  });

  test('non-lab console is rejected', async () => {
    const result = await browser(['--console', `${consoleUrl}console.css/`, '--print-command']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not the console of a vigor-sim lab');
  });
});

describe('vigor-sim browser in headless Chromium', () => {
  chromiumTest(
    'LAN PC sees the login form',
    async () => {
      const before = browserTempDirs();
      const result = await browser(['--console', consoleUrl, '--as', 'lan', '--router', 'r1', '--headless', '--dump-dom', '--url', 'http://192.168.1.1/login'], CHROMIUM_RUN_MS);
      expect(result.stderr).toContain('as the LAN PC of router r1');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('<form method="post" action="/login"');
      expect(result.stdout).toContain('name="password"');
      expect(browserTempDirs()).toEqual(before);
    },
    CHROMIUM_RUN_MS + 5_000,
  );

  chromiumTest(
    'Internet host trusts the lab CA',
    async () => {
      const result = await browser(['--console', consoleUrl, '--as', 'internet', '--headless', '--dump-dom'], CHROMIUM_RUN_MS);
      expect(result.stderr).toContain('as the Internet host (192.0.2.100)');
      expect(result.code).toBe(0);
      // The page arrives over HTTPS, so Chromium showing it proves that it trusted the lab CA.
      expect(result.stdout).toContain('Current IP Address: 192.0.2.100');
    },
    CHROMIUM_RUN_MS + 5_000,
  );
});
