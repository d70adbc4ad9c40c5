/**
 * The vigor-sim command as a user runs it: a real process from bin/vigor-sim.js (compiled code in
 * dist/, which `npm test` builds first).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { randomPortBase, tempDir } from '../helpers/lab';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'vigor-sim.js');

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function waitForLine(runInfo: Run, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const newline = runInfo.stdout().indexOf('\n');
    if (newline >= 0) return runInfo.stdout().slice(0, newline);
    if (runInfo.child.exitCode !== null) throw new Error(`vigor-sim exited with ${runInfo.child.exitCode}: ${runInfo.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`No ready line within ${timeoutMs} ms; stderr: ${runInfo.stderr()}`);
}


beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist', 'emulator', 'cli.js'))) throw new Error('dist/ is missing: run "npm run build" (npm test does it first)');
});

describe('vigor-sim start', () => {
  test('json ready line lists URLs', async () => {
    const lab = run(['start', '--ephemeral', '--json', '--port-base', String(randomPortBase())]);
    try {
      const line = await waitForLine(lab);
      const info = JSON.parse(line);
      expect(info.ready).toBe(true);
      expect(info.console).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(info.routers).toHaveLength(1);
      expect(info.routers[0].id).toBe('r1');
      expect(info.routers[0].wan.WAN1).toMatch(/^203\.0\.113\.\d+$/);

      const login = await fetch(`${info.routers[0].lanUrl}login`);
      expect(login.status).toBe(200);
      expect(await login.text()).toContain('name="password"');
      const api = await fetch(`${info.console}api/routers`);
      expect(api.status).toBe(200);
    } finally {
      lab.child.kill('SIGTERM');
    }
    expect(await lab.exit).toBe(0);
    expect(lab.stdout().trim().split('\n')).toHaveLength(1);
  });

  test('SIGINT stops cleanly with exit 0', async () => {
    const data = tempDir();
    const lab = run(['start', '--data', data.path, '--json', '--routers', '2', '--port-base', String(randomPortBase())]);
    try {
      const info = JSON.parse(await waitForLine(lab));
      expect(info.routers.map((router: { id: string }) => router.id)).toEqual(['r1', 'r2']);
      lab.child.kill('SIGINT');
      expect(await lab.exit).toBe(0);
      expect(existsSync(path.join(data.path, 'routers', 'r2', 'config.json'))).toBe(true);
      expect(existsSync(path.join(data.path, 'lab.lock'))).toBe(false);
    } finally {
      lab.child.kill('SIGKILL');
      data.remove();
    }
  });

  test('human output names console and router', async () => {
    const lab = run(['start', '--ephemeral', '--port-base', String(randomPortBase())]);
    try {
      const deadline = Date.now() + 15_000;
      while (!lab.stdout().includes('Press Ctrl+C') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(lab.stdout()).toContain('Lab console and API');
      expect(lab.stdout()).toContain('Router r1 web UI');
      expect(lab.stdout()).toContain('admin / admin');
    } finally {
      lab.child.kill('SIGTERM');
    }
    expect(await lab.exit).toBe(0);
  });

  test('port in use names port and option', async () => {
    const blocker = createServer();
    const portBase = randomPortBase();
    await new Promise<void>((resolve) => blocker.listen(portBase, '127.0.0.1', resolve));
    try {
      const lab = run(['start', '--ephemeral', '--json', '--port-base', String(portBase)]);
      expect(await lab.exit).toBe(1);
      expect(lab.stderr()).toContain(`Port ${portBase} (lab console) is already in use`);
      expect(lab.stderr()).toContain('--port-base');
      expect(lab.stdout()).toBe('');
    } finally {
      blocker.close();
    }
  });

  test('second lab on same data refused', async () => {
    const data = tempDir();
    const first = run(['start', '--data', data.path, '--json', '--port-base', String(randomPortBase())]);
    try {
      await waitForLine(first);
      const second = run(['start', '--data', data.path, '--json', '--port-base', String(randomPortBase())]);
      expect(await second.exit).toBe(1);
      expect(second.stderr()).toContain('is in use by another lab');
    } finally {
      first.child.kill('SIGTERM');
      await first.exit;
      data.remove();
    }
  });
});

describe('vigor-sim arguments', () => {
  test.each([
    [['start', '--routers', '0'], '--routers must be from 1 to 200'],
    [['start', '--routers', 'many'], '--routers must be a whole number'],
    [['start', '--data', 'x', '--ephemeral'], '--data and --ephemeral exclude each other'],
    [['start', '--port-base', '80'], '--port-base must be a whole number from 1024'],
    [['start', '--bogus'], "Unknown option '--bogus'"],
    [['start', '--log-level', 'loud'], '--log-level must be one of'],
    [['launch'], 'Unknown command "launch"'],
  ])('%j is rejected clearly', async (args, message) => {
    const cli = run(args);
    const code = await cli.exit;
    expect(code === 1 || code === 2).toBe(true);
    expect(cli.stderr()).toContain(message);
  });

  test('help lists start options', async () => {
    const cli = run(['help']);
    expect(await cli.exit).toBe(0);
    for (const option of ['--routers', '--data', '--ephemeral', '--port-base', '--json']) expect(cli.stdout()).toContain(option);
  });
});
