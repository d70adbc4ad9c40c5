/**
 * The SMTP transcript page of the lab console (/mail/transcript): a form that runs one SMTP
 * dialogue against an emulated server through POST /api/mail/transcripts, and the transcript it
 * returns, secrets masked. /transcript.js sends the form and renders the lines; the request is
 * JSON, so other web sites cannot post it from a plain HTML form.
 */
import type { Lab } from '../lab';
import { html } from './html';
import { consolePage } from './shell';

export function renderTranscriptPage(lab: Lab): string {
  const endpoints = lab.services?.mail?.endpoints ?? [];
  return consolePage(lab, {
    title: 'SMTP transcript',
    stylesheets: ['/transcript.css'],
    scripts: ['/transcript.js'],
    intro: html`<p class="muted"><a href="/">Lab console</a>. Runs one SMTP dialogue against an emulated server, as the lab's Internet host (192.0.2.100), and shows every line. Tokens and passwords are masked in the transcript.</p>`,
    noscript: 'This page needs JavaScript to run a dialogue; POST /api/mail/transcripts does the same from a script.',
    main: html`<section aria-labelledby="dialogue-heading">
<h2 id="dialogue-heading">Dialogue</h2>
<form id="transcript-form" class="transcript-form">
<label>Server <select name="server" required>${endpoints.map(
    (endpoint) => html`<option value="${endpoint.host}:${endpoint.port}">${endpoint.host}:${endpoint.port} (${endpoint.implicitTls ? 'implicit TLS' : 'STARTTLS'}, ${endpoint.dialect})</option>`,
  )}</select></label>
<label>Authentication <select name="mechanism">
<option value="XOAUTH2">XOAUTH2 (OAuth 2.0 access token)</option>
<option value="LOGIN">LOGIN (password)</option>
<option value="PLAIN">PLAIN (password)</option>
<option value="none">none (stop after EHLO)</option>
</select></label>
<label>User (mailbox address) <input name="user" type="email" autocomplete="off" placeholder="alice@contoso.example"></label>
<label>Access token <textarea name="token" rows="3" autocomplete="off" spellcheck="false" placeholder="eyJ0eXAiOiJKV1QiLCJhbGciOi..."></textarea></label>
<label>Password <input name="password" type="password" autocomplete="off"></label>
<fieldset>
<legend><label><input name="send" type="checkbox"> Send a message after AUTH</label></legend>
<label>From <input name="from" type="email" autocomplete="off"></label>
<label>To (comma-separated) <input name="to" autocomplete="off"></label>
<label>Subject <input name="subject" value="Test message from the SMTP transcript tool"></label>
<label>Text <textarea name="text" rows="3">Hello from the vigor-sim lab.</textarea></label>
</fieldset>
<div class="controls"><button type="submit">Run dialogue</button><span id="transcript-status" class="status" aria-live="polite"></span></div>
</form>
</section>
<section aria-labelledby="transcript-heading">
<h2 id="transcript-heading">Transcript</h2>
<p id="transcript-outcome" class="muted">No dialogue run yet.</p>
<div class="log">
<table>
<thead><tr><th scope="col">ms</th><th scope="col">Side</th><th scope="col">Line</th><th scope="col">Decoded</th></tr></thead>
<tbody id="transcript-body"></tbody>
</table>
</div>
</section>`,
  });
}
