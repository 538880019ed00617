/**
 * A collector bundle (`collect-server.ps1 -ExportEvents`): `<name>.zip` holding `<name>.json` at
 * its root and the exported logs as `logs/<Channel-with-dashes>.evtx`. Nothing is unpacked to
 * disk: the document is read into memory (it is small), each log streams out of the archive a
 * chunk at a time beside the other inputs.
 */
import type { Readable } from 'node:stream';
import { isDecodeError } from '../wire/errors.js';
import { EvtxCursor, streamBytes, type TimeWindow } from './evtx/cursor.js';
import { type LoadedEvidence, type OpenedEvidence, readAll } from './load.js';
import { batchSource, type EvtxSource, evtxSource } from './sources.js';
import { stateFromCollect } from './state/load-state.js';
import { CollectFormatError, readCollectDocument } from './state/read-collect.js';
import { decodeText } from './text-export.js';
import type { Damage, EvidenceFileSummary } from './types.js';
import { openZip } from './zip.js';

/** A collector document is a few MiB at most; this bounds what is read into memory. */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

const isRootJson = (name: string) => !name.includes('/') && name.toLowerCase().endsWith('.json');
const isExportedLog = (name: string) => /^logs\/[^/]+\.evtx$/i.test(name);

async function readWhole(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

/**
 * A log whose entry fails partway (its data lies about its size, or is corrupt) is damage of the
 * bundle, as when it fails at once: the records read before stay read, the rest of the bundle is read.
 */
function cutOffIsDamage(source: EvtxSource, name: string, damage: Damage[]): EvtxSource {
  return {
    ...source,
    async next() {
      try {
        return await source.next();
      } catch (error) {
        source.close();
        damage.push({
          kind: 'unreadable-entry',
          offset: 0,
          detail: `${name}: cut off (${(error as Error).message})`,
        });
        return undefined;
      }
    },
  };
}

/** Reads a bundle whole (tests, small bundles); `analyze` streams it with openCollectBundle. */
export async function readCollectBundle(path: string): Promise<LoadedEvidence> {
  return readAll(await openCollectBundle(path));
}

export async function openCollectBundle(path: string, window?: TimeWindow): Promise<OpenedEvidence> {
  const zip = await openZip(path, (name) => isRootJson(name) || isExportedLog(name));
  const logs: EvtxSource[] = [];
  try {
    const damage: Damage[] = zip.unreadable.map(({ name, reason }) => ({
      kind: 'unreadable-entry',
      offset: 0,
      detail: `${name}: not read (${reason})`,
    }));
    const documents = zip.entries.filter((entry) => isRootJson(entry.name));
    const expected = `${path.replace(/^.*[\\/]/, '').replace(/\.zip$/i, '')}.json`.toLowerCase();
    const chosen =
      documents.length === 1
        ? documents[0]
        : documents.find((entry) => entry.name.toLowerCase() === expected);
    if (!chosen)
      throw new CollectFormatError(
        'not-collect',
        documents.length === 0
          ? 'no collector document (<name>.json) at the root of the zip'
          : `${documents.length} JSON files at the root of the zip and none named ${expected}`,
      );
    if (chosen.entry.uncompressedSize > MAX_DOCUMENT_BYTES)
      throw new CollectFormatError(
        'not-collect',
        `${chosen.name} is larger than a collector document can be (${MAX_DOCUMENT_BYTES} bytes)`,
      );
    let documentBytes: Buffer;
    try {
      documentBytes = await readWhole(await zip.read(chosen.entry, chosen.name));
    } catch (error) {
      throw new CollectFormatError('not-collect', `${chosen.name}: not read (${(error as Error).message})`);
    }
    const documentPath = `${path}!${chosen.name}`;
    const read = readCollectDocument(decodeText(documentBytes), documentPath);
    damage.push(...read.damage);

    // Each log's first chunk is read now: it says which channel the log holds.
    const loggedChannels = new Set<string>();
    const logEntries = zip.entries.filter((entry) => isExportedLog(entry.name));
    for (const { entry, name } of logEntries) {
      const cursor = new EvtxCursor(streamBytes(await zip.read(entry, name)), window);
      const source = evtxSource(`${path}!${name}`, cursor, entry.uncompressedSize, window);
      try {
        await cursor.open();
        const first = await source.peek();
        if (first) loggedChannels.add(first.channel);
      } catch (error) {
        cursor.close();
        const reason = isDecodeError(error) ? 'not an EVTX file' : `not read (${(error as Error).message})`;
        damage.push({ kind: 'unreadable-entry', offset: 0, detail: `${name}: ${reason}` });
        continue;
      }
      logs.push(cutOffIsDamage(source, name, damage));
    }
    const inZip = new Set(logEntries.map((log) => log.name.toLowerCase()));
    for (const listed of read.document.exportedLogs ?? []) {
      const name = listed.replace(/\\/g, '/');
      const candidates = [name, `logs/${name}`].map((candidate) => candidate.toLowerCase());
      if (!candidates.some((candidate) => inZip.has(candidate)))
        damage.push({
          kind: 'unreadable-entry',
          offset: 0,
          detail: `${listed}: listed in exportedLogs, not in the zip`,
        });
    }
    // The exported log is the fuller copy of a channel: the document's own events of it would count twice.
    const documentEvents = read.events.filter((event) => !loggedChannels.has(event.channel));
    const documentSource = batchSource(path, 'collect-zip', documentEvents, damage, window);
    const sources = [documentSource, ...logs];
    return {
      sources,
      state: stateFromCollect(documentPath, read),
      summaries() {
        // A log that failed partway is damage of the bundle, said by the log's own summary.
        const [bundle, ...rest] = sources.map((source) => source.summary());
        const summary: EvidenceFileSummary = { ...bundle!, damaged: damage.length > 0 };
        return [summary, ...rest];
      },
      close() {
        for (const source of sources) source.close();
        zip.close();
      },
    };
  } catch (error) {
    for (const log of logs) log.close();
    zip.close();
    throw error;
  }
}
