/**
 * Shared parts of the identity providers' web sites: an Express app with security headers and form
 * parsing, the page frame and style sheet, cookies, form fields and the client's lab address.
 */
import type { Socket } from 'node:net';
import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import { html, type SafeHtml } from '../../console/html';
import { clientAddressOf } from '../serve';

/** Path of the style sheet and the form_post script every identity site serves. */
export const STYLE_PATH = '/_lab/identity.css';
export const AUTO_SUBMIT_PATH = '/_lab/auto-submit.js';

const STYLE = `
body{font-family:"Segoe UI",Roboto,Arial,sans-serif;margin:0;background:#f2f2f2;color:#1b1b1b}
main.card{max-width:440px;margin:48px auto;background:#fff;padding:36px 44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
main.wide{max-width:1100px;margin:0 auto;background:#fff;padding:20px 32px;min-height:80vh}
.brand{font-weight:600;color:#5e5e5e;margin-bottom:16px}
h1{font-size:24px;font-weight:600;margin:8px 0 16px}
h2{font-size:18px;margin:20px 0 8px}
label{display:block;margin:12px 0 4px}
input[type=text],input[type=email],input[type=password],input[type=date],select,textarea{width:100%;box-sizing:border-box;padding:6px;font-size:15px}
button,.button{background:#0067b8;color:#fff;border:0;padding:7px 18px;margin:12px 8px 0 0;font-size:15px;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#ccc;color:#000}
button.danger{background:#a4262c}
.error{color:#e81123;margin:8px 0}
.notice{background:#dff6dd;padding:8px 12px;margin:8px 0}
.warning{background:#fff4ce;padding:8px 12px;margin:8px 0}
.secret{font-family:monospace;background:#f3f2f1;padding:4px 8px;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{text-align:left;border-bottom:1px solid #e1dfdd;padding:6px 8px;vertical-align:top}
nav.side{float:left;width:220px;margin-right:24px}
nav.side a{display:block;padding:4px 0;color:#0067b8}
header.top{background:#1b1b1b;color:#fff;padding:10px 32px;display:flex;justify-content:space-between}
header.top a,header.top button{color:#fff}
.details{font-size:12px;color:#605e5c;margin-top:24px}
.inline{display:inline}
form.inline button{margin:0}
`;

const AUTO_SUBMIT = 'document.forms[0].submit();\n';

/**
 * Creates the Express app of one provider host: helmet with a Content Security Policy that allows scripts
 * and styles from the host itself only, form posts parsed into strings, and the shared assets.
 * Forms may post anywhere because form_post sends the code to the client's redirect URI.
 */
export function createSiteApp(): express.Express {
  const app = express();
  app.set('trust proxy', false);
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: true, directives: { 'script-src': ["'self'"], 'style-src': ["'self'"], 'form-action': null, 'upgrade-insecure-requests': null } },
      // Browsers pin HSTS per host name; a pin for login.microsoftonline.com would outlive the lab.
      strictTransportSecurity: false,
    }),
  );
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 200 }));
  app.get(STYLE_PATH, (_req, res) => {
    res.type('text/css').send(STYLE);
  });
  app.get(AUTO_SUBMIT_PATH, (_req, res) => {
    res.type('application/javascript').send(AUTO_SUBMIT);
  });
  return app;
}

/** Renders a whole page in the frame every identity site uses. */
export function renderPage(title: string, body: SafeHtml, options: { wide?: boolean; header?: SafeHtml; script?: string } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${STYLE_PATH}">
${options.script ? html`<script src="${options.script}" defer></script>` : ''}
</head>
<body>
${options.header ?? ''}
<main class="${options.wide ? 'wide' : 'card'}">
${body}
</main>
</body>
</html>
`.toString();
}

/** Returns a form field as one string, or undefined when it is missing or sent more than once. */
export function formField(req: Request, name: string): string | undefined {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** Returns a query parameter as one string, undefined when it is missing, or `null` when it is repeated. */
export function queryField(req: Request, name: string): string | undefined | null {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Sets a session cookie for the site: HTTPS only, not readable by scripts, sent on top-level navigations. */
export function setSessionCookie(res: Response, name: string, value: string): void {
  res.cookie(name, value, { httpOnly: true, secure: true, sameSite: 'lax', path: '/' });
}

/** Returns the lab Internet address the request came from (the Internet host, or a router's WAN address). */
export function clientAddress(req: Request): string {
  return clientAddressOf(req.socket as Socket);
}

/** Lab time as the providers print it in error details: `2026-12-04 20:15:19Z`. */
export function formatErrorTimestamp(time: number): string {
  return new Date(time).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/** Replies with no caching, as the providers do for every sign-in and token response. */
export function noStore(res: Response): void {
  res.set('Cache-Control', 'no-store, no-cache');
  res.set('Pragma', 'no-cache');
}

/** Reads client ID and secret from `Authorization: Basic`, each form-urlencoded as RFC 6749 section 2.3.1 requires. */
export function basicCredentials(req: Request): { id: string; secret: string } | undefined {
  const header = req.get('authorization');
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')) };
  } catch {
    return undefined;
  }
}
