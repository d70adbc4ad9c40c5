'use strict';
/**
 * B2: `vigor-sim start --json --routers 50`: time to the ready line, and resident memory per
 * router, estimated as (VmRSS of the 50-router lab - VmRSS of a 1-router lab) / 49, both read
 * SETTLE_MS after the ready line.
 */
const path = require('node:path');
const { residentKb, sleep, startNodeUntilJsonLine, stopChild } = require('./lib/processes');
const { summarize } = require('./lib/stats');

const ROUTERS = 50;
const READY_TIMEOUT_MS = 120_000;
/** Wait after the ready line before reading VmRSS, so that start-up garbage can be collected. */
const SETTLE_MS = 2000;

async function startAndMeasure(root, routers, portBase) {
  const args = [path.join(root, 'bin', 'vigor-sim.js'), 'start', '--ephemeral', '--json', '--routers', String(routers), '--port-base', String(portBase)];
  const { child, readyMs, line } = await startNodeUntilJsonLine(args, { cwd: root, timeoutMs: READY_TIMEOUT_MS });
  try {
    if (line.routers?.length !== routers) throw new Error(`The ready line lists ${line.routers?.length} routers, expected ${routers}`);
    await sleep(SETTLE_MS);
    return { readyMs, rssKb: residentKb(child.pid) };
  } finally {
    await stopChild(child);
  }
}

async function run({ root, runs, portBase, log }) {
  const readyTimes = [];
  const perRouterMb = [];
  const rssFiftyMb = [];
  const rssOneMb = [];

  for (let index = 0; index < runs; index += 1) {
    const oneRouter = await startAndMeasure(root, 1, portBase);
    const fullLab = await startAndMeasure(root, ROUTERS, portBase);
    readyTimes.push(fullLab.readyMs);
    rssOneMb.push(oneRouter.rssKb / 1024);
    rssFiftyMb.push(fullLab.rssKb / 1024);
    perRouterMb.push((fullLab.rssKb - oneRouter.rssKb) / 1024 / (ROUTERS - 1));
    log(`B2 run ${index + 1}/${runs}: ready ${fullLab.readyMs.toFixed(0)} ms, RSS ${(fullLab.rssKb / 1024).toFixed(0)} MB (1 router: ${(oneRouter.rssKb / 1024).toFixed(0)} MB), ${perRouterMb.at(-1).toFixed(2)} MB per router`);
  }

  const ready = summarize(readyTimes);
  const perRouter = summarize(perRouterMb);
  return [
    { id: 'B2', what: `start to ready line, ${ROUTERS} routers`, unit: 'ms', stats: ready, target: 'under 5 s', met: ready.median < 5000 },
    {
      id: 'B2',
      what: 'resident memory per router',
      unit: 'MB',
      stats: perRouter,
      comparison: `VmRSS ${summarize(rssFiftyMb).median.toFixed(0)} MB with ${ROUTERS}, ${summarize(rssOneMb).median.toFixed(0)} MB with 1 (medians)`,
      target: 'under 15 MB per router',
      met: perRouter.median < 15,
    },
  ];
}

module.exports = { id: 'B2', title: `Start with ${ROUTERS} routers, memory per router`, run };
