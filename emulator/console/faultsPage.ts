/**
 * The fault catalogue page (/faults): one card per fault of FAULTS with what a real administrator
 * would see, the fields its requests need and Switch on / Switch off buttons. /faults.js sends the
 * requests of the table with the fields filled in.
 */
import type { Lab } from '../lab';
import { FAULTS, type Fault, type FaultRequest } from './faults';
import { html, type SafeHtml } from './html';
import { IdentityProviders } from '../services/identity/providers';
import { renderLabTime } from './labTime';

export function renderFaultsPage(lab: Lab): string {
  const defaults = defaultValues(lab);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fault catalogue - vigor-sim lab console</title>
<link rel="stylesheet" href="/console.css">
<script src="/faults.js" defer></script>
<script src="/live.js" defer></script>
</head>
<body>
<header>
<h1>Fault catalogue</h1>
${renderLabTime(lab)}
<p class="muted"><a href="/">Lab console</a>. Each fault shows what a real administrator would see, and the lab API requests that switch it on and off (GET /api/faults lists the same table). The <a href="/identity">identity page</a> lists the tenant, app, secret and project IDs; the <a href="/timeline">timeline</a> shows the effect.</p>
</header>
<noscript><p class="banner">The buttons need JavaScript; send the listed requests to the lab API instead.</p></noscript>
<main>
${FAULTS.map((fault) => renderFault(fault, defaults))}
</main>
</body>
</html>
`.markup;
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

/** Field values from the lab's current state: the first Microsoft tenant, its app and user, the first Google project. */
function defaultValues(lab: Lab): Record<string, string> {
  const values: Record<string, string> = {};
  const identity = lab.services?.identity;
  if (!(identity instanceof IdentityProviders)) return values;
  const tenant = identity?.microsoft.tenants.list()[0];
  if (tenant) {
    values.tenant = tenant.domains[0] ?? tenant.id;
    const app = tenant.applications[0];
    if (app) {
      values.appId = app.appId;
      const secret = app.secrets[0];
      if (secret) values.secretId = secret.keyId;
    }
    const user = tenant.users.find((candidate) => candidate.mail !== null) ?? tenant.users[0];
    if (user) values.user = user.userPrincipalName;
  }
  const project = identity.google.projects.list()[0];
  if (project) values.project = project.id;
  return values;
}
