/**
 * Pages of the emulated sign-in site: user name, password, account picker, consent and the
 * form_post page. Every form posts the flow token, which ties it to one authorize request.
 * Sign-in errors carry their AADSTS code in a `data-aadsts` attribute, where Microsoft's page keeps
 * it in its page data rather than in the visible text.
 */
import { html, type SafeHtml } from '../../console/html';
import { AUTO_SUBMIT_PATH, renderPage } from '../identity/web';
import type { SignInFlow } from './signInState';

export interface FieldErrorMessage {
  /** The AADSTS code, when the message stands for one. */
  code?: number;
  text: string;
}

export interface PickableAccount {
  userId: string;
  userPrincipalName: string;
  displayName: string;
}

export interface ConsentPermission {
  description: string;
  scope: string;
}

const TITLE = 'Sign in to your account';

function loginForm(flow: SignInFlow, step: string, fields: SafeHtml): SafeHtml {
  return html`<form method="post" action="/${flow.request.tenantSegment}/login">
<input type="hidden" name="flowToken" value="${flow.id}">
<input type="hidden" name="step" value="${step}">
${fields}
</form>`;
}

function errorLine(error: FieldErrorMessage | undefined): SafeHtml | string {
  if (!error) return '';
  return error.code === undefined ? html`<p class="error" id="error-message">${error.text}</p>` : html`<p class="error" id="error-message" data-aadsts="${error.code}">${error.text}</p>`;
}

export function usernamePage(flow: SignInFlow, prefill: string, error?: FieldErrorMessage): string {
  return renderPage(
    TITLE,
    html`<div class="brand">Microsoft</div>
<h1>Sign in</h1>
${errorLine(error)}
${loginForm(flow, 'username', html`<label for="login">Email, phone, or Skype</label>
<input type="email" id="login" name="login" value="${prefill}" autocomplete="username" required autofocus>
<button type="submit">Next</button>`)}`,
  );
}

export function passwordPage(flow: SignInFlow, username: string, error?: FieldErrorMessage): string {
  return renderPage(
    TITLE,
    html`<div class="brand">Microsoft</div>
<p id="display-name">${username}</p>
<h1>Enter password</h1>
${errorLine(error)}
${loginForm(flow, 'password', html`<label for="passwd">Password</label>
<input type="password" id="passwd" name="passwd" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>`)}
${loginForm(flow, 'another', html`<button type="submit" class="secondary">Sign in with another account</button>`)}`,
  );
}

export function accountPickerPage(flow: SignInFlow, accounts: PickableAccount[]): string {
  const rows = accounts.map(
    (account) => html`<li>${loginForm(flow, 'pick', html`<input type="hidden" name="account" value="${account.userId}">
<button type="submit" class="secondary">${account.displayName} (${account.userPrincipalName}), signed in</button>`)}</li>`,
  );
  return renderPage(
    TITLE,
    html`<div class="brand">Microsoft</div>
<h1>Pick an account</h1>
<ul>${rows}</ul>
${loginForm(flow, 'another', html`<button type="submit">Use another account</button>`)}`,
  );
}

export function consentPage(flow: SignInFlow, input: { appName: string; userPrincipalName: string; permissions: ConsentPermission[]; canConsentForOrganization: boolean }): string {
  const permissions = input.permissions.map((permission) => html`<li data-scope="${permission.scope}">${permission.description}</li>`);
  const forOrganization = input.canConsentForOrganization
    ? html`<label><input type="checkbox" name="consentForOrganization" value="true"> Consent on behalf of your organization</label>`
    : '';
  return renderPage(
    'Permissions requested',
    html`<div class="brand">Microsoft</div>
<p>${input.userPrincipalName}</p>
<h1>Permissions requested</h1>
<p><strong id="app-name">${input.appName}</strong><br><span class="warning">unverified</span></p>
<p>This app would like to:</p>
<ul id="permissions">${permissions}</ul>
<p>Accepting these permissions means that you allow this app to use your data as specified in their terms of service and privacy statement. You can change these permissions at https://myapps.microsoft.com.</p>
<form method="post" action="/${flow.request.tenantSegment}/Consent/Set">
<input type="hidden" name="flowToken" value="${flow.id}">
${forOrganization}
<button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
<button type="submit" name="decision" value="accept">Accept</button>
</form>`,
  );
}

/** Renders the response_mode=form_post page: a form that a script posts to the redirect URI at once. */
export function formPostPage(redirectUri: string, params: Record<string, string>): string {
  const inputs = Object.entries(params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return renderPage(
    'Working...',
    html`<form method="POST" name="hiddenform" action="${redirectUri}">
${inputs}
<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript>
</form>`,
    { script: AUTO_SUBMIT_PATH },
  );
}
