/**
 * The webmail sites on outlook.office365.com and mail.google.com: a list of the provider's
 * mailboxes (plus the catch-all Internet mailbox), a folder view per mailbox with search, and a
 * message view with headers, text part, HTML part and raw source. There is no sign-in: the lab is
 * a training tool on loopback, and every trainee may read every lab mailbox.
 *
 * HTML mail is never part of a webmail page. It is served on its own URL with a Content Security
 * Policy `sandbox` and shown in a sandboxed iframe, so its scripts, forms and remote content are
 * blocked and it cannot reach the page around it.
 */
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { MailStore, MailboxProvider } from '../store/mailStore';
import { FOLDERS, INTERNET_MAILBOX, rawSource, type Folder, type StoredMessage } from '../store/message';

export interface WebmailBrand {
  host: string;
  product: string;
  provider: MailboxProvider;
}

export const WEBMAIL_BRANDS: WebmailBrand[] = [
  { host: 'outlook.office365.com', product: 'Outlook', provider: 'microsoft' },
  { host: 'mail.google.com', product: 'Gmail', provider: 'google' },
];

const FOLDER_TITLES: Record<Folder, string> = { inbox: 'Inbox', sent: 'Sent Items' };
/** Messages listed per folder page. */
const PAGE_SIZE = 200;

/** The policy of the HTML part: nothing runs, nothing loads from outside, only inline styles and data: images. */
const HTML_PART_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'";

class NotFound extends Error {}

export function createWebmailApp(store: MailStore, brand: WebmailBrand, now: () => number, logger: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('views', path.join(__dirname, 'views'));
  app.set('view engine', 'ejs');
  app.locals.brand = brand;
  app.locals.folderTitles = FOLDER_TITLES;
  app.locals.formatTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          frameSrc: ["'self'"],
          scriptSrc: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'self'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
    }),
  );
  app.use('/mail/static', express.static(path.join(__dirname, 'static'), { maxAge: '1h' }));
  app.use((_request, response, next) => {
    response.set('Cache-Control', 'no-store');
    next();
  });

  app.get('/', (_request, response) => response.redirect(302, '/mail/'));

  app.get('/mail/', (_request, response) => {
    const mailboxes = store.mailboxes().filter((mailbox) => mailbox.provider === brand.provider || mailbox.address === INTERNET_MAILBOX);
    response.render('mailboxes', { title: brand.product, mailboxes, labTime: now() });
  });

  app.get('/mail/:mailbox/', (request, response) => {
    const mailbox = findMailbox(store, brand, request.params.mailbox!);
    const folder = folderOf(request.query.folder);
    const search = typeof request.query.q === 'string' ? request.query.q.trim() : '';
    const messages = store.messages(mailbox.address, { folder, ...(search ? { text: search } : {}) }, PAGE_SIZE);
    response.render('folder', { title: `${FOLDER_TITLES[folder]} - ${mailbox.displayName}`, mailbox, folder, search, messages, pageSize: PAGE_SIZE });
  });

  app.get('/mail/:mailbox/:id', (request, response) => {
    const { mailbox, message } = findMessage(store, brand, request.params.mailbox!, request.params.id!);
    response.render('message', { title: message.subject || '(no subject)', mailbox, message, base: messagePath(message) });
  });

  app.get('/mail/:mailbox/:id/html', (request, response) => {
    const { message } = findMessage(store, brand, request.params.mailbox!, request.params.id!);
    if (message.html === null) throw new NotFound('This message has no HTML part.');
    response.set('Content-Security-Policy', HTML_PART_POLICY);
    response.type('html').send(message.html);
  });

  app.get('/mail/:mailbox/:id/raw', (request, response) => {
    const { message } = findMessage(store, brand, request.params.mailbox!, request.params.id!);
    response.set('Content-Disposition', 'inline');
    response.type('text/plain; charset=utf-8').send(rawSource(message));
  });

  app.use((request, response) => {
    response.status(404).render('error', { title: 'Not found', message: `There is no page at ${request.path}. The mailboxes are listed at /mail/.` });
  });
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    if (error instanceof NotFound) {
      response.status(404).render('error', { title: 'Not found', message: error.message });
      return;
    }
    logger.error({ err: error, host: brand.host, path: request.path }, 'The webmail failed to handle a request');
    response.status(500).render('error', { title: 'Error', message: 'The webmail failed to show this page; the lab log has the details.' });
  });
  return app;
}

function findMailbox(store: MailStore, brand: WebmailBrand, address: string) {
  const mailbox = store.mailbox(address);
  if (!mailbox || (mailbox.provider !== brand.provider && mailbox.address !== INTERNET_MAILBOX)) {
    throw new NotFound(`${brand.product} has no mailbox ${address} with mail in it. Mailboxes appear once a message reaches them.`);
  }
  return mailbox;
}

function findMessage(store: MailStore, brand: WebmailBrand, address: string, id: string): { mailbox: ReturnType<typeof findMailbox>; message: StoredMessage } {
  const mailbox = findMailbox(store, brand, address);
  const message = store.message(mailbox.address, id);
  if (!message) throw new NotFound(`The mailbox ${mailbox.address} has no message ${id}.`);
  return { mailbox, message };
}

function folderOf(value: unknown): Folder {
  return typeof value === 'string' && (FOLDERS as readonly string[]).includes(value) ? (value as Folder) : 'inbox';
}

function messagePath(message: StoredMessage): string {
  return `/mail/${encodeURIComponent(message.mailbox)}/${encodeURIComponent(message.id)}`;
}
