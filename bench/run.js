'use strict';
/**
 * `npm run bench`: builds dist/, runs the benchmarks against a copy of it and prints a Markdown
 * table of median, minimum and maximum per measure, next to the reference run in the same session
 * and the target. A slow result never changes the exit code, which is 1 only when a benchmark could
 * not run at all. Method and results: docs/benchmarks.md.
 *
 * The labs run from a copy of dist/ in a temporary directory, so that a build started elsewhere
 * during the run (npm test rebuilds dist/) cannot change or remove files under a running lab.
 */
const { spawnSync } = require('node:child_process');
const { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { killRunningChildren } = require('./lib/processes');
const { describeMachine, loadAverage, machine, resultsTable } = require('./lib/report');

const ROOT = path.resolve(__dirname, '..');
const BENCHMARKS = [require('./b1-start'), require('./b2-fifty-routers'), require('./b3-oauth-flow'), require('./b4-dashboard'), require('./b5-alerts'), require('./b6-clock')];
/** Loopback ports per benchmark; each lab needs base to base + 100 + 10 x routers. */
const PORTS_PER_BENCHMARK = 1000;

const USAGE = `Usage: npm run bench -- [options]

Options:
  --runs N          Measured runs per benchmark, at least 1 (default 5)
  --only IDS        Comma-separated benchmark ids to run, e.g. B1,B4 (default all)
  --port-base P     First loopback port; benchmark k uses P + ${PORTS_PER_BENCHMARK} x k and up (default 24000)
  --duration S      Seconds of load per autocannon run in B4 (default 10)
  --json FILE       Also write the machine and every run's figures to FILE as JSON
  --no-build        Use the dist/ tree as it is instead of running "npm run build" first
  --help            Show this help
`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '5' },
      only: { type: 'string' },
      'port-base': { type: 'string', default: '24000' },
      duration: { type: 'string', default: '10' },
      json: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const runs = wholeNumber(values.runs, '--runs', 1, 1000);
  const portBase = wholeNumber(values['port-base'], '--port-base', 1024, 65535 - PORTS_PER_BENCHMARK * BENCHMARKS.length);
  const durationSeconds = wholeNumber(values.duration, '--duration', 1, 600);
  const known = BENCHMARKS.map((benchmark) => benchmark.id);
  const only = values.only ? values.only.split(',').map((id) => id.trim().toUpperCase()) : known;
  const unknown = only.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw new Error(`--only names unknown benchmarks ${unknown.join(', ')}; the benchmarks are ${known.join(', ')}`);
  return { runs, portBase, durationSeconds, only, json: values.json, build: !values['no-build'], help: values.help };
}

function wholeNumber(text, option, min, max) {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new Error(`${option} must be a whole number from ${min} to ${max}, got "${text}"`);
  return Number(text);
}

/** Copies dist/, bin/ and package.json to a temporary directory that links to node_modules/. */
function snapshotBuild() {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'vigor-sim-bench-'));
  for (const entry of ['dist', 'bin', 'package.json']) cpSync(path.join(ROOT, entry), path.join(directory, entry), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(directory, 'node_modules'), 'dir');
  return directory;
}

function build() {
  process.stderr.write('bench: npm run build\n');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build failed (${result.error?.message ?? `exit code ${result.status}`}); fix the build or run with --no-build`);
}

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${error.message}. Run "npm run bench -- --help" for the options.\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    if (options.build) build();
  } catch (error) {
    process.stderr.write(`bench: ${error.message}\n`);
    return 1;
  }

  const host = machine();
  const log = (line) => process.stderr.write(`${line}\n`);
  log(`bench: ${describeMachine(host)}; ${options.runs} runs each`);

  const snapshot = snapshotBuild();
  // Ctrl+C or SIGTERM: stop the labs this run started and remove the copy before exiting.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      killRunningChildren();
      rmSync(snapshot, { recursive: true, force: true });
      process.stderr.write(`bench: stopped by ${signal}\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  const rows = [];
  try {
    for (const [index, benchmark] of BENCHMARKS.entries()) {
      if (!options.only.includes(benchmark.id)) continue;
      log(`bench: ${benchmark.id} ${benchmark.title}`);
      const context = { root: snapshot, runs: options.runs, portBase: options.portBase + PORTS_PER_BENCHMARK * index, durationSeconds: options.durationSeconds, log };
      try {
        rows.push(...(await benchmark.run(context)));
      } catch (error) {
        log(`bench: ${benchmark.id} could not run: ${error.stack ?? error.message}`);
        rows.push({ id: benchmark.id, what: benchmark.title, error: error.message.split('\n')[0] });
      }
    }
  } finally {
    rmSync(snapshot, { recursive: true, force: true });
  }

  const endLoad = loadAverage();
  process.stdout.write(`Machine: ${describeMachine(host)} at the start, ${endLoad} at the end\nRuns: ${options.runs} per benchmark\n\n${resultsTable(rows)}\n`);
  if (options.json) writeFileSync(options.json, `${JSON.stringify({ machine: host, loadAverageAtEnd: endLoad, runs: options.runs, rows }, null, 2)}\n`);

  const failed = rows.filter((row) => row.error).map((row) => row.id);
  if (failed.length > 0) {
    process.stderr.write(`bench: ${failed.join(', ')} could not run; see the messages above.\n`);
    return 1;
  }
  return 0;
}

main().then((code) => {
  process.exitCode = code;
});
