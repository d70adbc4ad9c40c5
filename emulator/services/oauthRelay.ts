/**
 * The DrayDDNS OAuth relay, https://oauth2.drayddns.com/doc/mailOAuth.htm: the one redirect URI
 * every Vigor registers with Microsoft or Google. It reads the router's DrayDDNS name from the
 * state and forwards code and state to `https://<that name>/doc/mailOAuth.htm` on the default
 * HTTPS port. It forwards only to names in its own domain, so it cannot be used as an open redirect.
 */
import express, { type Request, type Response } from 'express';
import { escapeHtml } from '../console/html';

export const RELAY_DOMAIN = 'drayddns.com';
const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The router name carried in a state `<base64url(hostname)>.<random>`, if it is one of ours. */
export function relayTarget(state: unknown): string | undefined {
  if (typeof state !== 'string') return undefined;
  const encoded = state.split('.')[0] ?? '';
  let hostname: string;
  try {
    hostname = Buffer.from(encoded, 'base64url').toString('utf8').toLowerCase();
  } catch {
    return undefined;
  }
  if (!hostname.endsWith(`.${RELAY_DOMAIN}`)) return undefined;
  const labels = hostname.slice(0, -RELAY_DOMAIN.length - 1).split('.');
  if (labels.length !== 1 || !HOST_LABEL.test(labels[0]!) || labels[0] === 'oauth2') return undefined;
  return hostname;
}

export function oauthRelayApp(): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false, limit: '16kb' }));

  const forward = (request: Request, response: Response, parameters: Record<string, unknown>) => {
    const target = relayTarget(parameters.state);
    if (!target) {
      response.status(400).type('html').send(page('Cannot forward this authorization', `The state does not name a router in ${RELAY_DOMAIN}, so the relay does not know where to send the result. Start Authorize again from the router's mail profile.`));
      return;
    }
    const query = new URLSearchParams();
    for (const name of ['code', 'state', 'error', 'error_description', 'session_state']) {
      const value = parameters[name];
      if (typeof value === 'string') query.set(name, value);
    }
    response.redirect(302, `https://${target}/doc/mailOAuth.htm?${query.toString()}`);
    void request;
  };

  app.get('/doc/mailOAuth.htm', (request, response) => forward(request, response, request.query as Record<string, unknown>));
  // response_mode=form_post delivers the same parameters in a POST body.
  app.post('/doc/mailOAuth.htm', (request, response) => forward(request, response, (request.body ?? {}) as Record<string, unknown>));
  app.use((_request, response) => {
    response.status(404).type('html').send(page('Not found', 'This host only relays OAuth callbacks at /doc/mailOAuth.htm.'));
  });
  return app;
}

function page(title: string, text: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p><p><small>DrayDDNS OAuth relay (emulated by vigor-sim)</small></p></body></html>`;
}
