/**
 * The traits that make one provider's SMTP submission server sound like that provider: its banner,
 * EHLO capabilities before and after TLS, SASL mechanisms, reply catalogue, and its reply to a
 * failed authentication. exchange.ts and gmail.ts each fill one of these in.
 */
import type { IdentityProviderName } from '../../identity/contract';

/** One SMTP reply: its code and the text of each line, without the code. */
export interface ReplyTemplate {
  code: number;
  /** Text lines; `{name}` placeholders are filled from the connection's ReplyValues. */
  lines: string[];
}

/** Values a connection fills into reply templates. */
export interface ReplyValues {
  /** Host name the server calls itself, e.g. `AM0PR02CA0123.outlook.office365.com`. */
  serverName: string;
  /** Server id in bracketed diagnostics, e.g. `AM0PR02CA0123.eurprd02.prod.outlook.com`. */
  serverId: string;
  /** Per-connection id Gmail puts before `- gsmtp`. */
  sessionId: string;
  /** Client address on the lab Internet, e.g. `192.0.2.100`. */
  clientAddress: string;
  /** RFC 2822 date of lab time. */
  date: string;
  /** Unix seconds of lab time. */
  unixTime: string;
  /** Message-ID of the message just accepted, without angle brackets. */
  messageId: string;
  /** Size in octets of the BDAT chunk just received. */
  octets: string;
}

/** Every reply a dialect must provide. Keys name the situation, not the text. */
export type ReplyKey =
  | 'ehloGreeting'
  | 'heloGreeting'
  | 'startTlsReady'
  | 'tlsAlreadyActive'
  | 'authSuccess'
  | 'authContinue'
  | 'authLoginUsername'
  | 'authLoginPassword'
  | 'authBeforeStartTls'
  | 'authUnknownMechanism'
  | 'authAlreadyDone'
  | 'authAborted'
  | 'authMalformed'
  | 'authFailed'
  | 'authTemporaryFailure'
  | 'passwordRejected'
  | 'basicAuthDisabled'
  | 'smtpAuthDisabledTenant'
  | 'smtpAuthDisabledMailbox'
  | 'concurrentConnections'
  | 'authRequired'
  | 'startTlsRequired'
  | 'mailFromOk'
  | 'rcptToOk'
  | 'dataStart'
  | 'chunkAccepted'
  | 'invalidChunkArguments'
  | 'badSequence'
  | 'unsupportedBodyType'
  | 'messageAccepted'
  | 'messageTooBig'
  | 'sendAsDenied'
  | 'recipientQuotaExceeded'
  | 'needMail'
  | 'needRcpt'
  | 'nestedMail'
  | 'badSenderSyntax'
  | 'badRecipientSyntax'
  | 'needEhlo'
  | 'unknownCommand'
  | 'syntaxError'
  | 'noop'
  | 'rset'
  | 'quit'
  | 'help'
  | 'vrfy';

export type ReplyCatalogue = Record<ReplyKey, ReplyTemplate>;

/** Reason a SASL exchange failed, in the terms a dialect chooses its reply by. */
export type AuthFailure =
  /** The blob is not base64 or lacks `user=` / `auth=Bearer`. */
  | 'malformed'
  /** The token was rejected: signature, expiry, audience, scope, user, tenant or account. */
  | 'token'
  /** The token is valid but lacks the scope the server needs (Gmail replies with status 400). */
  | 'scope'
  /** A password that the identity provider rejects. */
  | 'password'
  | 'basic-auth-disabled'
  | 'smtp-auth-disabled-tenant'
  | 'smtp-auth-disabled-mailbox'
  | 'concurrent-connections'
  /** No identity provider is running in the lab, so nothing can be checked. */
  | 'no-identity';

export type SaslMechanism = 'LOGIN' | 'PLAIN' | 'XOAUTH2' | 'OAUTHBEARER';

export interface Dialect {
  /** Short name for logs: `exchange` or `gmail`. */
  name: string;
  provider: IdentityProviderName;
  /** Host name of the SMTP service, also the certificate's name. */
  host: string;
  /** Server name, server id and session id for one new connection. */
  connectionNames(): { serverName: string; serverId: string; sessionId: string };
  /** Greeting line after `220 ` on connect. */
  greeting(values: ReplyValues): string;
  /** EHLO keywords after the greeting line, in the provider's order. */
  capabilities(secure: boolean): string[];
  /** Mechanisms accepted after TLS; a mechanism missing here gets authUnknownMechanism. */
  mechanisms: SaslMechanism[];
  /** Maximum message size in bytes, as advertised with SIZE. */
  maxMessageBytes: number;
  replies: ReplyCatalogue;
  /**
   * Gmail's way of failing a bearer token: a `334` challenge with this base64 JSON, and the final
   * reply after the client's next line. Null for a server that fails at once.
   */
  bearerChallenge(failure: AuthFailure, mechanism: 'XOAUTH2' | 'OAUTHBEARER'): object | null;
  /** The reply for an authentication failure that gets no challenge. */
  failureReply(failure: AuthFailure, mechanism: SaslMechanism): ReplyKey;
  /** Audiences an access token must carry; an empty list accepts any (Google: the client id). */
  audiences: string[];
  /** Scope an access token must grant, compared by suffix so both `SMTP.Send` and its full URI match. */
  requiredScope: string;
  /** Whether the server accepts AUTH LOGIN / PLAIN with the account's password. */
  basicAuth: boolean;
  /** Treatment of a From header that is neither the account nor one of its Send As addresses. */
  foreignFrom: 'reject' | 'rewrite';
  /** Whether this provider enforces the Exchange Online submission limits. */
  submissionLimits: boolean;
  /** Builds the Received header the server prepends to every accepted message. */
  receivedHeader(details: { helo: string; clientAddress: string; serverName: string; date: string; sessionId: string; secure: boolean }): string;
}

/** Fills `{name}` placeholders; unknown names are left as they are. */
export function renderLines(template: ReplyTemplate, values: ReplyValues): string[] {
  return template.lines.map((line) => line.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? values[name as keyof ReplyValues] : match)));
}
