/**
 * `.reg` files, as `reg export` and regedit write them and as admins write them by hand:
 *
 *   Windows Registry Editor Version 5.00        (UTF-16LE with BOM; REGEDIT4 files are ANSI)
 *
 *   [HKEY_LOCAL_MACHINE\SYSTEM\...\RDP-Tcp]      a key; [-KEY] deletes it
 *   "PortNumber"=dword:00000d3d                  "name"=data; @=data is the default value
 *   "Hash"=hex:01,02,\                           hex data continues on lines ending in '\'
 *     03
 *   "Old"=-                                      deletes the value
 *
 * A line that cannot be read is a damage note and the rest of the file is read; a file without
 * the header is not a .reg file at all (RegFormatError).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { RegistryValueType } from './state/collect-document.js';
import { canonicalRegistryKey } from './state/registry-key.js';
import type { RegistryKeyRecord, RegistryValue } from './state/types.js';
import type { Damage } from './types.js';

/** Far above any export of the keys rdp-doctor reads (a few KiB), far below what would strain memory. */
export const MAX_REG_BYTES = 64 * 1024 * 1024;

export type RegFormat = 'regedit5' | 'regedit4';
export type RegEncoding = 'utf-16le' | 'utf-8' | 'windows-1252';

export interface RegFile {
  readonly format: RegFormat;
  readonly encoding: RegEncoding;
  /** One record per key, in file order; a key listed twice has its values merged (later wins). */
  readonly keys: RegistryKeyRecord[];
  readonly damage: Damage[];
}

export class RegFormatError extends Error {
  constructor(
    readonly code: 'not-reg' | 'too-large',
    message: string,
  ) {
    super(message);
    this.name = 'RegFormatError';
  }
}

const HEADERS: Readonly<Record<string, RegFormat>> = {
  'windows registry editor version 5.00': 'regedit5',
  regedit4: 'regedit4',
};

function decodeRegBytes(bytes: Uint8Array): { text: string; encoding: RegEncoding } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  // UTF-16LE that lost its BOM (copied through a tool that strips it): ASCII text has every odd byte 0.
  if (bytes.length >= 2 && bytes[0] !== 0 && bytes[1] === 0)
    return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // REGEDIT4 files are in the ANSI code page; Western Windows is 1252.
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/** A quoted string from `start` (at its opening quote): its text and the index after the closing quote. */
function readQuoted(line: string, start: number): { text: string; end: number } | undefined {
  let text = '';
  for (let index = start + 1; index < line.length; index++) {
    const char = line[index]!;
    if (char === '"') return { text, end: index + 1 };
    if (char === '\\' && index + 1 < line.length) {
      const next = line[index + 1]!;
      // regedit escapes only these two; any other backslash is kept as written.
      if (next === '\\' || next === '"') {
        text += next;
        index++;
        continue;
      }
    }
    text += char;
  }
  return undefined;
}

/** Only whitespace or a ';' comment may follow data. */
function isTrailerClean(rest: string): boolean {
  const trimmed = rest.trim();
  return trimmed === '' || trimmed.startsWith(';');
}

function parseHexBytes(list: string): Uint8Array | string {
  const cleaned = list.replace(/\s+/g, '').replace(/,$/, '');
  if (cleaned === '') return new Uint8Array(0);
  const parts = cleaned.split(',');
  const bytes = new Uint8Array(parts.length);
  for (const [index, part] of parts.entries()) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(part)) return `bad hex byte '${part.slice(0, 16)}'`;
    bytes[index] = Number.parseInt(part, 16);
  }
  return bytes;
}

const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Windows strings in hex(1)/hex(2)/hex(7): UTF-16LE in REGEDIT5 files, ANSI in REGEDIT4. */
function decodeRegString(bytes: Uint8Array, format: RegFormat): string {
  const usable = format === 'regedit5' ? bytes.subarray(0, bytes.length - (bytes.length % 2)) : bytes;
  return new TextDecoder(format === 'regedit5' ? 'utf-16le' : 'windows-1252').decode(usable);
}

const beforeNul = (text: string) => text.split('\0')[0]!;

/** REG_MULTI_SZ: strings separated by NUL, ended by an empty string. */
function multiString(text: string): string[] {
  const strings: string[] = [];
  for (const part of text.split('\0')) {
    if (part === '') break;
    strings.push(part);
  }
  return strings;
}

/**
 * QWORD as a number while it is exact (up to 2^53 - 1), else its exact decimal string: no rule
 * compares such values, but a rounded number would state a value the machine does not have.
 */
function qword(bytes: Uint8Array): number | string {
  const value = Buffer.from(bytes).readBigUInt64LE(0);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

type Data = { type: RegistryValueType; value: RegistryValue['value'] };

/**
 * hex(N) data by its type number (winnt.h REG_*). Types no rule reads (big-endian DWORD, links,
 * resource lists) are kept as REG_BINARY with their bytes.
 */
function typedHex(typeNumber: number, bytes: Uint8Array, format: RegFormat): Data | string {
  switch (typeNumber) {
    case 0:
      return { type: 'REG_NONE', value: toHex(bytes) };
    case 1:
      return { type: 'REG_SZ', value: beforeNul(decodeRegString(bytes, format)) };
    case 2:
      return { type: 'REG_EXPAND_SZ', value: beforeNul(decodeRegString(bytes, format)) };
    case 4:
      if (bytes.length !== 4) return `hex(4) DWORD has ${bytes.length} bytes, not 4`;
      return { type: 'REG_DWORD', value: Buffer.from(bytes).readUInt32LE(0) };
    case 7:
      return { type: 'REG_MULTI_SZ', value: multiString(decodeRegString(bytes, format)) };
    case 0xb:
      if (bytes.length !== 8) return `hex(b) QWORD has ${bytes.length} bytes, not 8`;
      return { type: 'REG_QWORD', value: qword(bytes) };
    default:
      return { type: 'REG_BINARY', value: toHex(bytes) };
  }
}

/** The data after '=': a value, or why it cannot be read. */
function parseData(data: string, format: RegFormat): Data | string {
  if (data.trim() === '-') return { type: 'REG_NONE', value: null };
  if (data.startsWith('"')) {
    const quoted = readQuoted(data, 0);
    if (!quoted) return 'string without its closing quote';
    if (!isTrailerClean(data.slice(quoted.end))) return 'text after the closing quote';
    return { type: 'REG_SZ', value: quoted.text };
  }
  const dword = /^dword:([0-9a-fA-F]*)(.*)$/i.exec(data);
  if (dword) {
    if (!/^[0-9a-fA-F]{1,8}$/.test(dword[1]!) || !isTrailerClean(dword[2]!))
      return `bad dword '${data.slice(6, 30)}'`;
    return { type: 'REG_DWORD', value: Number.parseInt(dword[1]!, 16) };
  }
  const hex = /^hex(?:\(([0-9a-fA-F]{1,8})\))?:([^;]*)(;.*)?$/i.exec(data);
  if (hex) {
    const bytes = parseHexBytes(hex[2]!);
    if (typeof bytes === 'string') return bytes;
    return hex[1] === undefined
      ? { type: 'REG_BINARY', value: toHex(bytes) }
      : typedHex(Number.parseInt(hex[1], 16), bytes, format);
  }
  return `unknown data '${data.slice(0, 30)}'`;
}

const HEX_CONTINUATION = /^[\s0-9a-fA-F,]*\\?\s*$/;

interface OpenKey {
  readonly key: string;
  exists: boolean;
  readonly values: Map<string, RegistryValue>;
}

/** Parses the bytes of a .reg file. Throws RegFormatError only when the header is missing. */
export function parseReg(bytes: Uint8Array, source: string): RegFile {
  const { text, encoding } = decodeRegBytes(bytes);
  const lines = text.split(/\r\n|\n|\r/);
  let lineIndex = lines.findIndex((line) => line.trim() !== '');
  const header = lineIndex >= 0 ? lines[lineIndex]!.replace(/^\uFEFF/, '').trim() : '';
  const format = HEADERS[header.toLowerCase()];
  if (!format)
    throw new RegFormatError(
      'not-reg',
      `not a .reg file (no "Windows Registry Editor Version 5.00" or "REGEDIT4" header)`,
    );
  const keys = new Map<string, OpenKey>();
  const damage: Damage[] = [];
  const note = (line: number, detail: string) =>
    damage.push({ kind: 'unreadable-line', offset: 0, line, detail });
  // undefined: no key yet, or the last key line could not be read (its values have no home).
  let current: OpenKey | undefined;
  let currentDeleted = false;

  for (lineIndex++; lineIndex < lines.length; lineIndex++) {
    const lineNumber = lineIndex + 1;
    const line = lines[lineIndex]!.trim();
    if (line === '' || line.startsWith(';')) continue;

    if (line.startsWith('[')) {
      const close = line.lastIndexOf(']');
      current = undefined;
      currentDeleted = false;
      if (close < 0 || !isTrailerClean(line.slice(close + 1))) {
        note(lineNumber, 'key line without its closing bracket');
        continue;
      }
      const deleted = line[1] === '-';
      const key = canonicalRegistryKey(line.slice(deleted ? 2 : 1, close));
      if (!key) {
        note(lineNumber, `key '${line.slice(0, 60)}' does not start with a hive (HKEY_LOCAL_MACHINE...)`);
        continue;
      }
      const lookup = key.toLowerCase();
      const known = keys.get(lookup);
      if (deleted) {
        // A deletion wins over anything the file said about the key before.
        keys.set(lookup, { key: known?.key ?? key, exists: false, values: new Map() });
        currentDeleted = true;
        continue;
      }
      current = known ?? { key, exists: true, values: new Map() };
      current.exists = true;
      keys.set(lookup, current);
      continue;
    }

    if (!line.startsWith('"') && !line.startsWith('@')) {
      note(lineNumber, `not a key or a value: '${line.slice(0, 60)}'`);
      continue;
    }
    const startLine = lineNumber;
    let name: string;
    let afterName: number;
    if (line.startsWith('@')) {
      name = '';
      afterName = 1;
    } else {
      const quoted = readQuoted(line, 0);
      if (!quoted) {
        note(lineNumber, 'value name without its closing quote');
        continue;
      }
      name = quoted.text;
      afterName = quoted.end;
    }
    const equals = /^\s*=\s*/.exec(line.slice(afterName));
    if (!equals) {
      note(lineNumber, `no '=' after the value name '${name.slice(0, 60)}'`);
      continue;
    }
    let data = line.slice(afterName + equals[0].length);
    // Hex data runs on over lines ending in a backslash (regedit wraps at 80 columns).
    if (/^hex/i.test(data)) {
      // Only lines of hex bytes continue it: a damaged value must not swallow the next key.
      while (data.endsWith('\\') && HEX_CONTINUATION.test(lines[lineIndex + 1] ?? '[')) {
        lineIndex++;
        data = data.slice(0, -1) + lines[lineIndex]!.trim();
      }
      if (data.endsWith('\\')) data = data.slice(0, -1);
    }
    if (currentDeleted) {
      note(startLine, `value '${name.slice(0, 60)}' under a deleted key is ignored`);
      continue;
    }
    if (!current) {
      note(startLine, `value '${name.slice(0, 60)}' outside any readable key`);
      continue;
    }
    const parsed = parseData(data, format);
    if (typeof parsed === 'string') {
      note(startLine, `value '${name.slice(0, 60)}': ${parsed}`);
      continue;
    }
    current.values.set(name.toLowerCase(), { name, ...parsed });
  }

  return {
    format,
    encoding,
    keys: [...keys.values()].map((open) => ({
      key: open.key,
      exists: open.exists,
      values: [...open.values.values()],
      source,
    })),
    damage,
  };
}

/** Reads and parses a .reg file of at most MAX_REG_BYTES; I/O errors are thrown as they are. */
export function readRegFile(path: string, maxBytes = MAX_REG_BYTES): RegFile {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes)
      throw new RegFormatError(
        'too-large',
        `too large for a .reg export (${size} bytes; the limit is ${maxBytes}): export only the keys rdp-doctor reads`,
      );
    const bytes = Buffer.alloc(size);
    let filled = 0;
    while (filled < size) {
      const read = readSync(fd, bytes, filled, size - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return parseReg(bytes.subarray(0, filled), path);
  } finally {
    closeSync(fd);
  }
}
