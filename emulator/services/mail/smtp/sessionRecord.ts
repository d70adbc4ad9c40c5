/**
 * The lab timeline's summary of one SMTP session: its dialogue, how AUTH went, how many messages
 * were accepted and the last reply. The connection notes each step and records the summary when
 * the session closes.
 */
import type { SaslMechanism } from './dialect';
import type { SmtpContext } from './context';

/** Lines of one session's dialogue kept for the timeline; a longer session keeps its first lines. */
const MAX_DIALOGUE_LINES = 60;

/** The connection's state when it closes, as the timeline entry names it. */
export interface ClosedSession {
  clientAddress: string;
  localPort: number;
  secure: boolean;
  /** Address the client authenticated as, or null. */
  user: string | null;
}

export class SessionRecord {
  /**
   * The session's commands and replies. AUTH shows its mechanism only and the SASL exchange after
   * it is left out, so no password or token is kept.
   */
  private readonly dialogue: string[] = [];
  private authOutcome = 'no AUTH';
  private accepted = 0;
  private lastReply = '';

  note(line: string): void {
    if (this.dialogue.length < MAX_DIALOGUE_LINES) this.dialogue.push(line.length > 200 ? `${line.slice(0, 200)}...` : line);
  }

  /** Notes the code and first line of a reply sent. */
  replied(code: number, data?: string | string[] | null): void {
    const first = Array.isArray(data) ? data[0] : data;
    this.lastReply = `${code}${first ? ` ${first}` : ''}`;
    this.note(`S: ${this.lastReply}`);
  }

  authSucceeded(mechanism: SaslMechanism, address: string): void {
    this.authOutcome = `AUTH ${mechanism} as ${address} succeeded`;
  }

  authFailed(mechanism: SaslMechanism, user: string | null, failure: string, detail: string): void {
    this.authOutcome = `AUTH ${mechanism}${user ? ` as ${user}` : ''} failed (${failure}: ${detail})`;
  }

  messageAccepted(): void {
    this.accepted += 1;
  }

  /** Records the session in the lab timeline: who connected, how AUTH went, what was accepted. */
  addToTimeline(context: SmtpContext, session: ClosedSession): void {
    const { timeline, routerAt, dialect } = context;
    if (!timeline) return;
    const router = routerAt?.(session.clientAddress);
    const server = `${dialect.host}:${session.localPort}`;
    const messages = this.accepted === 1 ? '1 message accepted' : `${this.accepted} messages accepted`;
    timeline.record({
      protocol: 'smtp',
      router,
      from: router ? `${router} (${session.clientAddress})` : session.clientAddress,
      to: server,
      summary: `SMTP session to ${server}: ${this.authOutcome}, ${messages}, last reply ${this.lastReply.slice(0, 80)}`,
      detail: { server, client: session.clientAddress, dialect: dialect.name, tls: session.secure, auth: this.authOutcome, user: session.user, messagesAccepted: this.accepted, dialogue: [...this.dialogue] },
    });
  }
}
