/** Shared context of the Google identity service's parts: the state file, the lab clock and the log. */
import type { Logger } from 'pino';
import type { StateFile } from '../identity/stateFile';
import type { GoogleState } from './model';

export interface GoogleContext {
  file: StateFile<GoogleState>;
  /** Lab time in ms since the epoch. */
  now(): number;
  logger: Logger;
}
