/**
 * The Jest example of docs/ci.md, unchanged apart from the import path: this repository imports
 * the sources, an installed package imports 'vigor-sim'. A test in scenarioFiles.test.ts checks
 * that docs/ci.md shows the same code.
 */
// docs/ci.md example start
import { startLab, type VigorLab } from '../../emulator';

let lab: VigorLab;

beforeEach(async () => {
  lab = await startLab({ dataDir: null, clockMode: 'paused', portBase: 'auto' });
});

afterEach(async () => {
  await lab.stop();
});

test('DDNS registers and a pulled WAN cable is logged', async () => {
  const ui = lab.routerUi('r1');
  await ui.submit('Applications >> Dynamic DNS Setup', { action: 'global', enabled: true });
  await ui.submit(
    'Applications >> Dynamic DNS Setup',
    { action: 'save', index: 1, enabled: true, provider: 'drayddns', domain: 'r1', login: 'r1-trainee', password: 'r1-ddns-pass', connection: 'https' },
    { query: { index: 1 } },
  );
  const update = await lab.waitUntil(() => lab.timelineEvents('r1.drayddns.com', { protocol: 'ddns' })[0], 'a DDNS update of r1.drayddns.com');
  expect(update.summary).toContain('good');

  await lab.faults.setLink('r1', 'WAN1', false);
  const syslog = await ui.open('Diagnostics >> Syslog Explorer');
  expect(syslog.text).toContain('WAN1');
});
// docs/ci.md example end
