/**
 * The fault catalogue page (/faults): one card per fault of FAULTS with what a real administrator
 * would see, the fields its requests need and Switch on / Switch off buttons. A router selector at
 * the top fills the fields with the chosen router's tenant, user, project, app and DDNS account.
 * /faults.js sends the requests of the table with the fields filled in.
 */
import type { Lab } from '../lab';
import { faultParameterValues } from './faultParameters';
import { FAULTS, type Fault, type FaultRequest } from './faults';
import { html, type SafeHtml } from './html';
import { consolePage } from './shell';

export function renderFaultsPage(lab: Lab): string {
  const first = lab.routers[0];
  const defaults: Record<string, string> = first ? faultParameterValues(lab, first) : {};
  return consolePage(lab, {
    title: 'Fault catalogue',
    scripts: ['/faults.js'],
    intro: html`<p class="muted"><a href="/">Lab console</a>. Each fault shows what a real administrator would see, and the lab API requests that switch it on and off (GET /api/faults lists the same table). The <a href="/identity">identity page</a> lists the tenant, app, secret and project IDs; the <a href="/timeline">timeline</a> shows the effect.</p>`,
    noscript: 'The buttons need JavaScript; send the listed requests to the lab API instead.',
    main: html`${renderRouterChoice(lab)}
${FAULTS.map((fault) => renderFault(fault, defaults))}`,
  });
}

function renderFault(fault: Fault, defaults: Record<string, string>): SafeHtml {
  return html`<section class="fault" id="fault-${fault.id}" data-fault="${fault.id}" aria-labelledby="fault-${fault.id}-heading">
<h2 id="fault-${fault.id}-heading">${fault.title}</h2>
<p>${fault.explanation}</p>
${fault.notAvailable ? html`<p class="banner">${fault.notAvailable}</p>` : ''}
<form class="controls fault-form">
${fault.parameters.map((parameter) => html`<label>${parameter.label} <input name="${parameter.name}" value="${defaults[parameter.name] ?? parameter.example}" required></label>
`)}${fault.on ? html`<button type="button" data-switch="on" data-request="${JSON.stringify(fault.on)}">Switch on</button>` : ''}
${fault.off ? html`<button type="button" data-switch="off" data-request="${JSON.stringify(fault.off)}">Switch off</button>` : ''}
</form>
<p class="muted">${fault.on ? html`On: <code>${describeRequest(fault.on)}</code>. ` : ''}${fault.off ? html`Off: <code>${describeRequest(fault.off)}</code>. ` : ''}${fault.offNote ?? ''}</p>
<p class="status" aria-live="polite"></p>
</section>
`;
}

function describeRequest(request: FaultRequest): string {
  return `${request.method} ${request.path}${request.body ? ` ${JSON.stringify(request.body)}` : ''}`;
}

/** Renders the router selector. When it changes, faults.js refills the fields from GET /api/routers/{id}/fault-parameters. */
function renderRouterChoice(lab: Lab): SafeHtml {
  return html`<section id="fault-router" aria-labelledby="fault-router-heading">
<h2 id="fault-router-heading">Router</h2>
<form class="controls">
<label>Aim the faults at <select id="fault-router-select" name="router" autocomplete="off">
${lab.routers.map((router) => html`<option value="${router.id}">${router.id}</option>
`)}</select></label>
</form>
<p class="muted">Choosing a router fills each card with its tenant, its alerts account, its Google project and its DrayDDNS account. The app and secret IDs are filled once the router's Microsoft mail profile names an app of its tenant. Faults on the whole lab or a whole provider, such as DNS failure or DDNS maintenance, affect every router.</p>
<p class="status" id="fault-router-status" aria-live="polite"></p>
</section>`;
}
