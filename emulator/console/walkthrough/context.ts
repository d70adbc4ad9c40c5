/** Input of every walkthrough check: the lab, the router, its OAuth mail profile and its tenant or project. */
import type { MailProfile, ProfileTokens, SyslogEntry } from '../../../firmware';
import type { Category } from '../../../firmware/syslog';
import type { Lab } from '../../lab';
import type { RouterDevice } from '../../router';
import type { RouterIdentity } from '../../services/identity/classLab';
import type { StepId, StepResult, WalkthroughProvider } from './steps';

export interface FlowContext {
  lab: Lab;
  router: RouterDevice;
  provider: WalkthroughProvider;
  identity: RouterIdentity;
  /** Lab time of the evaluation. */
  now: number;
  /** 0-based index of the first OAuth 2.0 mail profile of this provider, if the router has one. */
  profileIndex?: number;
  profile?: MailProfile;
  tokens?: ProfileTokens;
}

/** A step result without its title, which the caller adds from the step table. */
export type Check = Omit<StepResult, 'id' | 'title'>;

export const done = (detail: string): Check => ({ status: 'done', detail });
export const todo = (detail: string): Check => ({ status: 'todo', detail });
export const failed = (detail: string, cause: string | undefined): Check => ({ status: 'failed', detail, cause });

export type StepChecks = Record<StepId, (context: FlowContext) => Check>;

/** Returns the newest syslog entry of a category that matches, or undefined. */
export function newestEntry(router: RouterDevice, category: Category, test: (message: string) => boolean): SyslogEntry | undefined {
  const entries = router.firmware.syslog.query({ category });
  for (let index = entries.length - 1; index >= 0; index -= 1) {
    if (test(entries[index]!.message)) return entries[index];
  }
  return undefined;
}

export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
