/**
 * `vigor-sim browser`: starts Chromium against a running lab, as the LAN PC of a router or as the
 * Internet host. Chromium gets a new temporary profile, sends every request through the lab proxy
 * of that place, and trusts the lab CA, through an NSS database made with certutil where certutil
 * is installed and through the CA's SPKI hashes otherwise. The temporary folder is removed when
 * Chromium exits.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { consolePort, DEFAULT_PORT_BASE } from './portPlan';
import type { ReadyInfo } from './ready';
import { UsageError } from './usageError';

export const DEFAULT_CONSOLE_URL = `http://127.0.0.1:${consolePort(DEFAULT_PORT_BASE)}/`;

/** Chromium paths tried in this order when --chromium is not given. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const START_URLS = { lan: 'http://192.168.1.1/', internet: 'https://checkip.dyndns.org/' } as const;

/**
 * Flags that cut the requests Chromium makes on its own (first-run pages, component updates, sync,
 * background requests, network time queries).
 *
 * NOTE: Chromium 156 (Debian 12) still sends a few with these flags: a component update check to
 * update.googleapis.com and a CONNECT to accounts.google.com. Like every request of this Chromium
 * they go only to the lab proxy, so they reach the lab DNS and the emulated Internet, never the
 * real one.
 */
export const QUIET_FLAGS = [
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=NetworkTimeServiceQuerying',
];

/** Flags of --headless. --no-sandbox is only here because CI runs as root, where Chromium's sandbox does not start. */
export const HEADLESS_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu'];

export const CA_NICKNAME = 'vigor-sim Lab CA';

const TEMP_PREFIX = 'vigor-sim-browser-';
/** Placeholder that --print-command shows for the temporary folder, shaped like the names mkdtemp gives. */
const TEMP_PLACEHOLDER = path.join(os.tmpdir(), `${TEMP_PREFIX}XXXXXX`);

/** Time to wait for each request to the lab console (host time). */
const LAB_REQUEST_TIMEOUT_MS = 5_000;

export type BrowsePlace = 'lan' | 'internet';

export interface BrowserArguments {
  as: BrowsePlace;
  /** Router whose LAN PC to browse as; used with `as: 'lan'` only. */
  router: string;
  /** Console URL of the lab, ending in a slash. */
  consoleUrl: string;
  /** Page to open; null opens START_URLS[as]. */
  url: string | null;
  /** Chromium path from --chromium; null looks through CHROMIUM_CANDIDATES. */
  chromium: string | null;
  printCommand: boolean;
  headless: boolean;
  dumpDom: boolean;
}

export function parseBrowserArguments(args: string[]): BrowserArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        router: { type: 'string' },
        as: { type: 'string' },
        console: { type: 'string' },
        url: { type: 'string' },
        chromium: { type: 'string' },
        'print-command': { type: 'boolean', default: false },
        headless: { type: 'boolean', default: false },
        'dump-dom': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run "vigor-sim help" for the options.`);
  }
  const { values } = parsed;

  const place = values.as ?? 'lan';
  if (place !== 'lan' && place !== 'internet') throw new UsageError(`--as must be "lan" or "internet", got "${place}".`);
  if (place === 'internet' && values.router !== undefined) {
    throw new UsageError('--router picks the LAN PC to browse as, so it only goes with --as lan. The Internet host is the same for every router.');
  }
  if (values.router !== undefined && values.router.trim() === '') throw new UsageError('--router must be a router id such as r1, got an empty value.');
  if (values['dump-dom'] && !values.headless) throw new UsageError('--dump-dom only works with --headless, because Chromium prints the DOM only when it runs without a window.');
  if (values.chromium !== undefined && values.chromium.trim() === '') throw new UsageError('--chromium must be the path of a Chromium executable, got an empty value.');

  return {
    as: place,
    router: values.router ?? 'r1',
    consoleUrl: parseConsoleUrl(values.console ?? DEFAULT_CONSOLE_URL),
    url: values.url === undefined ? null : parseHttpUrl(values.url, '--url'),
    chromium: values.chromium ?? null,
    printCommand: values['print-command'],
    headless: values.headless,
    dumpDom: values['dump-dom'],
  };
}

/** Checks an http(s) URL option and returns it normalised. */
function parseHttpUrl(text: string, option: string): URL['href'] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${option} must be an http:// or https:// URL, got "${text}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${option} must be an http:// or https:// URL, got "${text}".`);
  return url.href;
}

/** Returns the console URL with a trailing slash, so lab paths resolve below it. */
function parseConsoleUrl(text: string): string {
  const url = new URL(parseHttpUrl(text, '--console'));
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** Fetches the lab's ready information from GET <console>api/lab. */
export async function fetchLabInfo(consoleUrl: string): Promise<ReadyInfo> {
  const apiUrl = new URL('api/lab', consoleUrl).href;
  let response: Response;
  try {
    response = await fetch(apiUrl, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(LAB_REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(
      `No vigor-sim lab responds at ${consoleUrl}: GET ${apiUrl} failed (${describeFetchError(error)}). ` +
        `Start a lab with "vigor-sim start", or pass the console URL of the running lab with --console URL (default ${DEFAULT_CONSOLE_URL}).`,
    );
  }

  const notALab = `so ${consoleUrl} is not the console of a vigor-sim lab that supports "vigor-sim browser". Pass the console URL that "vigor-sim start" printed with --console URL.`;
  if (!response.ok) throw new Error(`GET ${apiUrl} returned HTTP ${response.status}, ${notALab}`);
  let info: Partial<ReadyInfo>;
  try {
    info = (await response.json()) as Partial<ReadyInfo>;
  } catch {
    throw new Error(`GET ${apiUrl} did not return JSON, ${notALab}`);
  }
  if (info.ready !== true || typeof info.proxies !== 'object' || info.proxies === null || !Array.isArray(info.routers)) {
    throw new Error(`GET ${apiUrl} did not return the lab's ready information, ${notALab}`);
  }
  return info as ReadyInfo;
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no reply within ${LAB_REQUEST_TIMEOUT_MS / 1000} s`;
  // Node's fetch reports connection failures as "fetch failed" with the socket error as the cause.
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** Returns the key of the lab proxy to use (`internet` or a router id) and that proxy. */
export function selectProxy(options: BrowserArguments, info: ReadyInfo): { key: string; proxy: ReadyInfo['proxies'][string] } {
  const key = options.as === 'internet' ? 'internet' : options.router;
  if (options.as === 'lan' && !info.routers.some((router) => router.id === key)) {
    throw new UsageError(`The lab at ${options.consoleUrl} has no router "${key}". Its routers are ${info.routers.map((router) => router.id).join(', ')}.`);
  }
  const proxy = Object.hasOwn(info.proxies, key) ? info.proxies[key] : undefined;
  if (!proxy) throw new Error(`The lab at ${options.consoleUrl} lists no proxy for "${key}" in GET /api/lab.`);
  return { key, proxy };
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Returns the Chromium to run: `explicit` when it is an executable file, else the first of CHROMIUM_CANDIDATES that is; null when none is. */
export function findChromium(explicit: string | null, isExecutable: (file: string) => boolean = isExecutableFile): string | null {
  if (explicit !== null) return isExecutable(explicit) ? explicit : null;
  return CHROMIUM_CANDIDATES.find((candidate) => isExecutable(candidate)) ?? null;
}

/** Returns the path of an executable found on PATH, or null. */
export function findOnPath(name: string, searchPath = process.env.PATH ?? ''): string | null {
  for (const directory of searchPath.split(path.delimiter)) {
    if (directory === '') continue;
    const candidate = path.join(directory, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

export function missingChromiumMessage(explicit: string | null, pacUrl: string, caUrl: string): string {
  const where = explicit !== null ? `at ${explicit} (given with --chromium), or it is not an executable file` : `(looked for ${CHROMIUM_CANDIDATES.join(', ')})`;
  return [
    `Chromium was not found ${where}.`,
    'Install it with "apt-get install chromium" on Debian or Ubuntu, or pass the path of a Chromium or Chrome executable with --chromium PATH.',
    `Any other browser can use the lab as well: set its proxy auto-config (PAC) URL to ${pacUrl}`,
    `and trust the lab CA from ${caUrl}.`,
  ].join('\n');
}

export interface LaunchPlan {
  /** The place browsed as, e.g. "the LAN PC of router r1 (192.168.1.10)". */
  placeLabel: string;
  proxyUrl: string;
  pacUrl: string;
  caUrl: string;
  startUrl: string;
  tmpDir: string;
  /** Path of the downloaded lab CA. */
  caFile: string;
  /** The certutil runs that create the NSS database, as argument lists; null when the SPKI hashes carry the trust. */
  nss: { certutil: string; dir: string; runs: string[][] } | null;
  chromium: string;
  chromiumArgs: string[];
  /** Variables set for Chromium on top of this process's environment. */
  env: Record<string, string>;
}

/** Works out the commands that start Chromium with a profile, an NSS database and a CA file under `tmpDir`. */
export function planLaunch(options: BrowserArguments, info: ReadyInfo, tools: { chromium: string; certutil: string | null }, tmpDir: string): LaunchPlan {
  const { proxy } = selectProxy(options, info);
  const caFile = path.join(tmpDir, 'lab-ca.crt');
  const chromiumArgs = [`--user-data-dir=${path.join(tmpDir, 'profile')}`, `--proxy-server=${proxy.url}`, ...QUIET_FLAGS];
  const env: Record<string, string> = {};

  let nss: LaunchPlan['nss'] = null;
  if (tools.certutil !== null) {
    // Chromium on Linux reads the user's NSS database from $HOME/.pki/nssdb.
    const home = path.join(tmpDir, 'home');
    const dir = path.join(home, '.pki', 'nssdb');
    nss = {
      certutil: tools.certutil,
      dir,
      runs: [
        ['-N', '-d', `sql:${dir}`, '--empty-password'],
        ['-A', '-n', CA_NICKNAME, '-t', 'C,,', '-i', caFile, '-d', `sql:${dir}`],
      ],
    };
    env.HOME = home;
  } else {
    const hashes = info.caSpkiHashes;
    if (!Array.isArray(hashes) || hashes.length === 0) {
      throw new Error(
        `certutil (Debian package libnss3-tools) is not installed, and the lab at ${options.consoleUrl} does not list the SPKI hashes of its CA (caSpkiHashes in GET /api/lab), ` +
          'so Chromium cannot be made to trust the lab CA. Install libnss3-tools, or run a lab of the same vigor-sim version.',
      );
    }
    chromiumArgs.push(`--ignore-certificate-errors-spki-list=${hashes.join(',')}`);
  }
  if (options.headless) chromiumArgs.push(...HEADLESS_FLAGS);
  if (options.dumpDom) chromiumArgs.push('--dump-dom');
  const startUrl = options.url ?? START_URLS[options.as];
  chromiumArgs.push(startUrl);

  return {
    placeLabel: `the ${proxy.place} (${proxy.address})`,
    proxyUrl: proxy.url,
    pacUrl: proxy.pac,
    caUrl: new URL('lab-ca.crt', options.consoleUrl).href,
    startUrl,
    tmpDir,
    caFile,
    nss,
    chromium: tools.chromium,
    chromiumArgs,
    env,
  };
}

/** Quotes a word for a POSIX shell when it contains anything but safe characters. */
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Formats the output of --print-command: the certutil runs, the environment and the Chromium command line. */
export function describeLaunch(plan: LaunchPlan): string {
  const lines = [
    `# vigor-sim browser: Chromium as ${plan.placeLabel} through the lab proxy ${plan.proxyUrl} (not started).`,
    `# ${plan.tmpDir} stands for a new temporary folder, removed when Chromium exits.`,
  ];
  if (plan.nss) {
    lines.push(`# The lab CA from ${plan.caUrl} is saved as ${plan.caFile} and trusted in a new NSS database:`);
    for (const run of plan.nss.runs) lines.push([plan.nss.certutil, ...run].map(shellQuote).join(' '));
  } else {
    lines.push('# certutil (Debian package libnss3-tools) is not installed, so Chromium trusts the lab CA by its SPKI hashes.');
  }
  const environment = Object.entries(plan.env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  lines.push([...environment, ...[plan.chromium, ...plan.chromiumArgs].map(shellQuote)].join(' '));
  lines.push(`# Other browsers: proxy auto-config (PAC) URL ${plan.pacUrl}, lab CA ${plan.caUrl}`);
  return `${lines.join('\n')}\n`;
}

/** Returns the `vigor-sim browser` command line for a place key (`internet` or a router id), as the console page shows it. */
export function browserCommandLine(placeKey: string, consoleUrl: string): string {
  const place = placeKey === 'internet' ? '--as internet' : `--as lan --router ${placeKey}`;
  const consoleOption = consoleUrl === DEFAULT_CONSOLE_URL ? '' : ` --console ${consoleUrl}`;
  return `vigor-sim browser ${place}${consoleOption}`;
}

async function downloadCa(caUrl: string, file: string): Promise<void> {
  let pem: string;
  try {
    const response = await fetch(caUrl, { signal: AbortSignal.timeout(LAB_REQUEST_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    pem = await response.text();
  } catch (error) {
    throw new Error(`Failed to download the lab CA from ${caUrl} (${describeFetchError(error)}).`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`${caUrl} did not return a PEM certificate.`);
  writeFileSync(file, pem);
}

const execFileAsync = promisify(execFile);

async function createNssDatabase(nss: NonNullable<LaunchPlan['nss']>): Promise<void> {
  mkdirSync(nss.dir, { recursive: true });
  for (const run of nss.runs) {
    try {
      await execFileAsync(nss.certutil, run, { timeout: 30_000 });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
      throw new Error(`${[nss.certutil, ...run].map(shellQuote).join(' ')} failed: ${stderr || (error as Error).message}`);
    }
  }
}

/** Runs Chromium with this process's stdout and stderr; resolves with its exit status (128 + signal number when a signal ended it). */
function runChromium(plan: LaunchPlan): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(plan.chromium, plan.chromiumArgs, { env: { ...process.env, ...plan.env }, stdio: ['ignore', 'inherit', 'inherit'] });
    // Ctrl+C in a terminal reaches Chromium as well. A signal sent to this process alone is passed
    // on, and this process waits for Chromium to exit so that it can remove the temporary folder.
    const forward = (signal: NodeJS.Signals) => {
      child.kill(signal);
    };
    const stopForwarding = () => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.once('error', (error) => {
      stopForwarding();
      reject(new Error(`Failed to start ${plan.chromium}: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      stopForwarding();
      resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0));
    });
  });
}

/** Returns warnings about a window that cannot open, printed before Chromium reports the same error less plainly. */
function windowWarnings(options: BrowserArguments): string[] {
  if (options.headless) return [];
  const warnings: string[] = [];
  if (process.getuid?.() === 0) warnings.push('Chromium does not start as root without --no-sandbox; run "vigor-sim browser" as a normal user, or add --headless.');
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) warnings.push('Neither DISPLAY nor WAYLAND_DISPLAY is set, so Chromium has no screen for its window; add --headless to run without one.');
  return warnings;
}

export async function runBrowser(args: string[]): Promise<number> {
  const options = parseBrowserArguments(args);
  const info = await fetchLabInfo(options.consoleUrl);
  const { proxy } = selectProxy(options, info);

  const chromium = findChromium(options.chromium);
  if (chromium === null) throw new Error(missingChromiumMessage(options.chromium, proxy.pac, new URL('lab-ca.crt', options.consoleUrl).href));
  const certutil = findOnPath('certutil');

  if (options.printCommand) {
    process.stdout.write(describeLaunch(planLaunch(options, info, { chromium, certutil }, TEMP_PLACEHOLDER)));
    return 0;
  }

  for (const warning of windowWarnings(options)) process.stderr.write(`vigor-sim: ${warning}\n`);
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), TEMP_PREFIX));
  try {
    let plan = planLaunch(options, info, { chromium, certutil }, tmpDir);
    await downloadCa(plan.caUrl, plan.caFile);
    if (plan.nss) {
      try {
        await createNssDatabase(plan.nss);
      } catch (error) {
        process.stderr.write(`vigor-sim: ${(error as Error).message}\nvigor-sim: trusting the lab CA by its SPKI hashes instead.\n`);
        plan = planLaunch(options, info, { chromium, certutil: null }, tmpDir);
      }
    }
    const trust = plan.nss ? 'a temporary NSS database' : 'its SPKI hashes';
    process.stderr.write(`vigor-sim: starting ${chromium} as ${plan.placeLabel} through the lab proxy ${plan.proxyUrl}, at ${plan.startUrl}; the lab CA is trusted through ${trust}.\n`);
    return await runChromium(plan);
  } finally {
    // Chromium's helper processes may still be closing files in the profile for a moment.
    rmSync(tmpDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}
