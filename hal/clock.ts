/**
 * The lab clock. Every timer of the firmware and the emulated Internet goes through one of these,
 * so that a lab can pause time or jump it forward and see tokens, secrets and DDNS intervals expire
 * for real.
 *
 * Modes: `real` lets lab time run at wall-clock speed from wherever it stands; `paused` stops it,
 * and only `advance()` moves it on. Timers are kept here in one queue in both modes; in real mode a
 * single host timer wakes the queue at its earliest deadline.
 */
import { EventEmitter } from 'node:events';

export type ClockMode = 'real' | 'paused';

export interface TimerHandle {
  readonly id: number;
}

interface Timer extends TimerHandle {
  deadline: number;
  callback: () => void;
  /** Repeat period in milliseconds, or 0 for a one-shot timer. */
  period: number;
}

export interface ClockState {
  mode: ClockMode;
  /** Lab time, milliseconds since the Unix epoch. */
  now: number;
  iso: string;
  pendingTimers: number;
}

/** Longest host timer Node.js accepts (2^31 - 1 ms); later deadlines are reached in steps. */
const MAX_HOST_DELAY_MS = 2_147_483_647;

export class Clock extends EventEmitter {
  private mode: ClockMode;
  /** Lab time at `anchorHost`. */
  private anchorLab: number;
  /** Host time (Date.now) when the anchor was taken; only meaningful in real mode. */
  private anchorHost: number;
  private timers = new Map<number, Timer>();
  private nextId = 1;
  private hostTimer: NodeJS.Timeout | undefined;
  private advancing = false;

  constructor(options: { mode?: ClockMode; start?: number } = {}) {
    super();
    this.mode = options.mode ?? 'real';
    this.anchorLab = options.start ?? Date.now();
    this.anchorHost = Date.now();
  }

  /** Current lab time in milliseconds since the Unix epoch. */
  now(): number {
    if (this.mode === 'paused') return this.anchorLab;
    return this.anchorLab + (Date.now() - this.anchorHost);
  }

  date(): Date {
    return new Date(this.now());
  }

  getMode(): ClockMode {
    return this.mode;
  }

  state(): ClockState {
    const now = this.now();
    return { mode: this.mode, now, iso: new Date(now).toISOString(), pendingTimers: this.timers.size };
  }

  setMode(mode: ClockMode): void {
    if (mode === this.mode) return;
    this.anchorLab = this.now();
    this.anchorHost = Date.now();
    this.mode = mode;
    this.scheduleHostTimer();
    this.emit('change', this.state());
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.addTimer(callback, delayMs, 0);
  }

  setInterval(callback: () => void, periodMs: number): TimerHandle {
    if (!(periodMs > 0)) throw new RangeError(`Interval period must be above 0 ms, got ${periodMs}`);
    return this.addTimer(callback, periodMs, periodMs);
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.timers.delete(handle.id);
    this.scheduleHostTimer();
  }

  /** Resolves after `delayMs` of lab time. */
  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, delayMs));
  }

  /**
   * Moves lab time forward by `ms`, firing every timer that falls due in deadline order. Between
   * timers the host event loop runs, so asynchronous work a timer starts (a DDNS update, a token
   * refresh) can finish and schedule its follow-ups inside the same advance.
   */
  async advance(ms: number): Promise<ClockState> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Advance must be a finite duration of 0 ms or more, got ${ms}`);
    if (this.advancing) throw new Error('The clock is already advancing; wait for that advance to finish');
    this.advancing = true;
    try {
      const target = this.now() + ms;
      for (;;) {
        await yieldToEventLoop();
        const due = this.earliest();
        if (!due || due.deadline > target) break;
        this.jumpTo(Math.max(due.deadline, this.now()));
        this.fire(due);
      }
      this.jumpTo(Math.max(target, this.now()));
    } finally {
      this.advancing = false;
      this.scheduleHostTimer();
    }
    const state = this.state();
    this.emit('change', state);
    return state;
  }

  /**
   * Sets lab time to `labTime`, forwards or backwards, without firing timers: every pending timer
   * moves by the same amount, so it keeps the delay it had left. The lab uses it to go back to a
   * snapshot's time while its services and routers are stopped.
   */
  set(labTime: number): ClockState {
    if (!Number.isFinite(labTime)) throw new RangeError(`Lab time must be a finite number of ms since the epoch, got ${labTime}`);
    if (this.advancing) throw new Error('The clock is advancing; set it once that advance has finished');
    const shift = labTime - this.now();
    for (const timer of this.timers.values()) timer.deadline += shift;
    this.jumpTo(labTime);
    this.scheduleHostTimer();
    const state = this.state();
    this.emit('change', state);
    return state;
  }

  /** Stops all timers; used when the lab shuts down. */
  dispose(): void {
    this.timers.clear();
    if (this.hostTimer) clearTimeout(this.hostTimer);
    this.hostTimer = undefined;
  }

  private addTimer(callback: () => void, delayMs: number, period: number): TimerHandle {
    const delay = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
    const timer: Timer = { id: this.nextId++, deadline: this.now() + delay, callback, period };
    this.timers.set(timer.id, timer);
    this.scheduleHostTimer();
    return { id: timer.id };
  }

  private jumpTo(labTime: number): void {
    this.anchorLab = labTime;
    this.anchorHost = Date.now();
  }

  private earliest(): Timer | undefined {
    let first: Timer | undefined;
    for (const timer of this.timers.values()) {
      if (!first || timer.deadline < first.deadline || (timer.deadline === first.deadline && timer.id < first.id)) first = timer;
    }
    return first;
  }

  private fire(timer: Timer): void {
    if (timer.period > 0) timer.deadline += timer.period;
    else this.timers.delete(timer.id);
    try {
      timer.callback();
    } catch (error) {
      this.emit('timerError', error);
    }
  }

  private scheduleHostTimer(): void {
    if (this.hostTimer) clearTimeout(this.hostTimer);
    this.hostTimer = undefined;
    if (this.mode !== 'real' || this.advancing) return;
    const due = this.earliest();
    if (!due) return;
    const delay = Math.min(Math.max(due.deadline - this.now(), 0), MAX_HOST_DELAY_MS);
    this.hostTimer = setTimeout(() => this.runDueTimers(), delay);
    this.hostTimer.unref();
  }

  private runDueTimers(): void {
    this.hostTimer = undefined;
    const now = this.now();
    for (let due = this.earliest(); due && due.deadline <= now; due = this.earliest()) this.fire(due);
    this.scheduleHostTimer();
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
