/**
 * Every form a logged-in administrator can post in the web UI: the settings that make every form
 * show, and the discovery of the forms from the pages of the menu whose view has a post handler.
 */
import type request from 'supertest';
import type { Firmware } from '../../firmware';
import type { DdnsConfig, MailConfig, ManagementConfig } from '../../firmware';
import { emptyProfile } from '../../firmware';
import { menuPages } from '../../webui/menu';
import { PAGES } from '../../webui/pages';
import { formsTo, type HtmlForm } from './htmlForms';

/** A source on the Internet side that showEveryForm blocks, so that the Unblock form shows. */
export const BLOCKED_SOURCE = '198.51.100.7';

export interface PostForm {
  /** The page URL the form was found on, for messages. */
  foundOn: string;
  form: HtmlForm;
}

/**
 * Changes settings so that every form of the UI shows: a DDNS account with Force Update, a mail
 * profile with its test form, and brute force protection for the Unblock form (see blockSource).
 */
export async function showEveryForm(firmware: Firmware): Promise<void> {
  const ddns = firmware.store.get<DdnsConfig>('ddns');
  ddns.enabled = true;
  ddns.accounts[0] = { ...ddns.accounts[0]!, enabled: true, provider: 'drayddns', domain: 'r1', login: 'r1-trainee', password: 'r1-ddns-pass' };
  const mail = firmware.store.get<MailConfig>('mail');
  mail.profiles[0] = { ...emptyProfile(), name: 'alerts', smtpServer: 'smtp.office365.com', smtpPort: 587, security: 'starttls', sender: 'router@contoso.example', auth: 'none' };
  const management = firmware.store.get<ManagementConfig>('management');
  management.bruteForce = { ...management.bruteForce, enabled: true, services: { ...management.bruteForce.services, https: true } };
  await firmware.store.update({ ddns, mail, management }, 'test');
  blockSource(firmware);
}

/** Blocks BLOCKED_SOURCE with failed HTTPS logins, as brute force protection would. */
export function blockSource(firmware: Firmware): void {
  const guard = firmware.management.bruteForce;
  const maxFailures = firmware.management.config().bruteForce.maxFailures;
  for (let attempt = 0; attempt < maxFailures; attempt += 1) {
    const result = guard.attempt(BLOCKED_SOURCE, 'https');
    if (result.allowed) result.finish(false);
  }
}

/** The menu pages whose view has a post handler. */
export function postPageUrls(): string[] {
  return menuPages()
    .filter((page) => page.view && PAGES[page.view]?.post)
    .map((page) => page.url);
}

/**
 * Finds every POST form on the pages with a post handler and on the pages their links reach with the
 * same path, such as `?index=1` or `?tab=lan`. It opens at most four pages per route and returns each
 * form once.
 */
export async function discoverPostForms(agent: ReturnType<typeof request.agent>): Promise<PostForm[]> {
  const found = new Map<string, PostForm>();
  for (const pageUrl of postPageUrls()) {
    const first = await agent.get(pageUrl).expect(200);
    const variants = new Set([pageUrl]);
    for (const match of first.text.matchAll(/href="([^"]+)"/g)) {
      const href = match[1]!.replace(/&amp;/g, '&');
      const [pathPart, query] = href.split('?');
      if (pathPart === pageUrl && query && !query.includes('_csrf') && !/(^|&)(page|view)=/.test(query)) variants.add(href);
    }
    for (const variant of [...variants].slice(0, 4)) {
      const html = variant === pageUrl ? first.text : (await agent.get(variant).expect(200)).text;
      for (const form of formsTo(html, pageUrl)) {
        const hidden = form.fields.filter((field) => field.kind === 'hidden' && field.name !== '_csrf').map((field) => `${field.name}=${field.values.join(',')}`);
        const key = `${pageUrl} ${form.fields.map((field) => field.name).join(',')} ${hidden.join('&')}`;
        if (!found.has(key)) found.set(key, { foundOn: variant, form });
      }
    }
  }
  return [...found.values()];
}
