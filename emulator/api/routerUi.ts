/**
 * A router's web UI as the admin on the LAN PC uses it: log in, open a page by its menu path
 * (`System Maintenance >> Management`), and submit one of its forms with fields set by name. Every
 * other field keeps the value the page shows, as when a person changes a few fields and presses OK.
 */
import { menuPages } from '../../webui/menu';
import type { Lab } from '../lab';
import { formBody, pageText, postForms, type FieldValue, type HtmlForm } from './htmlForms';

export interface RouterPage {
  /** Path and query of the page that was finally shown, e.g. `/system-maintenance/management`. */
  path: string;
  status: number;
  html: string;
  /** Visible text with runs of white space collapsed. */
  text: string;
}

export interface SubmitOptions {
  /** Query of the page, e.g. `{ index: 1 }` for the edit page of profile 1. */
  query?: Record<string, string | number>;
  /**
   * Picks the form whose hidden `action` field has this value, for pages with several forms (the
   * mail profile page has `save` and `test`). Without it the first form that has every named field is used.
   */
  formAction?: string;
}

/** Returns the URL path of a menu page from its breadcrumb, or from a path that starts with `/`. */
export function menuUrl(menuPath: string): string {
  if (menuPath.startsWith('/')) return menuPath;
  const wanted = normaliseMenuPath(menuPath);
  const page = menuPages().find((candidate) => normaliseMenuPath(candidate.breadcrumb) === wanted);
  if (!page) {
    const known = menuPages().filter((candidate) => candidate.view).map((candidate) => candidate.breadcrumb);
    throw new Error(`No router page has the menu path "${menuPath}"; emulated pages are: ${known.join('; ')}`);
  }
  return page.url;
}

function normaliseMenuPath(menuPath: string): string {
  return menuPath.split(/\s*>>\s*/).map((part) => part.trim().toLowerCase().replace(/\s+/g, ' ')).join(' >> ');
}

export class RouterUi {
  private readonly cookies = new Map<string, string>();
  private loggedIn = false;

  constructor(
    private readonly origin: string,
    private readonly password = 'admin',
  ) {}

  static forLab(lab: Lab, routerId: string, password = 'admin'): RouterUi {
    const router = lab.router(routerId);
    if (!router) throw new Error(`The lab has no router "${routerId}"; routers are ${lab.routers.map((candidate) => candidate.id).join(', ')}`);
    return new RouterUi(router.lanUrl, password);
  }

  /** Logs in through the login form as admin. */
  async login(): Promise<void> {
    const form = await this.request('GET', '/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(form.html)?.[1];
    if (!token) throw new Error(`The login page of ${this.origin} has no CSRF token (HTTP ${form.status})`);
    const reply = await this.request('POST', '/login', new URLSearchParams({ _csrf: token, username: 'admin', password: this.password }));
    if (reply.status !== 303) throw new Error(`Login to ${this.origin} failed with HTTP ${reply.status}: ${pageText(reply.html).slice(0, 300)}`);
    this.loggedIn = true;
  }

  /** Opens a page by menu path, logging in first or again when the session has ended. */
  async open(menuPath: string, query: Record<string, string | number> = {}): Promise<RouterPage> {
    const target = withQuery(menuUrl(menuPath), query);
    if (!this.loggedIn) await this.login();
    let page = await this.follow(await this.request('GET', target));
    if (page.path.startsWith('/login')) {
      await this.login();
      page = await this.follow(await this.request('GET', target));
    }
    return page;
  }

  /**
   * Submits a form of a page with `fields` set and returns the page shown afterwards: the page the
   * router redirects to after a save, or the page with its error marks when the input was rejected.
   */
  async submit(menuPath: string, fields: Record<string, FieldValue>, options: SubmitOptions = {}): Promise<RouterPage> {
    const page = await this.open(menuPath, options.query);
    const formAction = options.formAction ?? (typeof fields.action === 'string' ? fields.action : undefined);
    const form = chooseForm(postForms(page.html), Object.keys(fields), formAction, menuPath);
    const body = formBody(form, fields);
    const action = form.action === '' ? page.path : form.action;
    return this.follow(await this.request('POST', action, body));
  }

  /** Requests a page path as the logged-in admin, without following redirects. */
  async get(pathAndQuery: string): Promise<RouterPage & { location?: string }> {
    if (!this.loggedIn) await this.login();
    return this.request('GET', pathAndQuery);
  }

  private async follow(reply: RouterPage & { location?: string }): Promise<RouterPage> {
    let current = reply;
    for (let hops = 0; current.location && new URL(current.location).origin === new URL(this.origin).origin && hops < 5; hops += 1) current = await this.request('GET', current.location);
    return current;
  }

  private async request(method: 'GET' | 'POST', pathAndQuery: string, body?: URLSearchParams): Promise<RouterPage & { location?: string }> {
    const url = new URL(pathAndQuery, this.origin);
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const reply = await fetch(url, { method, headers, body: body?.toString(), redirect: 'manual' });
    for (const line of reply.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      this.cookies.set(name!.trim(), value.join('='));
    }
    const html = await reply.text();
    const location = reply.headers.get('location');
    const resolved = location ? new URL(location, url) : undefined;
    return { path: `${url.pathname}${url.search}`, status: reply.status, html, text: pageText(html), location: resolved?.href };
  }
}

function withQuery(path: string, query: Record<string, string | number> = {}): string {
  const entries = Object.entries(query);
  if (entries.length === 0) return path;
  const search = new URLSearchParams(entries.map(([name, value]) => [name, String(value)]));
  return `${path}${path.includes('?') ? '&' : '?'}${search}`;
}

/** Picks the form to submit: by its hidden `action` value, else the first form (not Logout) that has every named field. */
function chooseForm(forms: HtmlForm[], names: string[], wantedAction: string | undefined, menuPath: string): HtmlForm {
  const candidates = forms.filter((form) => form.action !== '/logout');
  const byAction = (form: HtmlForm) => wantedAction === undefined || form.fields.some((field) => field.name === 'action' && field.values.includes(wantedAction));
  const named = names.filter((name) => name !== 'action');
  const match = candidates.find((form) => byAction(form) && named.every((name) => form.fields.some((field) => field.name === name)));
  if (match) return match;
  const described = candidates.map((form) => `[${form.fields.map((field) => field.name).join(', ')}]`).join(' ');
  throw new Error(`No form on "${menuPath}"${wantedAction ? ` with action "${wantedAction}"` : ''} has the fields ${named.join(', ')}; its forms have ${described || 'no fields'}`);
}
