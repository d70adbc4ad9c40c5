/** The factory-reset button on the back panel. */
import { EventEmitter } from 'node:events';

/** A Vigor restores factory defaults when the button is held for more than 5 seconds. */
export const FACTORY_RESET_HOLD_SECONDS = 5;

export class ResetButton extends EventEmitter {
  /** Presses the button for `holdSeconds`; a long enough press emits `factoryReset`, a short one `restart`. */
  press(holdSeconds: number): 'factoryReset' | 'restart' {
    if (!Number.isFinite(holdSeconds) || holdSeconds < 0) throw new RangeError(`Hold time must be 0 seconds or more, got ${holdSeconds}`);
    const action = holdSeconds > FACTORY_RESET_HOLD_SECONDS ? 'factoryReset' : 'restart';
    this.emit(action);
    return action;
  }
}
