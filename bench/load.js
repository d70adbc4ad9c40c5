'use strict';
/**
 * Load: 200 logged-in web UI sessions of router r1 browse its pages for 60 s while the router sends
 * one alert a second through the emulated Exchange Online. The run passes with zero errors and
 * resident memory growth of the lab process under 10 %. An error is a status other than 200 (a lost
 * session gets a redirect to the login page), a network error or timeout, or an alert that failed
 * or is still queued at the end.
 *
 *   node bench/load.js [--sessions 200] [--seconds 60] [--warmup 10] [--alerts-per-second 1]
 *                      [--port-base 30000] [--no-build]
 *
 * The lab runs in a child process, so that its memory is measured alone, from a copy of dist/ in a
 * temporary directory, so that a build elsewhere (npm test rebuilds dist/) cannot change files
 * under it. The child runs with --expose-gc and collects garbage before each memory reading that the
 * growth is computed from, so the growth measures memory kept, not garbage not yet collected.
 * Exchange accepts the router's password here (its Basic auth switch, docs/mail.md) with the seeded
 * mailbox alerts@contosolab.onmicrosoft.com, because an OAuth authorization needs a browser sign-in.
 * Figures and method: docs/benchmarks.md, section Load.
 */
const { spawn, spawnSync } = require('node:child_process');
const { cpSync, mkdtempSync, rmSync, symlinkSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = path.resolve(__dirname, '..');
const ALERT_USER = 'alerts@contosolab.onmicrosoft.com';
const ALERT_PASSWORD = 'Alerts-Lab-2026!';
/** Host time a page may take before it counts as an error. */
const REQUEST_TIMEOUT_MS = 30_000;
/**
 * Logins run this many at a time. Brute force protection counts logins in progress with failures
 * (5 by default) and blocks the source beyond that, so more at once from the one LAN PC would block it.
 */
const LOGIN_CONCURRENCY = 4;
/** Host time the queue may take to empty after the load stops. */
const DRAIN_TIMEOUT_MS = 60_000;
/** Pause of a session between two pages, drawn evenly from 0 to this many ms, as a person clicks. */
const MAX_THINK_MS = 200;
const MAX_GROWTH_PERCENT = 10;

/** Pages a session opens, in random order: every emulated menu page and the views behind links. */
const EXTRA_PAGES = [
  '/objects-setting/sms-mail-service-object?index=1',
  '/objects-setting/notification-object?index=1',
  '/applications/sms-mail-alert?tab=queue',
  '/applications/dynamic-dns?view=log',
  '/objects-setting/ip-object?page=2',
  '/system-maintenance/management?tab=lan',
  '/diagnostics/syslog-explorer?category=Mail',
];

if (process.argv.includes('--serve-lab')) {
  serveLab().catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  });
} else {
  main().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`load: ${error.message}\n`);
      process.exit(1);
    },
  );
}

function options() {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string', default: '200' },
      seconds: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '10' },
      'alerts-per-second': { type: 'string', default: '1' },
      'port-base': { type: 'string', default: '30000' },
      'no-build': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const number = (name, min, max) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be a number from ${min} to ${max}, got "${values[name]}"`);
    return value;
  };
  return {
    sessions: number('sessions', 1, 1000),
    seconds: number('seconds', 1, 3600),
    warmup: number('warmup', 0, 600),
    alertsPerSecond: number('alerts-per-second', 0, 100),
    portBase: number('port-base', 1024, 65000),
    build: !values['no-build'],
  };
}

async function main() {
  const settings = options();
  if (settings.build) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  const copy = mkdtempSync(path.join(os.tmpdir(), 'vigor-sim-load-'));
  for (const entry of ['dist', 'bin', 'package.json']) cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');

  const lab = await startLabProcess(copy, settings.portBase);
  try {
    return await runLoad(lab, settings);
  } finally {
    await lab.stop();
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Starts this file with --serve-lab in a child with an IPC channel, and waits for its ready message. */
function startLabProcess(copy, portBase) {
  const child = spawn(process.execPath, ['--expose-gc', __filename, '--serve-lab', copy, String(portBase)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 1;
  child.on('message', (message) => {
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.error) waiting.reject(new Error(message.error));
    else waiting.resolve(message.result);
  });
  const call = (command, argument) =>
    new Promise((resolve, reject) => {
      const id = nextId;
      nextId += 1;
      pending.set(id, { resolve, reject });
      child.send({ id, command, argument });
    });
  const exited = new Promise((resolve) => child.once('exit', resolve));

  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`The lab process exited with ${code} before it was ready`)));
    pending.set(0, {
      resolve: (ready) =>
        resolve({
          ready,
          pid: child.pid,
          call,
          stop: async () => {
            await call('stop').catch(() => undefined);
            await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
            if (child.exitCode === null) child.kill('SIGKILL');
          },
        }),
      reject,
    });
  });
}

async function runLoad(lab, settings) {
  const lanUrl = lab.ready.lanUrl;
  const pages = [...lab.ready.pages, ...EXTRA_PAGES];
  log(`Lab process ${lab.pid} ready; logging in ${settings.sessions} sessions at ${lanUrl}`);

  const cookies = [];
  for (let first = 0; first < settings.sessions; first += LOGIN_CONCURRENCY) {
    const batch = Math.min(LOGIN_CONCURRENCY, settings.sessions - first);
    cookies.push(...(await Promise.all(Array.from({ length: batch }, () => loginCookie(lanUrl)))));
  }

  log(`Warm-up: ${settings.warmup} s of browsing`);
  await browse(cookies, pages, lanUrl, settings.warmup * 1000);

  const before = await lab.call('memory', { collect: true });
  const samples = [before.rss];
  const sampler = setInterval(() => lab.call('memory', { collect: false }).then((memory) => samples.push(memory.rss), () => undefined), 1000);

  log(`Load: ${settings.sessions} sessions for ${settings.seconds} s, ${settings.alertsPerSecond} alert(s) a second`);
  await lab.call('startAlerts', settings.alertsPerSecond);
  const load = await browse(cookies, pages, lanUrl, settings.seconds * 1000);
  await lab.call('stopAlerts');
  clearInterval(sampler);

  const alerts = await drainAlerts(lab);
  const after = await lab.call('memory', { collect: true });
  samples.push(after.rss);

  const growthPercent = ((after.rss - before.rss) / before.rss) * 100;
  const result = {
    machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, ${os.platform()} ${os.release()}`,
    // Other processes on the machine slow the lab down; the 1-minute load average at the end shows how busy it was.
    loadAverage: Number(os.loadavg()[0].toFixed(2)),
    sessions: settings.sessions,
    seconds: settings.seconds,
    requests: load.requests,
    requestsPerSecond: Math.round(load.requests / settings.seconds),
    latencyMs: percentiles(load.latencies),
    errors: load.errors,
    errorSamples: load.errorSamples,
    alerts,
    rssMiB: { before: mib(before.rss), after: mib(after.rss), peak: mib(Math.max(...samples)) },
    heapUsedMiB: { before: mib(before.heapUsed), after: mib(after.heapUsed) },
    rssGrowthPercent: Number(growthPercent.toFixed(1)),
  };
  process.stdout.write(`${report(result)}\n${JSON.stringify(result)}\n`);

  const passed = load.errors === 0 && alerts.failed === 0 && alerts.pending === 0 && alerts.sent === alerts.raised && growthPercent < MAX_GROWTH_PERCENT;
  log(passed ? 'PASS' : 'FAIL');
  return passed ? 0 : 1;
}

/** Runs one browsing loop per session until `durationMs` has passed; counts pages, latencies and errors. */
async function browse(cookies, pages, lanUrl, durationMs) {
  const deadline = Date.now() + durationMs;
  const latencies = [];
  const errorSamples = [];
  let errors = 0;
  const session = async (cookie) => {
    while (Date.now() < deadline) {
      const page = pages[Math.floor(Math.random() * pages.length)];
      const started = performance.now();
      try {
        const response = await fetch(new URL(page, lanUrl), { headers: { cookie }, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        const html = await response.text();
        latencies.push(performance.now() - started);
        // A lost session shows as a 302 to the login page, which redirect: 'manual' keeps.
        if (response.status !== 200 || !html.includes('</html>')) {
          throw new Error(`GET ${page} returned HTTP ${response.status}${response.headers.get('location') ? ` to ${response.headers.get('location')}` : ''}`);
        }
      } catch (error) {
        errors += 1;
        if (errorSamples.length < 5) errorSamples.push(error.message);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * MAX_THINK_MS));
    }
  };
  await Promise.all(cookies.map(session));
  return { requests: latencies.length, latencies, errors, errorSamples };
}

/** Waits until the router's alert queue has no pending alert, then returns its counts. */
async function drainAlerts(lab) {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const counts = await lab.call('alerts');
    if (counts.pending === 0 || Date.now() > deadline) return counts;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Logs in through the login form and returns the Cookie header of the new session. */
async function loginCookie(lanUrl) {
  const form = await fetch(new URL('login', lanUrl), { redirect: 'manual' });
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  const preLogin = form.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
  if (form.status !== 200 || !token) throw new Error(`The login page returned HTTP ${form.status}${token ? '' : ' without a CSRF token'}`);
  const response = await fetch(new URL('login', lanUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: preLogin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, username: 'admin', password: 'admin' }),
  });
  await response.arrayBuffer();
  // The first Set-Cookie clears the pre-login session, the second carries the new one.
  const session = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).find((pair) => !pair.endsWith('='));
  if (response.status !== 303 || !session) throw new Error(`Logging in returned HTTP ${response.status}${session ? '' : ' without a session cookie'}`);
  return session;
}

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction) => (sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]));
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0) };
}

function mib(bytes) {
  return Number((bytes / 2 ** 20).toFixed(1));
}

function report(result) {
  return [
    `| measure | value |`,
    `|---|---|`,
    `| sessions, duration | ${result.sessions} sessions, ${result.seconds} s |`,
    `| pages served | ${result.requests} (${result.requestsPerSecond} a second) |`,
    `| latency p50 / p95 / p99 / max | ${result.latencyMs.p50} / ${result.latencyMs.p95} / ${result.latencyMs.p99} / ${result.latencyMs.max} ms |`,
    `| errors | ${result.errors}${result.errorSamples.length ? ` (${result.errorSamples.join('; ')})` : ''} |`,
    `| alerts raised / sent / failed / pending | ${result.alerts.raised} / ${result.alerts.sent} / ${result.alerts.failed} / ${result.alerts.pending} |`,
    `| RSS before / after / peak | ${result.rssMiB.before} / ${result.rssMiB.after} / ${result.rssMiB.peak} MiB |`,
    `| RSS growth | ${result.rssGrowthPercent} % |`,
  ].join('\n');
}

function log(message) {
  process.stderr.write(`load: ${message}\n`);
}

/**
 * Runs the child: a lab from the copied dist/ with router r1 mailing alerts through Exchange, which
 * carries out the parent's commands sent over IPC.
 */
async function serveLab() {
  const [, , , copy, portBaseText] = process.argv;
  const { Lab } = require(path.join(copy, 'dist', 'emulator'));
  const { emptyProfile } = require(path.join(copy, 'dist', 'firmware'));
  const { menuPages } = require(path.join(copy, 'dist', 'webui', 'menu'));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigor-sim-load-data-'));
  const lab = await Lab.start({ dataDir, portBase: Number(portBaseText), clockMode: 'real' });
  lab.services.mail.settings.basicAuth.exchange = true;

  const router = lab.router('r1');
  const firmware = router.firmware;
  const mail = firmware.store.get('mail');
  mail.profiles[0] = { ...emptyProfile(), name: 'exchange', smtpServer: 'smtp.office365.com', smtpPort: 587, security: 'starttls', sender: ALERT_USER, auth: 'password', username: ALERT_USER, password: ALERT_PASSWORD };
  await firmware.store.update({ mail }, 'load bench');
  const alerts = firmware.store.get('alerts');
  // Only the alerts this process raises match the rule: start-up happens once, before the rule exists.
  alerts.notificationObjects[0] = { name: 'load', events: ['system.startup'] };
  alerts.rules[0] = { enabled: true, mailProfile: 1, recipients: ['noc@example.net'], notificationObject: 1, schedule: { always: true, from: '00:00', to: '23:59' } };
  await firmware.store.update({ alerts }, 'load bench');

  let raised = 0;
  let timer;
  const commands = {
    memory({ collect }) {
      if (collect) global.gc();
      const { rss, heapUsed } = process.memoryUsage();
      return { rss, heapUsed };
    },
    startAlerts(perSecond) {
      if (perSecond > 0) {
        timer = setInterval(() => {
          raised += 1;
          void firmware.alerts.raise({ id: 'system.startup', summary: `Load alert ${raised}`, details: { Configuration: 'load bench' } });
        }, 1000 / perSecond);
      }
    },
    stopAlerts() {
      clearInterval(timer);
    },
    alerts() {
      const queue = firmware.alerts.queue.list();
      const count = (status) => queue.filter((alert) => alert.status === status).length;
      return { raised, sent: count('sent'), failed: count('failed'), pending: count('pending') };
    },
    async stop() {
      clearInterval(timer);
      await lab.stop();
      rmSync(dataDir, { recursive: true, force: true });
      setImmediate(() => process.exit(0));
    },
  };
  process.on('message', ({ id, command, argument }) => {
    Promise.resolve()
      .then(() => commands[command](argument))
      .then(
        (result) => process.send({ id, result }),
        (error) => process.send({ id, error: error.message }),
      );
  });
  const pages = menuPages().filter((page) => page.view).map((page) => page.url);
  process.send({ id: 0, result: { lanUrl: router.lanUrl, console: lab.consoleUrl, pages } });
}
