'use strict';
/**
 * B3: the headless OAuth 2.0 mail flow (Authorize to test e-mail), one router and 20 in parallel.
 * Not measured yet. The row gives the reason, after checking whether the lab starts an identity
 * provider.
 */
const { dist } = require('./lib/lab');

async function run({ root, portBase }) {
  const { startLab } = dist(root, 'emulator');
  const lab = await startLab({ routers: 1, dataDir: null, clockMode: 'paused', portBase });
  let reason;
  try {
    reason = lab.services.identity
      ? 'the lab starts identity providers (lab.services.identity), but bench/ has no harness for the Authorize-to-test-mail flow yet'
      : 'the lab starts no emulated Microsoft Entra ID yet (lab.services.identity is unset), so Authorize cannot complete';
  } finally {
    await lab.stop();
  }
  return [
    {
      id: 'B3',
      what: 'headless OAuth mail flow, 1 router and 20 in parallel',
      notMeasured: reason,
      target: 'under 0.5 s per router; at least 10 flows per second',
      met: null,
    },
  ];
}

module.exports = { id: 'B3', title: 'Headless OAuth mail flow', run };
