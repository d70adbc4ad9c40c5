'use strict';
/** Labs run inside the bench process, from the compiled dist/ tree. */
const path = require('node:path');
const { sleep } = require('./processes');

/** Loads a module of the compiled program, e.g. `emulator` or `firmware`. */
function dist(root, name) {
  return require(path.join(root, 'dist', name));
}

/**
 * Polls `done()` every `pollMs` of host time, advancing the paused lab clock by 0 ms each time so
 * that lab timers that are already due (a DHCP step, a retry) fire. Rejects after `timeoutMs`.
 */
async function waitFor(lab, done, { what, timeoutMs, pollMs = 2 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await lab.clock.advance(0);
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}

module.exports = { dist, waitFor };
