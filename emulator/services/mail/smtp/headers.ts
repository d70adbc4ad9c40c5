/**
 * Reading and editing the header block of a raw message (RFC 5322) without touching its body.
 * The header is handled as latin1, so every byte, including 8-bit ones, comes back unchanged.
 */
import addressparser from 'nodemailer/lib/addressparser';

export interface SplitMessage {
  /** Header lines with their CRLF endings, without the empty line that ends them. */
  header: string;
  /** The empty line and the body, as received. */
  rest: Buffer;
}

export function splitMessage(raw: Buffer): SplitMessage {
  const text = raw.toString('latin1');
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) return { header: text.endsWith('\n') || text === '' ? text : `${text}\r\n`, rest: Buffer.alloc(0) };
  const end = match.index + match[0].indexOf('\n') + 1;
  return { header: text.slice(0, end), rest: raw.subarray(end) };
}

export function joinMessage(message: SplitMessage): Buffer {
  return Buffer.concat([Buffer.from(message.header, 'latin1'), message.rest]);
}

/** Header fields in order, each with its raw text (folding kept) and the unfolded value. */
function fields(header: string): { name: string; raw: string; value: string }[] {
  const result: { name: string; raw: string; value: string }[] = [];
  for (const line of header.split(/(?<=\n)/)) {
    if (/^[ \t]/.test(line) && result.length > 0) {
      result[result.length - 1]!.raw += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) result.push({ name: line.slice(0, colon).trim().toLowerCase(), raw: line, value: '' });
  }
  for (const field of result) field.value = field.raw.slice(field.raw.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  return result;
}

export function headerValue(header: string, name: string): string | undefined {
  return fields(header).find((field) => field.name === name.toLowerCase())?.value;
}

/** Returns the addresses of a From (or any address) header, in lower case. */
export function addressesOf(value: string | undefined): string[] {
  if (!value) return [];
  return addressparser(value, { flatten: true })
    .map((entry) => entry.address.trim().toLowerCase())
    .filter((address) => address.length > 0);
}

export function prependField(header: string, name: string, value: string): string {
  return `${name}: ${value}\r\n${header}`;
}

export function appendField(header: string, name: string, value: string): string {
  return `${header}${name}: ${value}\r\n`;
}

/** Replaces every field called `name` with one `name: value` line at the place of the first. */
export function replaceField(header: string, name: string, value: string): string {
  const key = name.toLowerCase();
  let replaced = false;
  return fields(header)
    .map((field) => {
      if (field.name !== key) return field.raw;
      if (replaced) return '';
      replaced = true;
      return `${name}: ${value}\r\n`;
    })
    .join('');
}
