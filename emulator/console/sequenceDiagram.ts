/**
 * An SVG sequence diagram of the newest OAuth authorization as it ran, built from timeline events
 * alone: the browser's authorize, sign-in and consent requests to the identity provider, its visit
 * to the DrayDDNS relay and to the router, the router's token request, and the SMTP sessions after
 * it. Each arrow is one recorded request with its reply status.
 */
import type { TimelineEvent } from '../timeline';
import { formatLabTime } from './format';
import { html, type SafeHtml } from './html';

export const PARTICIPANTS = ['Browser', 'Router', 'DrayDDNS relay', 'Identity provider', 'SMTP server'] as const;
type Participant = (typeof PARTICIPANTS)[number];

export interface SequenceArrow {
  seq: number;
  time: number;
  from: Participant;
  to: Participant;
  label: string;
}

const COLUMN_WIDTH = 190;
const TOP = 50;
const ROW_HEIGHT = 34;
const MAX_ARROWS = 40;

/**
 * Picks the events of the newest authorization: from the newest authorize request, the browser's
 * OAuth requests, HTTPS accepted by the router, the router's token requests and its SMTP sessions.
 * With `router`, events of other routers are left out; browser requests carry no router and stay in.
 */
export function authorizationArrows(events: TimelineEvent[], router?: string): SequenceArrow[] {
  const step = (event: TimelineEvent) => (event.detail as { step?: string } | undefined)?.step;
  const relevant = events.filter((event) => router === undefined || event.router === undefined || event.router === router);
  let start = -1;
  for (let index = relevant.length - 1; index >= 0; index -= 1) {
    if (relevant[index]!.protocol === 'oauth' && step(relevant[index]!) === 'authorize') {
      start = index;
      break;
    }
  }
  if (start < 0) return [];

  const arrows: SequenceArrow[] = [];
  for (const event of relevant.slice(start)) {
    const arrow = arrowOf(event, step(event));
    if (arrow) arrows.push(arrow);
    if (arrows.length >= MAX_ARROWS) break;
  }
  return arrows;
}

function arrowOf(event: TimelineEvent, step: string | undefined): SequenceArrow | undefined {
  const base = { seq: event.seq, time: event.time };
  const status = (event.detail as { reply?: { status?: number } } | undefined)?.reply?.status;
  const reply = status === undefined ? '' : ` -> ${status}`;
  if (event.protocol === 'oauth') {
    if (step === 'token') return { ...base, from: 'Router', to: 'Identity provider', label: `token (${event.to})${reply}` };
    if (step === 'callback') return { ...base, from: 'Browser', to: 'DrayDDNS relay', label: `redirect with code${reply}` };
    if (step === 'authorize' || step === 'sign-in' || step === 'consent') return { ...base, from: 'Browser', to: 'Identity provider', label: `${step} (${event.to})${reply}` };
    return undefined;
  }
  if (event.protocol === 'access' && / port 443$/.test(event.to ?? '') && (event.detail as { outcome?: string } | undefined)?.outcome !== undefined) {
    return { ...base, from: 'Browser', to: 'Router', label: `HTTPS ${String((event.detail as { outcome: string }).outcome)} (callback)` };
  }
  if (event.protocol === 'smtp') return { ...base, from: 'Router', to: 'SMTP server', label: event.summary.replace(/^SMTP session to /, '') };
  return undefined;
}

export function renderSequenceDiagram(arrows: SequenceArrow[]): SafeHtml {
  const width = COLUMN_WIDTH * PARTICIPANTS.length;
  const height = TOP + ROW_HEIGHT * (arrows.length + 1);
  const x = (participant: Participant) => COLUMN_WIDTH * PARTICIPANTS.indexOf(participant) + COLUMN_WIDTH / 2;
  return html`<svg class="sequence" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Sequence diagram of the newest OAuth authorization">
<defs><marker id="arrowhead" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="#1f5fa8"/></marker></defs>
${PARTICIPANTS.map(
  (participant) => html`<text x="${x(participant)}" y="24" text-anchor="middle" font-weight="bold" font-family="sans-serif" font-size="13">${participant}</text>
<line x1="${x(participant)}" y1="34" x2="${x(participant)}" y2="${height - 6}" stroke="#9aa3af" stroke-dasharray="4 4"/>
`,
)}${arrows.map((arrow, index) => {
    const y = TOP + ROW_HEIGHT * (index + 0.5);
    const x1 = x(arrow.from);
    const x2 = x(arrow.to);
    const labelX = (x1 + x2) / 2;
    const label = arrow.label.length > 70 ? `${arrow.label.slice(0, 67)}...` : arrow.label;
    return html`<a href="/timeline/${arrow.seq}"><title>${formatLabTime(arrow.time)} #${arrow.seq}: ${arrow.label}</title>
<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="#1f5fa8" stroke-width="1.5" marker-end="url(#arrowhead)"/>
<text x="${labelX}" y="${y - 5}" text-anchor="middle" font-family="sans-serif" font-size="11">${label}</text></a>
`;
  })}${arrows.length === 0 ? html`<text x="${width / 2}" y="${TOP + 14}" text-anchor="middle" font-family="sans-serif" font-size="13">No authorization in the timeline yet: press Authorize on a router's mail profile page.</text>` : ''}
</svg>`;
}
