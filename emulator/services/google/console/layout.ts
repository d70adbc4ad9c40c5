/** The frame of the Cloud console pages and the project every project page works on. */
import type { Request } from 'express';
import { html, type SafeHtml } from '../../../console/html';
import { csrfField, flashBox } from '../../identity/consoleForms';
import { notFound } from '../../identity/errors';
import { queryField, renderPage } from '../../identity/web';
import type { GoogleIdentity } from '../googleIdentity';
import type { CloudProject } from '../model';
import type { CloudConsoleView } from './session';

export function consolePage(view: CloudConsoleView, title: string, body: SafeHtml, project?: CloudProject): string {
  const header = html`<header class="top"><span>Google Cloud${project ? html` · <span id="project-name">${project.name}</span>` : ''}</span>
<span>${view.account.email} <form method="post" action="/signout" class="inline">${csrfField(view)}<button type="submit" class="secondary">Sign out</button></form></span></header>`;
  const navigation = project
    ? html`<nav class="side"><a href="/">All projects</a><a href="/apis/credentials/consent?project=${project.id}">OAuth consent screen</a><a href="/apis/credentials?project=${project.id}">Credentials</a></nav>`
    : html`<nav class="side"><a href="/">All projects</a></nav>`;
  return renderPage(`${title} - Google Cloud console`, html`${navigation}<section><h1>${title}</h1>${flashBox(view.session)}${body}</section>`, { wide: true, header });
}

/** The project named by `?project=`, which the signed-in account must own. */
export function requestedProject(google: GoogleIdentity, view: CloudConsoleView, req: Request): CloudProject {
  const id = queryField(req, 'project') ?? '';
  const project = google.projects.find(id);
  if (!project || project.owner !== view.account.email) throw notFound('project', `You have no project with the ID "${id}". Pick one on the All projects page.`);
  return project;
}
