/**
 * The Gmail SMTP submission dialect (smtp.gmail.com:587 with STARTTLS and :465 with implicit TLS).
 *
 * The XOAUTH2 exchange (initial response, 334 challenge with base64 JSON, the client's empty
 * reply) follows Google's "SASL XOAUTH2 mechanism" (developers.google.com/gmail/imap/xoauth2-protocol).
 * The greeting, EHLO keywords, the 235, 535-5.7.8 and 501 5.5.2 texts and the From rewriting
 * follow the live service. Every reply that Gmail ends with a session id and `- gsmtp` does so
 * here too.
 * NOTE: no public document lists the other replies, so they are the live service's texts as far
 * as known and may differ in detail.
 */
import type { AuthFailure, Dialect, ReplyCatalogue, ReplyKey } from './dialect';

/** SIZE of the live service, about 34 MiB. */
const MAX_MESSAGE_BYTES = 35_882_577;

const GMAIL_SCOPE = 'https://mail.google.com/';

const BAD_CREDENTIALS = {
  code: 535,
  lines: ['5.7.8 Username and Password not accepted. For more information, go to', '5.7.8  https://support.google.com/mail/?p=BadCredentials {sessionId} - gsmtp'],
};

const REPLIES: ReplyCatalogue = {
  ehloGreeting: { code: 250, lines: ['smtp.gmail.com at your service, [{clientAddress}]'] },
  heloGreeting: { code: 250, lines: ['smtp.gmail.com at your service'] },
  startTlsReady: { code: 220, lines: ['2.0.0 Ready to start TLS'] },
  tlsAlreadyActive: { code: 503, lines: ['5.5.1 Bad sequence of commands. {sessionId} - gsmtp'] },
  authSuccess: { code: 235, lines: ['2.7.0 Accepted'] },
  authContinue: { code: 334, lines: [''] },
  authLoginUsername: { code: 334, lines: ['VXNlcm5hbWU6'] },
  authLoginPassword: { code: 334, lines: ['UGFzc3dvcmQ6'] },
  authBeforeStartTls: { code: 530, lines: ['5.7.0 Must issue a STARTTLS command first. {sessionId} - gsmtp'] },
  authUnknownMechanism: { code: 504, lines: ['5.7.4 Unrecognized Authentication Type. {sessionId} - gsmtp'] },
  authAlreadyDone: { code: 503, lines: ['5.5.1 Already authenticated. {sessionId} - gsmtp'] },
  authAborted: { code: 501, lines: ['5.5.2 Authentication aborted. {sessionId} - gsmtp'] },
  authMalformed: { code: 501, lines: ['5.5.2 Cannot Decode response {sessionId} - gsmtp'] },
  authFailed: BAD_CREDENTIALS,
  authTemporaryFailure: { code: 454, lines: ['4.7.0 Try again later, closing connection. (AUTH) {sessionId} - gsmtp'] },
  passwordRejected: BAD_CREDENTIALS,
  // Google has no tenant or mailbox SMTP AUTH switch and still takes app passwords, so these
  // three situations never arise. A failed sign-in is the nearest reply.
  basicAuthDisabled: BAD_CREDENTIALS,
  smtpAuthDisabledTenant: BAD_CREDENTIALS,
  smtpAuthDisabledMailbox: BAD_CREDENTIALS,
  concurrentConnections: { code: 421, lines: ['4.7.0 Try again later, closing connection. {sessionId} - gsmtp'] },
  authRequired: {
    code: 530,
    lines: ['5.7.0 Authentication Required. For more information, go to', '5.7.0  https://support.google.com/mail/?p=WantAuthError {sessionId} - gsmtp'],
  },
  startTlsRequired: { code: 530, lines: ['5.7.0 Must issue a STARTTLS command first. {sessionId} - gsmtp'] },
  mailFromOk: { code: 250, lines: ['2.1.0 OK {sessionId} - gsmtp'] },
  rcptToOk: { code: 250, lines: ['2.1.5 OK {sessionId} - gsmtp'] },
  dataStart: { code: 354, lines: ['Go ahead {sessionId} - gsmtp'] },
  // NOTE: no public source shows Gmail's replies to BDAT, so these four are guesses in the form of
  // Gmail's other replies. Gmail offers no BINARYMIME, so BODY=BINARYMIME is an unknown MAIL
  // parameter and gets the 555 5.5.2 that Gmail sends for a MAIL syntax error.
  chunkAccepted: { code: 250, lines: ['2.0.0 {octets} octets received {sessionId} - gsmtp'] },
  invalidChunkArguments: { code: 501, lines: ['5.5.4 Invalid BDAT arguments. {sessionId} - gsmtp'] },
  badSequence: { code: 503, lines: ['5.5.1 Bad sequence of commands. {sessionId} - gsmtp'] },
  unsupportedBodyType: { code: 555, lines: ['5.5.2 Syntax error. {sessionId} - gsmtp'] },
  messageAccepted: { code: 250, lines: ['2.0.0 OK  {unixTime} {sessionId} - gsmtp'] },
  messageTooBig: {
    code: 552,
    lines: ["5.3.4 Your message exceeded Google's message size limits. For more information, go to", '5.3.4  https://support.google.com/mail/?p=MaxSizeError {sessionId} - gsmtp'],
  },
  // Gmail rewrites a foreign From instead of rejecting it.
  sendAsDenied: { code: 554, lines: ['5.7.0 Message rejected. {sessionId} - gsmtp'] },
  recipientQuotaExceeded: {
    code: 550,
    lines: ['5.4.5 Daily user sending limit exceeded. For more information on Gmail', '5.4.5  sending limits go to https://support.google.com/a/answer/166852 {sessionId} - gsmtp'],
  },
  needMail: { code: 503, lines: ['5.5.1 MAIL first. {sessionId} - gsmtp'] },
  needRcpt: { code: 503, lines: ['5.5.1 RCPT first. {sessionId} - gsmtp'] },
  nestedMail: { code: 503, lines: ['5.5.1 Nested MAIL command. {sessionId} - gsmtp'] },
  badSenderSyntax: { code: 555, lines: ['5.5.2 Syntax error. {sessionId} - gsmtp'] },
  badRecipientSyntax: { code: 553, lines: ['5.1.3 The recipient address is not a valid RFC 5321 address. {sessionId} - gsmtp'] },
  needEhlo: { code: 503, lines: ['5.5.1 EHLO/HELO first. {sessionId} - gsmtp'] },
  unknownCommand: { code: 502, lines: ['5.5.1 Unrecognized command. {sessionId} - gsmtp'] },
  syntaxError: { code: 555, lines: ['5.5.2 Syntax error. {sessionId} - gsmtp'] },
  noop: { code: 250, lines: ['2.0.0 OK {sessionId} - gsmtp'] },
  rset: { code: 250, lines: ['2.1.5 Flushed {sessionId} - gsmtp'] },
  quit: { code: 221, lines: ['2.0.0 closing connection {sessionId} - gsmtp'] },
  help: { code: 214, lines: ['2.0.0  https://www.google.com/search?btnI&q=RFC+5321 {sessionId} - gsmtp'] },
  vrfy: { code: 252, lines: ["2.1.5 Send some mail, I'll try my best {sessionId} - gsmtp"] },
};

/**
 * EHLO keywords of the live service in its order. PLAIN-CLIENTTOKEN and XOAUTH are listed as Gmail
 * lists them, but a client that picks one gets 504 5.7.4 because the lab does not implement them.
 */
const CAPABILITIES_BEFORE_TLS = [`SIZE ${MAX_MESSAGE_BYTES}`, '8BITMIME', 'STARTTLS', 'ENHANCEDSTATUSCODES', 'PIPELINING', 'CHUNKING', 'SMTPUTF8'];
const CAPABILITIES_AFTER_TLS = [`SIZE ${MAX_MESSAGE_BYTES}`, '8BITMIME', 'AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH', 'ENHANCEDSTATUSCODES', 'PIPELINING', 'CHUNKING', 'SMTPUTF8'];

/**
 * JSON of the 334 challenge. XOAUTH2 uses Google's own form: status 401 for a token that is
 * invalid, expired or for another user, status 400 for one without the Gmail scope. OAUTHBEARER
 * uses the RFC 7628 status names.
 */
function bearerChallenge(failure: AuthFailure, mechanism: 'XOAUTH2' | 'OAUTHBEARER'): object | null {
  if (failure === 'malformed') return null;
  const insufficientScope = failure === 'scope';
  if (mechanism === 'OAUTHBEARER') return { status: insufficientScope ? 'insufficient_scope' : 'invalid_token', schemes: 'Bearer', scope: GMAIL_SCOPE };
  return insufficientScope ? { status: '400', schemes: 'Bearer', scope: GMAIL_SCOPE } : { status: '401', schemes: 'bearer mac', scope: GMAIL_SCOPE };
}

export const GMAIL_DIALECT: Dialect = {
  name: 'gmail',
  provider: 'google',
  host: 'smtp.gmail.com',
  connectionNames: () => ({ serverName: 'smtp.gmail.com', serverId: 'smtp.gmail.com', sessionId: gmailSessionId() }),
  greeting: (values) => `smtp.gmail.com ESMTP ${values.sessionId} - gsmtp`,
  capabilities: (secure) => (secure ? CAPABILITIES_AFTER_TLS : CAPABILITIES_BEFORE_TLS),
  mechanisms: ['LOGIN', 'PLAIN', 'XOAUTH2', 'OAUTHBEARER'],
  maxMessageBytes: MAX_MESSAGE_BYTES,
  replies: REPLIES,
  bearerChallenge,
  failureReply: (failure: AuthFailure): ReplyKey => (failure === 'malformed' ? 'authMalformed' : 'authFailed'),
  // A Google access token's audience is the OAuth client id, which any client may have.
  audiences: [],
  requiredScope: GMAIL_SCOPE,
  // App passwords still work for SMTP; the identity provider decides which passwords are valid.
  basicAuth: true,
  foreignFrom: 'rewrite',
  submissionLimits: false,
  receivedHeader: ({ helo, clientAddress, date, sessionId }) => `from ${helo} ([${clientAddress}]) by smtp.gmail.com with ESMTPSA id ${sessionId}; ${date}`,
};

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Makes a session id in the shape Gmail prints before `- gsmtp`, e.g. `5b1f17b1804b1-42cc6f3e0c5sm1234567f8f.12`. */
export function gmailSessionId(random: () => number = Math.random): string {
  const pick = (count: number, alphabet = ID_ALPHABET) => Array.from({ length: count }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  return `${pick(13, '0123456789abcdef')}-${pick(11)}sm${pick(7, '0123456789')}${pick(3)}.${Math.floor(random() * 100)}`;
}
