import type { WanConfig } from '../../firmware';
import { FAKE_LEASE, Lab, messages, settle, type TestRouter } from './helpers';

describe('WAN module', () => {
  const lab = new Lab();
  let router: TestRouter;
  let wanUp: unknown[];
  let wanDown: unknown[];

  async function bootRouter(initialLinks?: { WAN1?: boolean }): Promise<void> {
    router = lab.build({ dataDir: lab.tempDir(), initialLinks });
    wanUp = [];
    wanDown = [];
    router.firmware.events.on('wan.up', (event) => wanUp.push(event));
    router.firmware.events.on('wan.down', (event) => wanDown.push(event));
    await router.firmware.boot();
    await settle();
  }

  async function plugWan1(): Promise<void> {
    router.hardware.ports.setLink('WAN1', true);
    await settle();
  }

  function wanLog(): string[] {
    return messages(router.firmware.syslog.query({ category: 'WAN' }));
  }

  afterEach(async () => {
    await lab.cleanup();
  });

  test('unplugged WAN stays idle', async () => {
    await bootRouter();

    expect(router.isp.requests).toEqual([]);
    expect(router.hardware.ports.address('WAN1')).toBeNull();
  });

  test('WAN1 link up gets lease', async () => {
    await bootRouter();

    await plugWan1();

    expect(router.isp.requests).toEqual([{ port: 'WAN1', request: { mode: 'dhcp' } }]);
    expect(router.hardware.ports.address('WAN1')).toMatchObject({ ...FAKE_LEASE, mode: 'dhcp' });
  });

  test('WAN1 link up logs connected', async () => {
    await bootRouter();

    await plugWan1();

    expect(wanLog()).toEqual(['WAN1 cable connected, link up at 1000 Mbps full duplex', 'WAN1 is connected, IP 203.0.113.10/24, gateway 203.0.113.1 (DHCP)']);
  });

  test('WAN1 link up emits wan.up', async () => {
    await bootRouter();

    await plugWan1();

    expect(wanUp).toEqual([{ port: 'WAN1', address: expect.objectContaining({ ip: '203.0.113.10' }), previous: null }]);
  });

  test('WAN1 plugged at boot connects', async () => {
    await bootRouter({ WAN1: true });

    expect(router.hardware.ports.address('WAN1')?.ip).toBe('203.0.113.10');
    expect(wanLog()).toContain('WAN1 is connected, IP 203.0.113.10/24, gateway 203.0.113.1 (DHCP)');
  });

  test('pulling WAN1 logs disconnected', async () => {
    await bootRouter();
    await plugWan1();

    router.hardware.ports.setLink('WAN1', false);

    const warnings = router.firmware.syslog.query({ category: 'WAN', severity: 'warning' }).map((entry) => entry.message);
    expect(router.hardware.ports.address('WAN1')).toBeNull();
    expect(warnings).toHaveLength(2);
    expect(warnings).toContain('WAN1 is disconnected (was 203.0.113.10; cable unplugged)');
    expect(warnings).toContain('WAN1 link down (cable unplugged)');
  });

  test('pulling WAN1 emits wan.down', async () => {
    await bootRouter();
    await plugWan1();

    router.hardware.ports.setLink('WAN1', false);

    expect(wanDown).toEqual([{ port: 'WAN1', previous: expect.objectContaining({ ip: '203.0.113.10', mode: 'dhcp' }), reason: 'link-down' }]);
  });

  test('failed lease retries after 30 s', async () => {
    await bootRouter();
    router.isp.failuresLeft = 1;

    await plugWan1();

    expect(router.hardware.ports.address('WAN1')).toBeNull();
    expect(wanLog()).toContain('WAN1 did not get an address: no DHCP offer received; retrying in 30 s');

    await router.clock.advance(29_999);
    expect(router.isp.requests).toHaveLength(1);
    expect(router.hardware.ports.address('WAN1')).toBeNull();

    await router.clock.advance(1);
    expect(router.isp.requests).toHaveLength(2);
    expect(router.hardware.ports.address('WAN1')?.ip).toBe('203.0.113.10');
  });

  test('repeated failures keep retrying', async () => {
    await bootRouter();
    router.isp.failuresLeft = 3;

    await plugWan1();
    await router.clock.advance(90_000);

    expect(router.isp.requests).toHaveLength(4);
    expect(router.hardware.ports.address('WAN1')?.ip).toBe('203.0.113.10');
  });

  test('pulling cable cancels retry', async () => {
    await bootRouter();
    // Timers of other modules (the daily certificate check) stay; only the retry must go.
    const baseline = router.clock.state().pendingTimers;
    router.isp.failuresLeft = 1;
    await plugWan1();

    router.hardware.ports.setLink('WAN1', false);
    await router.clock.advance(120_000);

    expect(router.isp.requests).toHaveLength(1);
    expect(router.clock.state().pendingTimers).toBe(baseline);
  });

  test('disabled WAN does not connect', async () => {
    await bootRouter();
    const wan = router.firmware.store.get<WanConfig>('wan');
    await router.firmware.store.update({ wan: { ...wan, WAN1: { ...wan.WAN1, enabled: false } } }, 'test');

    await plugWan1();

    expect(router.isp.requests).toEqual([]);
    expect(router.hardware.ports.address('WAN1')).toBeNull();
  });

  test('config change reconnects WAN1', async () => {
    await bootRouter({ WAN1: true });
    const wan = router.firmware.store.get<WanConfig>('wan');

    await router.firmware.store.update({ wan: { ...wan, WAN1: { ...wan.WAN1, pppoe: { username: 'unused', password: '' } } } }, 'test');
    await settle();

    expect(router.isp.released).toEqual(['WAN1']);
    expect(router.isp.requests).toHaveLength(2);
    expect(wanDown).toHaveLength(1);
    expect(wanUp).toHaveLength(2);
    expect(router.hardware.ports.address('WAN1')?.ip).toBe('203.0.113.10');
  });

  test('lease answered after shutdown released', async () => {
    let answer!: () => void;
    router = lab.build({ dataDir: lab.tempDir(), initialLinks: { WAN1: true } });
    router.isp.hold = new Promise<void>((resolve) => {
      answer = resolve;
    });
    await router.firmware.boot();
    await settle();
    expect(router.isp.requests).toHaveLength(1);

    await router.firmware.shutdown();
    answer();
    await settle();

    expect(router.hardware.ports.address('WAN1')).toBeNull();
    expect(router.isp.released).toEqual(['WAN1']);
  });

  test('boot after late lease announces WAN1', async () => {
    let answer!: () => void;
    await bootRouter();
    router.isp.hold = new Promise<void>((resolve) => {
      answer = resolve;
    });
    await plugWan1();
    await router.firmware.shutdown();
    answer();
    router.isp.hold = undefined;
    await settle();

    await router.firmware.boot();
    await settle();

    expect(router.hardware.ports.address('WAN1')?.ip).toBe('203.0.113.10');
    expect(wanUp).toHaveLength(1);
    expect(wanLog()).toContain('WAN1 is connected, IP 203.0.113.10/24, gateway 203.0.113.1 (DHCP)');
  });

  test('shutdown releases WAN address', async () => {
    await bootRouter({ WAN1: true });

    await router.firmware.shutdown();

    expect(router.hardware.ports.address('WAN1')).toBeNull();
    expect(router.isp.released).toEqual(['WAN1']);
  });
});
