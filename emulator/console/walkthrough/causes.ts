/**
 * Likely causes of a failed walkthrough step, read from the error texts the router logs. AADSTS
 * codes come with the text of services/microsoft/aadsts.ts and the router's own advice. Google
 * OAuth error names and dyndns2 return codes come with the router's advice too. SMTP replies are
 * those of the emulated Exchange Online and Gmail servers (services/mail/smtp/exchange.ts, gmail.ts).
 */
import { RETURN_CODES } from '../../../firmware/modules/ddns/returnCodes';
import { aadstsCode, adviceFor, ERROR_ADVICE } from '../../../firmware/modules/mail/providers';
import { AADSTS } from '../../services/microsoft/aadsts';

interface SmtpCause {
  /** Matched against the reply text the router logged. */
  pattern: RegExp;
  cause: string;
}

/**
 * SMTP replies the emulated servers send, by enhanced status code and text. The order matters:
 * the first match wins, so the specific 5.7.139 texts come before the general ones.
 */
const SMTP_CAUSES: SmtpCause[] = [
  { pattern: /5\.7\.139 .*disabled for the Tenant/i, cause: 'SMTP AUTH is off for the tenant: turn on SMTP AUTH for the organization in the Entra admin center (Exchange settings).' },
  { pattern: /5\.7\.139 .*disabled for the Mailbox/i, cause: 'SMTP AUTH is off for the sending mailbox: turn on Authenticated SMTP for the user in the Entra admin center (Users).' },
  { pattern: /5\.7\.139/, cause: 'Exchange Online rejected the user name or password: the profile should use OAuth 2.0, not a password.' },
  { pattern: /5\.7\.30/, cause: 'Exchange Online no longer accepts Basic authentication for client submission: set Authentication to OAuth 2.0.' },
  { pattern: /535 5\.7\.3/, cause: 'Exchange Online rejected the access token: the user is blocked, the token lacks SMTP.Send, or the token is of another mailbox than the sender.' },
  { pattern: /5\.7\.8/, cause: 'Gmail rejected the token: it lacks https://mail.google.com/, the account is suspended, or the grant was removed. Authorize the profile again.' },
  { pattern: /5\.7\.60|SendAsDenied|5\.7\.0 Message rejected/i, cause: 'The server refused the Sender Address: it must be the mailbox the profile is authorized as (or one it may send as).' },
  { pattern: /5\.7\.57|5\.7\.0 Authentication Required/i, cause: 'The server got no authentication: check Authentication and the authorization of the profile.' },
  { pattern: /ENOTFOUND|NXDOMAIN|SERVFAIL/, cause: 'The router could not resolve the server name: check the lab DNS (a DNS outage?) and the router\'s WAN.' },
  { pattern: /ETIMEDOUT|timed? ?out/i, cause: 'The connection timed out: the WAN may be down, in an ISP outage, or the server unreachable.' },
  { pattern: /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH/, cause: 'The server could not be reached: check the WAN connection and the SMTP server and port of the profile.' },
];

/** Returns the likely cause of a failed SMTP submission, from the reply or network error text. */
export function smtpCause(message: string): string | undefined {
  const smtp = SMTP_CAUSES.find((entry) => entry.pattern.test(message))?.cause;
  return smtp ?? oauthCauseFromText(message);
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

/** Returns the cause of an error text that names an AADSTS code or an OAuth error, if it does. */
export function oauthCauseFromText(text: string): string | undefined {
  if (aadstsCode(text)) return oauthCause(undefined, text);
  const error = Object.keys(ERROR_ADVICE).find((name) => /^[a-z_]+$/.test(name) && new RegExp(`\\b${name}\\b`).test(text));
  return error ? oauthCause(error, text) : undefined;
}

/** Returns the meaning of a dyndns2 return code and what to do, as the router's DDNS log gives them. */
export function ddnsCause(code: string | undefined): string | undefined {
  const rule = code ? RETURN_CODES[code] : undefined;
  if (!rule || rule.outcome === 'success') return undefined;
  return `${code}: ${rule.meaning}. ${rule.action}.`;
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
}
