import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isDecodeError } from '../wire/errors.js';
import { EvtxCursor, fileBytes, type TimeWindow } from './evtx/cursor.js';
import { batchSource, evtxSource, type RecordSource } from './sources.js';
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

/**
 * An input opened for reading: its records as sources to stream (read by readMerged), its
 * machine state, and its file summaries once the sources were read to the end.
 */
export interface OpenedEvidence {
  readonly sources: readonly RecordSource[];
  readonly state?: LoadedStateSource;
  /** The files read: the one given, and for a collector zip each log inside it as well. */
  summaries(): EvidenceFileSummary[];
  close(): void;
}

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

function openedOne(source: RecordSource, state?: LoadedStateSource): OpenedEvidence {
  return {
    sources: [source],
    ...(state ? { state } : {}),
    summaries: () => [source.summary()],
    close: () => source.close(),
  };
}

function openedCollect(
  path: string,
  read: CollectReadResult,
  window: TimeWindow | undefined,
): OpenedEvidence {
  return openedOne(
    batchSource(path, 'collect', read.events, read.damage, window),
    stateFromCollect(path, read),
  );
}

/** A .json file: a collector document (its `schema` says so), its compact output, or a Get-WinEvent export. */
async function openJson(path: string, text: string, window: TimeWindow | undefined): Promise<OpenedEvidence> {
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
  if (compact) return openedCollect(path, compact, window);
  if (parsed !== undefined) {
    const schema = jsonSchemaOf(parsed);
    if (schema === COLLECT_SCHEMA) return openedCollect(path, collectDocumentFrom(parsed, path), window);
    if (schema?.startsWith('rdp-doctor/'))
      throw new CollectFormatError(
        'not-collect',
        `an rdp-doctor document of schema '${schema}', not a collector document`,
      );
  }
  // The export parsers (fast-xml-parser among them) load only when such a file is given.
  const events = (await import('./json-export.js')).parseJsonExport(text);
  return openedOne(batchSource(path, 'json-export', events, [], window, text.length));
}

async function openByKind(
  path: string,
  kind: EvidenceKind,
  window: TimeWindow | undefined,
): Promise<OpenedEvidence> {
  if (kind === 'evtx') {
    const { size } = await stat(path);
    const cursor = new EvtxCursor(fileBytes(path), window);
    try {
      await cursor.open();
    } catch (error) {
      cursor.close();
      throw error;
    }
    return openedOne(evtxSource(path, cursor, size, window));
  }
  if (kind === 'reg') {
    const reg = readRegFile(path);
    const summary: EvidenceFileSummary = {
      path,
      kind,
      records: reg.keys.length,
      damaged: reg.damage.length > 0,
      damage: reg.damage,
    };
    return { sources: [], state: stateFromReg(path, reg.keys), summaries: () => [summary], close() {} };
  }
  // yauzl loads only when a zip is given.
  if (kind === 'collect-zip') return (await import('./collect-bundle.js')).openCollectBundle(path, window);
  const text = decodeText(await readFile(path));
  if (kind === 'json-export') return openJson(path, text, window);
  if (kind === 'collect') return openedCollect(path, readCollectorOutputText(text, path), window);
  const events = (await import('./xml-export.js')).parseXmlExport(text);
  return openedOne(batchSource(path, kind, events, [], window, text.length));
}

/** Every record of an opened input, in each source's order (no merge): for callers holding few. */
export async function readAll(opened: OpenedEvidence): Promise<LoadedEvidence> {
  const events: EventRecord[] = [];
  try {
    for (const source of opened.sources)
      for (let batch = await source.next(); batch; batch = await source.next()) events.push(...batch);
  } finally {
    opened.close();
  }
  return { files: opened.summaries(), events, ...(opened.state ? { state: opened.state } : {}) };
}

/**
 * The inputs a path names: itself, or for a folder every .evtx file below it (in name order, so
 * runs agree). A folder without one is an input that cannot be read.
 */
export async function inputsOf(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    // Not there or not readable: openEvidence says which, in its own words.
    return [path];
  }
  if (!info.isDirectory()) return [path];
  let names: string[];
  try {
    names = (await readdir(path, { recursive: true })) as string[];
  } catch (error) {
    throw new EvidenceFileError(
      path,
      'unreadable',
      `cannot read the folder (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const logs = names
    .filter((name) => name.toLowerCase().endsWith('.evtx'))
    .sort()
    .map((name) => join(path, name));
  if (logs.length === 0)
    throw new EvidenceFileError(path, 'unreadable', 'a folder with no .evtx file below it');
  return logs;
}

/** An error met while reading an input (after it was opened) as the input's own error. */
export function readFailure(path: string, error: unknown): unknown {
  return asEvidenceFileError(path, error);
}

function asEvidenceFileError(path: string, error: unknown): unknown {
  if (error instanceof EvidenceFileError) return error;
  if (isDecodeError(error))
    return new EvidenceFileError(path, 'not-evtx', `not an EVTX file (${error.detail ?? error.message})`);
  if (error instanceof ExportFormatError)
    return new EvidenceFileError(
      path,
      error.code === 'unreadable' ? 'unreadable' : error.code,
      error.message,
    );
  if (error instanceof RegFormatError) return new EvidenceFileError(path, error.code, error.message);
  if (error instanceof CollectFormatError) return new EvidenceFileError(path, error.code, error.message);
  if (error instanceof ZipSafetyError)
    return new EvidenceFileError(path, error.code === 'not-zip' ? 'not-zip' : 'unsafe-zip', error.message);
  const code = (error as NodeJS.ErrnoException).code;
  if (code) return new EvidenceFileError(path, 'unreadable', `cannot read (${code})`);
  return error;
}

/** Reads one evidence file whole (tests, small inputs); `analyze` streams with openEvidence. */
export async function loadEvidence(path: string): Promise<LoadedEvidence> {
  return readAll(await openEvidence(path));
}

/**
 * Opens one evidence file by its extension, its records left to stream: an EVTX log is read a
 * chunk at a time, exports and collector documents are read whole (they are small).
 */
export async function openEvidence(path: string, window?: TimeWindow): Promise<OpenedEvidence> {
  const kind = kindFromName(path);
  if (!kind)
    throw new EvidenceFileError(
      path,
      'unknown-kind',
      "unknown file type: expected .evtx, .xml, .json, .reg, .zip (a collector bundle) or .txt (the collector's -Compact output)",
    );
  try {
    return await openByKind(path, kind, window);
  } catch (error) {
    throw asEvidenceFileError(path, error);
  }
}
