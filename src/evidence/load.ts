import { readFile } from 'node:fs/promises';
import { isDecodeError } from '../wire/errors.js';
import { readEvtxEvents } from './evtx/parse.js';
import { RegFormatError, readRegFile } from './reg.js';
import { COLLECT_SCHEMA } from './state/collect-document.js';
import { type LoadedStateSource, stateFromCollect, stateFromReg } from './state/load-state.js';
import {
  CollectFormatError,
  type CollectReadResult,
  collectDocumentFrom,
  jsonSchemaOf,
} from './state/read-collect.js';
import { readCollectorOutputText, readCompactOutput } from './state/read-run-command.js';
import { decodeText, ExportFormatError } from './text-export.js';
import type { EventRecord, EvidenceFileSummary, EvidenceKind } from './types.js';
import { ZipSafetyError } from './zip.js';

export interface LoadedEvidence {
  /** The files read: the one given, and for a collector zip each log inside it as well. */
  readonly files: EvidenceFileSummary[];
  readonly events: EventRecord[];
  /** Machine state, from .reg files and collector documents. */
  readonly state?: LoadedStateSource;
}

/** A file that cannot be read as what it claims to be: reported as one line, exit 2. */
export class EvidenceFileError extends Error {
  constructor(
    readonly path: string,
    readonly code:
      | 'unreadable'
      | 'not-evtx'
      | 'not-xml-export'
      | 'not-json-export'
      | 'unknown-kind'
      | 'not-reg'
      | 'too-large'
      | 'not-collect'
      | 'unsupported-version'
      | 'not-zip'
      | 'unsafe-zip',
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'EvidenceFileError';
  }
}

/**
 * The kind a file's name says; a .json file is sniffed later (Get-WinEvent export, collector
 * document, or its -Compact output / Run Command's answer). .txt and .log: the collector's output.
 */
export function kindFromName(path: string): EvidenceKind | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.txt') || lower.endsWith('.log')) return 'collect';
  if (lower.endsWith('.evtx')) return 'evtx';
  if (lower.endsWith('.xml')) return 'xml-export';
  if (lower.endsWith('.json')) return 'json-export';
  if (lower.endsWith('.reg')) return 'reg';
  if (lower.endsWith('.zip')) return 'collect-zip';
  return undefined;
}

function loadedCollect(path: string, read: CollectReadResult): LoadedEvidence {
  return {
    files: [
      {
        path,
        kind: 'collect',
        records: read.events.length,
        damaged: read.damage.length > 0,
        damage: read.damage,
      },
    ],
    events: read.events,
    state: stateFromCollect(path, read),
  };
}

/** A .json file: a collector document (its `schema` says so), its compact output, or a Get-WinEvent export. */
async function loadJson(path: string, text: string): Promise<LoadedEvidence> {
  const body = text.replace(/^\uFEFF/, '');
  let parsed: unknown;
  // Only an object can be a collector document; an array is an export of several events.
  if (body.trimStart().startsWith('{')) {
    try {
      parsed = JSON.parse(body);
    } catch {
      // Malformed: the export parser below says so in its own words.
      parsed = undefined;
    }
  }
  // -Compact output: the summary line, the collector's stdout around it, or Run Command's answer.
  const compact = readCompactOutput(parsed, body, path);
  if (compact) return loadedCollect(path, compact);
  if (parsed !== undefined) {
    const schema = jsonSchemaOf(parsed);
    if (schema === COLLECT_SCHEMA) return loadedCollect(path, collectDocumentFrom(parsed, path));
    if (schema?.startsWith('rdp-doctor/'))
      throw new CollectFormatError(
        'not-collect',
        `an rdp-doctor document of schema '${schema}', not a collector document`,
      );
  }
  // The export parsers (fast-xml-parser among them) load only when such a file is given.
  const events = (await import('./json-export.js')).parseJsonExport(text);
  return {
    files: [{ path, kind: 'json-export', records: events.length, damaged: false, damage: [] }],
    events,
  };
}

async function loadByKind(path: string, kind: EvidenceKind): Promise<LoadedEvidence> {
  if (kind === 'evtx') {
    const events: EventRecord[] = [];
    const result = await readEvtxEvents(path, (event) => events.push(event));
    return {
      files: [
        { path, kind, records: result.records, damaged: result.damage.length > 0, damage: result.damage },
      ],
      events,
    };
  }
  if (kind === 'reg') {
    const reg = readRegFile(path);
    return {
      files: [{ path, kind, records: reg.keys.length, damaged: reg.damage.length > 0, damage: reg.damage }],
      events: [],
      state: stateFromReg(path, reg.keys),
    };
  }
  // yauzl loads only when a zip is given.
  if (kind === 'collect-zip') return (await import('./collect-bundle.js')).readCollectBundle(path);
  const text = decodeText(await readFile(path));
  if (kind === 'json-export') return loadJson(path, text);
  if (kind === 'collect') return loadedCollect(path, readCollectorOutputText(text, path));
  const events = (await import('./xml-export.js')).parseXmlExport(text);
  return { files: [{ path, kind, records: events.length, damaged: false, damage: [] }], events };
}

/** Reads one evidence file by its extension; the EVTX reader streams, exports are read whole. */
export async function loadEvidence(path: string): Promise<LoadedEvidence> {
  const kind = kindFromName(path);
  if (!kind)
    throw new EvidenceFileError(
      path,
      'unknown-kind',
      "unknown file type: expected .evtx, .xml, .json, .reg, .zip (a collector bundle) or .txt (the collector's -Compact output)",
    );
  try {
    return await loadByKind(path, kind);
  } catch (error) {
    if (isDecodeError(error))
      throw new EvidenceFileError(path, 'not-evtx', `not an EVTX file (${error.detail ?? error.message})`);
    if (error instanceof ExportFormatError)
      throw new EvidenceFileError(
        path,
        error.code === 'unreadable' ? 'unreadable' : error.code,
        error.message,
      );
    if (error instanceof RegFormatError) throw new EvidenceFileError(path, error.code, error.message);
    if (error instanceof CollectFormatError) throw new EvidenceFileError(path, error.code, error.message);
    if (error instanceof ZipSafetyError)
      throw new EvidenceFileError(path, error.code === 'not-zip' ? 'not-zip' : 'unsafe-zip', error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new EvidenceFileError(path, 'unreadable', `cannot read (${code})`);
    throw error;
  }
}
