'use strict';
/**
 * B1: process start to the ready JSON line of `vigor-sim start --json` with one router, against a
 * bare Express "hello" server from start to listening. Both run as child processes, alternating.
 */
const path = require('node:path');
const { startNodeUntilJsonLine, stopChild } = require('./lib/processes');
const { summarize } = require('./lib/stats');

const READY_TIMEOUT_MS = 60_000;

async function run({ root, runs, portBase, log }) {
  const labTimes = [];
  const expressTimes = [];
  const labArgs = [path.join(root, 'bin', 'vigor-sim.js'), 'start', '--ephemeral', '--json', '--routers', '1', '--port-base', String(portBase)];
  const expressArgs = [path.join(__dirname, 'fixtures', 'express-hello.js'), String(portBase + 99)];

  for (let index = 0; index < runs; index += 1) {
    // Alternating the order keeps a slow spell of the machine from hitting only one side.
    const order = index % 2 === 0 ? ['lab', 'express'] : ['express', 'lab'];
    for (const side of order) {
      const { child, readyMs, line } = await startNodeUntilJsonLine(side === 'lab' ? labArgs : expressArgs, { cwd: root, timeoutMs: READY_TIMEOUT_MS });
      await stopChild(child);
      if (side === 'lab') {
        if (line.ready !== true) throw new Error(`The ready line has no "ready": true: ${JSON.stringify(line).slice(0, 200)}`);
        labTimes.push(readyMs);
      } else {
        expressTimes.push(readyMs);
      }
    }
    log(`B1 run ${index + 1}/${runs}: lab ${labTimes.at(-1).toFixed(0)} ms, Express ${expressTimes.at(-1).toFixed(0)} ms`);
  }

  const lab = summarize(labTimes);
  const reference = summarize(expressTimes);
  const ratio = lab.median / reference.median;
  return [
    {
      id: 'B1',
      what: 'start to ready line, 1 router',
      unit: 'ms',
      stats: lab,
      reference: { what: 'Express "hello", start to listening', stats: reference },
      comparison: `${ratio.toFixed(1)}x the reference`,
      target: 'at most 3x the reference',
      met: ratio <= 3,
    },
  ];
}

module.exports = { id: 'B1', title: 'Start to ready line, 1 router', run };
