import { readFile } from 'node:fs/promises';
import { isDecodeError } from '../wire/errors.js';
import { readEvtxEvents } from './evtx/parse.js';
import { decodeText, ExportFormatError } from './text-export.js';
import type { EventRecord, EvidenceFileSummary, EvidenceKind } from './types.js';

export interface LoadedEvidence {
  readonly file: EvidenceFileSummary;
  readonly events: EventRecord[];
}

/** A file that cannot be read as what it claims to be: reported as one line, exit 2. */
export class EvidenceFileError extends Error {
  constructor(
    readonly path: string,
    readonly code: 'unreadable' | 'not-evtx' | 'not-xml-export' | 'not-json-export' | 'unknown-kind',
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'EvidenceFileError';
  }
}

export function kindFromName(path: string): EvidenceKind | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.evtx')) return 'evtx';
  if (lower.endsWith('.xml')) return 'xml-export';
  if (lower.endsWith('.json')) return 'json-export';
  return undefined;
}

/** Reads one evidence file by its extension; the EVTX reader streams, exports are read whole. */
export async function loadEvidence(path: string): Promise<LoadedEvidence> {
  const kind = kindFromName(path);
  if (!kind)
    throw new EvidenceFileError(path, 'unknown-kind', 'unknown file type: expected .evtx, .xml or .json');
  try {
    if (kind === 'evtx') {
      const events: EventRecord[] = [];
      const result = await readEvtxEvents(path, (event) => events.push(event));
      return {
        file: {
          path,
          kind,
          records: result.records,
          damaged: result.damage.length > 0,
          damage: result.damage,
        },
        events,
      };
    }
    const text = decodeText(await readFile(path));
    // The export parsers (fast-xml-parser among them) load only when such a file is given.
    const events =
      kind === 'xml-export'
        ? (await import('./xml-export.js')).parseXmlExport(text)
        : (await import('./json-export.js')).parseJsonExport(text);
    return { file: { path, kind, records: events.length, damaged: false, damage: [] }, events };
  } catch (error) {
    if (isDecodeError(error))
      throw new EvidenceFileError(path, 'not-evtx', `not an EVTX file (${error.detail ?? error.message})`);
    if (error instanceof ExportFormatError)
      throw new EvidenceFileError(
        path,
        error.code === 'unreadable' ? 'unreadable' : error.code,
        error.message,
      );
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new EvidenceFileError(path, 'unreadable', `cannot read (${code})`);
    throw error;
  }
}
