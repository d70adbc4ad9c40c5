/**
 * The BDAT transaction of one connection (RFC 3030): it collects the chunks of a message, fails
 * the transaction at a chunk that would exceed the size limit, and hands the message to the
 * connection after the chunk marked LAST. chunking.ts reads each chunk off the command parser.
 */
import type { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { readChunk, type BdatArguments } from './chunking';
import type { ReplyKey } from './dialect';

type Callback = () => void;

/** Operations a BDAT transaction uses on its connection. */
export interface ChunkedTransferHost {
  reply(key: ReplyKey): void;
  /** Sends the dialect's reply to a chunk of `size` octets that is not the last. */
  replyChunkAccepted(size: number): void;
  /** Sends a reply in smtp-server's wording, which the connection translates into the dialect's. */
  send(code: number, data: string, context?: string): void;
  /** Submits a whole message; `callback` gets the error to reply with, or none for success. */
  acceptMessage(raw: Buffer, callback: (error?: Error | null) => void): void;
  /** Ends the transaction as smtp-server does after the final reply to DATA. */
  endTransaction(): void;
}

/** A BDAT transaction: the chunks received so far, or the reply of the chunk that failed it. */
interface ChunkedMessage {
  pieces: Buffer[];
  octets: number;
  failure: ReplyKey | null;
}

export class ChunkedTransfer {
  /** The current transaction's chunks; null until its first BDAT. */
  private message: ChunkedMessage | null = null;

  constructor(
    private readonly host: ChunkedTransferHost,
    private readonly maxMessageBytes: number,
  ) {}

  /** Whether the current transaction has had a BDAT, so DATA may not follow (RFC 3030). */
  get started(): boolean {
    return this.message !== null;
  }

  /** Discards the transaction's chunks (RSET, EHLO, a finished message). */
  reset(): void {
    this.message = null;
  }

  /**
   * Reads one chunk and sends its reply. A chunk with a `rejection` (no AUTH, MAIL or RCPT yet)
   * or one that fails the transaction is still read and discarded, so that its octets are never
   * parsed as commands. `next` is the command handler's callback.
   */
  read(parser: SMTPStream, chunk: BdatArguments, rejection: ReplyKey | null, next: Callback): void {
    const failure = rejection ? null : this.failureAt(chunk.size);
    readChunk(parser, chunk.size, !rejection && !failure, next, (octets, resume) => {
      if (rejection) {
        this.host.reply(rejection);
        return resume();
      }
      if (failure) return this.fail(failure, chunk.last, resume);
      this.receive(octets, chunk.last, resume);
    });
  }

  /** Returns the reply that fails the transaction at a chunk of `size` octets, or null. */
  private failureAt(size: number): ReplyKey | null {
    if (this.message?.failure) return this.message.failure;
    if ((this.message?.octets ?? 0) + size > this.maxMessageBytes) return 'messageTooBig';
    return null;
  }

  /**
   * Fails the transaction. The client must send no chunk after a failed one (RFC 3030), but a
   * pipelining client may have sent some already, so they get the same reply until LAST or RSET.
   */
  private fail(failure: ReplyKey, last: boolean, resume: Callback): void {
    this.message = { pieces: [], octets: 0, failure };
    this.host.reply(failure);
    if (last) this.host.endTransaction();
    resume();
  }

  private receive(octets: Buffer, last: boolean, resume: Callback): void {
    const message = this.message ?? { pieces: [], octets: 0, failure: null };
    this.message = message;
    message.pieces.push(octets);
    message.octets += octets.length;
    if (!last) {
      this.host.replyChunkAccepted(octets.length);
      return resume();
    }

    this.host.acceptMessage(Buffer.concat(message.pieces), (error) => {
      // The final reply as smtp-server sends it after DATA, so send() words it the same way.
      if (error) this.host.send((error as Error & { responseCode?: number }).responseCode || 450, error.message);
      else this.host.send(250, 'OK: message queued', 'DATA_OK');
      this.host.endTransaction();
      resume();
    });
  }
}
