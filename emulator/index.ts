/** Public API of the package: start a lab from TypeScript or JavaScript. */
import { withHelpers, type VigorLab } from './api';
import { startOnFreePorts } from './api/start';
import { Lab, type LabOptions } from './lab';

export { Lab, MAX_ROUTERS } from './lab';
export type { LabOptions, ReadyInfo } from './lab';
export { PortInUseError } from './listen';
export * from './api';
export { runScenarios, type RunOptions, type RunSummary } from './scenario/runner';
export { loadScenarioFile, ScenarioFileError } from './scenario/load';

/**
 * Starts a lab with the helpers of emulator/api: router pages, clock, faults, mailboxes, timeline
 * and sign-in. `portBase: 'auto'` picks a free random port base, for labs side by side in CI.
 */
export async function startLab(options: Omit<LabOptions, 'portBase'> & { portBase?: number | 'auto' } = {}): Promise<VigorLab> {
  const { portBase, ...rest } = options;
  const lab = portBase === 'auto' ? await startOnFreePorts(rest) : await Lab.start({ ...rest, portBase });
  return withHelpers(lab);
}
