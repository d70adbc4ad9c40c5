import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { FirmwareError, type ManagementConfig, type WanConfig } from '../../firmware';
import { Lab, messages, readFlashJson, rejection, settle, type TestRouter } from './helpers';

describe('firmware lifecycle', () => {
  const lab = new Lab();
  let router: TestRouter;

  afterEach(async () => {
    await lab.cleanup();
  });

  async function rename(routerName: string): Promise<void> {
    const management = router.firmware.store.get<ManagementConfig>('management');
    await router.firmware.store.update({ management: { ...management, routerName } }, 'test');
  }

  test('store before boot is BUSY', () => {
    router = lab.build({ dataDir: lab.tempDir() });

    expect(() => router.firmware.store).toThrow(FirmwareError);
    expect(router.firmware.state).toBe('off');
  });

  test('boot sets state and ACT LED', async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });

    expect(router.firmware.state).toBe('running');
    expect(router.hardware.leds().ACT).toBe('blink');
  });

  test('boot while running is BUSY', async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });

    const error = await rejection(router.firmware.boot());

    expect((error as FirmwareError).code).toBe('BUSY');
  });

  test('shutdown turns ACT LED off', async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });

    await router.firmware.shutdown();

    expect(router.firmware.state).toBe('off');
    expect(router.hardware.leds().ACT).toBe('off');
    expect(router.firmware.uptimeMs()).toBe(0);
  });

  test('uptime follows lab clock', async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });

    await router.clock.advance(90_000);

    expect(router.firmware.uptimeMs()).toBe(90_000);
    expect(router.firmware.info().uptimeMs).toBe(90_000);
  });

  test('reboot resets uptime', async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });
    await router.clock.advance(90_000);

    await router.firmware.reboot('test');

    expect(router.firmware.uptimeMs()).toBe(0);
    await router.clock.advance(5_000);
    expect(router.firmware.uptimeMs()).toBe(5_000);
  });

  test('reboot clears syslog then logs restart', async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });
    router.firmware.syslog.info('System', 'marker before reboot');

    await router.firmware.reboot('test');

    const log = messages(router.firmware.syslog.query());
    expect(log).not.toContain('marker before reboot');
    expect(log[log.length - 1]).toBe('Vigor2927 firmware 4.4.5_sim started (restarted by test; configuration from flash)');
  });

  test('reboot restarts WAN module', async () => {
    router = await lab.boot({ dataDir: lab.tempDir(), initialLinks: { WAN1: true } });
    await settle();

    await router.firmware.reboot('test');
    await settle();

    expect(router.isp.requests).toHaveLength(2);
    expect(router.hardware.ports.address('WAN1')?.ip).toBe('203.0.113.10');
    expect(messages(router.firmware.syslog.query({ category: 'WAN' }))).toContain('WAN1 is connected, IP 203.0.113.10/24, gateway 203.0.113.1 (DHCP)');
  });

  test('reboot restarts management listener', async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });

    await router.firmware.reboot('test');

    expect(router.hardware.inbound.openPorts('lan')).toEqual(expect.arrayContaining([{ port: 80, service: 'http' }, { port: 443, service: 'https' }]));
  });

  test('HTTP port change moves listener', async () => {
    router = await lab.boot({ dataDir: lab.tempDir(), initialLinks: { LAN1: true } });
    const management = router.firmware.store.get<ManagementConfig>('management');

    await router.firmware.store.update({ management: { ...management, ports: { ...management.ports, userDefined: true, http: 8080 } } }, 'test');
    await settle();

    expect(router.hardware.inbound.openPorts('lan')).toEqual(expect.arrayContaining([{ port: 8080, service: 'http' }, { port: 443, service: 'https' }]));
    expect(router.hardware.inbound.openPorts('lan')).not.toContainEqual({ port: 80, service: 'http' });
    const delivery = router.hardware.inbound.deliver(new PassThrough(), { interface: 'LAN1', viaPort: 'LAN1', sourceAddress: '192.168.1.20', localPort: 80 });
    expect(delivery.outcome).toBe('refused');
    expect(messages(router.firmware.syslog.query({ category: 'Management' }))).toEqual(['Management ports are now FTP 21, HTTP 8080, HTTPS 443, TELNET 23, TR069 8069, SSH 22']);
  });

  test('factoryReset restores routerName', async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });
    const serialNumber = router.hardware.board.serialNumber;
    await rename('Lab-7');

    await router.firmware.factoryReset('test');

    expect(router.firmware.management.routerName()).toBe('DrayTek');
    expect(readFlashJson(router, 'config.json').management.routerName).toBe('DrayTek');
    expect(router.hardware.board.serialNumber).toBe(serialNumber);
    expect(router.firmware.state).toBe('running');
  });

  test('factoryReset restores admin password', async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });
    await router.firmware.admin.changePassword({ oldPassword: 'admin', newPassword: 'Lab-Pass-42', confirmPassword: 'Lab-Pass-42', allowInternetLogin: false }, 'test');

    await router.firmware.factoryReset('test');

    expect(await router.firmware.admin.checkLogin('admin', 'admin')).toBe(true);
    expect(messages(router.firmware.syslog.query())).toContain('Vigor2927 firmware 4.4.5_sim started (factory defaults restored by test; configuration from flash)');
  });

  test('factoryReset reconnects plugged WAN1', async () => {
    router = await lab.boot({ dataDir: lab.tempDir(), initialLinks: { WAN1: true } });
    await settle();
    const wan = router.firmware.store.get<WanConfig>('wan');
    await router.firmware.store.update({ wan: { ...wan, WAN2: { ...wan.WAN2, enabled: false } } }, 'test');
    await settle();
    const timeline: string[] = [];
    router.firmware.on('booted', () => timeline.push('booted'));
    router.firmware.events.on('wan.up', () => timeline.push('wan.up'));

    await router.firmware.factoryReset('test');
    await settle();

    expect(router.hardware.ports.address('WAN1')?.ip).toBe('203.0.113.10');
    expect(timeline).toContain('booted');
    expect(timeline).toContain('wan.up');
    expect(messages(router.firmware.syslog.query({ category: 'WAN' }))).toContain('WAN1 is connected, IP 203.0.113.10/24, gateway 203.0.113.1 (DHCP)');
  });

  test('long button press resets', async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });
    await rename('Lab-7');
    const booted = once(router.firmware, 'booted');

    router.hardware.resetButton.press(6);
    await booted;
    await settle();

    expect(router.firmware.management.routerName()).toBe('DrayTek');
  });

  test('short button press reboots', async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });
    await rename('Lab-7');
    await router.clock.advance(60_000);
    const booted = once(router.firmware, 'booted');

    router.hardware.resetButton.press(1);
    await booted;
    await settle();

    expect(router.firmware.uptimeMs()).toBe(0);
    expect(router.firmware.management.routerName()).toBe('Lab-7');
  });

  test('info reports board identity', async () => {
    router = await lab.boot({ dataDir: lab.tempDir() });

    expect(router.firmware.info()).toEqual({
      model: 'Vigor2927',
      firmwareVersion: '4.4.5_sim',
      buildDate: '2026-12-04',
      serialNumber: router.hardware.board.serialNumber,
      mac: router.hardware.board.baseMac,
      routerName: 'DrayTek',
      uptimeMs: 0,
      state: 'running',
    });
  });
});
