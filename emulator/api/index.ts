/**
 * Helpers that `startLab` adds to a lab for TypeScript and JavaScript callers: router pages by menu
 * path, the clock, faults, mailboxes, the timeline and the OAuth sign-in as a person. The scenario
 * runner drives labs through the same helpers.
 */
import type { ClockMode, ClockState } from '../../hal';
import type { Lab } from '../lab';
import type { MailService } from '../services/mail';
import type { StoredMessage } from '../services/mail/store/message';
import type { MessageFilter } from '../services/mail/store/search';
import type { TimelineEvent, TimelineQuery } from '../timeline';
import { LabFaults } from './faults';
import { createGoogleClient, createMailApp, internetBrowser, signInAt, type MailApp } from './identity';
import { RouterUi } from './routerUi';

export { LabFaults } from './faults';
export { ADMIN, ALERTS, createGoogleClient, createMailApp, GOOGLE_PROJECT, googleSignIn, microsoftSignIn, REDIRECT_URI, TENANT_ID, type MailApp } from './identity';
export { LabApiError, labApiRequest } from './labApi';
export { RouterUi, menuUrl, type RouterPage, type SubmitOptions } from './routerUi';
export type { FieldValue } from './htmlForms';

/** A span of lab time: milliseconds as a number, or seconds, minutes, hours and days added up. */
export type Duration = number | { ms?: number; seconds?: number; minutes?: number; hours?: number; days?: number };

export function durationMs(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  return (duration.ms ?? 0) + 1000 * ((duration.seconds ?? 0) + 60 * ((duration.minutes ?? 0) + 60 * ((duration.hours ?? 0) + 24 * (duration.days ?? 0))));
}

/** The lab's mailboxes, read from the mail service's store. */
export class Mailboxes {
  constructor(private readonly lab: Lab) {}

  private get service(): MailService {
    const mail = this.lab.services.mail;
    if (!mail) throw new Error('The lab has no mail service');
    return mail;
  }

  /** Messages of a mailbox that match `filter`, newest first. */
  messages(address: string, filter: MessageFilter = {}): StoredMessage[] {
    return this.service.store.messages(address, filter);
  }

  /**
   * Waits for a message that matches `filter` and returns the newest one. While it waits, the lab
   * clock fires timers that are due (`advance(0)`), so deliveries scheduled by the lab run even
   * when the clock is paused. Rejects after `timeoutMs` of host time.
   */
  async waitFor(address: string, filter: MessageFilter, timeoutMs = 10_000): Promise<StoredMessage> {
    const message = await pollUntil(this.lab, () => this.messages(address, filter)[0], timeoutMs);
    if (message) return message;
    const found = this.messages(address).slice(0, 5).map((candidate) => `"${candidate.subject}"`);
    throw new Error(`No message matching ${JSON.stringify(filter)} reached ${address} within ${timeoutMs} ms; the newest are ${found.join(', ') || 'none (the mailbox is empty)'}`);
  }
}

/** Outcome of an authorization: the router's OAuth callback page after sign-in and consent. */
export interface AuthorizationResult {
  /** Visible text of the router's callback page, or of the page that stopped the flow. */
  text: string;
  authorized: boolean;
}

export interface LabHelpers {
  /** The web UI of a router as the admin on its LAN PC; one client (and session) per router. */
  routerUi(routerId?: string): RouterUi;
  /** Moves lab time forward and fires every timer that falls due on the way. */
  advanceClock(duration: Duration): Promise<ClockState>;
  setClockMode(mode: ClockMode): ClockState;
  faults: LabFaults;
  mailboxes: Mailboxes;
  /** Timeline events whose summary (or JSON detail) contains `text`, oldest first. */
  timelineEvents(text?: string, query?: TimelineQuery): TimelineEvent[];
  /**
   * Waits until `probe` returns a value other than undefined or false and returns it, firing due lab
   * timers between tries. Rejects naming `description` after `timeoutMs` of host time (default 10000).
   */
  waitUntil<T>(probe: () => T | undefined | false, description: string, timeoutMs?: number): Promise<T>;
  createMailApp(options?: Parameters<typeof createMailApp>[1]): Promise<MailApp>;
  createGoogleClient(name?: string, project?: string): Promise<{ clientId: string; clientSecret: string }>;
  /**
   * Presses Authorize on a mail profile and, as the person, signs in at the provider and consents.
   * The router must be reachable from the Internet over its DDNS name (WAN HTTPS on), because the
   * relay sends the browser back to it.
   */
  authorizeMailProfile(options: { router?: string; profile?: number; user: string; password: string }): Promise<AuthorizationResult>;
}

export type VigorLab = Lab & LabHelpers;

const MAIL_PROFILE_PAGE = 'Objects Setting >> SMS/Mail Service Object';

/** Adds the helpers to a started lab and returns the same object. */
export function withHelpers(lab: Lab): VigorLab {
  const uis = new Map<string, RouterUi>();
  const helpers: LabHelpers = {
    routerUi(routerId = 'r1') {
      let ui = uis.get(routerId);
      if (!ui) {
        ui = RouterUi.forLab(lab, routerId);
        uis.set(routerId, ui);
      }
      return ui;
    },
    advanceClock: (duration) => lab.clock.advance(durationMs(duration)),
    setClockMode(mode) {
      lab.clock.setMode(mode);
      return lab.clock.state();
    },
    faults: new LabFaults(lab),
    mailboxes: new Mailboxes(lab),
    timelineEvents(text, query) {
      const events = lab.timeline.query(query);
      if (text === undefined) return events;
      const lower = text.toLowerCase();
      return events.filter((event) => event.summary.toLowerCase().includes(lower) || JSON.stringify(event.detail ?? {}).toLowerCase().includes(lower));
    },
    async waitUntil(probe, description, timeoutMs = 10_000) {
      const value = await pollUntil(lab, probe, timeoutMs);
      if (value === undefined) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
      return value;
    },
    createMailApp: (options) => createMailApp(lab, options),
    createGoogleClient: (name, project) => createGoogleClient(lab, name, project),
    authorizeMailProfile: (options) => authorizeMailProfile(lab, helpers.routerUi(options.router), options),
  };
  return Object.assign(lab, helpers);
}

async function authorizeMailProfile(lab: Lab, ui: RouterUi, options: { profile?: number; user: string; password: string }): Promise<AuthorizationResult> {
  const index = options.profile ?? 1;
  const page = await ui.open(MAIL_PROFILE_PAGE, { index });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.html)?.[1];
  const link = /href="([^"]*\/authorize\?[^"]*)"/.exec(page.html)?.[1];
  if (!token || !link) throw new Error(`Mail profile ${index} has no Authorize button; save it with Authentication OAuth 2.0 first. The page shows: ${page.text.slice(0, 300)}`);
  const start = await ui.get(link.replace(/&amp;/g, '&'));
  if (start.status !== 302 || !start.location) return { text: start.text, authorized: false };
  const providerUrl = start.location;

  const browser = internetBrowser(lab);
  let reply = await signInAt(browser, providerUrl, options);
  for (let hops = 0; reply.location && hops < 4; hops += 1) reply = await browser.get(reply.location);
  const text = reply.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return { text, authorized: /is authorized as/.test(text) };
}

/** Polls `probe` until it returns a value, firing due lab timers between tries; undefined after the timeout. */
export async function pollUntil<T>(lab: Lab, probe: () => T | undefined | false, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) return undefined;
    await lab.clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
