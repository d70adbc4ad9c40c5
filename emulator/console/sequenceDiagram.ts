/**
 * An SVG sequence diagram of the newest OAuth authorization as it ran, built from timeline events
 * alone: the browser's authorize, sign-in and consent requests to the identity provider, its visit
 * to the DrayDDNS relay and to the router, the router's token request, and the router's first SMTP
 * session after it. Each arrow is one recorded request with its reply status.
 */
import { relayTarget } from '../services/oauthRelay';
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

/** The newest authorization: the router it belongs to, when known, and its arrows. */
export interface Authorization {
  router?: string;
  /** The router's DDNS name that the authorization's state carries. */
  hostname?: string;
  arrows: SequenceArrow[];
}

type Step = string | undefined;

const stepOf = (event: TimelineEvent): Step => (event.detail as { step?: string } | undefined)?.step;

/** Returns the state parameter of an OAuth request's URL (kept in the timeline, because it is no secret). */
function stateOf(event: TimelineEvent): string | undefined {
  const url = (event.detail as { request?: { url?: string } } | undefined)?.request?.url;
  if (!url) return undefined;
  try {
    return new URL(url).searchParams.get('state') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Picks the events of the newest authorization, of `router` when given. They are its authorize
 * request, the browser's sign-in and consent, its callback through the relay, the HTTPS connection
 * the router accepted and the router's token requests. They end with the router's first SMTP
 * session after the token. The router is the one whose DDNS name the state carries (`routerOf`),
 * else the one that redeemed the code. Authorize and callback requests with another state and events
 * of other routers are left out.
 * NOTE: sign-in and consent requests carry neither router nor state, so those of another
 * authorization that runs at the same time show too.
 */
export function newestAuthorization(events: TimelineEvent[], routerOf: (hostname: string) => string | undefined, router?: string): Authorization {
  let start = -1;
  let state: string | undefined;
  let hostname: string | undefined;
  let owner: string | undefined;
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index]!;
    if (event.protocol !== 'oauth' || stepOf(event) !== 'authorize') continue;
    const candidateState = stateOf(event);
    const candidateHostname = relayTarget(candidateState);
    const candidateRouter = candidateHostname ? routerOf(candidateHostname) : undefined;
    if (router !== undefined && candidateRouter !== router) continue;
    [start, state, hostname, owner] = [index, candidateState, candidateHostname, candidateRouter];
    break;
  }
  if (start < 0) return { arrows: [] };

  const arrows: SequenceArrow[] = [];
  let tokenSeen = false;
  for (const event of events.slice(start)) {
    const step = stepOf(event);
    if (event.router !== undefined && owner !== undefined && event.router !== owner) continue;
    if ((step === 'authorize' || step === 'callback') && stateOf(event) !== state) continue;
    if (step === 'token' && event.router !== undefined) {
      owner ??= event.router;
      tokenSeen = true;
    }
    // After the token, the router's access events are other visits, not this callback.
    if (event.protocol === 'access' && tokenSeen) continue;
    // Before the owner is known, SMTP sessions of any router are not this authorization's.
    if (event.protocol === 'smtp' && (!tokenSeen || event.router !== owner)) continue;

    const arrow = arrowOf(event, step);
    if (arrow) arrows.push(arrow);
    if (event.protocol === 'smtp' || arrows.length >= MAX_ARROWS) break;
  }
  return { router: owner, hostname, arrows };
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

/** Returns the label of an authorization's router, e.g. `r1 (r1.drayddns.com)`, or undefined when unknown. */
export function authorizationRouterLabel({ router, hostname }: Authorization): string | undefined {
  if (router && hostname) return `${router} (${hostname})`;
  return router ?? hostname;
}

export function renderSequenceDiagram(authorization: Authorization): SafeHtml {
  const { arrows } = authorization;
  const routerLabel = authorizationRouterLabel(authorization);
  const heading = (participant: Participant) => (participant === 'Router' && authorization.router ? `Router ${authorization.router}` : participant);
  const width = COLUMN_WIDTH * PARTICIPANTS.length;
  const height = TOP + ROW_HEIGHT * (arrows.length + 1);
  const x = (participant: Participant) => COLUMN_WIDTH * PARTICIPANTS.indexOf(participant) + COLUMN_WIDTH / 2;
  return html`<svg class="sequence" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Sequence diagram of the newest OAuth authorization${routerLabel ? ` of router ${routerLabel}` : ''}">
<defs><marker id="arrowhead" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="#1f5fa8"/></marker></defs>
${PARTICIPANTS.map(
  (participant) => html`<text x="${x(participant)}" y="24" text-anchor="middle" font-weight="bold" font-family="sans-serif" font-size="13">${heading(participant)}</text>
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
