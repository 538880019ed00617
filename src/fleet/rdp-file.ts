/**
 * A reader for the .rdp connection files mstsc saves and RD Web hands out. Pure: bytes in,
 * settings out; no I/O.
 *
 * The format (Microsoft "Supported RDP properties"): one setting a line, `name:type:value`, type
 * `s` (string), `i` (integer) or `b` (binary, hex). mstsc writes UTF-16LE with a byte-order mark
 * and CRLF; hand-written and RD Web files are often UTF-8, with or without a BOM.
 *
 *   FF FE  'f' 00 'u' 00 'l' 00 ... ':' 00 's' 00 ':' 00 ...  0D 00 0A 00     UTF-16LE, BOM first
 *   EF BB BF 'f' 'u' 'l' 'l' ...                                              UTF-8 with BOM
 */

/** Larger than any real .rdp file (a few KiB) by far; a bigger file is not one. */
export const MAX_RDP_FILE_BYTES = 1024 * 1024;

export type RdpFileErrorCode = 'too-large' | 'not-text' | 'bad-encoding' | 'invalid-port';

/** Why bytes are not a usable .rdp file; `line` is 1-based where one line is to blame. */
export class RdpFileError extends Error {
  readonly code: RdpFileErrorCode;
  readonly line: number | undefined;
  constructor(code: RdpFileErrorCode, message: string, line?: number) {
    super(message);
    this.name = 'RdpFileError';
    this.code = code;
    this.line = line;
  }
}

export interface RdpSetting {
  readonly type: string;
  readonly value: string;
}

export interface RdpFileSettings {
  readonly encoding: 'utf-16le' | 'utf-8';
  /** `full address:s:`, as written (may carry `:port` or `[v6]:port`). */
  readonly fullAddress?: string;
  /** `alternate full address:s:`: where mstsc and FreeRDP actually connect when it is set. */
  readonly alternateFullAddress?: string;
  /** `server port:i:`, used when the address carries no port. */
  readonly serverPort?: number;
  /** Every setting by lower-case name; the last line wins, as in mstsc. */
  readonly settings: ReadonlyMap<string, RdpSetting>;
}

const SETTING_LINE = /^([^:]+):([A-Za-z]):(.*)$/;

/** Text bytes: anything but NUL and C0 controls other than tab, CR, LF (form feed tolerated). */
function hasBinaryControl(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0c) return index;
  }
  return -1;
}

function decodeText(bytes: Uint8Array): { text: string; encoding: RdpFileSettings['encoding'] } {
  const utf16Bom = bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe;
  if (utf16Bom) {
    if (bytes.length % 2 !== 0)
      throw new RdpFileError('bad-encoding', 'not an .rdp file: UTF-16LE text with an odd byte count');
    try {
      return {
        text: new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2)),
        encoding: 'utf-16le',
      };
    } catch {
      throw new RdpFileError('bad-encoding', 'not an .rdp file: invalid UTF-16LE text');
    }
  }
  try {
    // ignoreBOM false (the default) drops a leading EF BB BF.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    throw new RdpFileError('bad-encoding', 'not an .rdp file: neither UTF-16LE (with BOM) nor UTF-8 text');
  }
}

/** Reads an .rdp file's settings; throws RdpFileError (and nothing else) for bytes that are not one. */
export function parseRdpFile(bytes: Uint8Array): RdpFileSettings {
  if (bytes.length > MAX_RDP_FILE_BYTES) {
    throw new RdpFileError(
      'too-large',
      `not an .rdp file: ${bytes.length} bytes, more than ${MAX_RDP_FILE_BYTES} (1 MiB)`,
    );
  }
  const { text, encoding } = decodeText(bytes);
  const junkAt = hasBinaryControl(text);
  if (junkAt >= 0) {
    const line = text.slice(0, junkAt).split('\n').length;
    throw new RdpFileError('not-text', `not an .rdp file: binary data on line ${line}`, line);
  }
  const settings = new Map<string, RdpSetting>();
  const lines = text.split(/\r?\n|\r/);
  let serverPortLine = 0;
  lines.forEach((rawLine, index) => {
    const match = SETTING_LINE.exec(rawLine.trim());
    // mstsc ignores lines it does not understand; so do we (comments, blank lines, junk).
    if (!match) return;
    const name = match[1]!.trim().toLowerCase();
    settings.set(name, { type: match[2]!.toLowerCase(), value: match[3]!.trim() });
    if (name === 'server port') serverPortLine = index + 1;
  });
  const stringSetting = (name: string): string | undefined => {
    const setting = settings.get(name);
    return setting && setting.type === 's' && setting.value !== '' ? setting.value : undefined;
  };
  let serverPort: number | undefined;
  const portSetting = settings.get('server port');
  if (portSetting && portSetting.type === 'i') {
    const port = /^\d{1,5}$/.test(portSetting.value) ? Number(portSetting.value) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      throw new RdpFileError(
        'invalid-port',
        `invalid server port '${portSetting.value}' on line ${serverPortLine}: expected 1 to 65535`,
        serverPortLine,
      );
    }
    serverPort = port;
  }
  const fullAddress = stringSetting('full address');
  const alternateFullAddress = stringSetting('alternate full address');
  return {
    encoding,
    ...(fullAddress !== undefined ? { fullAddress } : {}),
    ...(alternateFullAddress !== undefined ? { alternateFullAddress } : {}),
    ...(serverPort !== undefined ? { serverPort } : {}),
    settings,
  };
}

/**
 * The address a client connects to: the alternate full address when set (mstsc and FreeRDP both
 * prefer it; RD Web puts a display name in `full address`), else the full address.
 */
export function connectAddressOf(file: RdpFileSettings): string | undefined {
  return file.alternateFullAddress ?? file.fullAddress;
}
