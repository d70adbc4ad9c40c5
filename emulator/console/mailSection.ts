/**
 * The Mail section of the console page: links to the two webmail sites and to the SMTP transcript
 * tool, and the lab's mailboxes with their message counts.
 */
import type { Lab } from '../lab';
import { WEBMAIL_BRANDS } from '../services/mail/webmail/app';
import { html, type SafeHtml } from './html';

export function renderMailSection(lab: Lab): SafeHtml {
  const mailboxes = lab.services?.mail?.store.mailboxes() ?? [];
  return html`<section id="mail" aria-labelledby="mail-heading">
<h2 id="mail-heading">Mail</h2>
<p>Webmail (new tab): ${WEBMAIL_BRANDS.map((brand, index) => html`${index > 0 ? ', ' : ''}<a href="https://${brand.host}/mail/" target="_blank" rel="noopener noreferrer">${brand.product}</a>`)}.
<span class="muted">The webmail sites live on the lab Internet, so they open in a browser that uses the lab proxy (<a href="/proxy.pac?from=internet">PAC file</a>) and trusts the <a href="/lab-ca.crt">lab CA</a>.</span></p>
<p><a href="/mail/transcript">SMTP transcript tool</a>: run an SMTP dialogue with a token or password and see every line on the wire.</p>
${
  mailboxes.length === 0
    ? html`<p class="muted">No mail has been delivered yet.</p>`
    : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Mailbox</th><th scope="col">Provider</th><th scope="col">Messages</th><th scope="col">Lab API</th></tr></thead>
<tbody>
${mailboxes.map((mailbox) => html`<tr><td>${mailbox.address}</td><td>${mailbox.provider}</td><td>${mailbox.messages}</td><td><a href="/api/mail/mailboxes/${encodeURIComponent(mailbox.address)}/messages">messages</a></td></tr>
`)}</tbody>
</table></div>`
}
</section>`;
}
