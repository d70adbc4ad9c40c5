/**
 * Lab API routes of the emulated mail services: the mailboxes, their messages with search, a wait
 * for a message that matches a filter, the SMTP transcript tool, and the switch that takes an SMTP
 * server down. docs/mail.md describes them.
 */
import express, { type Request, type Router } from 'express';
import type { Lab } from '../lab';
import type { MailService } from '../services/mail';
import type { MessageFilter } from '../services/mail/store/search';
import { FOLDERS, rawSource, summaryOf } from '../services/mail/store/message';
import { runTranscript, type TranscriptAuth, type TranscriptRequest } from '../services/mail/transcript/transcript';
import { ApiError, invalidField, methodNotAllowed } from './errors';
import { bodyObject, describeValue, optionalOneOf, requireBoolean, optionalWholeNumber, parseJsonBody, queryStrings, rejectQueryParameters, requireJsonContentType } from './validate';

const FILTER_PARAMETERS = ['folder', 'from', 'to', 'subject', 'text', 'since'] as const;
/** Default number of messages in a list, and the maximum `limit`. */
const DEFAULT_LIST_LIMIT = 50;
const MAX_LIST_LIMIT = 1000;
/** Maximum wait in seconds (host time); a longer one would outlive most HTTP client timeouts. */
const MAX_WAIT_SECONDS = 300;
const DEFAULT_WAIT_SECONDS = 30;
const TRANSCRIPT_MECHANISMS = ['XOAUTH2', 'LOGIN', 'PLAIN', 'none'] as const;
/** Maximum length of a transcript request field, room for a Microsoft access token of several kB. */
const MAX_TRANSCRIPT_FIELD = 16_000;

export function createMailApi(lab: Lab): Router {
  const api = express.Router();

  api
    .route('/mail/mailboxes')
    .get(rejectQueryParameters, (_req, res) => {
      res.json({ mailboxes: mailService(lab).store.mailboxes() });
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/mail/mailboxes/:address/messages')
    .get((req, res) => {
      const query = queryStrings(req, [...FILTER_PARAMETERS, 'limit']);
      const limit = optionalWholeNumber(query.limit, 'limit', 1, MAX_LIST_LIMIT) ?? DEFAULT_LIST_LIMIT;
      const address = req.params.address!;
      const messages = mailService(lab).store.messages(address, filterFrom(query), limit);
      res.json({ mailbox: address.toLowerCase(), messages: messages.map(summaryOf) });
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/mail/mailboxes/:address/messages/:id')
    .get(rejectQueryParameters, (req, res) => {
      const { raw: _raw, ...message } = findMessage(lab, req.params.address!, req.params.id!);
      res.json(message);
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/mail/mailboxes/:address/messages/:id/raw')
    .get(rejectQueryParameters, (req, res) => {
      res.type('message/rfc822').send(rawSource(findMessage(lab, req.params.address!, req.params.id!)));
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/mail/mailboxes/:address/wait')
    .get(async (req, res) => {
      const query = queryStrings(req, [...FILTER_PARAMETERS, 'timeoutSeconds']);
      const timeoutSeconds = optionalWholeNumber(query.timeoutSeconds, 'timeoutSeconds', 0, MAX_WAIT_SECONDS) ?? DEFAULT_WAIT_SECONDS;
      const filter = filterFrom(query);
      const abort = new AbortController();
      res.on('close', () => abort.abort());

      const message = await mailService(lab).store.waitFor(req.params.address!, filter, timeoutSeconds * 1000, abort.signal);
      if (!message) {
        throw new ApiError(504, 'GATEWAY_TIMEOUT', `No message matching the filter reached ${req.params.address} within ${timeoutSeconds} s (host time); check the filter, or wait longer with timeoutSeconds (at most ${MAX_WAIT_SECONDS}).`);
      }
      const { raw: _raw, ...found } = message;
      res.json(found);
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/mail/servers')
    .get(rejectQueryParameters, (_req, res) => {
      res.json({ servers: serverStates(mailService(lab)) });
    })
    .post(rejectQueryParameters, requireJsonContentType, parseJsonBody, (req, res) => {
      const mail = mailService(lab);
      const body = bodyObject(req, ['server', 'accepting'], '{"server": "exchange", "accepting": false}');
      const names = [...mail.servers.keys()];
      const server = body.server;
      if (typeof server !== 'string' || !mail.servers.has(server)) {
        throw new ApiError(400, 'INVALID_REQUEST', `"server" must be one of ${names.map((name) => `"${name}"`).join(', ')}; got ${describeValue(server)}.`, 'server', names);
      }
      const accepting = requireBoolean(body, 'accepting');
      mail.servers.get(server)!.setAccepting(accepting);
      lab.logger.info({ server, accepting }, accepting ? 'Lab API started an SMTP server again' : 'Lab API took an SMTP server down');
      res.json({ servers: serverStates(mail) });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  api
    .route('/mail/transcripts')
    .post(rejectQueryParameters, requireJsonContentType, parseJsonBody, async (req, res) => {
      const request = transcriptRequest(lab, req);
      const forward = lab.ready().forwards.find((entry) => entry.host === request.host && entry.port === request.port);
      if (!forward) throw new ApiError(404, 'NOT_FOUND', `The lab has no port forward to ${request.host}:${request.port}.`, 'port');
      lab.logger.info({ host: request.host, port: request.port, mechanism: request.auth.mechanism }, 'Lab API runs an SMTP transcript');
      res.json(await runTranscript(request, { forwardPort: forward.localPort, caPem: lab.ca.caPem(), now: lab.clock.date() }));
    })
    .all(methodNotAllowed(['POST']));

  return api;
}

function mailService(lab: Lab): MailService {
  const mail = lab.services?.mail;
  if (!mail) throw new ApiError(404, 'NOT_FOUND', 'The mail services are not running in this lab.');
  return mail;
}

function serverStates(mail: MailService): { server: string; accepting: boolean; endpoints: string[] }[] {
  return [...mail.servers.entries()].map(([server, handle]) => ({
    server,
    accepting: handle.accepting(),
    endpoints: mail.endpoints.filter((endpoint) => endpoint.dialect === server).map((endpoint) => `${endpoint.host}:${endpoint.port}`),
  }));
}

function findMessage(lab: Lab, address: string, id: string) {
  const message = mailService(lab).store.message(address, id);
  if (!message) throw new ApiError(404, 'NOT_FOUND', `The mailbox ${address} has no message with the id "${id}"; GET /api/mail/mailboxes/${address}/messages lists its messages.`, 'id');
  return message;
}

function filterFrom(query: Record<string, string | undefined>): MessageFilter {
  const filter: MessageFilter = {};
  const folder = optionalOneOf(query.folder, 'folder', FOLDERS);
  if (folder) filter.folder = folder;
  for (const field of ['from', 'to', 'subject', 'text'] as const) {
    if (query[field] !== undefined) filter[field] = query[field];
  }
  const since = optionalWholeNumber(query.since, 'since', 0, Number.MAX_SAFE_INTEGER);
  if (since !== undefined) filter.since = since;
  return filter;
}

const TRANSCRIPT_EXAMPLE = '{"host": "smtp.office365.com", "port": 587, "auth": {"mechanism": "XOAUTH2", "user": "alice@contoso.example", "token": "eyJ..."}}';

function transcriptRequest(lab: Lab, req: Request): TranscriptRequest {
  const body = bodyObject(req, ['host', 'port', 'auth', 'message'], TRANSCRIPT_EXAMPLE);
  const endpoints = mailService(lab).endpoints;
  const names = endpoints.map((endpoint) => `${endpoint.host}:${endpoint.port}`);
  const endpoint = endpoints.find((entry) => entry.host === body.host && entry.port === body.port);
  if (!endpoint) {
    throw new ApiError(400, 'INVALID_REQUEST', `"host" and "port" must name an emulated SMTP server (${names.join(', ')}); got ${describeValue(body.host)} and ${describeValue(body.port)}.`, 'host', names);
  }

  const auth = objectField(body, 'auth', '{"mechanism": "none"}');
  const mechanism = auth.mechanism;
  if (typeof mechanism !== 'string' || !(TRANSCRIPT_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new ApiError(400, 'INVALID_REQUEST', `"auth.mechanism" must be one of ${TRANSCRIPT_MECHANISMS.join(', ')}; got ${describeValue(mechanism)}.`, 'auth.mechanism', [...TRANSCRIPT_MECHANISMS]);
  }
  let transcriptAuth: TranscriptAuth = { mechanism: 'none' };
  if (mechanism === 'XOAUTH2') transcriptAuth = { mechanism, user: text(auth, 'user', 'auth.'), token: text(auth, 'token', 'auth.', { secret: true }) };
  if (mechanism === 'LOGIN' || mechanism === 'PLAIN') transcriptAuth = { mechanism, user: text(auth, 'user', 'auth.'), password: text(auth, 'password', 'auth.', { secret: true }) };

  const request: TranscriptRequest = { host: endpoint.host, port: endpoint.port, implicitTls: endpoint.implicitTls, auth: transcriptAuth };
  if (body.message !== undefined) {
    const message = objectField(body, 'message', '{"from": "alice@contoso.example", "to": ["bob@example.net"], "subject": "Test", "text": "Hello"}');
    const to = message.to;
    if (!Array.isArray(to) || to.length === 0 || to.length > 50 || !to.every((entry) => typeof entry === 'string' && entry.length > 0 && entry.length < 320)) {
      throw invalidField('message.to', `"message.to" must be an array of 1 to 50 addresses; got ${describeValue(to)}.`);
    }
    request.message = {
      from: text(message, 'from', 'message.'),
      to: to as string[],
      subject: text(message, 'subject', 'message.', { allowEmpty: true }),
      text: text(message, 'text', 'message.', { allowEmpty: true, multiline: true }),
    };
  }
  return request;
}

function objectField(body: Record<string, unknown>, field: string, example: string): Record<string, unknown> {
  const value = body[field];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidField(field, `"${field}" must be a JSON object such as ${example}; got ${describeValue(value)}.`);
  return value as Record<string, unknown>;
}

/** Reads a string field; a `secret` one is never quoted in the error, which the API log records. */
function text(object: Record<string, unknown>, field: string, prefix: string, options: { allowEmpty?: boolean; multiline?: boolean; secret?: boolean } = {}): string {
  const value = object[field];
  const valid = typeof value === 'string' && (options.allowEmpty || value.length > 0) && value.length <= MAX_TRANSCRIPT_FIELD && (options.multiline || !/[\r\n]/.test(value));
  if (!valid) {
    const kind = `${options.allowEmpty ? 'string' : 'non-empty string'} of at most ${MAX_TRANSCRIPT_FIELD} characters${options.multiline ? '' : ' without line breaks'}`;
    const received = options.secret && typeof value === 'string' ? `a string of ${value.length} characters` : describeValue(value);
    throw invalidField(`${prefix}${field}`, `"${prefix}${field}" must be a ${kind}; got ${received}.`);
  }
  return value as string;
}
