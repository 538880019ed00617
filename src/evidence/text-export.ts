/**
 * What the text exports (Event Viewer XML, Get-WinEvent JSON) share: their error and how their
 * bytes become text. Kept apart from the parsers so reading .evtx never loads the XML parser.
 */

export class ExportFormatError extends Error {
  constructor(
    readonly code: 'not-xml-export' | 'not-json-export' | 'unreadable',
    message: string,
  ) {
    super(message);
    this.name = 'ExportFormatError';
  }
}

/** Text of a file, honouring a UTF-16LE or UTF-8 byte order mark (Event Viewer writes both). */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return new TextDecoder('utf-16le').decode(swapped);
  }
  return new TextDecoder('utf-8').decode(bytes);
}
