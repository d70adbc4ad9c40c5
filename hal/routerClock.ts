/**
 * The router's own clock: the shared lab clock plus an offset. The firmware reads the time here,
 * so syslog times, certificate checks and token expiry decisions follow the router's clock. Every
 * timer still runs on the lab clock, so a 10-minute retry fires 10 minutes of lab time later
 * whatever date the router's clock shows.
 *
 * The offset stands for a real-time clock that lost power: the board starts at a wrong date, set
 * with `setBootTime`, when the firmware boots next, and keeps it until `synchronise` sets it right.
 */
import { EventEmitter } from 'node:events';
import type { Clock, ClockMode, ClockState, TimerHandle } from './clock';

/** When the router's clock is wrong at the next boot: a fixed date, or an offset from lab time. */
export type BootTime = { date: number } | { offsetMs: number };

export interface RouterClockState extends ClockState {
  /** Router time minus lab time, in milliseconds; 0 when the router's clock is right. */
  offsetMs: number;
  /** Lab time, milliseconds since the Unix epoch. */
  labNow: number;
  /** The wrong time set for the next boot, or null when the router boots with the right time. */
  atNextBoot: BootTime | null;
}

export class RouterClock extends EventEmitter {
  private offsetMs = 0;
  private bootTime: BootTime | null = null;

  constructor(readonly lab: Clock) {
    super();
  }

  /** Router time in milliseconds since the Unix epoch. */
  now(): number {
    return this.lab.now() + this.offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  getMode(): ClockMode {
    return this.lab.getMode();
  }

  offset(): number {
    return this.offsetMs;
  }

  state(): RouterClockState {
    const labNow = this.lab.now();
    const now = labNow + this.offsetMs;
    return { mode: this.lab.getMode(), now, iso: new Date(now).toISOString(), pendingTimers: this.lab.state().pendingTimers, offsetMs: this.offsetMs, labNow, atNextBoot: this.bootTime };
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.lab.setTimeout(callback, delayMs);
  }

  setInterval(callback: () => void, periodMs: number): TimerHandle {
    return this.lab.setInterval(callback, periodMs);
  }

  clearTimer(handle: TimerHandle | undefined): void {
    this.lab.clearTimer(handle);
  }

  sleep(delayMs: number): Promise<void> {
    return this.lab.sleep(delayMs);
  }

  /** Sets the wrong time the clock starts from at the next boot; null lets it boot with lab time. */
  setBootTime(bootTime: BootTime | null): void {
    if (bootTime && 'date' in bootTime && !Number.isFinite(bootTime.date)) throw new RangeError(`Boot date must be a finite time in ms since the epoch, got ${bootTime.date}`);
    if (bootTime && 'offsetMs' in bootTime && !Number.isFinite(bootTime.offsetMs)) throw new RangeError(`Boot offset must be a finite number of ms, got ${bootTime.offsetMs}`);
    this.bootTime = bootTime;
  }

  /**
   * Starts the clock as the board does at power-on: from the wrong boot time if one is set, else
   * from lab time. The firmware calls it at the start of every boot.
   */
  startAtBoot(): void {
    const labNow = this.lab.now();
    if (!this.bootTime) this.offsetMs = 0;
    else if ('date' in this.bootTime) this.offsetMs = this.bootTime.date - labNow;
    else this.offsetMs = this.bootTime.offsetMs;
  }

  /**
   * Sets the clock to lab time, as a successful NTP synchronisation does, and clears the wrong
   * boot time. Emits `synchronised` with the offset it removed, in milliseconds.
   */
  synchronise(): void {
    const removedMs = this.offsetMs;
    this.offsetMs = 0;
    this.bootTime = null;
    if (removedMs !== 0) this.emit('synchronised', removedMs);
  }
}
