'use strict';
/**
 * B6: `lab.clock.advance(90 days)` on a paused lab with 10 routers, each with an enabled DrayDDNS
 * account at the Vigor's default update interval of one day, so every router sends a forced
 * update per lab day. Each run uses a fresh lab.
 */
const { dist, waitFor } = require('./lib/lab');
const { summarize, elapsedMs } = require('./lib/stats');

const ROUTERS = 10;
const DAY_MS = 86_400_000;
const DAYS = 90;

async function configureDdns(root, router) {
  const { emptyAccount } = dist(root, 'firmware');
  const config = router.firmware.store.get('ddns');
  config.enabled = true;
  config.accounts[0] = { ...emptyAccount(), enabled: true, provider: 'drayddns', domain: router.id, login: `${router.id}-trainee`, password: `${router.id}-ddns-pass` };
  await router.firmware.store.update({ ddns: config }, 'bench');
}

function allRegistered(lab) {
  return lab.routers.every((router) => router.firmware.ddns.states()[0].status === 'registered');
}

/** DrayDDNS replies the routers logged after lab time `since`, counted in the routers' DDNS logs. */
function answeredUpdates(lab, since) {
  let count = 0;
  for (const router of lab.routers) count += router.firmware.ddns.logEntries().filter((entry) => entry.time > since && entry.message.includes('replied')).length;
  return count;
}

async function oneRun(root, portBase) {
  const { startLab } = dist(root, 'emulator');
  const lab = await startLab({ routers: ROUTERS, dataDir: null, clockMode: 'paused', portBase });
  try {
    for (const router of lab.routers) await configureDdns(root, router);
    await waitFor(lab, () => allRegistered(lab), { what: `the DrayDDNS accounts of ${ROUTERS} routers to register`, timeoutMs: 60_000, pollMs: 5 });

    const labBefore = lab.clock.now();
    const started = process.hrtime.bigint();
    await lab.clock.advance(DAYS * DAY_MS);
    const advanceMs = elapsedMs(started);
    if (lab.clock.now() - labBefore !== DAYS * DAY_MS) throw new Error(`The lab clock moved ${lab.clock.now() - labBefore} ms, expected ${DAYS * DAY_MS}`);
    const updatesDuringAdvance = answeredUpdates(lab, labBefore);

    // Updates still on the wire when advance() returned finish on host time.
    await waitFor(lab, () => lab.routers.every((router) => router.firmware.ddns.states()[0].status !== 'updating'), { what: 'DDNS updates to finish', timeoutMs: 60_000, pollMs: 5 });
    return { advanceMs, updatesDuringAdvance, updatesAfter: answeredUpdates(lab, labBefore), statuses: lab.routers.map((router) => router.firmware.ddns.states()[0].status) };
  } finally {
    await lab.stop();
  }
}

async function run({ root, runs, portBase, log }) {
  const times = [];
  const updates = [];
  for (let index = 0; index < runs; index += 1) {
    const result = await oneRun(root, portBase);
    times.push(result.advanceMs);
    updates.push(result.updatesAfter);
    const statuses = [...new Set(result.statuses)].join(', ');
    log(`B6 run ${index + 1}/${runs}: ${result.advanceMs.toFixed(0)} ms; ${result.updatesDuringAdvance} DrayDDNS replies logged when advance() returned, ${result.updatesAfter} once settled; accounts ${statuses}`);
  }
  const advance = summarize(times);
  return [
    {
      id: 'B6',
      what: `advance the lab clock ${DAYS} days, ${ROUTERS} routers`,
      unit: 'ms',
      stats: advance,
      comparison: `${summarize(updates).median} DrayDDNS replies logged (median) of ${DAYS * ROUTERS} daily updates`,
      target: 'under 2 s',
      met: advance.median < 2000,
    },
  ];
}

module.exports = { id: 'B6', title: `Advance the lab clock ${DAYS} days with ${ROUTERS} routers`, run };
