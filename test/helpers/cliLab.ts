/**
 * A lab run as the real `vigor-sim start` process from bin/vigor-sim.js (compiled code in dist/,
 * which `npm test` builds first), for tests that stop or kill the process.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ReadyInfo } from '../../emulator';
import { randomPortBase } from './lab';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'vigor-sim.js');
const READY_TIMEOUT_MS = 20_000;

export interface CliLab {
  child: ChildProcessWithoutNullStreams;
  info: ReadyInfo;
  stderr(): string;
  /** Resolves with the exit code, or the signal name for a killed process. */
  exit: Promise<number | string | null>;
}

export function requireBuild(): void {
  if (!existsSync(path.join(ROOT, 'dist', 'emulator', 'cli.js'))) throw new Error('dist/ is missing: run "npm run build" (npm test does it first)');
}

/**
 * Starts `vigor-sim start --json --port-base <random>` with the given options and waits for its
 * ready line. Other labs and the host's outgoing connections may hold a port of the plan, so a
 * start that fails on a port in use is retried on another random base.
 */
export async function startCliLab(args: string[]): Promise<CliLab> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce([...args, '--port-base', String(randomPortBase())]);
    } catch (error) {
      if (!(error instanceof PortInUse) || attempt >= 5) throw error;
    }
  }
}

class PortInUse extends Error {}

async function startOnce(args: string[]): Promise<CliLab> {
  const child = spawn(process.execPath, [BIN, 'start', '--json', ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!stdout.includes('\n')) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await exit;
      const message = `vigor-sim exited before it was ready (${child.exitCode ?? child.signalCode}): ${stderr}`;
      throw /is already in use/.test(stderr) ? new PortInUse(message) : new Error(message);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`vigor-sim printed no ready line within ${READY_TIMEOUT_MS} ms; stderr: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const info = JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as ReadyInfo;
  return { child, info, stderr: () => stderr, exit };
}

/** Returns a random port base whose ports (base to base + 109 for one router) are all valid. */

export { randomPortBase };
