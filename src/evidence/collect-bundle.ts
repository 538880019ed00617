/**
 * A collector bundle (`collect-server.ps1 -ExportEvents`): `<name>.zip` holding `<name>.json` at
 * its root and the exported logs as `logs/<Channel-with-dashes>.evtx`. The zip is unpacked into a
 * temporary folder (removed afterwards) and each part goes to its own reader.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isDecodeError } from '../wire/errors.js';
import { readEvtxEvents } from './evtx/parse.js';
import type { LoadedEvidence } from './load.js';
import { stateFromCollect } from './state/load-state.js';
import { CollectFormatError, readCollectDocument } from './state/read-collect.js';
import { decodeText } from './text-export.js';
import type { Damage, EventRecord, EvidenceFileSummary } from './types.js';
import { extractZip } from './zip.js';

/** A collector document is a few MiB at most; this bounds what is read into memory. */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

const isRootJson = (name: string) => !name.includes('/') && name.toLowerCase().endsWith('.json');
const isExportedLog = (name: string) => /^logs\/[^/]+\.evtx$/i.test(name);

/** Reads a bundle; its entries are unpacked below `scratchRoot` and removed before it returns. */
export async function readCollectBundle(path: string, scratchRoot = tmpdir()): Promise<LoadedEvidence> {
  const dir = await mkdtemp(join(scratchRoot, 'rdp-doctor-bundle-'));
  try {
    const extraction = await extractZip(path, (name) => isRootJson(name) || isExportedLog(name), dir);
    const damage: Damage[] = extraction.unreadable.map(({ name, reason }) => ({
      kind: 'unreadable-entry',
      offset: 0,
      detail: `${name}: not read (${reason})`,
    }));

    const documents = extraction.extracted.filter((entry) => isRootJson(entry.name));
    const expected = `${basename(path).replace(/\.zip$/i, '')}.json`.toLowerCase();
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
    if ((await stat(chosen.file)).size > MAX_DOCUMENT_BYTES)
      throw new CollectFormatError(
        'not-collect',
        `${chosen.name} is larger than a collector document can be (${MAX_DOCUMENT_BYTES} bytes)`,
      );
    const documentPath = `${path}!${chosen.name}`;
    const read = readCollectDocument(decodeText(await readFile(chosen.file)), documentPath);
    damage.push(...read.damage);

    const files: EvidenceFileSummary[] = [];
    const logEvents: EventRecord[] = [];
    const loggedChannels = new Set<string>();
    const logs = extraction.extracted.filter((entry) => isExportedLog(entry.name));
    for (const log of logs) {
      const events: EventRecord[] = [];
      try {
        const result = await readEvtxEvents(log.file, (event) => events.push(event));
        files.push({
          path: `${path}!${log.name}`,
          kind: 'evtx',
          records: result.records,
          damaged: result.damage.length > 0,
          damage: result.damage,
        });
      } catch (error) {
        if (!isDecodeError(error)) throw error;
        damage.push({ kind: 'unreadable-entry', offset: 0, detail: `${log.name}: not an EVTX file` });
        continue;
      }
      for (const event of events) loggedChannels.add(event.channel);
      logEvents.push(...events);
    }
    const inZip = new Set(logs.map((log) => log.name.toLowerCase()));
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
    files.unshift({
      path,
      kind: 'collect-zip',
      records: documentEvents.length,
      damaged: damage.length > 0,
      damage,
    });
    return {
      files,
      events: [...documentEvents, ...logEvents],
      state: stateFromCollect(documentPath, read),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
