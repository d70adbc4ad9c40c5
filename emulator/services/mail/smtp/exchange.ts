/**
 * The Exchange Online SMTP submission dialect (smtp.office365.com:587, STARTTLS before AUTH).
 *
 * The limits, the 432 4.3.2 reply and the delayed delivery above 30 messages a minute follow
 * Microsoft's "Message storage and concurrent connection throttling for SMTP Authenticated
 * Submission" (learn.microsoft.com). The banner, the EHLO keywords and the 535, 550, 530 and 554
 * replies follow the live service.
 * NOTE: the 2xx, 354 and 5.5.x texts are those Exchange Server has long sent. No public document
 * lists them for Exchange Online, so details may differ. The BDAT replies (250 2.6.0 per chunk,
 * 501 5.5.4, 503 5.5.1 and 501 5.5.4 Unsupported BODY type) are the texts of Exchange Server's
 * SmtpResponse class (Microsoft.Exchange.Data.Transport.Smtp).
 */
import { randomBytes } from 'node:crypto';
import type { AuthFailure, Dialect, ReplyCatalogue, ReplyKey, SaslMechanism } from './dialect';

/** SIZE of the live service: 150 MiB. */
const MAX_MESSAGE_BYTES = 157_286_400;

/** Limits of SMTP AUTH submission per mailbox. */
export const EXCHANGE_LIMITS = {
  /** Messages per minute; more are accepted and delivered in later minutes. */
  messagesPerMinute: 30,
  /** Authenticated connections at one time; the next one gets 432 4.3.2. */
  concurrentConnections: 3,
  /** Recipients in any 24 hours (the recipient rate limit); then 554 5.2.0 SubmissionQuotaExceeded. */
  recipientsPerDay: 10_000,
};

const REPLIES: ReplyCatalogue = {
  ehloGreeting: { code: 250, lines: ['{serverName} Hello [{clientAddress}]'] },
  heloGreeting: { code: 250, lines: ['{serverName} Hello [{clientAddress}]'] },
  startTlsReady: { code: 220, lines: ['2.0.0 SMTP server ready'] },
  tlsAlreadyActive: { code: 503, lines: ['5.5.1 Bad sequence of commands'] },
  authSuccess: { code: 235, lines: ['2.7.0 Authentication successful'] },
  authContinue: { code: 334, lines: [''] },
  authLoginUsername: { code: 334, lines: ['VXNlcm5hbWU6'] },
  authLoginPassword: { code: 334, lines: ['UGFzc3dvcmQ6'] },
  // Before STARTTLS the service offers no AUTH at all, so every mechanism is unknown there.
  authBeforeStartTls: { code: 504, lines: ['5.7.4 Unrecognized authentication type [{serverId}]'] },
  authUnknownMechanism: { code: 504, lines: ['5.7.4 Unrecognized authentication type [{serverId}]'] },
  authAlreadyDone: { code: 503, lines: ['5.5.1 Bad sequence of commands'] },
  authAborted: { code: 501, lines: ['5.5.4 Authentication aborted'] },
  authMalformed: { code: 501, lines: ['5.5.124 Invalid XOAUTH2 auth data'] },
  authFailed: { code: 535, lines: ['5.7.3 Authentication unsuccessful [{serverId}]'] },
  authTemporaryFailure: { code: 454, lines: ['4.7.0 Temporary authentication failure [{serverId}]'] },
  passwordRejected: { code: 535, lines: ['5.7.139 Authentication unsuccessful, the user credentials were incorrect. [{serverId}]'] },
  basicAuthDisabled: { code: 550, lines: ['5.7.30 Basic authentication is not supported for Client Submission.'] },
  smtpAuthDisabledTenant: {
    code: 535,
    lines: ['5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [{serverId}]'],
  },
  smtpAuthDisabledMailbox: {
    code: 535,
    lines: ['5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information. [{serverId}]'],
  },
  concurrentConnections: {
    code: 432,
    lines: ['4.3.2 Concurrent connections limit exceeded. Visit https://aka.ms/concurrent_sending for more information. [Hostname={serverId}]'],
  },
  authRequired: { code: 530, lines: ['5.7.57 Client not authenticated to send mail. [{serverId}]'] },
  startTlsRequired: { code: 530, lines: ['5.7.57 Client not authenticated to send mail. [{serverId}]'] },
  mailFromOk: { code: 250, lines: ['2.1.0 Sender OK'] },
  rcptToOk: { code: 250, lines: ['2.1.5 Recipient OK'] },
  dataStart: { code: 354, lines: ['Start mail input; end with <CRLF>.<CRLF>'] },
  chunkAccepted: { code: 250, lines: ['2.6.0 CHUNK received OK, {octets} octets'] },
  invalidChunkArguments: { code: 501, lines: ['5.5.4 Invalid arguments'] },
  // DATA after BDAT, or DATA for a message declared BODY=BINARYMIME.
  badSequence: { code: 503, lines: ['5.5.1 Bad sequence of commands'] },
  unsupportedBodyType: { code: 501, lines: ['5.5.4 Unsupported BODY type'] },
  messageAccepted: { code: 250, lines: ['2.0.0 OK <{messageId}> [Hostname={serverId}]'] },
  messageTooBig: { code: 552, lines: ['5.3.4 Message size exceeds fixed maximum message size'] },
  sendAsDenied: {
    code: 554,
    lines: ['5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message. [Hostname={serverId}]'],
  },
  recipientQuotaExceeded: {
    code: 554,
    lines: ['5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message Cannot submit message. [Hostname={serverId}]'],
  },
  needMail: { code: 503, lines: ['5.5.2 Need mail command'] },
  needRcpt: { code: 503, lines: ['5.5.2 Need rcpt command'] },
  nestedMail: { code: 503, lines: ['5.5.2 Sender already specified'] },
  badSenderSyntax: { code: 501, lines: ['5.1.7 Invalid address'] },
  badRecipientSyntax: { code: 501, lines: ['5.1.3 Invalid address'] },
  needEhlo: { code: 503, lines: ['5.5.2 Send hello first'] },
  unknownCommand: { code: 500, lines: ['5.3.3 Unrecognized command'] },
  syntaxError: { code: 501, lines: ['5.5.4 Invalid arguments'] },
  noop: { code: 250, lines: ['2.0.0 OK'] },
  rset: { code: 250, lines: ['2.0.0 Resetting'] },
  quit: { code: 221, lines: ['2.0.0 Service closing transmission channel'] },
  help: { code: 214, lines: ['2.0.0 This server supports the commands of RFC 5321 and its extensions'] },
  vrfy: { code: 252, lines: ['2.1.5 Cannot VRFY user, but will take message for this user'] },
};

const FAILURE_REPLIES: Record<AuthFailure, ReplyKey> = {
  malformed: 'authMalformed',
  token: 'authFailed',
  scope: 'authFailed',
  password: 'passwordRejected',
  'basic-auth-disabled': 'basicAuthDisabled',
  'smtp-auth-disabled-tenant': 'smtpAuthDisabledTenant',
  'smtp-auth-disabled-mailbox': 'smtpAuthDisabledMailbox',
  'concurrent-connections': 'concurrentConnections',
  'no-identity': 'authFailed',
};

/** EHLO keywords of the live service in its order. */
const CAPABILITIES_BEFORE_TLS = [`SIZE ${MAX_MESSAGE_BYTES}`, 'PIPELINING', 'DSN', 'ENHANCEDSTATUSCODES', 'STARTTLS', '8BITMIME', 'BINARYMIME', 'CHUNKING', 'SMTPUTF8'];
const CAPABILITIES_AFTER_TLS = [`SIZE ${MAX_MESSAGE_BYTES}`, 'PIPELINING', 'DSN', 'ENHANCEDSTATUSCODES', 'AUTH LOGIN XOAUTH2', '8BITMIME', 'BINARYMIME', 'CHUNKING', 'SMTPUTF8'];

export const EXCHANGE_DIALECT: Dialect = {
  name: 'exchange',
  provider: 'microsoft',
  host: 'smtp.office365.com',
  connectionNames: () => ({ ...exchangeServerNames(), sessionId: randomBytes(8).toString('hex') }),
  greeting: (values) => `${values.serverName} Microsoft ESMTP MAIL Service ready at ${values.date}`,
  capabilities: (secure) => (secure ? CAPABILITIES_AFTER_TLS : CAPABILITIES_BEFORE_TLS),
  mechanisms: ['LOGIN', 'XOAUTH2'],
  maxMessageBytes: MAX_MESSAGE_BYTES,
  replies: REPLIES,
  // Exchange sends no JSON challenge: a rejected token gets its final reply at once.
  bearerChallenge: () => null,
  failureReply: (failure: AuthFailure, mechanism: SaslMechanism) => (failure === 'malformed' && mechanism !== 'XOAUTH2' ? 'syntaxError' : FAILURE_REPLIES[failure]),
  // The v2 audience of Exchange Online, its older host form, and the Exchange app id of v1 tokens.
  audiences: ['https://outlook.office.com', 'https://outlook.office365.com', '00000002-0000-0ff1-ce00-000000000000'],
  requiredScope: 'SMTP.Send',
  // Exchange Online rejects Basic auth for client submission with 550 5.7.30 since its 2026 retirement.
  basicAuth: false,
  foreignFrom: 'reject',
  submissionLimits: true,
  receivedHeader: ({ helo, clientAddress, serverName, date }) => `from ${helo} (${clientAddress}) by ${serverName} with Microsoft SMTP Server; ${date}`,
};

const SERVER_PREFIXES = ['AM0PR02', 'DB9PR01', 'VI1PR08', 'SN4PR0501', 'BN9PR03', 'CH2PR12'];
const REGIONS: Record<string, string> = { AM: 'eurprd', DB: 'eurprd', VI: 'eurprd', SN: 'namprd', BN: 'namprd', CH: 'namprd' };

/** Makes a front-end server name in the live service's pattern, e.g. `AM0PR02CA0123`. */
export function exchangeServerNames(random: () => number = Math.random): { serverName: string; serverId: string } {
  const prefix = SERVER_PREFIXES[Math.floor(random() * SERVER_PREFIXES.length)]!;
  const machine = `${prefix}CA${String(Math.floor(random() * 10_000)).padStart(4, '0')}`;
  const pod = prefix.match(/PR(\d{2})/)?.[1] ?? '01';
  return { serverName: `${machine}.outlook.office365.com`, serverId: `${machine}.${REGIONS[prefix.slice(0, 2)] ?? 'namprd'}${pod}.prod.outlook.com` };
}
