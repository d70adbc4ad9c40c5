import { ConfigValidationError, FirmwareError, type ManagementConfig, type WanConfig } from '../../firmware';
import { Lab, messages, readFlashJson, readFlashText, rejection, type TestRouter } from './helpers';

const PLANTED_PPPOE_PASSWORD = 'Planted-PPPoE-Secret-7731';

describe('config store', () => {
  const lab = new Lab();
  let dataDir: string;
  let router: TestRouter;

  beforeEach(async () => {
    dataDir = lab.tempDir();
    router = await lab.boot({ dataDir });
  });

  afterEach(async () => {
    await lab.cleanup();
  });

  function management(): ManagementConfig {
    return router.firmware.store.get<ManagementConfig>('management');
  }

  function wan(): WanConfig {
    return router.firmware.store.get<WanConfig>('wan');
  }

  describe('invalid updates', () => {
    const cases: [string, () => Record<string, unknown>, string[]][] = [
      ['autoLogoutMinutes 0', () => ({ management: { ...management(), autoLogoutMinutes: 0 } }), ['management.autoLogoutMinutes']],
      ['WAN1 mode x', () => ({ wan: { ...wan(), WAN1: { ...wan().WAN1, mode: 'x' } } }), ['wan.WAN1.mode']],
      ['unknown extra field', () => ({ management: { ...management(), colour: 'red' } }), ['management.colour']],
      [
        'static without ip',
        () => ({ wan: { ...wan(), WAN1: { ...wan().WAN1, mode: 'static', static: { ...wan().WAN1.static, gateway: '192.0.2.1' } } } }),
        ['wan.WAN1.static.ip'],
      ],
      ['missing dhcpServer', () => ({ lan: { LAN1: { ip: '192.168.1.1', prefixLength: 24 } } }), ['lan.LAN1.dhcpServer']],
    ];

    test.each(cases)('%s names exact field', async (_label, sections, expectedFields) => {
      const error = await rejection(router.firmware.store.update(sections(), 'test'));

      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as ConfigValidationError).code).toBe('VALIDATION_FAILED');
      expect((error as ConfigValidationError).fields.map((entry) => entry.field)).toEqual(expectedFields);
    });

    test.each(cases)('%s writes nothing', async (_label, sections) => {
      const configBefore = readFlashText(router, 'config.json');
      const lastGoodBefore = readFlashText(router, 'config.last-good.json');
      const documentBefore = router.firmware.store.document();

      await rejection(router.firmware.store.update(sections(), 'test'));
      await router.firmware.store.flush();

      expect(readFlashText(router, 'config.json')).toBe(configBefore);
      expect(readFlashText(router, 'config.last-good.json')).toBe(lastGoodBefore);
      expect(router.firmware.store.document()).toEqual(documentBefore);
    });

    test('error message names field and fix', async () => {
      const error = await rejection(router.firmware.store.update({ management: { ...management(), autoLogoutMinutes: 0 } }, 'test'));

      expect((error as Error).message).toBe('The settings were not saved: management.autoLogoutMinutes must be a number from 1 to 1440 (Auto-Logout time in minutes)');
    });

    test('unknown section is NOT_FOUND', async () => {
      const error = await rejection(router.firmware.store.update({ firewall: {} }, 'test'));

      expect(error).toBeInstanceOf(FirmwareError);
      expect((error as FirmwareError).code).toBe('NOT_FOUND');
    });
  });

  test('valid update persists to flash', async () => {
    const changed = await router.firmware.store.update({ management: { ...management(), routerName: 'Lab-Router-1' } }, 'test');

    expect(changed).toEqual(['management']);
    expect(readFlashJson(router, 'config.json').management.routerName).toBe('Lab-Router-1');
    expect(readFlashJson(router, 'config.last-good.json').management.routerName).toBe('Lab-Router-1');
  });

  test('unchanged update reports no modules', async () => {
    const events: unknown[] = [];
    router.firmware.events.on('config.changed', (change) => events.push(change));

    expect(await router.firmware.store.update({ management: management() }, 'test')).toEqual([]);
    expect(events).toEqual([]);
  });

  test('update emits config.changed', async () => {
    const events: unknown[] = [];
    router.firmware.events.on('config.changed', (change) => events.push(change));

    await router.firmware.store.update({ management: { ...management(), routerName: 'Lab-Router-1' } }, 'lab API');

    expect(events).toEqual([{ modules: ['management'], actor: 'lab API' }]);
    expect(messages(router.firmware.syslog.query({ category: 'Config' }))).toContain('Configuration changed by lab API: management');
  });

  test('update keeps no caller reference', async () => {
    const section = { ...management(), routerName: 'Lab-Router-1' };
    await router.firmware.store.update({ management: section }, 'test');

    section.autoLogoutMinutes = 0;

    expect(management().autoLogoutMinutes).toBe(5);
  });

  test('get returns a copy', () => {
    const section = management();
    section.routerName = 'Changed-Without-Update';

    expect(management().routerName).toBe('DrayTek');
  });

  test('settings survive restart', async () => {
    await router.firmware.store.update({ management: { ...management(), routerName: 'Lab-Router-1', autoLogoutMinutes: 30 } }, 'test');
    await router.firmware.shutdown();

    const restarted = await lab.boot({ dataDir });

    expect(restarted.firmware.management.routerName()).toBe('Lab-Router-1');
    expect(restarted.firmware.management.sessionIdleMs()).toBe(30 * 60_000);
    expect(messages(restarted.firmware.syslog.query())).toContain('Vigor2927 firmware 4.4.5_sim started (configuration from flash)');
  });

  describe('secrets at rest', () => {
    async function plantPppoePassword(): Promise<void> {
      const current = wan();
      await router.firmware.store.update({ wan: { ...current, WAN1: { ...current.WAN1, pppoe: { username: 'lab@isp.example', password: PLANTED_PPPOE_PASSWORD } } } }, 'test');
      await router.firmware.store.flush();
    }

    test('config files hide PPPoE password', async () => {
      await plantPppoePassword();

      const config = readFlashText(router, 'config.json');
      const lastGood = readFlashText(router, 'config.last-good.json');

      expect(config).not.toContain(PLANTED_PPPOE_PASSWORD);
      expect(lastGood).not.toContain(PLANTED_PPPOE_PASSWORD);
      expect(JSON.parse(config).wan.WAN1.pppoe.password).toMatch(/^enc:v1:/);
      expect(JSON.parse(config).wan.WAN1.pppoe.username).toBe('lab@isp.example');
    });

    test('config file hides admin hash', async () => {
      const hash = router.firmware.store.get<{ passwordHash: string }>('admin').passwordHash;

      expect(readFlashText(router, 'config.json')).not.toContain(hash);
    });

    test('store reads PPPoE password clear', async () => {
      await plantPppoePassword();

      expect(wan().WAN1.pppoe.password).toBe(PLANTED_PPPOE_PASSWORD);
    });

    test('PPPoE password clear after restart', async () => {
      await plantPppoePassword();
      await router.firmware.shutdown();

      const restarted = await lab.boot({ dataDir });

      expect(restarted.firmware.store.get<WanConfig>('wan').WAN1.pppoe.password).toBe(PLANTED_PPPOE_PASSWORD);
      expect(readFlashText(restarted, 'config.json')).not.toContain(PLANTED_PPPOE_PASSWORD);
    });

    test('PPPoE password clear after reboot', async () => {
      await plantPppoePassword();

      await router.firmware.reboot('test');

      expect(wan().WAN1.pppoe.password).toBe(PLANTED_PPPOE_PASSWORD);
    });
  });
});

describe('config store read', () => {
  const lab = new Lab();
  let router: TestRouter;

  beforeEach(async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });
  });

  afterEach(async () => {
    await lab.cleanup();
  });

  test('read equals get', () => {
    expect(router.firmware.store.read<ManagementConfig>('management')).toEqual(router.firmware.store.get<ManagementConfig>('management'));
  });

  test('read result is frozen', () => {
    const config = router.firmware.store.read<ManagementConfig>('management');
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      config.routerName = 'changed';
    }).toThrow(TypeError);
    expect(router.firmware.store.get<ManagementConfig>('management').routerName).not.toBe('changed');
  });

  test('read shares one copy per document', () => {
    expect(router.firmware.store.read('management')).toBe(router.firmware.store.read('management'));
  });

  test('read follows an update', async () => {
    const before = router.firmware.store.read<ManagementConfig>('management');
    await router.firmware.store.update({ management: { ...router.firmware.store.get<ManagementConfig>('management'), routerName: 'ReadFollows' } }, 'test');
    const after = router.firmware.store.read<ManagementConfig>('management');
    expect(after.routerName).toBe('ReadFollows');
    expect(before.routerName).not.toBe('ReadFollows');
  });

  test('read of unknown section throws', () => {
    expect(() => router.firmware.store.read('nosuch')).toThrow(FirmwareError);
  });
});
