import { ADMIN_PASSWORD_MAX_LENGTH, FirmwareError } from '../../firmware';
import { Lab, rejection, type TestRouter } from './helpers';

describe('admin module', () => {
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

  function change(newPassword: string, overrides: Partial<{ oldPassword: string; confirmPassword: string }> = {}) {
    return router.firmware.admin.changePassword(
      { oldPassword: 'admin', newPassword, confirmPassword: newPassword, allowInternetLogin: false, ...overrides },
      'admin (web)',
    );
  }

  async function fieldsOf(promise: Promise<unknown>): Promise<string[]> {
    const error = await rejection(promise);
    expect(error).toBeInstanceOf(FirmwareError);
    expect((error as FirmwareError).code).toBe('VALIDATION_FAILED');
    return (error as FirmwareError).fields.map((entry) => entry.field);
  }

  test('factory boot accepts admin/admin', async () => {
    expect(await router.firmware.admin.checkLogin('admin', 'admin')).toBe(true);
  });

  test('factory login rejects wrong credentials', async () => {
    expect(await router.firmware.admin.checkLogin('admin', 'Admin')).toBe(false);
    expect(await router.firmware.admin.checkLogin('root', 'admin')).toBe(false);
  });

  test('usesDefaultPassword flips after change', async () => {
    expect(await router.firmware.admin.usesDefaultPassword()).toBe(true);

    await change('Lab-Pass-42');

    expect(await router.firmware.admin.usesDefaultPassword()).toBe(false);
    expect(await router.firmware.admin.checkLogin('admin', 'Lab-Pass-42')).toBe(true);
    expect(await router.firmware.admin.checkLogin('admin', 'admin')).toBe(false);
  });

  test('changePassword stores internet login flag', async () => {
    expect(router.firmware.admin.allowsInternetLogin()).toBe(true);

    await change('Lab-Pass-42');

    expect(router.firmware.admin.allowsInternetLogin()).toBe(false);
  });

  test('changePassword logs to syslog', async () => {
    await change('Lab-Pass-42');

    const entries = router.firmware.syslog.query({ category: 'User' });
    expect(entries.map((entry) => entry.message)).toContain('Administrator password changed by admin (web)');
  });

  test('wrong old password names oldPassword', async () => {
    expect(await fieldsOf(change('Lab-Pass-42', { oldPassword: 'guess' }))).toEqual(['oldPassword']);
    expect(await router.firmware.admin.checkLogin('admin', 'admin')).toBe(true);
  });

  test('24-character password names newPassword', async () => {
    const tooLong = 'x'.repeat(ADMIN_PASSWORD_MAX_LENGTH + 1);

    expect(tooLong).toHaveLength(24);
    expect(await fieldsOf(change(tooLong))).toEqual(['newPassword']);
    expect(await router.firmware.admin.usesDefaultPassword()).toBe(true);
  });

  test('23-character password is accepted', async () => {
    const longest = 'y'.repeat(ADMIN_PASSWORD_MAX_LENGTH);

    await change(longest);

    expect(longest).toHaveLength(23);
    expect(await router.firmware.admin.checkLogin('admin', longest)).toBe(true);
  });

  test('empty password names newPassword', async () => {
    expect(await fieldsOf(change(''))).toEqual(['newPassword']);
  });

  test('mismatched confirmation names confirmPassword', async () => {
    expect(await fieldsOf(change('Lab-Pass-42', { confirmPassword: 'Lab-Pass-43' }))).toEqual(['confirmPassword']);
    expect(await router.firmware.admin.usesDefaultPassword()).toBe(true);
  });

  test('several problems name every field', async () => {
    const fields = await fieldsOf(change('z'.repeat(30), { oldPassword: 'guess', confirmPassword: 'other' }));

    expect(fields).toEqual(['oldPassword', 'newPassword', 'confirmPassword']);
  });

  test('changed password survives restart', async () => {
    await change('Lab-Pass-42');
    await router.firmware.shutdown();

    const restarted = await lab.boot({ dataDir });

    expect(await restarted.firmware.admin.checkLogin('admin', 'Lab-Pass-42')).toBe(true);
    expect(await restarted.firmware.admin.usesDefaultPassword()).toBe(false);
  });
});
