/**
 * The lab console page, rendered on the server with the lab's current state. /console.js then
 * keeps it current from the lab API and wires up the buttons. Without JavaScript the page still
 * shows the state at load time.
 */
import { FACTORY_RESET_HOLD_SECONDS, WAN_PORTS } from '../../hal';
import { browserCommandLine } from '../browser';
import type { Lab } from '../lab';
import { MAX_ADVANCE_SECONDS } from './clockApi';
import { describePort, formatDuration, formatLabTime, formatWanAddress } from './format';
import { html, type SafeHtml } from './html';
import { renderFrontPanels } from './frontPanel';
import { renderMailSection } from './mailSection';
import { routerView, syslogEntryView, type RouterView, type SyslogEntryView } from './views';
import { consolePage } from './shell';

/** Number of syslog entries rendered with the page. The browser then keeps up to 500. */
const INITIAL_SYSLOG_ENTRIES = 100;

const ADVANCE_PRESETS = [
  { seconds: 60, label: '1 minute' },
  { seconds: 3_600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 30 * 86_400, label: '30 days' },
];

/**
 * Buttons of each router's reset-button control. A press of more than FACTORY_RESET_HOLD_SECONDS
 * restores factory defaults, so the long press holds the button one second longer than that. The
 * labels are short so the routers table fits a 1280 px window; the title says how long the press is.
 */
const RESET_PRESSES = [
  { holdSeconds: 1, action: 'restart', label: 'Restart', title: 'Press the reset button for 1 s: the router restarts with its current settings.' },
  {
    holdSeconds: FACTORY_RESET_HOLD_SECONDS + 1,
    action: 'factoryReset',
    label: 'Factory reset',
    title: `Hold the reset button for ${FACTORY_RESET_HOLD_SECONDS + 1} s, after a confirmation: the router restores its factory default settings and restarts.`,
  },
];

export function renderConsolePage(lab: Lab): string {
  const routers = lab.routers.map(routerView);
  const first = lab.routers[0];
  const syslog = first ? first.firmware.syslog.query({ limit: INITIAL_SYSLOG_ENTRIES }).map(syslogEntryView) : [];
  const routerCount = `${routers.length} ${routers.length === 1 ? 'router' : 'routers'}`;

  return consolePage(lab, {
    title: 'vigor-sim lab console',
    documentTitle: 'vigor-sim lab console',
    scripts: ['/console.js'],
    intro: html`<p class="muted">${routerCount}. JSON lab API at <a href="/api">/api</a>; docs/lab-api.md describes it. <a href="/ddns">DDNS providers</a>: accounts, records, update history and faults. <a href="/identity">Identity providers</a>: tenants, apps, Google projects and their faults. <a href="/faults">Fault catalogue</a>: one switch per fault and what an admin would see. <a href="/timeline">Timeline</a>: OAuth, SMTP, DDNS, DNS and access-control events, and the sequence diagram of an authorization. <a href="/trainer">Trainer view</a>: every router's progress through the OAuth mail flow. <a href="/lab">Snapshots and reset</a>: download or restore the whole lab, or reset it to factory.</p>`,
    errorBanner: true,
    noscript: 'JavaScript is off, so this page shows the state at load time and its buttons do nothing. Reload the page to refresh it, or use the lab API.',
    main: html`${renderClock(lab)}
${renderRouters(routers)}
${renderFrontPanels(lab, routers)}
${renderBrowserAccess(lab)}
${renderMailSection(lab)}
${renderSyslog(routers, syslog)}`,
  });
}

function renderClock(lab: Lab): SafeHtml {
  const state = lab.clock.state();
  return html`<section id="clock" aria-labelledby="clock-heading" data-mode="${state.mode}" data-now="${state.now}">
<h2 id="clock-heading">Lab clock</h2>
<p>Mode: <strong id="clock-mode">${state.mode}</strong>. Lab time: <time id="clock-now" datetime="${state.iso}">${formatLabTime(state.now)}</time></p>
<div class="controls">
<button type="button" id="clock-pause" data-mode="paused"${state.mode === 'paused' ? html` disabled` : ''}>Pause</button>
<button type="button" id="clock-run" data-mode="real"${state.mode === 'real' ? html` disabled` : ''}>Run</button>
</div>
<form id="advance-form" class="controls">
<span>Advance by:</span>
${ADVANCE_PRESETS.map((preset) => html`<button type="button" data-advance="${preset.seconds}">${preset.label}</button>
`)}<label>or <input type="number" id="advance-seconds" name="seconds" min="0" max="${MAX_ADVANCE_SECONDS}" step="any" value="3600" required> seconds</label>
<button type="submit">Advance</button>
</form>
<p id="clock-status" class="status" aria-live="polite"></p>
</section>`;
}

function renderRouters(routers: RouterView[]): SafeHtml {
  return html`<section id="routers" aria-labelledby="routers-heading">
<h2 id="routers-heading">Routers</h2>
<div class="table-wrap">
<table>
<thead><tr><th scope="col">Router</th><th scope="col">Web UI (new tab)</th><th scope="col">Firmware</th><th scope="col">Uptime</th>${WAN_PORTS.map((port) => html`<th scope="col">${port} address</th>`)}<th scope="col">Ports <span class="muted">(click to plug or pull the cable)</span></th><th scope="col">Reset button</th></tr></thead>
<tbody>
${routers.map(renderRouterRow)}</tbody>
</table>
</div>
<p id="routers-status" class="status" aria-live="polite"></p>
</section>`;
}

function renderRouterRow(router: RouterView): SafeHtml {
  const portByName = new Map(router.ports.map((port) => [port.name, port]));
  return html`<tr data-router="${router.id}">
<th scope="row">${router.id} <span class="muted" data-field="routerName">${router.routerName ?? ''}</span> <a href="/routers/${router.id}/walkthrough">walkthrough</a></th>
<td><a href="${router.lanUrl}" target="_blank" rel="noopener noreferrer">${router.lanUrl}</a></td>
<td data-field="firmware">${router.firmwareState} (${router.firmwareVersion})</td>
<td data-field="uptime">${formatDuration(router.uptimeSeconds)}</td>
${WAN_PORTS.map((port) => html`<td data-field="${port}">${formatWanAddress(portByName.get(port))}</td>
`)}<td class="ports">${router.ports.map(
    (port) => html`<button type="button" class="port ${port.linkUp ? 'port-up' : 'port-down'}" data-port="${port.name}" aria-pressed="${String(port.linkUp)}" title="${describePort(port)}">${port.name} <span class="port-state">${port.linkUp ? 'up' : 'down'}</span></button>`,
  )}</td>
<td class="reset">${RESET_PRESSES.map(
    (press) => html`<button type="button" data-hold-seconds="${press.holdSeconds}" data-reset-action="${press.action}" title="${press.title}">${press.label}</button>`,
  )}</td>
</tr>
`;
}

/** Renders the lab CA download link, and the PAC URL and `vigor-sim browser` command of each place. */
function renderBrowserAccess(lab: Lab): SafeHtml {
  const ready = lab.ready();
  return html`<section id="browser-access" aria-labelledby="browser-heading">
<h2 id="browser-heading">Browser access</h2>
<p>A browser reaches lab hosts by their real names, such as <code>http://192.168.1.1/</code> or <code>https://checkip.dyndns.org/</code>, through the lab proxy of a place. Set the browser's proxy auto-config (PAC) URL to the PAC URL of the place, and trust the lab CA so that the emulated HTTPS services are valid: <a href="/lab-ca.crt" download>download the lab CA (lab-ca.crt)</a>. Or run the command, which starts Chromium with a temporary profile set up that way.</p>
<div class="table-wrap">
<table>
<thead><tr><th scope="col">Browse as</th><th scope="col">PAC URL</th><th scope="col">Command</th></tr></thead>
<tbody>
${Object.entries(ready.proxies).map(
  ([key, proxy]) => html`<tr data-place="${key}"><th scope="row">${proxy.place} <span class="muted">${proxy.address}</span></th><td><code>${proxy.pac}</code></td><td><code>${browserCommandLine(key, ready.console)}</code></td></tr>
`,
)}</tbody>
</table>
</div>
</section>`;
}

function renderSyslog(routers: RouterView[], entries: SyslogEntryView[]): SafeHtml {
  const first = routers[0];
  const lastSeq = entries.length ? entries[entries.length - 1]!.seq : 0;
  return html`<section id="syslog" aria-labelledby="syslog-heading">
<h2 id="syslog-heading">Syslog</h2>
<div class="controls">
<label>Router <select id="syslog-router">${routers.map((router) => html`<option value="${router.id}">${router.id}</option>`)}</select></label>
<a id="syslog-download" href="${first ? `/api/routers/${first.id}/syslog.txt` : '#'}">Download as syslog.txt</a>
<span class="muted">Refreshes every 2 s and keeps the newest 500 entries.</span>
</div>
<div class="log">
<table>
<thead><tr><th scope="col">Lab time</th><th scope="col">Severity</th><th scope="col">Category</th><th scope="col">Message</th></tr></thead>
<tbody id="syslog-body" data-router="${first?.id ?? ''}" data-last-seq="${lastSeq}">
${entries.map((entry) => html`<tr class="severity-${entry.severity}"><td>${formatLabTime(entry.time)}</td><td>${entry.severity}</td><td>${entry.category}</td><td>${entry.message}</td></tr>
`)}</tbody>
</table>
</div>
</section>`;
}
