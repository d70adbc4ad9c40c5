/** Public API of the package: start a lab from TypeScript or JavaScript. */
import { Lab, type LabOptions } from './lab';

export { Lab, MAX_ROUTERS } from './lab';
export type { LabOptions, ReadyInfo } from './lab';
export { PortInUseError } from './listen';

export function startLab(options: LabOptions = {}): Promise<Lab> {
  return Lab.start(options);
}
