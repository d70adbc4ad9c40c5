/** Shared context of the Entra directory's parts: the state file, the lab clock and the log. */
import type { Logger } from 'pino';
import type { StateFile } from '../identity/stateFile';
import type { MicrosoftState } from './model';

export interface EntraContext {
  file: StateFile<MicrosoftState & { seeded: boolean }>;
  /** Lab time in ms since the epoch. */
  now(): number;
  logger: Logger;
}
