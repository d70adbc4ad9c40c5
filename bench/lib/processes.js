'use strict';
/** Child processes of the benchmarks: start until a JSON line on stdout, read memory, stop. */
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');

/** Maximum characters of stderr kept per child, for the error message when it fails. */
const STDERR_KEPT_CHARS = 4000;
/** Children started here that have not exited, so that an interrupted run can stop them. */
const runningChildren = new Set();

/**
 * Starts `node args...` and resolves once its first stdout line arrives, parsed as JSON. The time
 * runs from just before spawn() to the arrival of that line, in milliseconds. Rejects with the
 * child's stderr when it exits first or the line takes longer than `timeoutMs`.
 */
function startNodeUntilJsonLine(args, { cwd, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    runningChildren.add(child);
    child.once('exit', () => runningChildren.delete(child));
    let stdout = '';
    let stderr = '';
    let settled = false;

    const fail = (message) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      const detail = stderr.trim() ? `; its stderr ends with: ${stderr.trim().slice(-600)}` : '';
      reject(new Error(`${message} (node ${args.join(' ')})${detail}`));
    };

    const timer = setTimeout(() => fail(`No ready line within ${timeoutMs} ms`), timeoutMs);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT_CHARS);
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      if (settled) return;
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (end < 0) return;
      const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
      let line;
      try {
        line = JSON.parse(stdout.slice(0, end));
      } catch (error) {
        fail(`The first stdout line is not JSON (${error.message}): ${stdout.slice(0, 200)}`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      // Later output is not needed, but the pipe must keep draining.
      child.stdout.resume();
      resolve({ child, readyMs, line });
    });
    child.once('error', (error) => fail(`Starting the process failed: ${error.message}`));
    child.once('exit', (code, signal) => fail(`The process exited with ${signal ?? `code ${code}`} before its ready line`));
  });
}

/**
 * Sends SIGTERM and waits for the exit; a child still running after `timeoutMs` gets SIGKILL.
 * Resolves with the exit code, or the signal name when it was killed.
 */
function stopChild(child, timeoutMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal);
    });
    child.kill('SIGTERM');
  });
}

/** Sends SIGKILL to every child started here that is still running. */
function killRunningChildren() {
  for (const child of runningChildren) child.kill('SIGKILL');
}

/** Resident set size of a process in kB, from VmRSS in /proc/<pid>/status (Linux only). */
function residentKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = { startNodeUntilJsonLine, stopChild, killRunningChildren, residentKb, sleep };
