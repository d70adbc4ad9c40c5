/**
 * Brute force protection: failed logins are counted per source address and service; reaching the
 * maximum blocks that source for the penalty period of lab time. Attempts still being checked
 * count against the limit too, so parallel guesses cannot slip past it.
 */
import type { RouterClock } from '../../../hal';
import type { ManagementService } from './schema';

export interface BlockedSource {
  sourceAddress: string;
  service: ManagementService;
  failures: number;
  /** Lab time (ms) the block ends. */
  until: number;
}

export interface BruteForceSettings {
  enabled: boolean;
  services: Record<ManagementService, boolean>;
  maxFailures: number;
  penaltySeconds: number;
}

interface Counter {
  failures: number;
  inFlight: number;
  blockedUntil: number;
}

/** `busy`: attempts still being checked already reach the limit; `blocked`: the penalty period runs. */
export type AttemptResult = { allowed: true; finish(success: boolean): void } | { allowed: false; reason: 'blocked' | 'busy'; until: number };

export class BruteForceGuard {
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly clock: RouterClock,
    private readonly settings: () => BruteForceSettings,
    private readonly onBlock: (block: BlockedSource) => void,
  ) {}

  /** Starts a login attempt; a blocked source is refused before its password is checked. */
  attempt(sourceAddress: string, service: ManagementService): AttemptResult {
    const settings = this.settings();
    if (!settings.enabled || !settings.services[service]) return { allowed: true, finish: () => undefined };

    const key = `${service} ${sourceAddress}`;
    const counter = this.counters.get(key) ?? { failures: 0, inFlight: 0, blockedUntil: 0 };
    this.counters.set(key, counter);
    const now = this.clock.now();
    if (counter.blockedUntil > now) return { allowed: false, reason: 'blocked', until: counter.blockedUntil };
    if (counter.blockedUntil !== 0) Object.assign(counter, { failures: 0, blockedUntil: 0 });

    if (counter.failures >= settings.maxFailures) {
      this.block(counter, sourceAddress, service, settings);
      return { allowed: false, reason: 'blocked', until: counter.blockedUntil };
    }
    // Attempts still being checked could all fail; one more would pass the limit, so it waits its turn.
    // Correct logins in flight block nobody: only failures start a penalty.
    if (counter.failures + counter.inFlight >= settings.maxFailures) return { allowed: false, reason: 'busy', until: now };

    counter.inFlight += 1;
    let finished = false;
    return {
      allowed: true,
      finish: (success) => {
        if (finished) return;
        finished = true;
        counter.inFlight -= 1;
        if (success) {
          counter.failures = 0;
          return;
        }
        counter.failures += 1;
        if (counter.failures >= settings.maxFailures && counter.blockedUntil <= this.clock.now()) this.block(counter, sourceAddress, service, settings);
      },
    };
  }

  isBlocked(sourceAddress: string, service: ManagementService): boolean {
    return (this.counters.get(`${service} ${sourceAddress}`)?.blockedUntil ?? 0) > this.clock.now();
  }

  blocked(): BlockedSource[] {
    const now = this.clock.now();
    return [...this.counters.entries()]
      .filter(([, counter]) => counter.blockedUntil > now)
      .map(([key, counter]) => {
        const [service, sourceAddress] = key.split(' ') as [ManagementService, string];
        return { sourceAddress, service, failures: counter.failures, until: counter.blockedUntil };
      });
  }

  /** Lifts the blocks of a source (all services, or one). Returns how many were lifted. */
  unblock(sourceAddress: string, service?: ManagementService): number {
    let lifted = 0;
    for (const [key, counter] of this.counters) {
      const [keyService, keySource] = key.split(' ');
      if (keySource !== sourceAddress || (service && keyService !== service)) continue;
      if (counter.blockedUntil > this.clock.now()) lifted += 1;
      this.counters.delete(key);
    }
    return lifted;
  }

  clear(): void {
    this.counters.clear();
  }

  private block(counter: Counter, sourceAddress: string, service: ManagementService, settings: BruteForceSettings): void {
    counter.blockedUntil = this.clock.now() + settings.penaltySeconds * 1000;
    this.onBlock({ sourceAddress, service, failures: counter.failures, until: counter.blockedUntil });
  }
}
