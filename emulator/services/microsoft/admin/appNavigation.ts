/** The app registration's own menu and the lookup every app registration page starts with. */
import type { Request, RequestHandler, Response } from 'express';
import { html, type SafeHtml } from '../../../console/html';
import { DirectoryError } from '../../identity/errors';
import type { EntraId } from '../entra';
import type { Application } from '../model';
import { adminPage, type AdminView } from './layout';

export function appMenu(app: Application): SafeHtml {
  const base = `/app-registrations/${app.appId}`;
  return html`<p class="app-menu"><a href="${base}">Overview</a> · <a href="${base}/authentication">Authentication</a> · <a href="${base}/secrets">Certificates &amp; secrets</a> · <a href="${base}/permissions">API permissions</a></p>`;
}

/** A GET handler for a page of one app registration; an unknown app ID shows a 404 page. */
export function appPage(entra: EntraId, render: (view: AdminView, app: Application, req: Request) => string): RequestHandler {
  return (req: Request, res: Response) => {
    const view = res.locals.view as AdminView;
    try {
      const app = entra.apps.require(view.tenant, String(req.params.appId));
      res.type('html').send(render(view, app, req));
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      res.status(404).type('html').send(adminPage(view, 'App registration not found', html`<p class="error">${error.message}</p><p><a href="/app-registrations">App registrations</a></p>`));
    }
  };
}
