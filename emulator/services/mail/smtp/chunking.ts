/**
 * RFC 3030 CHUNKING for smtp-server, which has no BDAT: parsing of `BDAT <size> [LAST]`, and a
 * byte-count mode for the library's command parser (SMTPStream). In that mode the parser hands
 * over exactly the chunk's octets, with no dot-stuffing and no end marker, and then reads commands
 * again from the octet after the chunk.
 * NOTE: the byte-count mode relies on SMTPStream internals of smtp-server 3.21. While `_dataMode`
 * is true, `_write()` passes all input to `_feedDataStream()`, which this module replaces on the
 * parser instance for one chunk. `_write()` in command mode parses lines. The tests in
 * test/services/mail/chunking.test.ts fail if an update of smtp-server changes this.
 */
import type { SMTPStream } from 'smtp-server/lib/smtp-stream.js';

export interface BdatArguments {
  /** Chunk size in octets. */
  size: number;
  /** Whether the chunk ends the message (`LAST`). */
  last: boolean;
}

/**
 * Parses the arguments of a BDAT command line. Returns null for a missing or non-numeric size, a
 * size above Number.MAX_SAFE_INTEGER, or a second argument other than LAST.
 */
export function parseBdat(command: Buffer): BdatArguments | null {
  const [, size = '', marker, ...extra] = command.toString('latin1').trim().split(/\s+/);
  if (!/^\d+$/.test(size) || extra.length > 0) return null;
  if (marker !== undefined && marker.toUpperCase() !== 'LAST') return null;
  const octets = Number(size);
  if (!Number.isSafeInteger(octets)) return null;
  return { size: octets, last: marker !== undefined };
}

type Feed = SMTPStream['_feedDataStream'];

/**
 * Reads the next `size` octets of the parser's input as one chunk, across any number of TCP
 * segments. `keep` false only counts them, for a chunk that is rejected. Call it from a command
 * handler in place of the handler's callback `next`. `receive` gets the chunk and must call
 * `resume` once its reply is sent, so that replies to pipelined commands keep their order.
 */
export function readChunk(parser: SMTPStream, size: number, keep: boolean, next: () => void, receive: (chunk: Buffer, resume: () => void) => void): void {
  if (size === 0) {
    // No octets follow, and the parser only feeds a data mode when input arrives, so the chunk is
    // complete now and the parser goes on with the next command line after `resume`.
    receive(Buffer.alloc(0), next);
    return;
  }

  const pieces: Buffer[] = [];
  let remaining = size;
  const feed: Feed = (input, done) => {
    const consumed = Math.min(remaining, input.length);
    if (keep) pieces.push(input.subarray(0, consumed));
    remaining -= consumed;
    if (remaining > 0) {
      done();
      return;
    }

    // Back to command mode: the prototype's _feedDataStream serves DATA again.
    Reflect.deleteProperty(parser, '_feedDataStream');
    parser._dataMode = false;
    const rest = input.subarray(consumed);
    // setImmediate keeps the stack flat when many chunks arrive pipelined in one segment.
    receive(Buffer.concat(pieces), () => setImmediate(() => parser._write(rest, 'buffer', done)));
  };
  (parser as { _feedDataStream: Feed })._feedDataStream = feed;
  parser._dataMode = true;

  // The parser checks _dataMode before it reads the next line, and passes it the rest of the
  // current input, so the chunk's first octets never reach the command parser.
  next();
}
