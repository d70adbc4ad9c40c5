/** Starting labs on free loopback ports, for CI runs where several labs share one host. */
import { Lab, type LabOptions } from '../lab';
import { PortInUseError } from '../listen';

/** Port bases in use by labs of this process, so that labs started side by side never share ports. */
const basesInUse = new Set<number>();

/**
 * Starts a lab on a random port base from 10000 to 31600, below Linux's ephemeral range (32768
 * and up) where the lab's own outgoing connections take their ports. It retries on another base
 * when a port is taken, up to 8 times.
 */
export async function startOnFreePorts(options: Omit<LabOptions, 'portBase'>): Promise<Lab> {
  for (let attempt = 0; ; attempt += 1) {
    let portBase: number;
    do portBase = 10_000 + Math.floor(Math.random() * 55) * 400;
    while (basesInUse.has(portBase));
    basesInUse.add(portBase);
    try {
      const lab = await Lab.start({ ...options, portBase });
      const stop = lab.stop.bind(lab);
      lab.stop = async () => {
        await stop();
        basesInUse.delete(portBase);
      };
      return lab;
    } catch (error) {
      basesInUse.delete(portBase);
      if (!(error instanceof PortInUseError) || attempt >= 8) throw error;
    }
  }
}
