'use strict';
/**
 * B4: the logged-in Dashboard of router r1 under autocannon with 32 connections, against a bare
 * Express "hello" route under the same load. The lab and the Express server are child processes;
 * autocannon runs in this process, so on a 2-core machine each side has about one core.
 */
const path = require('node:path');
const autocannon = require('autocannon');
const { loginCookie } = require('./lib/login');
const { startNodeUntilJsonLine, stopChild } = require('./lib/processes');
const { summarize } = require('./lib/stats');

const CONNECTIONS = 32;
const WARMUP_SECONDS = 2;
const READY_TIMEOUT_MS = 60_000;

/** Runs autocannon once and rejects when any response was not a 2xx or any request failed. */
async function load(url, headers, seconds) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  const problems = [];
  if (result.non2xx > 0) {
    const statuses = Object.entries(result.statusCodeStats ?? {}).map(([status, { count }]) => `${count} x HTTP ${status}`).join(', ');
    problems.push(`${result.non2xx} responses were not 2xx (${statuses})`);
  }
  if (result.errors > 0) problems.push(`${result.errors} requests failed`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} requests timed out`);
  if (result.requests.total === 0) problems.push('no request completed');
  if (problems.length > 0) throw new Error(`autocannon against ${url}: ${problems.join(', ')}`);
  return { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99 };
}

async function run({ root, runs, portBase, log, durationSeconds }) {
  const labStart = await startNodeUntilJsonLine([path.join(root, 'bin', 'vigor-sim.js'), 'start', '--ephemeral', '--json', '--routers', '1', '--port-base', String(portBase)], { cwd: root, timeoutMs: READY_TIMEOUT_MS });
  let expressStart;
  try {
    expressStart = await startNodeUntilJsonLine([path.join(__dirname, 'fixtures', 'express-hello.js'), String(portBase + 99)], { cwd: root, timeoutMs: READY_TIMEOUT_MS });
    const lanUrl = labStart.line.routers[0].lanUrl;
    const dashboardUrl = new URL('dashboard', lanUrl).href;
    const headers = { cookie: await loginCookie(lanUrl) };

    const check = await fetch(dashboardUrl, { headers, redirect: 'manual' });
    const page = await check.text();
    if (check.status !== 200 || !page.includes('Dashboard')) throw new Error(`GET ${dashboardUrl} with the session cookie returned HTTP ${check.status} without the Dashboard`);

    const sides = { dashboard: { url: dashboardUrl, headers }, express: { url: expressStart.line.url, headers: {} } };
    for (const side of Object.values(sides)) await load(side.url, side.headers, WARMUP_SECONDS);

    const measured = { dashboard: [], express: [] };
    for (let index = 0; index < runs; index += 1) {
      const order = index % 2 === 0 ? ['dashboard', 'express'] : ['express', 'dashboard'];
      for (const name of order) measured[name].push(await load(sides[name].url, sides[name].headers, durationSeconds));
      const [dashboard, express] = [measured.dashboard.at(-1), measured.express.at(-1)];
      log(`B4 run ${index + 1}/${runs}: Dashboard ${dashboard.requestsPerSecond.toFixed(0)} req/s p99 ${dashboard.p99Ms} ms, Express ${express.requestsPerSecond.toFixed(0)} req/s p99 ${express.p99Ms} ms`);
    }

    const rate = summarize(measured.dashboard.map((entry) => entry.requestsPerSecond));
    const referenceRate = summarize(measured.express.map((entry) => entry.requestsPerSecond));
    const p99 = summarize(measured.dashboard.map((entry) => entry.p99Ms));
    const referenceP99 = summarize(measured.express.map((entry) => entry.p99Ms));
    const share = rate.median / referenceRate.median;
    return [
      {
        id: 'B4',
        what: `Dashboard, ${CONNECTIONS} connections, requests per second`,
        unit: 'req/s',
        stats: rate,
        reference: { what: 'Express "hello" route', stats: referenceRate },
        comparison: `${(share * 100).toFixed(0)}% of the reference`,
        target: 'at least 40% of the reference',
        met: share >= 0.4,
      },
      {
        id: 'B4',
        what: `Dashboard, ${CONNECTIONS} connections, p99 latency`,
        unit: 'ms',
        stats: p99,
        reference: { what: 'Express "hello" route', stats: referenceP99 },
        target: 'under 25 ms',
        met: p99.median < 25,
      },
    ];
  } finally {
    if (expressStart) await stopChild(expressStart.child);
    await stopChild(labStart.child);
  }
}

module.exports = { id: 'B4', title: 'Logged-in Dashboard under autocannon', run };
