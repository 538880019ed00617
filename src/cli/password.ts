import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

/** The environment variable the logon check's password may come from (never the command line). */
export const PASSWORD_VARIABLE = 'RDP_DOCTOR_PASSWORD';

/**
 * The logon check's password as UTF-16LE bytes (what NTLM hashes), from RDP_DOCTOR_PASSWORD or a
 * prompt on the terminal. Never from argv: a command line is visible to every user of the machine
 * (ps, /proc) and lands in shell history. The caller wipes the buffer when the check is done.
 */
export async function readPassword(io: CliIo, prompt: string): Promise<Buffer> {
  const fromEnv = io.env[PASSWORD_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '') {
    const password = Buffer.from(fromEnv, 'utf16le');
    // Child processes (none today) must not inherit it.
    if (io.env === process.env) delete process.env[PASSWORD_VARIABLE];
    return password;
  }
  const typed = io.readSecret ? await io.readSecret(prompt) : undefined;
  if (typed === undefined)
    throw new UsageError(
      `--user needs the password in ${PASSWORD_VARIABLE} or a terminal to prompt on (it is never taken from the command line)`,
    );
  return typed;
}

/**
 * UTF-8 bytes as UTF-16LE, without a JavaScript string in between (strings cannot be wiped).
 * Malformed sequences become U+FFFD, as a decoder would make them.
 */
export function utf8ToUtf16le(utf8: Uint8Array): Buffer {
  const units: number[] = [];
  for (let index = 0; index < utf8.length;) {
    const lead = utf8[index]!;
    const width = lead < 0x80 ? 1 : lead >= 0xf0 && lead < 0xf8 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
    let codePoint = width === 1 ? lead : width === 2 ? lead & 0x1f : width === 3 ? lead & 0x0f : lead & 0x07;
    let valid = width > 0 && index + width <= utf8.length;
    for (let next = 1; valid && next < width; next++) {
      const byte = utf8[index + next]!;
      if ((byte & 0xc0) !== 0x80) valid = false;
      else codePoint = (codePoint << 6) | (byte & 0x3f);
    }
    if (!valid || codePoint > 0x10ffff) {
      units.push(0xfffd);
      index += 1;
      continue;
    }
    if (codePoint >= 0x10000) {
      const offset = codePoint - 0x10000;
      units.push(0xd800 + (offset >> 10), 0xdc00 + (offset & 0x3ff));
    } else units.push(codePoint);
    index += width;
  }
  const out = Buffer.alloc(units.length * 2);
  units.forEach((unit, position) => out.writeUInt16LE(unit, position * 2));
  units.fill(0);
  return out;
}

/** The UTF-8 length of the last character in `bytes[0, length)`, for backspace. */
function lastCharacterLength(bytes: Uint8Array, length: number): number {
  let start = length - 1;
  while (start > 0 && (bytes[start]! & 0xc0) === 0x80) start--;
  return length - start;
}

/** Longest password the prompt takes (Windows allows 256 characters; UTF-8 needs up to 4 bytes each). */
const MAX_TYPED_BYTES = 1024;

/**
 * Reads a line from the terminal without echo, into a buffer that is wiped afterwards. Enter ends
 * it, Backspace deletes, Ctrl-C or Ctrl-D cancels. Returns undefined when stdin is not a terminal.
 */
export function promptOnTerminal(
  stdin: NodeJS.ReadStream,
  stderr: NodeJS.WriteStream,
  prompt: string,
): Promise<Buffer | undefined> {
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const typed = Buffer.alloc(MAX_TYPED_BYTES);
    let length = 0;
    const finish = (result: Buffer | undefined, error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      typed.fill(0);
      if (error) reject(error);
      else resolve(result);
    };
    const onData = (chunk: Buffer) => {
      for (const byte of chunk) {
        if (byte === 0x0d || byte === 0x0a) {
          finish(utf8ToUtf16le(typed.subarray(0, length)));
          chunk.fill(0);
          return;
        }
        if (byte === 0x03 || byte === 0x04) {
          chunk.fill(0);
          finish(undefined, new UsageError('the password prompt was cancelled'));
          return;
        }
        if (byte === 0x7f || byte === 0x08) {
          if (length > 0) {
            const drop = lastCharacterLength(typed, length);
            typed.fill(0, length - drop, length);
            length -= drop;
          }
          continue;
        }
        if (length >= MAX_TYPED_BYTES) {
          chunk.fill(0);
          finish(undefined, new UsageError(`the password is longer than ${MAX_TYPED_BYTES} bytes`));
          return;
        }
        typed[length++] = byte;
      }
      chunk.fill(0);
    };
    stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
