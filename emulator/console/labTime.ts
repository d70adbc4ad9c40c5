/** The lab-time line at the top of every console page; /live.js keeps it current. */
import type { Lab } from '../lab';
import { formatLabTime } from './format';
import { html, type SafeHtml } from './html';

export function renderLabTime(lab: Lab): SafeHtml {
  const state = lab.clock.state();
  return html`<p class="lab-time">Lab time: <time data-lab-time datetime="${state.iso}">${formatLabTime(state.now)}</time> (clock <span data-lab-clock-mode>${state.mode}</span>)</p>`;
}
