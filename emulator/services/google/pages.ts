/**
 * Pages of the emulated accounts.google.com: sign-in, password, account chooser, the unverified-app
 * warning, the consent screen and the authorization error page. Every form posts the flow token,
 * which ties it to one authorize request.
 */
import type { Response } from 'express';
import { html, type SafeHtml } from '../../console/html';
import { noStore, renderPage } from '../identity/web';
import type { GoogleError } from './errors';
import type { GoogleFlow } from './googleIdentity';

function flowForm(flow: GoogleFlow, action: string, step: string, fields: SafeHtml): SafeHtml {
  return html`<form method="post" action="${action}"><input type="hidden" name="flowToken" value="${flow.id}"><input type="hidden" name="step" value="${step}">${fields}</form>`;
}

const SIGN_IN_ACTION = '/o/oauth2/v2/signin';
const CONSENT_ACTION = '/o/oauth2/v2/consent';

export function sendErrorPage(res: Response, error: GoogleError): void {
  noStore(res);
  res
    .status(error.entry.status)
    .type('html')
    .send(
      renderPage(
        'Error',
        html`<div class="brand">Google</div>
<h1>${error.heading}</h1>
<p id="error-description">${error.message}</p>
<p><strong id="error-code">Error ${error.entry.status}: ${error.entry.error}</strong></p>`,
      ),
    );
}

export function signInPage(flow: GoogleFlow, appName: string, prefill: string, error?: string): string {
  return renderPage(
    'Sign in - Google Accounts',
    html`<div class="brand">Google</div>
<h1>Sign in</h1><p>to continue to ${appName}</p>
${error ? html`<p class="error" id="error-message">${error}</p>` : ''}
${flowForm(flow, SIGN_IN_ACTION, 'identifier', html`<label for="identifier">Email or phone</label><input type="email" id="identifier" name="identifier" value="${prefill}" autocomplete="username" required autofocus><button type="submit">Next</button>`)}`,
  );
}

export function passwordPage(flow: GoogleFlow, email: string, error?: string): string {
  return renderPage(
    'Sign in - Google Accounts',
    html`<div class="brand">Google</div>
<h1>Welcome</h1><p id="email">${email}</p>
${error ? html`<p class="error" id="error-message">${error}</p>` : ''}
${flowForm(flow, SIGN_IN_ACTION, 'password', html`<label for="Passwd">Enter your password</label><input type="password" id="Passwd" name="Passwd" autocomplete="current-password" required autofocus><button type="submit">Next</button>`)}`,
  );
}

export function chooserPage(flow: GoogleFlow, appName: string, accounts: { email: string; displayName: string }[]): string {
  const rows = accounts.map((account) => html`<li>${flowForm(flow, SIGN_IN_ACTION, 'choose', html`<input type="hidden" name="account" value="${account.email}"><button type="submit" class="secondary">${account.displayName} (${account.email})</button>`)}</li>`);
  return renderPage(
    'Choose an account - Google Accounts',
    html`<div class="brand">Google</div>
<h1>Choose an account</h1><p>to continue to ${appName}</p>
<ul>${rows}</ul>
${flowForm(flow, SIGN_IN_ACTION, 'another', html`<button type="submit">Use another account</button>`)}`,
  );
}

export function unverifiedAppPage(flow: GoogleFlow, appName: string, email: string): string {
  return renderPage(
    'Google hasn’t verified this app',
    html`<div class="brand">Google</div>
<h1>Google hasn’t verified this app</h1>
<p>The app is requesting access to sensitive info in your Google Account. Until the developer (${email}) verifies this app with Google, you shouldn't use it.</p>
<p>${appName}</p>
${flowForm(flow, CONSENT_ACTION, 'warning', html`<button type="submit" name="decision" value="back">Back to safety</button><button type="submit" name="decision" value="continue" class="secondary">Continue</button>`)}`,
  );
}

export function consentPage(flow: GoogleFlow, appName: string, email: string, permissions: { scope: string; description: string }[]): string {
  const items = permissions.map((permission) => html`<li data-scope="${permission.scope}">${permission.description}</li>`);
  return renderPage(
    `${appName} wants to access your Google Account`,
    html`<div class="brand">Google</div>
<h1><span id="app-name">${appName}</span> wants to access your Google Account</h1>
<p>${email}</p>
<p>This will allow ${appName} to:</p>
<ul id="permissions">${items}</ul>
<p>Make sure you trust ${appName}. You can see or remove access in your Google Account.</p>
${flowForm(flow, CONSENT_ACTION, 'consent', html`<button type="submit" name="decision" value="cancel" class="secondary">Cancel</button><button type="submit" name="decision" value="allow">Continue</button>`)}`,
  );
}
