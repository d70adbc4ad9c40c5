/** The frame of the admin center's pages: top bar, navigation and the one-time message. */
import { html, type SafeHtml } from '../../../console/html';
import { csrfField, flashBox } from '../../identity/consoleForms';
import { renderPage } from '../../identity/web';
import type { Tenant, User } from '../model';
import type { AdminSession } from './session';

export interface AdminView {
  session: AdminSession;
  tenant: Tenant;
  admin: User;
}

const NAVIGATION = [
  { path: '/', label: 'Overview' },
  { path: '/users', label: 'Users' },
  { path: '/app-registrations', label: 'App registrations' },
  { path: '/enterprise-apps', label: 'Enterprise applications' },
  { path: '/exchange', label: 'Exchange settings' },
];

export function adminPage(view: AdminView, title: string, body: SafeHtml): string {
  const header = html`<header class="top"><span>Microsoft Entra admin center</span>
<span>${view.tenant.displayName} (${view.tenant.domains[0]}) · ${view.admin.userPrincipalName}
<form method="post" action="/signout" class="inline">${csrfField(view)}<button type="submit" class="secondary">Sign out</button></form></span></header>`;
  const navigation = NAVIGATION.map((entry) => html`<a href="${entry.path}">${entry.label}</a>`);
  return renderPage(`${title} - Microsoft Entra admin center`, html`<nav class="side">${navigation}</nav><section><h1>${title}</h1>${flashBox(view.session)}${body}</section>`, { wide: true, header });
}
