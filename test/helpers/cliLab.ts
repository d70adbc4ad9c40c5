/**
 * A lab run as the real `vigor-sim start` process from bin/vigor-sim.js (compiled code in dist/,
 * which `npm test` builds first), for tests that stop or kill the process.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReadyInfo } from '../../emulator';
import { randomPortBase } from './lab';

const ROOT = path.join(__dirname, '..', '..');
const READY_TIMEOUT_MS = 20_000;

export interface CliLab {
  child: ChildProcessWithoutNullStreams;
  info: ReadyInfo;
  stderr(): string;
  /** Resolves with the exit code, or the signal name for a killed process. */
  exit: Promise<number | string | null>;
}

export interface BuildCopy {
  /** Directory with bin/, dist/ and package.json, and a link to the checkout's node_modules/. */
  root: string;
  remove(): void;
}

/**
 * Copies the compiled program to a temporary directory. A build started elsewhere while a test runs
 * (npm test rebuilds dist/, and the build clears it first) then cannot remove files under the lab.
 */
/** Throws when dist/ has not been built. */
export function requireBuild(): void {
  if (!existsSync(path.join(ROOT, 'dist', 'emulator', 'cli.js'))) throw new Error('dist/ is missing: run "npm run build" (npm test does it first)');
}

export function copyBuild(): BuildCopy {
  requireBuild();
  const root = mkdtempSync(path.join(os.tmpdir(), 'vigor-sim-build-'));
  for (const entry of ['bin', 'dist', 'package.json']) cpSync(path.join(ROOT, entry), path.join(root, entry), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Starts `vigor-sim start --json --port-base <random>` of a copied build with the given options and
 * waits for its ready line. Other labs and the host's outgoing connections may hold a port of the plan, so a
 * start that fails on a port in use is retried on another random base.
 */
export async function startCliLab(build: BuildCopy, args: string[]): Promise<CliLab> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(build.root, [...args, '--port-base', String(randomPortBase())]);
    } catch (error) {
      if (!(error instanceof PortInUse) || attempt >= 5) throw error;
    }
  }
}

class PortInUse extends Error {}

async function startOnce(root: string, args: string[]): Promise<CliLab> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'vigor-sim.js'), 'start', '--json', ...args], { cwd: root });
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

