import { Clock } from '../../hal/clock';

const START = Date.parse('2026-01-15T08:00:00.000Z');

function hostDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with `promise`'s value, or with 'timed out' after `ms` of host time. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('Clock in paused mode', () => {
  let clock: Clock;

  beforeEach(() => {
    clock = new Clock({ mode: 'paused', start: START });
  });

  afterEach(() => {
    clock.dispose();
  });

  test('set moves time and keeps timer delays', async () => {
    const fired = jest.fn();
    clock.setTimeout(fired, 10_000);
    await clock.advance(4_000);

    clock.set(START - 86_400_000);
    expect(clock.now()).toBe(START - 86_400_000);
    await clock.advance(5_999);
    expect(fired).not.toHaveBeenCalled();
    await clock.advance(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  test('set rejects a non-finite time', () => {
    expect(() => clock.set(Number.NaN)).toThrow(RangeError);
  });

  test('paused time stands still', async () => {
    await hostDelay(15);

    expect(clock.now()).toBe(START);
    expect(clock.date().toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(clock.getMode()).toBe('paused');
  });

  test('paused timer waits for advance', async () => {
    const fired = jest.fn();
    clock.setTimeout(fired, 5);

    await hostDelay(20);

    expect(fired).not.toHaveBeenCalled();
    expect(clock.state().pendingTimers).toBe(1);
  });

  test('advance moves time by amount', async () => {
    const state = await clock.advance(90_000);

    expect(clock.now()).toBe(START + 90_000);
    expect(state).toEqual({ mode: 'paused', now: START + 90_000, iso: '2026-01-15T08:01:30.000Z', pendingTimers: 0 });
  });

  test('advance fires timers in deadline order', async () => {
    const order: string[] = [];
    clock.setTimeout(() => order.push('c@3000'), 3000);
    clock.setTimeout(() => order.push('a@1000'), 1000);
    clock.setTimeout(() => order.push('b@2000'), 2000);
    clock.setTimeout(() => order.push('a2@1000'), 1000);

    await clock.advance(5000);

    expect(order).toEqual(['a@1000', 'a2@1000', 'b@2000', 'c@3000']);
  });

  test('advance runs timers at their deadline', async () => {
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now() - START), 1500);
    clock.setTimeout(() => seen.push(clock.now() - START), 4000);

    await clock.advance(10_000);

    expect(seen).toEqual([1500, 4000]);
  });

  test('advance leaves later timers pending', async () => {
    const early = jest.fn();
    const late = jest.fn();
    clock.setTimeout(early, 1000);
    clock.setTimeout(late, 1001);

    await clock.advance(1000);

    expect(early).toHaveBeenCalledTimes(1);
    expect(late).not.toHaveBeenCalled();
    expect(clock.state().pendingTimers).toBe(1);
  });

  test('interval repeats during long advance', async () => {
    const ticks: number[] = [];
    clock.setInterval(() => ticks.push(clock.now() - START), 1000);

    await clock.advance(10_500);

    expect(ticks).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]);
  });

  test('interval continues across advances', async () => {
    const tick = jest.fn();
    clock.setInterval(tick, 1000);

    await clock.advance(2500);
    await clock.advance(2500);

    expect(tick).toHaveBeenCalledTimes(5);
  });

  test('nested timer fires same advance', async () => {
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now() - START);
      clock.setTimeout(() => seen.push(clock.now() - START), 2000);
    }, 1000);

    await clock.advance(3000);

    expect(seen).toEqual([1000, 3000]);
    expect(clock.state().pendingTimers).toBe(0);
  });

  test('async timer work completes inside advance', async () => {
    const seen: number[] = [];
    clock.setTimeout(() => {
      void (async () => {
        await Promise.resolve('lease renewed');
        seen.push(clock.now() - START);
        clock.setTimeout(() => seen.push(clock.now() - START), 500);
      })();
    }, 1000);

    await clock.advance(2000);

    expect(seen).toEqual([1000, 1500]);
  });

  test('clearTimer stops one-shot timer', async () => {
    const fired = jest.fn();
    const handle = clock.setTimeout(fired, 1000);

    clock.clearTimer(handle);
    await clock.advance(5000);

    expect(fired).not.toHaveBeenCalled();
    expect(clock.state().pendingTimers).toBe(0);
  });

  test('clearTimer inside interval stops it', async () => {
    const tick = jest.fn();
    const handle = clock.setInterval(() => {
      tick();
      if (tick.mock.calls.length === 3) clock.clearTimer(handle);
    }, 1000);

    await clock.advance(10_000);

    expect(tick).toHaveBeenCalledTimes(3);
  });

  test('clearTimer accepts undefined handle', () => {
    expect(() => clock.clearTimer(undefined)).not.toThrow();
  });

  test('sleep resolves after lab time', async () => {
    let woke = false;
    const sleeping = clock.sleep(60_000).then(() => {
      woke = true;
    });

    await clock.advance(59_999);
    expect(woke).toBe(false);

    await clock.advance(1);
    await sleeping;
    expect(woke).toBe(true);
  });

  test('throwing timer reports timerError', async () => {
    const errors: unknown[] = [];
    clock.on('timerError', (error) => errors.push(error));
    const after = jest.fn();
    clock.setTimeout(() => {
      throw new Error('timer failed');
    }, 100);
    clock.setTimeout(after, 200);

    await clock.advance(1000);

    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('timer failed');
    expect(after).toHaveBeenCalledTimes(1);
  });

  test.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('advance rejects invalid %p', async (value) => {
    await expect(clock.advance(value)).rejects.toThrow(RangeError);
    expect(clock.now()).toBe(START);
  });

  test('concurrent advance is rejected', async () => {
    const first = clock.advance(1000);

    await expect(clock.advance(1000)).rejects.toThrow(/already advancing/);
    await first;
    expect(clock.now()).toBe(START + 1000);
  });

  test.each([0, -5, Number.NaN])('setInterval rejects period %p', (period) => {
    expect(() => clock.setInterval(() => undefined, period)).toThrow(RangeError);
  });

  test('advance emits change event', async () => {
    const changes: number[] = [];
    clock.on('change', (state: { now: number }) => changes.push(state.now));

    await clock.advance(250);

    expect(changes).toEqual([START + 250]);
  });
});

describe('Clock in real mode', () => {
  let clock: Clock;

  afterEach(() => {
    clock.dispose();
  });

  test('real mode fires short timer', async () => {
    clock = new Clock({ mode: 'real', start: START });
    const fired = new Promise<number>((resolve) => clock.setTimeout(() => resolve(clock.now()), 5));

    const result = await within(fired, 2000);

    expect(result).not.toBe('timed out');
    expect(result as number).toBeGreaterThanOrEqual(START + 5);
  });

  test('real mode time runs', async () => {
    clock = new Clock({ mode: 'real', start: START });

    await hostDelay(25);

    expect(clock.now()).toBeGreaterThanOrEqual(START + 20);
    expect(clock.now()).toBeLessThan(START + 5000);
  });

  test('setMode keeps lab time continuous', async () => {
    clock = new Clock({ mode: 'paused', start: START });
    await clock.advance(1000);

    clock.setMode('real');
    const atSwitch = clock.now();
    expect(atSwitch).toBeGreaterThanOrEqual(START + 1000);
    expect(atSwitch).toBeLessThan(START + 1000 + 50);

    await hostDelay(30);
    const running = clock.now();
    expect(running).toBeGreaterThanOrEqual(START + 1000 + 25);
    expect(running).toBeLessThan(START + 1000 + 5000);

    clock.setMode('paused');
    const frozen = clock.now();
    expect(frozen).toBeGreaterThanOrEqual(running);
    expect(frozen).toBeLessThan(running + 50);

    await hostDelay(20);
    expect(clock.now()).toBe(frozen);
  });

  test('switching to real fires pending timer', async () => {
    clock = new Clock({ mode: 'paused', start: START });
    const fired = new Promise<string>((resolve) => clock.setTimeout(() => resolve('fired'), 5));

    clock.setMode('real');
    const result = await within(fired, 2000);

    expect(result).toBe('fired');
  });

  test('switching to paused holds timers', async () => {
    clock = new Clock({ mode: 'real', start: START });
    const fired = jest.fn();
    clock.setTimeout(fired, 30);

    clock.setMode('paused');
    await hostDelay(60);

    expect(fired).not.toHaveBeenCalled();
    expect(clock.state().pendingTimers).toBe(1);
  });

  test('setMode emits change event', () => {
    clock = new Clock({ mode: 'paused', start: START });
    const modes: string[] = [];
    clock.on('change', (state: { mode: string }) => modes.push(state.mode));

    clock.setMode('real');
    clock.setMode('real');
    clock.setMode('paused');

    expect(modes).toEqual(['real', 'paused']);
  });
});
