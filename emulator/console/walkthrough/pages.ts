/**
 * Console pages of the guided walkthrough: one router's checklist with its tenant and project
 * (/routers/{id}/walkthrough), and the trainer view of every router (/trainer). /walkthrough.js
 * reloads the part inside #walkthrough-live whenever /api/events reports a change.
 */
import type { Lab } from '../../lab';
import type { RouterDevice } from '../../router';
import { routerIdentity, type LabUser } from '../../services/identity/classLab';
import { html, type SafeHtml } from '../html';
import { consolePage } from '../shell';
import { evaluateWalkthrough, type Walkthrough } from './evaluate';
import { STEP_IDS, stepTitle, WALKTHROUGH_PROVIDERS, type StepResult, type WalkthroughProvider } from './steps';

const PROVIDER_NAMES: Record<WalkthroughProvider, string> = { microsoft: 'Microsoft 365', google: 'Google (Gmail)' };
const STATUS_MARKS: Record<StepResult['status'], string> = { done: '✓', failed: '✗', todo: '·' };
const STATUS_WORDS: Record<StepResult['status'], string> = { done: 'done', failed: 'failed', todo: 'to do' };

/** Links under the heading of both walkthrough pages. */
const INTRO = html`<p class="muted"><a href="/">Lab console</a>. <a href="/trainer">Trainer view</a>. The checklist ticks itself from the lab's state, never from clicks on it, and updates live.</p>`;


function providerLinks(base: string, current: WalkthroughProvider): SafeHtml {
  return html`<nav class="controls" aria-label="Provider">${WALKTHROUGH_PROVIDERS.map((provider) =>
    provider === current ? html`<strong>${PROVIDER_NAMES[provider]}</strong> ` : html`<a href="${base}?provider=${provider}">${PROVIDER_NAMES[provider]}</a> `,
  )}</nav>`;
}

export function renderRouterWalkthroughPage(lab: Lab, router: RouterDevice, provider: WalkthroughProvider): string {
  const walkthrough = evaluateWalkthrough(lab, router, provider);
  const body = html`${providerLinks(`/routers/${router.id}/walkthrough`, provider)}
${renderIdentity(router.id)}
<section id="walkthrough-live" aria-live="polite" aria-labelledby="checklist-heading">
${renderChecklist(walkthrough)}
</section>`;
  return consolePage(lab, { title: `Walkthrough of ${router.id}: ${PROVIDER_NAMES[provider]}`, scripts: ['/walkthrough.js'], intro: INTRO, main: body });
}

function renderChecklist(walkthrough: Walkthrough): SafeHtml {
  return html`<h2 id="checklist-heading">Checklist: ${walkthrough.doneCount} of ${walkthrough.steps.length} done</h2>
<p class="muted">Mail profile followed: ${walkthrough.profile === null ? 'none yet (the first OAuth 2.0 profile of this provider)' : `index ${walkthrough.profile}`}.</p>
<ol class="walkthrough">
${walkthrough.steps.map(
  (step) => html`<li class="step step-${step.status}" data-step="${step.id}" data-status="${step.status}"><span class="mark" aria-hidden="true">${STATUS_MARKS[step.status]}</span> <strong>${step.title}</strong> <span class="muted">(${STATUS_WORDS[step.status]})</span><br>${step.detail}${step.cause ? html`<br><span class="cause">Likely cause: ${step.cause}</span>` : ''}</li>
`,
)}</ol>`;
}

function renderIdentity(routerId: string): SafeHtml {
  const { microsoft, google } = routerIdentity(routerId);
  const row = (role: string, user: LabUser) => html`<tr><td>${role}</td><td><code>${user.address}</code></td><td><code>${user.password}</code></td></tr>
`;
  return html`<section id="router-identity" aria-labelledby="identity-heading">
<h2 id="identity-heading">Accounts of ${routerId}</h2>
<p>Microsoft tenant <strong>${microsoft.displayName}</strong>, domain <code>${microsoft.domain}</code>, tenant ID <code>${microsoft.tenantId}</code>. Google project <strong>${google.projectName}</strong> (<code>${google.projectId}</code>), app "${google.appName}" in Testing. DrayDDNS account <code>${routerId}-trainee</code> / <code>${routerId}-ddns-pass</code> for <code>${routerId}.drayddns.com</code>.</p>
<table>
<thead><tr><th scope="col">Role</th><th scope="col">Account</th><th scope="col">Password</th></tr></thead>
<tbody>
${row('Entra admin center (Global Administrator)', microsoft.admin)}${row('Mailbox that sends the alerts (Microsoft)', microsoft.alerts)}${row('Mailbox for the test e-mail (Microsoft)', microsoft.trainee)}${row('Cloud console (project owner, test user)', google.owner)}${row('Gmail account that sends the alerts (test user)', google.alerts)}${row('Gmail account, not a test user', google.trainee)}</tbody>
</table>
</section>`;
}

export function renderTrainerPage(lab: Lab, provider: WalkthroughProvider): string {
  const walkthroughs = lab.routers.map((router) => evaluateWalkthrough(lab, router, provider));
  const body = html`${providerLinks('/trainer', provider)}
<section id="walkthrough-live" aria-live="polite" aria-labelledby="trainer-heading">
${renderTrainerTable(walkthroughs, provider)}
</section>`;
  return consolePage(lab, { title: `Trainer view: ${PROVIDER_NAMES[provider]}`, scripts: ['/walkthrough.js'], intro: INTRO, main: body });
}

function renderTrainerTable(walkthroughs: Walkthrough[], provider: WalkthroughProvider): SafeHtml {
  return html`<h2 id="trainer-heading">Progress of ${walkthroughs.length} router(s)</h2>
<p class="muted">Columns are the steps in order; hover a number for its title. ✓ done, ✗ failed, · to do.</p>
<table class="trainer">
<thead><tr><th scope="col">Router</th><th scope="col">Done</th>${STEP_IDS.map((id, index) => html`<th scope="col" title="${stepTitle(provider, id)}">${index + 1}</th>`)}<th scope="col">Next step, or the failing step's likely cause</th></tr></thead>
<tbody>
${walkthroughs.map((walkthrough) => renderTrainerRow(walkthrough))}</tbody>
</table>
<ol class="muted">${STEP_IDS.map((id) => html`<li>${stepTitle(provider, id)}</li>`)}</ol>`;
}

function renderTrainerRow(walkthrough: Walkthrough): SafeHtml {
  const failing = walkthrough.steps.find((step) => step.status === 'failed');
  const next = walkthrough.steps.find((step) => step.id === walkthrough.next);
  let summary: SafeHtml = html`All steps done.`;
  if (failing) summary = html`<span class="cause">${failing.title}: ${failing.cause ?? failing.detail}</span>`;
  else if (next) summary = html`${next.title}: ${next.detail}`;
  return html`<tr data-router="${walkthrough.router}">
<th scope="row"><a href="/routers/${walkthrough.router}/walkthrough?provider=${walkthrough.provider}">${walkthrough.router}</a></th>
<td>${walkthrough.doneCount}/${walkthrough.steps.length}</td>
${walkthrough.steps.map((step) => html`<td class="step-${step.status}" data-step="${step.id}" data-status="${step.status}" title="${step.title}: ${STATUS_WORDS[step.status]}">${STATUS_MARKS[step.status]}</td>`)}
<td>${summary}</td>
</tr>
`;
}
