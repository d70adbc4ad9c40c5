/**
 * Sending mail from a profile with nodemailer's SMTP transport, connected through the HAL uplink:
 * STARTTLS or implicit TLS trusting the router's CAs, and XOAUTH2 whose token comes from the mail
 * module (nodemailer asks once more with `renew` when the server rejects the token).
 */
import nodemailer from 'nodemailer';
import type { RouterHardware } from '../../../hal';
import { routerTlsOptions } from '../../http';
import type { MailProfile } from './schema';

export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  /** Message-ID to use, so that a retried alert keeps its identity. */
  messageId?: string;
}

export interface SendResult {
  /** The server's final reply, e.g. `250 2.0.0 OK <id> [Hostname=...]`. */
  response: string;
  messageId: string;
  accepted: string[];
}

/** Supplies an access token for XOAUTH2; `renew` asks for a fresh one after a rejection. */
export type TokenProvider = (renew: boolean) => Promise<{ user: string; accessToken: string }>;

/** Host time to wait for each SMTP step; a dead server must not hold an alert forever. */
const SMTP_TIMEOUT_MS = 30_000;

export async function sendMail(hardware: RouterHardware, profile: MailProfile, mail: OutgoingMail, tokens?: TokenProvider): Promise<SendResult> {
  const auth = await authOptions(profile, tokens);
  const transport = nodemailer.createTransport({
    host: profile.smtpServer,
    port: profile.smtpPort,
    secure: profile.security === 'ssl',
    requireTLS: profile.security === 'starttls',
    ignoreTLS: profile.security === 'none',
    auth,
    tls: { ...routerTlsOptions(hardware), servername: profile.smtpServer },
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
    // Every connection leaves through the router's WAN.
    getSocket: (_options: unknown, callback: (error: Error | null, socketOptions?: { connection: unknown }) => void) => {
      hardware.uplink.openConnection(profile.smtpServer, profile.smtpPort).then(
        (connection) => callback(null, { connection }),
        (error: Error) => callback(error),
      );
    },
  } as never);

  try {
    const info = await transport.sendMail({
      from: profile.sender,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
    });
    return { response: String(info.response), messageId: String(info.messageId), accepted: (info.accepted as unknown[]).map(String) };
  } finally {
    transport.close();
  }
}

async function authOptions(profile: MailProfile, tokens?: TokenProvider): Promise<Record<string, unknown> | undefined> {
  if (profile.auth === 'none') return undefined;
  if (profile.auth === 'password') return { user: profile.username, pass: profile.password };
  if (!tokens) throw new Error('The profile uses OAuth 2.0 but no token provider was given');
  const first = await tokens(false);
  return {
    type: 'OAuth2',
    user: first.user,
    accessToken: first.accessToken,
    // nodemailer calls this when it needs a token again, with renew=true after a rejected one.
    provisionCallback: (_user: string, renew: boolean, callback: (error: Error | null, accessToken?: string) => void) => {
      tokens(renew).then(
        (next) => callback(null, next.accessToken),
        (error: Error) => callback(error),
      );
    },
  };
}
