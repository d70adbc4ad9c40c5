import { Clock, RouterClock } from '../../hal';

const LAB_START = Date.parse('2026-06-01T00:00:00Z');

describe('RouterClock', () => {
  let lab: Clock;
  let clock: RouterClock;

  beforeEach(() => {
    lab = new Clock({ mode: 'paused', start: LAB_START });
    clock = new RouterClock(lab);
  });

  afterEach(() => lab.dispose());

  test('follows lab time by default', () => {
    clock.startAtBoot();
    expect(clock.now()).toBe(LAB_START);
    expect(clock.offset()).toBe(0);
  });

  test('boot date applies only at the next boot', () => {
    clock.setBootTime({ date: Date.parse('2020-01-01T00:00:00Z') });
    expect(clock.now()).toBe(LAB_START);

    clock.startAtBoot();
    expect(clock.date().toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(clock.state().labNow).toBe(LAB_START);
  });

  test('boot offset keeps its distance from lab time', async () => {
    clock.setBootTime({ offsetMs: -86_400_000 });
    clock.startAtBoot();
    await lab.advance(3_600_000);
    expect(clock.now()).toBe(LAB_START + 3_600_000 - 86_400_000);
  });

  test('timers fire on lab time', async () => {
    clock.setBootTime({ date: Date.parse('2020-01-01T00:00:00Z') });
    clock.startAtBoot();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(lab.now()), 60_000);
    await lab.advance(60_000);
    expect(fired).toEqual([LAB_START + 60_000]);
  });

  test('synchronise removes the offset', () => {
    const removed: number[] = [];
    clock.on('synchronised', (offsetMs: number) => removed.push(offsetMs));
    clock.setBootTime({ offsetMs: 5_000 });
    clock.startAtBoot();

    clock.synchronise();
    expect(clock.now()).toBe(LAB_START);
    expect(removed).toEqual([5_000]);
    expect(clock.state().atNextBoot).toBeNull();
  });

  test('setBootTime rejects a non-finite date', () => {
    expect(() => clock.setBootTime({ date: Number.NaN })).toThrow(RangeError);
  });
});
