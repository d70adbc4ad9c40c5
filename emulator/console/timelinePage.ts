/**
 * The timeline pages of the console: /timeline lists events (filters by router and protocol, the
 * newest first, new ones added live by /live.js) under the sequence diagram of the newest OAuth
 * authorization; /timeline/{seq} shows one event with its details; /timeline/sequence.svg is the
 * diagram alone.
 */
import type { Lab } from '../lab';
import { TIMELINE_PROTOCOLS, type TimelineEvent, type TimelineProtocol } from '../timeline';
import { ApiError } from './errors';
import { formatLabTime } from './format';
import { html, type SafeHtml } from './html';
import { authorizationRouterLabel, newestAuthorization, renderSequenceDiagram, type Authorization } from './sequenceDiagram';
import { consolePage } from './shell';

/** Events listed on the page; the lab API pages further back with `after` and `limit`. */
const PAGE_EVENTS = 300;

export interface TimelineFilter {
  router?: string;
  protocol?: TimelineProtocol;
}

/** Checks the page's query parameters; an unknown router or protocol is a 400 that lists the valid values. */
export function timelineFilter(lab: Lab, query: Record<string, string | undefined>): TimelineFilter {
  const router = query.router || undefined;
  const protocol = query.protocol || undefined;
  if (router !== undefined && !lab.router(router)) {
    throw new ApiError(400, 'INVALID_REQUEST', `No router is named "${router}"; valid routers are ${lab.routers.map((entry) => entry.id).join(', ')}.`, 'router');
  }
  if (protocol !== undefined && !(TIMELINE_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new ApiError(400, 'INVALID_REQUEST', `"protocol" must be one of ${TIMELINE_PROTOCOLS.join(', ')}; got "${protocol}".`, 'protocol', [...TIMELINE_PROTOCOLS]);
  }
  return { router, protocol: protocol as TimelineProtocol | undefined };
}

/** Returns the newest authorization in the timeline, of `router` when given. */
function labAuthorization(lab: Lab, router?: string): Authorization {
  // The state of an authorization carries the router's DDNS name, which its DDNS account has.
  const routerOf = (hostname: string) => lab.routers.find((candidate) => candidate.firmware.ddns.states().some((state) => state.hostname === hostname))?.id;
  return newestAuthorization(lab.timeline.query(), routerOf, router);
}

export function renderSequenceSvg(lab: Lab, router?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderSequenceDiagram(labAuthorization(lab, router)).markup}\n`;
}

export function renderTimelinePage(lab: Lab, filter: TimelineFilter): string {
  const events = lab.timeline.query({ ...filter, limit: PAGE_EVENTS }).reverse();
  const authorization = labAuthorization(lab, filter.router);
  const routerLabel = authorizationRouterLabel(authorization);
  const first = authorization.arrows[0];
  return page(
    lab,
    'Timeline',
    html`<p class="muted"><a href="/">Lab console</a>. What crossed the emulated network, in lab time: OAuth requests and replies, SMTP sessions, DDNS updates, DNS answers and the routers' access-control decisions. Secrets are masked before they are stored.</p>`,
    html`<section aria-labelledby="sequence-heading">
<h2 id="sequence-heading">Newest OAuth authorization${routerLabel ? ` of router ${routerLabel}` : ''}</h2>
<p class="muted">${first ? `Started at ${formatLabTime(first.time)}; it ends with the router's first SMTP session after the token. ` : ''}Each arrow is one recorded request; click it for its details. <a href="/timeline/sequence.svg${filter.router ? `?router=${encodeURIComponent(filter.router)}` : ''}">Download as SVG</a>.</p>
<div class="table-wrap">${renderSequenceDiagram(authorization)}</div>
</section>
<section aria-labelledby="events-heading">
<h2 id="events-heading">Events</h2>
<form class="controls" method="get" action="/timeline">
<label>Router <select name="router"><option value="">all</option>${lab.routers.map((router) => html`<option value="${router.id}"${router.id === filter.router ? html` selected` : ''}>${router.id}</option>`)}</select></label>
<label>Protocol <select name="protocol"><option value="">all</option>${TIMELINE_PROTOCOLS.map((protocol) => html`<option value="${protocol}"${protocol === filter.protocol ? html` selected` : ''}>${protocol}</option>`)}</select></label>
<button type="submit">Filter</button>
<span class="muted">The newest ${PAGE_EVENTS} matching events, newest first; new events appear as they happen.</span>
</form>
<p id="live-status" class="status" aria-live="polite"></p>
<div class="log"><table>
<thead><tr><th scope="col">Lab time</th><th scope="col">Protocol</th><th scope="col">Router</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Summary</th></tr></thead>
<tbody id="timeline-body" data-router="${filter.router ?? ''}" data-protocol="${filter.protocol ?? ''}">
${events.map(eventRow)}</tbody>
</table></div>
</section>`,
  );
}

export function renderTimelineEventPage(lab: Lab, seqText: string): string {
  const seq = Number(seqText);
  const event = Number.isInteger(seq) ? lab.timeline.get(seq) : undefined;
  if (!event) throw new ApiError(404, 'NOT_FOUND', `The timeline has no event ${seqText}; it keeps the newest events only.`, 'seq');
  return page(
    lab,
    `Timeline event ${event.seq}`,
    html`<p class="muted"><a href="/timeline">Timeline</a>. <a href="/api/timeline/${event.seq}">As JSON</a>.</p>`,
    html`<section aria-labelledby="event-heading">
<h2 id="event-heading">${event.summary}</h2>
<dl class="facts">
<dt>Lab time</dt><dd>${formatLabTime(event.time)}</dd>
<dt>Protocol</dt><dd>${event.protocol}</dd>
<dt>Router</dt><dd>${event.router ?? 'none'}</dd>
<dt>From</dt><dd>${event.from ?? ''}</dd>
<dt>To</dt><dd>${event.to ?? ''}</dd>
</dl>
<h3>Details (secrets masked)</h3>
<pre class="detail">${JSON.stringify(event.detail ?? {}, null, 2)}</pre>
</section>`,
  );
}

function eventRow(event: TimelineEvent): SafeHtml {
  return html`<tr><td>${formatLabTime(event.time)}</td><td>${event.protocol}</td><td>${event.router ?? ''}</td><td>${event.from ?? ''}</td><td>${event.to ?? ''}</td><td><a href="/timeline/${event.seq}">${event.summary}</a></td></tr>
`;
}

function page(lab: Lab, title: string, intro: SafeHtml, main: SafeHtml): string {
  return consolePage(lab, { title, intro, main });
}
