/**
 * Likely causes of a failed walkthrough step, read from the error texts the router logs. Each cause
 * names what went wrong and what to check, and the step's detail keeps the raw error. AADSTS codes come
 * with the text of services/microsoft/aadsts.ts and the router's own advice. Google OAuth error
 * names and dyndns2 return codes come with the router's advice too. SMTP replies are those of the
 * emulated Exchange Online and Gmail servers (services/mail/smtp/exchange.ts, gmail.ts).
 */
import { RETURN_CODES } from '../../../firmware/modules/ddns/returnCodes';
import { aadstsCode, adviceFor, ERROR_ADVICE } from '../../../firmware/modules/mail/providers';
import { AADSTS } from '../../services/microsoft/aadsts';

interface TextCause {
  /** Matched against the error text the router logged. */
  pattern: RegExp;
  /** The cause and what to check. A function reads details, such as a date, from the match. */
  cause: string | ((match: RegExpExecArray) => string);
}

const TIME_SETTINGS = 'Compare the time in System Maintenance >> System Status with the real time, and check that an NTP server answers in System Maintenance >> Time and Date.';

/**
 * Network and TLS failures of any connection the router opens: DDNS updates, token requests and
 * SMTP. The certificate texts are those of firmware/http.ts, which checks a certificate's validity
 * period against the router's clock.
 */
const NETWORK_CAUSES: TextCause[] = [
  {
    pattern: /CERT_NOT_YET_VALID|certificate is not yet valid/,
    cause: (match) => `The router's clock is wrong${clockDate(match)}: it is earlier than the server certificate's start date, so every TLS connection fails. ${TIME_SETTINGS}`,
  },
  {
    pattern: /CERT_HAS_EXPIRED|certificate has expired/,
    cause: (match) => `The router's clock is probably wrong${clockDate(match)}: it is later than the server certificate's end date, so every TLS connection fails. ${TIME_SETTINGS}`,
  },
  { pattern: /SERVFAIL/, cause: 'The DNS server failed the lookup (SERVFAIL), so the router cannot resolve the server name. Check the lab DNS (a DNS outage?) and the DNS servers of the router\'s WAN.' },
  { pattern: /ENOTFOUND|NXDOMAIN/, cause: 'The server name does not exist in DNS (NXDOMAIN). Check the server name in the router\'s settings.' },
  { pattern: /ETIMEDOUT|timed? ?out/i, cause: 'The connection timed out: the WAN may be down or in an ISP outage, or the server unreachable. Check the WAN in Online Status >> Physical Connection.' },
  { pattern: /EHOSTUNREACH|ENETUNREACH/, cause: 'The server is unreachable from the router. Check the WAN in Online Status >> Physical Connection.' },
];

/** Refused connections, one entry per service, because the setting to check differs. */
const SMTP_REFUSED: TextCause = {
  pattern: /ECONNREFUSED|Connection refused/i,
  cause: 'The SMTP server refused the connection: nothing listens on that port, because the server is down or the profile names the wrong server or port. Check SMTP Server and SMTP Port of the profile; if they are right, the provider\'s server is down.',
};
const OTHER_REFUSED: TextCause = { pattern: SMTP_REFUSED.pattern, cause: 'The server refused the connection: nothing listens on its port. Check the router\'s WAN and try again later.' };

/**
 * SMTP replies the emulated servers send, by enhanced status code and text. The order matters:
 * the first match wins, so the specific 5.7.139 texts come before the general ones.
 */
const SMTP_CAUSES: TextCause[] = [
  { pattern: /5\.7\.139 .*disabled for the Tenant/i, cause: 'SMTP AUTH is off for the tenant: turn on SMTP AUTH for the organization in the Entra admin center (Exchange settings).' },
  { pattern: /5\.7\.139 .*disabled for the Mailbox/i, cause: 'SMTP AUTH is off for the sending mailbox: turn on Authenticated SMTP for the user in the Entra admin center (Users).' },
  { pattern: /5\.7\.139/, cause: 'Exchange Online rejected the user name or password: the profile should use OAuth 2.0, not a password.' },
  { pattern: /5\.7\.30/, cause: 'Exchange Online no longer accepts Basic authentication for client submission: set Authentication to OAuth 2.0.' },
  { pattern: /535 5\.7\.3/, cause: 'Exchange Online rejected the access token: the user is blocked, the token lacks SMTP.Send, or the token is of another mailbox than the sender.' },
  { pattern: /5\.7\.8/, cause: 'Gmail rejected the token: it lacks https://mail.google.com/, the account is suspended, or the grant was removed. Authorize the profile again.' },
  { pattern: /5\.7\.60|SendAsDenied|5\.7\.0 Message rejected/i, cause: 'The server refused the Sender Address: it must be the mailbox the profile is authorized as (or one it may send as).' },
  { pattern: /5\.7\.57|5\.7\.0 Authentication Required/i, cause: 'The server got no authentication: check Authentication and the authorization of the profile.' },
];

/**
 * Causes of the dyndns2 return codes a trainee meets, in the words of the DDNS page. Other codes
 * fall back to the meaning and action of RETURN_CODES.
 */
const DDNS_SETUP = 'Applications >> Dynamic DNS Setup';
const DDNS_CAUSES: Record<string, string> = {
  '911': 'The DDNS provider is in maintenance (it replied 911). The router retries in 10 minutes, and the name keeps its old address meanwhile. Nothing on the router needs changing.',
  dnserr: 'The DDNS provider had a DNS error (it replied dnserr). The router retries in 10 minutes, and nothing on the router needs changing.',
  badauth: `The DDNS login or password is wrong (the provider replied badauth). Check Login Name and Password in ${DDNS_SETUP}, then save the account.`,
  nohost: `The host name does not exist in this DDNS account (the provider replied nohost). Check Domain Name in ${DDNS_SETUP}, or create the host name at the provider.`,
  abuse: `The provider blocked the host name for abuse, too many updates (it replied abuse), and the router stopped updating. Raise the update interval in ${DDNS_SETUP}, then have the provider unblock the host name.`,
};

function clockDate(match: RegExpExecArray): string {
  const shows = /router's clock shows (\d{4}-\d{2}-\d{2})/.exec(match.input);
  return shows ? ` (it shows ${shows[1]})` : '';
}

function firstCause(table: TextCause[], text: string): string | undefined {
  for (const entry of table) {
    const match = entry.pattern.exec(text);
    if (match) return typeof entry.cause === 'string' ? entry.cause : entry.cause(match);
  }
  return undefined;
}

/** Returns the likely cause of a failed connection (TLS, DNS, timeout, refused), if the text shows one. */
export function networkCause(message: string): string | undefined {
  return firstCause([...NETWORK_CAUSES, OTHER_REFUSED], message);
}

/** Returns the likely cause of a failed SMTP submission, from the reply or network error text. */
export function smtpCause(message: string): string | undefined {
  return firstCause([...SMTP_CAUSES, ...NETWORK_CAUSES, SMTP_REFUSED], message) ?? oauthCauseFromText(message);
}

/**
 * Returns the likely cause of an OAuth failure: the AADSTS catalogue's text for the code, with the
 * router's advice, or the advice for a Google (or generic OAuth) error name.
 */
export function oauthCause(error: string | undefined, description: string | undefined): string {
  const code = aadstsCode(description);
  const entry = code ? AADSTS.find((candidate) => String(candidate.code) === code) : undefined;
  const advice = adviceFor(error, description);
  if (!entry) return advice;
  return `AADSTS${entry.code}: ${firstSentence(entry.message)} ${advice}`;
}

/**
 * Returns the cause of an error text that names an AADSTS code or an OAuth error, or else of the
 * network failure it shows, if it does.
 */
export function oauthCauseFromText(text: string): string | undefined {
  if (aadstsCode(text)) return oauthCause(undefined, text);
  const error = Object.keys(ERROR_ADVICE).find((name) => /^[a-z_]+$/.test(name) && new RegExp(`\\b${name}\\b`).test(text));
  return error ? oauthCause(error, text) : networkCause(text);
}

/**
 * Returns the likely cause of a DDNS account that retries or stopped: the network failure its
 * message shows, else the cause of the provider's return code.
 */
export function ddnsCause(state: { message: string; lastCode?: string }): string | undefined {
  // A network failure leaves lastCode at the previous reply's code, so the message decides.
  if (state.message.startsWith('Network error: ')) return networkCause(state.message);
  const code = state.lastCode;
  if (code && DDNS_CAUSES[code]) return DDNS_CAUSES[code];
  const rule = code ? RETURN_CODES[code] : undefined;
  if (!rule || rule.outcome === 'success') return undefined;
  return `${rule.meaning.charAt(0).toUpperCase()}${rule.meaning.slice(1)} (the provider replied ${code}). ${rule.action}.`;
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
}
