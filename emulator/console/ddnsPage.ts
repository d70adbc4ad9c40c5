/**
 * The console page of the emulated DDNS providers at /ddns: per provider its endpoints, faults,
 * accounts, hostnames with their records, and the latest update history. /ddns.js sends the forms
 * to the lab API and reloads the page; without JavaScript the page shows the state at load time.
 */
import type { Lab } from '../lab';
import type { AccountView, DdnsProvider, HostnameView } from '../services/ddns/provider';
import type { Faults, HistoryEntry } from '../services/ddns/store';
import { MAX_REPLY_DELAY_SECONDS, providerSummary } from './ddnsApi';
import { formatLabTime } from './format';
import { html, type SafeHtml } from './html';
import { consolePage } from './shell';

/** History entries shown per provider, newest first; the lab API returns up to the full history. */
const HISTORY_ROWS = 50;

const FAULT_LABELS: { flag: 'maintenance' | 'dnsError' | 'abuseLock' | 'passwordChanged'; label: string }[] = [
  { flag: 'maintenance', label: 'Maintenance (911)' },
  { flag: 'dnsError', label: 'DNS error (dnserr)' },
  { flag: 'abuseLock', label: 'Abuse lock (abuse)' },
  { flag: 'passwordChanged', label: 'Password changed (badauth)' },
];

export function renderDdnsPage(lab: Lab): string {
  const providers = lab.services?.ddns?.providers ?? [];
  return consolePage(lab, {
    title: 'DDNS providers',
    scripts: ['/ddns.js'],
    intro: html`<p class="muted"><a href="/">Back to the lab console</a>. Lab time ${formatLabTime(lab.clock.now())}. <a href="/ddns">Refresh</a>. The lab API serves the same data under <a href="/api/ddns">/api/ddns</a>.</p>`,
    errorBanner: true,
    noscript: 'JavaScript is off, so the forms on this page do nothing. Use the lab API to change the providers.',
    main: html`${providers.map((provider) => renderProvider(lab, provider))}`,
  });
}

function renderProvider(lab: Lab, provider: DdnsProvider): SafeHtml {
  const summary = providerSummary(lab, provider);
  const base = `/api/ddns/${provider.id}`;
  const accounts = provider.accounts();
  return html`<section id="provider-${provider.id}" aria-labelledby="heading-${provider.id}">
<h2 id="heading-${provider.id}">${summary.name} <span class="muted">(${provider.id})</span></h2>
<p>Updates: ${summary.updateUrls.join(' and ')}${summary.certificateUrl ? html`. Certificates: ${summary.certificateUrl}` : ''}. Hostnames under ${summary.domains.join(', ')}.
Abuse: more than ${summary.abuse.nochgLimit} nochg within ${summary.abuse.windowSeconds / 60} min blocks a hostname.</p>
<p class="muted">Port forwards for tools: ${summary.forwards.map((forward) => `127.0.0.1:${forward.localPort} to ${forward.host}:${forward.port} (${forward.protocol})`).join('; ')}.</p>
<h3>Provider faults</h3>
${faultForm(`${base}/faults`, provider.faults)}
<h3>Accounts</h3>
<div class="table-wrap">
<table>
<thead><tr><th scope="col">User name</th><th scope="col">Documented password</th><th scope="col">Credited</th><th scope="col">Hostnames</th><th scope="col">Account faults</th></tr></thead>
<tbody>
${accounts.map((account) => renderAccount(base, account))}</tbody>
</table>
</div>
<form class="controls" data-api="${base}/accounts" aria-label="Create a ${summary.name} account">
<span>New account:</span>
<label>User name <input name="username" required maxlength="64"></label>
<label>Password <input name="password" type="password" required maxlength="128" autocomplete="new-password"></label>
<label><input name="credited" type="checkbox" checked> credited</label>
<button type="submit">Create account</button>
</form>
<h3>Hostnames and DNS records</h3>
<div class="table-wrap">
<table>
<thead><tr><th scope="col">Hostname</th><th scope="col">Account</th><th scope="col">Address</th><th scope="col">Changed</th><th scope="col">Last reply</th><th scope="col">Recent nochg</th><th scope="col">Abuse block</th></tr></thead>
<tbody>
${provider.hostnames().map((record) => renderHostname(base, record))}</tbody>
</table>
</div>
<form class="controls" data-api="${base}/hostnames" aria-label="Create a ${summary.name} hostname">
<span>New hostname:</span>
<label>Hostname <input name="hostname" required placeholder="name.${summary.domains[0]}"></label>
<label>Account <select name="account">${accounts.map((account) => html`<option value="${account.username}">${account.username}</option>`)}</select></label>
<label>Address <input name="address" data-optional placeholder="none until the first update"></label>
<button type="submit">Create hostname</button>
</form>
<h3>Update history <span class="muted">(newest first, last ${HISTORY_ROWS}; passwords masked)</span></h3>
${renderHistory(provider.history({ limit: HISTORY_ROWS }).reverse())}
</section>
`;
}

function faultForm(action: string, faults: Faults): SafeHtml {
  return html`<form class="controls" data-api="${action}">
${FAULT_LABELS.map(({ flag, label }) => html`<label><input type="checkbox" name="${flag}"${faults[flag] ? html` checked` : ''}> ${label}</label>
`)}<label>Reply delay <input type="number" name="replyDelaySeconds" min="0" max="${MAX_REPLY_DELAY_SECONDS}" step="any" value="${faults.replyDelaySeconds}"> s of lab time</label>
<button type="submit">Apply</button>
</form>`;
}

function renderAccount(base: string, account: AccountView): SafeHtml {
  const password = account.documentedPassword ?? (account.seededFor ? 'changed since seeding' : 'set through the lab API');
  return html`<tr>
<th scope="row">${account.username}${account.seededFor ? html` <span class="muted">(seed of ${account.seededFor})</span>` : ''}</th>
<td>${account.documentedPassword ? html`<code>${password}</code>` : html`<span class="muted">${password}</span>`}</td>
<td>${account.credited ? 'yes' : 'no'}</td>
<td>${account.hostnames.join(', ')}</td>
<td>${faultForm(`${base}/accounts/${encodeURIComponent(account.username)}/faults`, account.faults)}</td>
</tr>
`;
}

function renderHostname(base: string, record: HostnameView): SafeHtml {
  const action = `${base}/hostnames/${encodeURIComponent(record.hostname)}/block`;
  return html`<tr>
<th scope="row">${record.hostname}</th>
<td>${record.account}</td>
<td>${record.address ?? html`<span class="muted">none yet</span>`}</td>
<td>${record.updatedAt === null ? '' : formatLabTime(record.updatedAt)}</td>
<td>${record.lastReply ?? ''}</td>
<td>${record.recentNochg}</td>
<td>${record.blocked ? 'blocked ' : 'no '}<button type="button" data-api="${action}" data-body="${JSON.stringify({ blocked: !record.blocked })}">${record.blocked ? 'Unblock' : 'Block'}</button></td>
</tr>
`;
}

function renderHistory(entries: HistoryEntry[]): SafeHtml {
  if (entries.length === 0) return html`<p class="muted">No requests yet.</p>`;
  return html`<div class="table-wrap log">
<table>
<thead><tr><th scope="col">Lab time</th><th scope="col">From</th><th scope="col">Request</th><th scope="col">Authorization</th><th scope="col">User-Agent</th><th scope="col">Status</th><th scope="col">Reply</th><th scope="col">Why</th></tr></thead>
<tbody>
${entries.map(
  (entry) => html`<tr>
<td>${formatLabTime(entry.time)}${entry.delaySeconds > 0 ? html` <span class="muted">(delayed ${entry.delaySeconds} s)</span>` : ''}</td>
<td>${entry.clientAddress} over ${entry.via.toUpperCase()}</td>
<td><code>${entry.method} ${entry.target}</code></td>
<td>${entry.authorization ?? html`<span class="muted">none</span>`}</td>
<td>${entry.userAgent ?? html`<span class="muted">none</span>`}</td>
<td>${entry.status}</td>
<td><pre>${entry.reply}</pre></td>
<td>${entry.reasons.join('; ')}</td>
</tr>
`,
)}</tbody>
</table>
</div>`;
}
