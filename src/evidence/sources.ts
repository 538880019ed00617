/**
 * Event records as a stream: every input gives its records batch by batch (an EVTX log a chunk at
 * a time, an export or a collector document in one batch), and `readMerged` hands them on in time
 * order across the inputs, each input's own order kept. Nothing here holds more than one batch
 * per input, so memory does not grow with the logs' size.
 */
import { EvtxCursor, type TimeWindow, inWindow } from './evtx/cursor.js';
import type { Damage, EventRecord, EvidenceFileSummary, EvidenceKind } from './types.js';

export interface RecordSource {
  readonly path: string;
  /** Input bytes, and how many of them are read so far (for progress). */
  readonly size: number;
  position(): number;
  /** The next batch of records (never empty), or undefined at the end. */
  next(): Promise<readonly EventRecord[] | undefined>;
  /** The input's summary, complete once next() gave undefined. */
  summary(): EvidenceFileSummary;
  /** Lets go of the input's file while it waits (it is opened again when read). */
  suspend(): void;
  close(): void;
}

/** Records already in memory (an export, a collector document's events), in one batch. */
export function batchSource(
  path: string,
  kind: EvidenceKind,
  events: readonly EventRecord[],
  damage: readonly Damage[],
  window: TimeWindow | undefined,
  size = 0,
): RecordSource {
  const given = window ? events.filter((event) => inWindow(event.time, window)) : events;
  let done = false;
  return {
    path,
    size,
    position: () => (done ? size : 0),
    async next() {
      if (done || given.length === 0) {
        done = true;
        return undefined;
      }
      done = true;
      return given;
    },
    summary: () => ({
      path,
      kind,
      records: given.length,
      damaged: damage.length > 0,
      damage,
      ...(window ? { outsideWindow: events.length - given.length } : {}),
    }),
    suspend() {},
    close() {},
  };
}

export interface EvtxSource extends RecordSource {
  /** The first record, read ahead (a bundle asks which channel each of its logs holds). */
  peek(): Promise<EventRecord | undefined>;
}

/** An EVTX log read a chunk at a time (the cursor is opened, so its header is known to be EVTX). */
export function evtxSource(path: string, cursor: EvtxCursor, size: number, window?: TimeWindow): EvtxSource {
  let head: EventRecord[] | undefined;
  let headRead = false;
  return {
    path,
    size,
    position: () => Math.min(cursor.position, size),
    async next() {
      if (headRead) {
        headRead = false;
        const batch = head;
        head = undefined;
        return batch;
      }
      return cursor.next();
    },
    summary() {
      const result = cursor.result();
      return {
        path,
        kind: 'evtx',
        records: result.records,
        damaged: result.damage.length > 0,
        damage: result.damage,
        ...(window ? { outsideWindow: result.outsideWindow } : {}),
      };
    },
    suspend: () => cursor.suspend(),
    close: () => cursor.close(),
    async peek() {
      if (!headRead) {
        head = await cursor.next();
        headRead = true;
      }
      return head?.[0];
    },
  };
}

/** A record's place in time; one without a time goes first, as the old code sorted it. */
function timeOf(event: EventRecord): number {
  const at = Date.parse(event.time);
  return Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at;
}

interface Head {
  readonly source: RecordSource;
  batch: readonly EventRecord[];
  index: number;
  at: number;
}

/** With more inputs than this open at once, each waiting input lets go of its file. */
const OPEN_FILES = 64;

/**
 * Hands every record of every source to `onRecord`, in time order across the sources (a k-way
 * merge on each source's next record; a source's own order is kept even where it is not in time
 * order). A source that fails to read is handed to `onFailure` and left out from then on.
 */
export async function readMerged(
  sources: readonly RecordSource[],
  onRecord: (event: EventRecord) => void,
  onFailure: (source: RecordSource, error: unknown) => void,
  /** Called after each batch; reading waits for the promise it may return (output draining). */
  onBatch?: () => Promise<void> | undefined,
): Promise<void> {
  const nextOf = async (source: RecordSource): Promise<readonly EventRecord[] | undefined> => {
    try {
      return await source.next();
    } catch (error) {
      source.close();
      onFailure(source, error);
      return undefined;
    }
  };
  const heads: Head[] = [];
  for (const source of sources) {
    const batch = await nextOf(source);
    if (batch) heads.push({ source, batch, index: 0, at: timeOf(batch[0]!) });
    if (sources.length > OPEN_FILES) source.suspend();
    await onBatch?.();
  }
  // One input (the usual case): its batches as they come, no comparisons.
  if (heads.length === 1) {
    const [head] = heads;
    for (
      let batch: readonly EventRecord[] | undefined = head!.batch;
      batch;
      batch = await nextOf(head!.source)
    ) {
      for (const event of batch) onRecord(event);
      await onBatch?.();
    }
    return;
  }
  while (heads.length > 0) {
    // The input whose next record is oldest, and the time of the runner-up: records of the
    // oldest go out until one is later than the runner-up's.
    let first = 0;
    for (let i = 1; i < heads.length; i++) if (heads[i]!.at < heads[first]!.at) first = i;
    let bound = Number.POSITIVE_INFINITY;
    for (let i = 0; i < heads.length; i++) if (i !== first && heads[i]!.at < bound) bound = heads[i]!.at;
    const head = heads[first]!;
    for (;;) {
      onRecord(head.batch[head.index]!);
      head.index++;
      if (head.index === head.batch.length) {
        const batch = await nextOf(head.source);
        await onBatch?.();
        if (!batch) {
          heads.splice(first, 1);
          break;
        }
        head.batch = batch;
        head.index = 0;
      }
      head.at = timeOf(head.batch[head.index]!);
      if (head.at > bound) {
        if (heads.length > OPEN_FILES) head.source.suspend();
        break;
      }
    }
  }
}
