import { FirmwareError, type AdminConfig, type ManagementConfig, type WanConfig } from '../../firmware';
import { Lab, LAB_START, messages, readFlashText, rejection, type TestRouter } from './helpers';

const PLANTED_PPPOE_PASSWORD = 'Planted-Backup-Secret-5519';

describe('configuration backup', () => {
  const lab = new Lab();
  let router: TestRouter;

  beforeEach(async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });
    const wan = router.firmware.store.get<WanConfig>('wan');
    const management = router.firmware.store.get<ManagementConfig>('management');
    await router.firmware.store.update(
      {
        management: { ...management, routerName: 'Backed-Up-Name' },
        wan: { ...wan, WAN1: { ...wan.WAN1, pppoe: { username: 'lab@isp.example', password: PLANTED_PPPOE_PASSWORD } } },
      },
      'test',
    );
  });

  afterEach(async () => {
    await lab.cleanup();
  });

  async function rename(routerName: string): Promise<void> {
    const management = router.firmware.store.get<ManagementConfig>('management');
    await router.firmware.store.update({ management: { ...management, routerName } }, 'test');
  }

  async function expectBackupError(text: string, code: string): Promise<FirmwareError> {
    const error = await rejection(router.firmware.restoreBackup(text, 'admin (web)'));
    expect(error).toBeInstanceOf(FirmwareError);
    expect((error as FirmwareError).code).toBe(code);
    return error as FirmwareError;
  }

  test('exportBackup hides planted secret', () => {
    const text = JSON.stringify(router.firmware.exportBackup());

    expect(text).not.toContain(PLANTED_PPPOE_PASSWORD);
    expect(text).not.toContain(router.firmware.store.get<AdminConfig>('admin').passwordHash);
    expect(text).toContain('lab@isp.example');
  });

  test('exportBackup header fields', () => {
    const backup = router.firmware.exportBackup();

    expect(backup).toMatchObject({
      format: 'vigor-sim-config-backup',
      formatVersion: 1,
      model: 'Vigor2927',
      firmwareVersion: '4.4.5_sim',
      serialNumber: router.hardware.board.serialNumber,
      createdAt: new Date(LAB_START).toISOString(),
    });
    expect(backup.signature).toMatch(/^[0-9a-f]{64}$/);
  });

  test('restoreBackup round trips change', async () => {
    const text = JSON.stringify(router.firmware.exportBackup());
    await rename('Changed-After-Backup');

    const changed = await router.firmware.restoreBackup(text, 'admin (web)');

    expect(changed).toEqual(['management']);
    expect(router.firmware.management.routerName()).toBe('Backed-Up-Name');
    expect(router.firmware.store.get<WanConfig>('wan').WAN1.pppoe.password).toBe(PLANTED_PPPOE_PASSWORD);
    expect(router.firmware.state).toBe('running');
  });

  test('restoreBackup logs the restore', async () => {
    const text = JSON.stringify(router.firmware.exportBackup());
    await rename('Changed-After-Backup');

    await router.firmware.restoreBackup(text, 'admin (web)');

    const log = messages(router.firmware.syslog.query());
    expect(log).toContain('Vigor2927 firmware 4.4.5_sim started (configuration restored from a backup by admin (web); configuration from flash)');
  });

  test('restored config reaches flash', async () => {
    const text = JSON.stringify(router.firmware.exportBackup());
    await rename('Changed-After-Backup');

    await router.firmware.restoreBackup(text, 'admin (web)');
    await router.firmware.store.flush();

    expect(JSON.parse(readFlashText(router, 'config.json')).management.routerName).toBe('Backed-Up-Name');
    expect(readFlashText(router, 'config.json')).not.toContain(PLANTED_PPPOE_PASSWORD);
  });

  test('tampered backup is BACKUP_TAMPERED', async () => {
    const backup = router.firmware.exportBackup();
    await rename('Current-Name');
    const configBefore = readFlashText(router, 'config.json');
    const tampered = JSON.parse(JSON.stringify(backup));
    tampered.config.management.routerName = 'Tampered-Name';

    await expectBackupError(JSON.stringify(tampered), 'BACKUP_TAMPERED');

    expect(router.firmware.management.routerName()).toBe('Current-Name');
    expect(readFlashText(router, 'config.json')).toBe(configBefore);
  });

  test('altered sealed secret is BACKUP_TAMPERED', async () => {
    const tampered = JSON.parse(JSON.stringify(router.firmware.exportBackup()));
    const sealed: string = tampered.config.wan.WAN1.pppoe.password;
    tampered.config.wan.WAN1.pppoe.password = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');

    await expectBackupError(JSON.stringify(tampered), 'BACKUP_TAMPERED');
  });

  test('missing signature is BACKUP_TAMPERED', async () => {
    const { signature: _signature, ...unsigned } = router.firmware.exportBackup();

    await expectBackupError(JSON.stringify(unsigned), 'BACKUP_TAMPERED');
  });

  test('other router backup is BACKUP_OTHER_DEVICE', async () => {
    const other = await lab.boot({ dataDir: lab.tempDir() });
    const foreign = JSON.stringify(other.firmware.exportBackup());
    expect(other.hardware.board.serialNumber).not.toBe(router.hardware.board.serialNumber);

    const error = await expectBackupError(foreign, 'BACKUP_OTHER_DEVICE');

    expect(error.message).toContain(other.hardware.board.serialNumber);
    expect(router.firmware.management.routerName()).toBe('Backed-Up-Name');
  });

  test.each([
    ['non-JSON text', 'this is not a backup'],
    ['JSON null', 'null'],
    ['other JSON format', JSON.stringify({ format: 'something-else', config: {} })],
  ])('%s is BACKUP_INVALID', async (_label, text) => {
    await expectBackupError(text, 'BACKUP_INVALID');

    expect(router.firmware.management.routerName()).toBe('Backed-Up-Name');
  });

  test('unsupported format version is BACKUP_INVALID', async () => {
    const backup = { ...router.firmware.exportBackup(), formatVersion: 2 };

    const error = await expectBackupError(JSON.stringify(backup), 'BACKUP_INVALID');

    expect(error.message).toContain('version 2');
  });
});
