/**
 * The `vigor-sim` command line. `start` boots a lab and runs until SIGINT or SIGTERM; with `--json`
 * it prints exactly one JSON line on stdout once everything listens, and logs go to stderr.
 * `browser` starts Chromium against a running lab (see browser.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { CHROMIUM_CANDIDATES, DEFAULT_CONSOLE_URL, runBrowser, START_URLS } from './browser';
import { Lab, MAX_ROUTERS, type ReadyInfo } from './lab';
import { DEFAULT_PORT_BASE } from './portPlan';
import { UsageError } from './usageError';

export { UsageError };

const VERSION = readPackageVersion();

/** Reads the version from the package.json above this file, from sources and from dist/ alike. */
function readPackageVersion(): string {
  for (let directory = __dirname; directory !== path.dirname(directory); directory = path.dirname(directory)) {
    const candidate = path.join(directory, 'package.json');
    if (existsSync(candidate)) return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

const USAGE = `Usage: vigor-sim <command> [options]

Commands:
  start        Start a lab and keep it running until Ctrl+C (SIGINT) or SIGTERM
  browser      Start Chromium in a running lab, as a router's LAN PC or as the Internet host
  run          Run scenario files, each in its own fresh lab; see docs/ci.md
  help         Show this help
  version      Show the version

Options for start:
  --routers N       Number of routers, 1 to ${MAX_ROUTERS} (default 1)
  --data DIR        Keep lab state in DIR (default ./lab-data)
  --ephemeral       Keep nothing: state lives in memory and is gone on exit
  --port-base P     First loopback port the lab uses (default ${DEFAULT_PORT_BASE}); see docs/lab-api.md
  --json            Print one JSON line with every URL and port once the lab is ready
  --real-uplink     Send the routers' outbound traffic (DNS, HTTPS, SMTP) to this host's real
                    network instead of the emulated Internet; see docs/network.md
  --log-level L     Log level on stderr: fatal, error, warn, info, debug, trace or silent (default warn)

Usage of run: vigor-sim run <files, directories or globs> [--junit FILE] [--parallel N]
  --junit FILE      Write the results as JUnit XML to FILE
  --parallel N      Run up to N scenarios at the same time, each in its own lab (default 1)
  The exit code is 0 when every scenario passed, 1 when one failed or could not run, and 2 for
  invalid arguments. Progress and failure reports go to stderr.

Options for browser (the lab must be running; Chromium gets a temporary profile that uses the
lab proxy of the place and trusts the lab CA):
  --as PLACE        Browse as "lan" (the LAN PC of --router) or "internet" (the Internet host);
                    default lan
  --router ID       Router whose LAN PC to browse as, with --as lan (default r1)
  --console URL     Console URL of the running lab (default ${DEFAULT_CONSOLE_URL})
  --url URL         Page to open (default ${START_URLS.lan} as the LAN PC,
                    ${START_URLS.internet} as the Internet host)
  --chromium PATH   Chromium executable (default: the first that exists of
                    ${CHROMIUM_CANDIDATES.join(', ')})
  --print-command   Print the commands and environment instead of starting Chromium
  --headless        Run Chromium without a window (adds --headless --no-sandbox --disable-gpu),
                    for CI and screenshots
  --dump-dom        With --headless: print the DOM of the loaded page on stdout, then exit
`;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface StartArguments {
  routers: number;
  dataDir: string | null;
  portBase: number;
  json: boolean;
  realUplink: boolean;
  logLevel: string;
}

export function parseStartArguments(args: string[]): StartArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        routers: { type: 'string' },
        data: { type: 'string' },
        ephemeral: { type: 'boolean', default: false },
        'port-base': { type: 'string' },
        json: { type: 'boolean', default: false },
        'real-uplink': { type: 'boolean', default: false },
        'log-level': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run "vigor-sim help" for the options.`);
  }
  const { values } = parsed;
  if (values.ephemeral && values.data !== undefined) throw new UsageError('--data and --ephemeral exclude each other; choose one.');

  const routers = parseWholeNumber(values.routers, '--routers', 1);
  if (routers < 1 || routers > MAX_ROUTERS) throw new UsageError(`--routers must be from 1 to ${MAX_ROUTERS}, got ${routers}.`);
  const portBase = parseWholeNumber(values['port-base'], '--port-base', DEFAULT_PORT_BASE);
  const logLevel = values['log-level'] ?? 'warn';
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}".`);

  return { routers, dataDir: values.ephemeral ? null : (values.data ?? 'lab-data'), portBase, json: values.json, realUplink: values['real-uplink'], logLevel };
}

function parseWholeNumber(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new UsageError(`${option} must be a whole number, got "${text}".`);
  return Number(text);
}

export function describeReady(info: ReadyInfo): string {
  const lines = [`vigor-sim ${VERSION}: lab ready`, '', `  Lab console and API   ${info.console}`];
  for (const router of info.routers) {
    const wan = Object.entries(router.wan).map(([port, ip]) => `${port} ${ip ?? 'no address'}`).join(', ');
    lines.push(`  Router ${router.id} web UI      ${router.lanUrl}   (as the LAN PC 192.168.1.10; log in as admin / admin; ${wan})`);
  }
  lines.push('', `  Data directory        ${info.dataDir ?? 'none (ephemeral lab)'}`, '', 'Press Ctrl+C to stop.');
  return lines.join('\n');
}

async function start(args: string[]): Promise<number> {
  const options = parseStartArguments(args);
  const logger = pino({ level: options.logLevel }, pino.destination(2));
  if (options.realUplink) process.stderr.write('vigor-sim: real uplink mode: the routers send DNS lookups and connections to this host\'s network, not the emulated Internet.\n');
  const lab = await Lab.start({ routers: options.routers, dataDir: options.dataDir, portBase: options.portBase, realUplink: options.realUplink, logger });

  // The stop signals are handled before the ready line goes out: a script may send SIGINT as soon
  // as it reads the line, and without a handler that signal would kill the process at once.
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'Second stop signal; exiting without waiting');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'Stopping the lab');
      if (!options.json) process.stderr.write('\nStopping the lab...\n');
      lab.stop().then(resolve, (error) => {
        logger.error({ err: error }, 'Stopping the lab failed');
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const info = lab.ready();
  process.stdout.write(options.json ? `${JSON.stringify(info)}\n` : `${describeReady(info)}\n`);
  await stopped;
  return 0;
}

async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { junit: { type: 'string' }, parallel: { type: 'string' } }, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run "vigor-sim help" for the options.`);
  }
  if (parsed.positionals.length === 0) throw new UsageError('vigor-sim run needs scenario files, directories or globs, e.g. "vigor-sim run scenarios/".');
  const parallel = parseWholeNumber(parsed.values.parallel, '--parallel', 1);
  if (parallel < 1 || parallel > 16) throw new UsageError(`--parallel must be from 1 to 16, got ${parallel}.`);
  // The scenario runner compiles its file schema when it loads (about 60 ms), which `start` does not need.
  const { expandScenarioArguments } = require('./scenario/files') as typeof import('./scenario/files');
  const { runScenarios } = require('./scenario/runner') as typeof import('./scenario/runner');
  let files: string[];
  try {
    files = expandScenarioArguments(parsed.positionals);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const summary = await runScenarios({ files, parallel, junitFile: parsed.values.junit });
  return summary.failed === 0 ? 0 : 1;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await start(rest);
      case 'browser':
        return await runBrowser(rest);
      case 'run':
        return await run(rest);
      case 'version':
      case '--version':
        process.stdout.write(`${VERSION}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      default:
        throw new UsageError(`Unknown command "${command}"; valid commands are start, browser, run, help and version.`);
    }
  } catch (error) {
    process.stderr.write(`vigor-sim: ${(error as Error).message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
