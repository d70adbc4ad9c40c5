/**
 * The emulated mail services: the Exchange Online and Gmail SMTP submission servers, the lab's
 * mailboxes, and the Outlook and Gmail webmail sites. Tokens, accounts and SMTP AUTH switches come
 * from the identity providers through the IdentityDirectory contract only.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../../../hal';
import type { LabCa } from '../../network/ca';
import { serviceHostByName } from '../../network/hosts';
import type { Internet } from '../../network/internet';
import type { IdentityDirectory } from '../identity/contract';
import { Site } from '../serve';
import { MailDelivery } from './delivery';
import type { SmtpContext } from './smtp/context';
import type { Dialect } from './smtp/dialect';
import { EXCHANGE_DIALECT, EXCHANGE_LIMITS } from './smtp/exchange';
import { GMAIL_DIALECT } from './smtp/gmail';
import { SubmissionLimits } from './smtp/limits';
import { startSmtpServer, type SmtpPort, type SmtpServerHandle } from './smtp/server';
import type { Timeline } from '../../timeline';
import { MailStore } from './store/mailStore';
import { createWebmailApp, WEBMAIL_BRANDS } from './webmail/app';

export interface MailDependencies {
  internet: Internet;
  ca: LabCa;
  clock: Clock;
  logger: Logger;
  /** Lab data directory; mailboxes go to `<data>/lab/mail/`, held-back messages to `<data>/lab/mail-held.json`. Null keeps them in memory. */
  dataDir: string | null;
  identity(): IdentityDirectory | undefined;
  /** Where each SMTP session is recorded, with the router whose WAN address is the client. */
  timeline?: Timeline;
  routerAt?(address: string): string | undefined;
}

/** Settings a lab or a test may change while the servers run. */
export interface MailSettings {
  /** Whether AUTH LOGIN / PLAIN with a password is accepted, per dialect name. */
  basicAuth: Record<string, boolean>;
}

/** An emulated SMTP server port, as the transcript tool offers them. */
export interface SmtpEndpoint {
  host: string;
  port: number;
  implicitTls: boolean;
  dialect: string;
}

export interface MailService {
  store: MailStore;
  settings: MailSettings;
  delivery: MailDelivery;
  endpoints: SmtpEndpoint[];
  /** The SMTP server of each dialect (`exchange`, `gmail`), which the lab can take down and bring back. */
  servers: Map<string, SmtpServerHandle>;
  /** Stops the servers and sites and waits for pending mailbox writes; later calls return the same promise. */
  close(): Promise<void>;
}

const SMTP_SERVICES: { dialect: Dialect; ports: SmtpPort[] }[] = [
  { dialect: EXCHANGE_DIALECT, ports: [{ port: 587, implicitTls: false }] },
  {
    dialect: GMAIL_DIALECT,
    ports: [
      { port: 587, implicitTls: false },
      { port: 465, implicitTls: true },
    ],
  },
];

export async function startMailServices(deps: MailDependencies, issueTime: Date): Promise<MailService> {
  const logger = deps.logger.child({ service: 'mail' });
  const store = await MailStore.open(deps.dataDir ? path.join(deps.dataDir, 'lab', 'mail') : null, logger);
  const delivery = await MailDelivery.open(store, deps.dataDir ? path.join(deps.dataDir, 'lab', 'mail-held.json') : null, deps.identity, deps.clock, logger);
  const settings: MailSettings = { basicAuth: Object.fromEntries(SMTP_SERVICES.map(({ dialect }) => [dialect.name, dialect.basicAuth])) };
  const servers = new Map<string, SmtpServerHandle>();
  const endpoints: SmtpEndpoint[] = [];

  for (const { dialect, ports } of SMTP_SERVICES) {
    const host = requireHost(dialect.host);
    const context: SmtpContext = {
      dialect,
      identity: deps.identity,
      now: () => deps.clock.now(),
      basicAuth: () => settings.basicAuth[dialect.name] ?? false,
      limits: dialect.submissionLimits ? new SubmissionLimits(EXCHANGE_LIMITS) : undefined,
      deliver: (message) => delivery.accept(message, dialect.host),
      logger: logger.child({ smtp: dialect.name }),
      timeline: deps.timeline,
      routerAt: deps.routerAt,
    };
    const certificate = await deps.ca.issue([dialect.host], issueTime);
    servers.set(dialect.name, startSmtpServer(deps.internet, host.address, ports, certificate, context));
    endpoints.push(...ports.map((entry) => ({ host: dialect.host, port: entry.port, implicitTls: entry.implicitTls, dialect: dialect.name })));
  }

  const sites: Site[] = [];
  for (const brand of WEBMAIL_BRANDS) {
    const host = requireHost(brand.host);
    const handler = createWebmailApp(store, brand, () => deps.clock.now(), logger.child({ webmail: brand.host }));
    sites.push(await Site.start(deps.internet, deps.ca, issueTime, { names: [brand.host], address: host.address, httpsPort: 443, service: `${brand.product} webmail` }, handler));
  }

  let closing: Promise<void> | undefined;
  const close = async () => {
    for (const server of servers.values()) server.stop();
    for (const site of sites) site.close();
    delivery.close();
    await Promise.all([store.flush(), delivery.flush()]);
  };
  return { store, settings, delivery, endpoints, servers, close: () => (closing ??= close()) };
}

function requireHost(name: string) {
  const host = serviceHostByName(name);
  if (!host) throw new Error(`${name} is missing from the lab's service hosts`);
  return host;
}
