/**
 * Front-panel LEDs, derived from port and system state rather than stored, so they can never
 * disagree with what they show.
 */
import { PORT_NAMES, type PortState } from './ports';

export type LedState = 'off' | 'on' | 'blink';

export interface SystemIndicators {
  /** Firmware up and running (ACT blinks); false while booting or halted. */
  running: boolean;
}

/** LED name to state, in front-panel order: ACT, then one LED per port. */
export type LedPanel = Record<'ACT' | (typeof PORT_NAMES)[number], LedState>;

export function deriveLeds(ports: PortState[], system: SystemIndicators): LedPanel {
  const panel = { ACT: system.running ? 'blink' : 'off' } as LedPanel;
  for (const port of ports) {
    // A WAN LED is steady once the line has an address and blinks while it waits for one.
    if (!port.linkUp) panel[port.name] = 'off';
    else if (port.kind === 'wan' && !port.address) panel[port.name] = 'blink';
    else panel[port.name] = 'on';
  }
  return panel;
}
