/**
 * The BDAT byte-count mode on smtp-server's own command parser (SMTPStream), without a server.
 * These tests fail if an update of smtp-server changes the parser internals that chunking.ts
 * relies on: `_dataMode`, `_feedDataStream()` and `_write()`.
 */
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { parseBdat, readChunk } from '../../../emulator/services/mail/smtp/chunking';

/**
 * Writes each element of `writes` to a new parser as a separate write, and returns what the
 * parser produced in order: `command <line>` for each command line, `chunk <octets>` for each chunk.
 */
async function parse(writes: (string | Buffer)[]): Promise<{ events: string[]; parser: SMTPStream }> {
  const parser = new SMTPStream();
  const events: string[] = [];
  parser.oncommand = (command, next) => {
    events.push(`command ${command.toString('latin1')}`);
    const bdat = parseBdat(command);
    if (!bdat || !next) return next?.();
    readChunk(parser, bdat.size, true, next, (chunk, resume) => {
      events.push(`chunk ${chunk.toString('latin1')}`);
      resume();
    });
  };
  for (const data of writes) parser.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  await new Promise<void>((resolve) => parser.end(resolve));
  return { events, parser };
}

describe('parseBdat', () => {
  test.each([
    ['BDAT 10', { size: 10, last: false }],
    ['BDAT 0 LAST', { size: 0, last: true }],
    ['bdat 5 last', { size: 5, last: true }],
  ])('%s is valid', (line, expected) => {
    expect(parseBdat(Buffer.from(line))).toEqual(expected);
  });

  test.each(['BDAT', 'BDAT x', 'BDAT -1', 'BDAT 1.5', 'BDAT 10 FIRST', 'BDAT 10 LAST more', 'BDAT 99999999999999999999'])('%s is invalid', (line) => {
    expect(parseBdat(Buffer.from(line))).toBeNull();
  });
});

describe('readChunk on SMTPStream', () => {
  test('chunk split across writes is exact', async () => {
    const chunk = 'Subject: x\r\n\r\n.\r\nQUIT\r\n..\r\n';
    const { events } = await parse([`BDAT ${chunk.length}\r\nSub`, 'ject: x\r\n\r\n.', '\r\nQUIT\r\n..\r\nNO', 'OP\r\n']);
    expect(events).toEqual([`command BDAT ${chunk.length}`, `chunk ${chunk}`, 'command NOOP']);
  });

  test('pipelined chunks in one write', async () => {
    const { events } = await parse(['BDAT 3\r\nabcBDAT 4 LAST\r\nde\r\nNOOP\r\n']);
    expect(events).toEqual(['command BDAT 3', 'chunk abc', 'command BDAT 4 LAST', 'chunk de\r\n', 'command NOOP']);
  });

  test('zero-size chunk reads no octets', async () => {
    const { events } = await parse(['BDAT 0 LAST\r\nNOOP\r\n']);
    expect(events).toEqual(['command BDAT 0 LAST', 'chunk ', 'command NOOP']);
  });

  test('binary octets pass unchanged', async () => {
    const binary = Buffer.from([0x00, 0xff, 0x0a, 0x0d, 0x2e, 0x0d, 0x0a, 0x2e, 0x0d, 0x0a, 0x80]);
    const received: Buffer[] = [];
    const parser = new SMTPStream();
    parser.oncommand = (command, next) => {
      const bdat = parseBdat(command);
      if (!bdat || !next) return next?.();
      readChunk(parser, bdat.size, true, next, (chunk, resume) => {
        received.push(chunk);
        resume();
      });
    };
    parser.write(Buffer.concat([Buffer.from(`BDAT ${binary.length} LAST\r\n`), binary.subarray(0, 4)]));
    parser.write(binary.subarray(4));
    await new Promise<void>((resolve) => parser.end(resolve));
    expect(received).toHaveLength(1);
    expect(received[0]!.equals(binary)).toBe(true);
  });

  test('parser returns to command mode', async () => {
    const { parser } = await parse(['BDAT 2\r\nab']);
    expect(parser._dataMode).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(parser, '_feedDataStream')).toBe(false);
  });

  test('DATA still works after a chunk', async () => {
    const parser = new SMTPStream();
    const messages: string[] = [];
    parser.oncommand = (command, next) => {
      const bdat = parseBdat(command);
      if (bdat && next) {
        readChunk(parser, bdat.size, true, next, (_chunk, resume) => resume());
        return;
      }
      if (command.toString() === 'DATA') {
        const stream = parser.startDataMode();
        const parts: Buffer[] = [];
        stream.on('data', (part: Buffer) => parts.push(part));
        stream.on('end', () => {
          messages.push(Buffer.concat(parts).toString('latin1'));
          parser.continue();
        });
      }
      next?.();
    };
    parser.write(Buffer.from('BDAT 2\r\nabDATA\r\nline\r\n..dot\r\n.\r\n'));
    await new Promise<void>((resolve) => parser.end(resolve));
    expect(messages).toEqual(['line\r\n.dot\r\n']);
  });
});
