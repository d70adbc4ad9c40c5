import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createBoardIdentity, loadBoardIdentity } from '../../hal/board';
import { FACTORY_RESET_HOLD_SECONDS, ResetButton } from '../../hal/button';
import { Clock } from '../../hal/clock';
import { Flash } from '../../hal/flash';
import { RouterHardware } from '../../hal/index';
import { deriveLeds } from '../../hal/leds';
import { Ports } from '../../hal/ports';
import { Sensors } from '../../hal/sensors';

const START = Date.parse('2026-03-09T10:00:00.000Z');

describe('board identity', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'vigor-board-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  test('createBoardIdentity field formats', () => {
    const board = createBoardIdentity('Vigor2927', new Date(START));

    expect(board.model).toBe('Vigor2927');
    expect(board.serialNumber).toMatch(/^2603[0-9A-F]{6}$/);
    expect(board.baseMac).toMatch(/^00:1D:AA(:[0-9A-F]{2}){3}$/);
    expect(board.deviceKey).toMatch(/^[0-9a-f]{64}$/);
    expect(board.manufacturedAt).toBe('2026-03-09T10:00:00.000Z');
  });

  test('loadBoardIdentity is stable across loads', async () => {
    const first = await loadBoardIdentity(new Flash(directory), 'Vigor2927', new Date(START));
    const second = await loadBoardIdentity(new Flash(directory), 'Vigor2927', new Date(START + 86_400_000));

    expect(second).toEqual(first);
  });

  test('loadBoardIdentity replaces invalid board file', async () => {
    writeFileSync(path.join(directory, 'board.json'), JSON.stringify({ model: 'Vigor2927', deviceKey: 'short' }));

    const board = await loadBoardIdentity(new Flash(directory), 'Vigor2927', new Date(START));

    expect(board.deviceKey).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(readFileSync(path.join(directory, 'board.json'), 'utf8'))).toEqual(board);
  });
});

describe('ResetButton', () => {
  test('long press emits factoryReset', () => {
    const button = new ResetButton();
    const factoryReset = jest.fn();
    const restart = jest.fn();
    button.on('factoryReset', factoryReset);
    button.on('restart', restart);

    expect(button.press(FACTORY_RESET_HOLD_SECONDS + 1)).toBe('factoryReset');
    expect(factoryReset).toHaveBeenCalledTimes(1);
    expect(restart).not.toHaveBeenCalled();
  });

  test('short press emits restart', () => {
    const button = new ResetButton();

    expect(button.press(1)).toBe('restart');
    expect(button.press(FACTORY_RESET_HOLD_SECONDS)).toBe('restart');
  });

  test.each([-1, Number.NaN])('press rejects hold %p', (hold) => {
    expect(() => new ResetButton().press(hold)).toThrow(RangeError);
  });
});

describe('Sensors', () => {
  test('set updates readings and emits', () => {
    const sensors = new Sensors();
    const changes: unknown[] = [];
    sensors.on('change', (readings) => changes.push(readings));

    const readings = sensors.set({ temperatureC: 85 });

    expect(readings).toEqual({ temperatureC: 85, cpuPercent: 3, memoryPercent: 31 });
    expect(changes).toEqual([readings]);
  });

  test.each([
    [{ cpuPercent: 101 }],
    [{ temperatureC: -41 }],
    [{ memoryPercent: Number.NaN }],
    [{ fanRpm: 1200 } as never],
  ])('set rejects %p unchanged', (changes) => {
    const sensors = new Sensors();

    expect(() => sensors.set({ temperatureC: 50, ...changes })).toThrow(RangeError);
    expect(sensors.read().temperatureC).toBe(42);
  });
});

describe('deriveLeds', () => {
  test('leds follow link and address', () => {
    const ports = new Ports(() => START, { WAN1: true, WAN2: true, LAN3: true });
    ports.setAddress('WAN1', { ip: '203.0.113.10', prefixLength: 24, gateway: '203.0.113.1', dns: [], mode: 'dhcp' });

    const panel = deriveLeds(ports.list(), { running: true });

    expect(panel).toEqual({ ACT: 'blink', WAN1: 'on', WAN2: 'blink', LAN1: 'off', LAN2: 'off', LAN3: 'on', LAN4: 'off' });
  });

  test('ACT off while not running', () => {
    expect(deriveLeds([], { running: false })).toEqual({ ACT: 'off' });
  });
});

describe('RouterHardware', () => {
  test('memory hardware powers on', async () => {
    const clock = new Clock({ mode: 'paused', start: START });
    const hardware = new RouterHardware({ id: 'r1', model: 'Vigor2927', clock, dataDir: null, initialLinks: { LAN1: true } });

    await hardware.powerOn();

    expect(hardware.flash.persistent).toBe(false);
    expect(hardware.board.model).toBe('Vigor2927');
    expect(hardware.leds()).toMatchObject({ ACT: 'off', LAN1: 'on' });
    clock.dispose();
  });

  test('setRunning emits leds', () => {
    const clock = new Clock({ mode: 'paused', start: START });
    const hardware = new RouterHardware({ id: 'r1', model: 'Vigor2927', clock, dataDir: null });
    const panels: unknown[] = [];
    hardware.on('leds', (panel) => panels.push(panel));

    hardware.setRunning(true);

    expect(panels).toEqual([expect.objectContaining({ ACT: 'blink' })]);
    clock.dispose();
  });

  test('WAN inbound needs an address', () => {
    const clock = new Clock({ mode: 'paused', start: START });
    const hardware = new RouterHardware({ id: 'r1', model: 'Vigor2927', clock, dataDir: null, initialLinks: { WAN1: true } });
    hardware.inbound.listen('http', 'wan', 80, jest.fn());
    const connection = { interface: 'WAN1' as const, viaPort: 'WAN1' as const, sourceAddress: '198.51.100.7', localPort: 80 };

    const before = hardware.inbound.deliver(new PassThrough(), connection);
    hardware.ports.setAddress('WAN1', { ip: '203.0.113.10', prefixLength: 24, gateway: '203.0.113.1', dns: [], mode: 'dhcp' });
    const after = hardware.inbound.deliver(new PassThrough(), connection);

    expect(before.outcome).toBe('no-link');
    expect(after.outcome).toBe('accepted');
    clock.dispose();
  });
});
