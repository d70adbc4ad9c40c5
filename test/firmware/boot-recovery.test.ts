import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ManagementConfig } from '../../firmware';
import { Lab, messages, readFlashJson, readFlashText, writeFlashText, type TestRouter } from './helpers';

describe('config recovery at boot', () => {
  const lab = new Lab();
  let dataDir: string;

  beforeEach(() => {
    dataDir = lab.tempDir();
  });

  afterEach(async () => {
    await lab.cleanup();
  });

  /** Boots once, renames the router, and powers it off so that its flash files can be edited. */
  async function prepareRenamedRouter(): Promise<TestRouter> {
    const router = await lab.boot({ dataDir });
    const management = router.firmware.store.get<ManagementConfig>('management');
    await router.firmware.store.update({ management: { ...management, routerName: 'Before-Corruption' } }, 'test');
    await router.firmware.shutdown();
    return router;
  }

  test('first boot uses factory defaults', async () => {
    const router = await lab.boot({ dataDir });

    expect(router.firmware.management.routerName()).toBe('DrayTek');
    expect(messages(router.firmware.syslog.query())).toEqual([
      'No configuration found; starting with factory default settings',
      'Vigor2927 firmware 4.4.5_sim started (configuration from factory defaults)',
    ]);
    expect(readFlashJson(router, 'config.json').schemaVersion).toBe(1);
  });

  test('garbage config boots last-good copy', async () => {
    const before = await prepareRenamedRouter();
    writeFlashText(before, 'config.json', 'garbage \u0000 not JSON');

    const router = await lab.boot({ dataDir });

    expect(router.firmware.state).toBe('running');
    expect(router.firmware.management.routerName()).toBe('Before-Corruption');
    const config = router.firmware.syslog.query({ category: 'Config' });
    expect(config.map((entry) => [entry.severity, entry.message])).toEqual([
      ['error', expect.stringMatching(/^Configuration file rejected at boot and kept as config\.json\.rejected-20260115T080000Z: config\.json is not valid JSON/)],
      ['warning', 'Booted from the last good configuration copy'],
    ]);
    expect(messages(router.firmware.syslog.query({ category: 'System' }))).toContain('Vigor2927 firmware 4.4.5_sim started (configuration from the last good copy)');
  });

  test('garbage config kept as rejected', async () => {
    const before = await prepareRenamedRouter();
    writeFlashText(before, 'config.json', 'garbage \u0000 not JSON');

    const router = await lab.boot({ dataDir });
    await router.firmware.store.flush();

    expect(readFlashText(router, 'config.json.rejected-20260115T080000Z')).toBe('garbage \u0000 not JSON');
    expect(readFlashJson(router, 'config.json').management.routerName).toBe('Before-Corruption');
  });

  test('both files corrupt boot factory', async () => {
    const before = await prepareRenamedRouter();
    writeFlashText(before, 'config.json', '{"schemaVersion": 1, "management": {');
    writeFlashText(before, 'config.last-good.json', '');

    const router = await lab.boot({ dataDir });

    expect(router.firmware.state).toBe('running');
    expect(router.firmware.management.routerName()).toBe('DrayTek');
    const config = router.firmware.syslog.query({ category: 'Config' });
    expect(config.map((entry) => entry.severity)).toEqual(['error', 'error', 'warning']);
    expect(config[1].message).toMatch(/^Last good configuration copy rejected at boot and kept as config\.last-good\.json\.rejected-20260115T080000Z: config\.last-good\.json is not valid JSON/);
    expect(config[2].message).toBe('Booted with factory default settings because no valid configuration was found');
  });

  test('both corrupt keeps rejected and rewrites', async () => {
    const before = await prepareRenamedRouter();
    writeFlashText(before, 'config.json', '{"schemaVersion": 1, "management": {');
    writeFlashText(before, 'config.last-good.json', 'garbage');

    const router = await lab.boot({ dataDir });
    await router.firmware.store.flush();

    expect(readFlashText(router, 'config.json.rejected-20260115T080000Z')).toBe('{"schemaVersion": 1, "management": {');
    expect(readFlashJson(router, 'config.json').management.routerName).toBe('DrayTek');
    expect(readFlashJson(router, 'config.last-good.json').management.routerName).toBe('DrayTek');
    expect(readFlashText(router, 'config.last-good.json.rejected-20260115T080000Z')).toBe('garbage');
  });

  test('schema-invalid config boots last-good copy', async () => {
    const before = await prepareRenamedRouter();
    const invalid = readFlashJson(before, 'config.json');
    invalid.management.routerName = 'Invalid-Copy';
    invalid.management.autoLogoutMinutes = 0;
    writeFlashText(before, 'config.json', JSON.stringify(invalid));

    const router = await lab.boot({ dataDir });
    await router.firmware.store.flush();

    expect(router.firmware.management.routerName()).toBe('Before-Corruption');
    const [rejected, fallback] = router.firmware.syslog.query({ category: 'Config' });
    expect(rejected.severity).toBe('error');
    expect(rejected.message).toContain('config.json fails validation: management.autoLogoutMinutes must be a number from 1 to 1440');
    expect(fallback.message).toBe('Booted from the last good configuration copy');
    expect(readFlashJson(router, 'config.json.rejected-20260115T080000Z').management.autoLogoutMinutes).toBe(0);
    expect(readFlashJson(router, 'config.json').management.routerName).toBe('Before-Corruption');
  });

  test('secret sealed by other device rejected', async () => {
    const before = await prepareRenamedRouter();
    const other = await lab.boot({ dataDir: lab.tempDir() });
    const otherConfig = readFlashJson(other, 'config.json');
    const ownConfig = readFlashJson(before, 'config.json');
    ownConfig.admin.passwordHash = otherConfig.admin.passwordHash;
    writeFlashText(before, 'config.json', JSON.stringify(ownConfig));

    const router = await lab.boot({ dataDir });

    expect(router.firmware.management.routerName()).toBe('Before-Corruption');
    expect(router.firmware.syslog.query({ category: 'Config', severity: 'error' })[0].message).toMatch(/admin\.passwordHash was sealed with another key or altered/);
  });

  test('missing section gets factory defaults', async () => {
    const before = await prepareRenamedRouter();
    const config = readFlashJson(before, 'config.json');
    delete config.lan;
    writeFlashText(before, 'config.json', JSON.stringify(config));

    const router = await lab.boot({ dataDir });

    expect(router.firmware.management.routerName()).toBe('Before-Corruption');
    expect(router.firmware.store.get<{ LAN1: { ip: string } }>('lan').LAN1.ip).toBe('192.168.1.1');
    expect(router.firmware.syslog.query({ severity: 'warning' })).toEqual([]);
    expect(readdirSync(router.flashDir).filter((name) => name.includes('.rejected'))).toEqual([]);
  });
});
