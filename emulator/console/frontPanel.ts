/**
 * The console's front-panel section: per router an SVG picture of the front panel whose LEDs and
 * port sockets /live.js keeps current from GET /api/events, a click on a socket to plug or pull
 * its cable, WAN controls (new address, ISP outage) and the board sensors a trainer can move.
 */
import { PORT_NAMES, WAN_PORTS } from '../../hal';
import type { Lab } from '../lab';
import { html, type SafeHtml } from './html';
import { SENSOR_RANGES } from './routersApi';
import type { RouterView } from './views';

const PANEL_WIDTH = 560;
const PANEL_HEIGHT = 96;
const FIRST_PORT_X = 120;
const PORT_STEP = 70;

export function renderFrontPanels(lab: Lab, routers: RouterView[]): SafeHtml {
  return html`<section id="front-panels" aria-labelledby="front-panels-heading">
<h2 id="front-panels-heading">Front panels</h2>
<p class="muted">LEDs follow the routers live: steady green is link up, blinking is a WAN waiting for its address or ACT while the firmware runs, grey is off. Click a port socket to plug or pull its cable.</p>
${routers.map((router) => renderPanel(lab, router))}
<p id="front-panels-status" class="status" aria-live="polite"></p>
</section>`;
}

function renderPanel(lab: Lab, router: RouterView): SafeHtml {
  const lines = lab.isp.lineStates(router.id);
  return html`<div class="front-panel" data-router="${router.id}">
<h3>${router.id} <span class="muted">${router.model ?? 'model not read yet'}</span></h3>
${panelSvg(router)}
<div class="controls">
${WAN_PORTS.map((wan) => {
  const outage = lines.find((line) => line.line === `${router.id}/${wan}`)?.outage ?? false;
  return html`<button type="button" data-wan-action="renumber" data-wan="${wan}" title="The ISP drops the ${wan} session once and the router dials again with a new public address. Later reconnects keep that address unless the line's newAddressOnReconnect is on.">${wan}: new address</button>
<button type="button" data-wan-action="outage" data-wan="${wan}" aria-pressed="${String(outage)}">${wan}: ISP outage ${outage ? 'on' : 'off'}</button>
`;
})}</div>
<form class="sensors controls" data-router="${router.id}">
${(Object.entries(SENSOR_RANGES) as [keyof typeof SENSOR_RANGES, (typeof SENSOR_RANGES)[keyof typeof SENSOR_RANGES]][]).map(
  ([name, range]) => html`<label>${SENSOR_LABELS[name]} <input type="range" name="${name}" min="${range.min}" max="${range.max}" step="1" value="${router.sensors[name]}"> <output data-sensor="${name}">${router.sensors[name]}</output> ${range.unit}</label>
`,
)}</form>
</div>
`;
}

const SENSOR_LABELS: Record<keyof typeof SENSOR_RANGES, string> = {
  temperatureC: 'Temperature',
  cpuPercent: 'CPU',
  memoryPercent: 'Memory',
};

function panelSvg(router: RouterView): SafeHtml {
  const portByName = new Map(router.ports.map((port) => [port.name, port]));
  return html`<svg class="panel-svg" viewBox="0 0 ${PANEL_WIDTH} ${PANEL_HEIGHT}" width="${PANEL_WIDTH}" height="${PANEL_HEIGHT}" role="img" aria-label="Front panel of ${router.id}">
<rect class="panel-body" x="1" y="1" width="${PANEL_WIDTH - 2}" height="${PANEL_HEIGHT - 2}" rx="6"/>
<text class="panel-brand" x="14" y="30">Vigor</text>
<text class="panel-label" x="14" y="50">${router.id}</text>
<circle class="led led-${router.leds.ACT}" data-led="ACT" cx="80" cy="26" r="6"><title>ACT: ${router.leds.ACT}</title></circle>
<text class="panel-label" x="70" y="48">ACT</text>
${PORT_NAMES.map((name, index) => {
  const x = FIRST_PORT_X + index * PORT_STEP;
  const linkUp = portByName.get(name)?.linkUp ?? false;
  return html`<circle class="led led-${router.leds[name]}" data-led="${name}" cx="${x + 22}" cy="16" r="5"><title>${name} LED: ${router.leds[name]}</title></circle>
<rect class="socket ${linkUp ? 'socket-plugged' : 'socket-empty'}" data-socket="${name}" x="${x}" y="28" width="44" height="36" rx="3" tabindex="0" role="button" aria-pressed="${String(linkUp)}"><title>${name}: ${linkUp ? 'cable plugged in; click to pull it' : 'no cable; click to plug one in'}</title></rect>
<text class="panel-label" x="${x + 22}" y="82" text-anchor="middle">${name}</text>
`;
})}</svg>`;
}
