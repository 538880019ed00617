/**
 * What the evidence readers (EVTX, Event Viewer XML export, Get-WinEvent JSON) produce: one shape
 * for every input, so the event rules never care where a record came from.
 */

/** One Windows event, reduced to the facts the rules and `--events` need. */
export interface EventRecord {
  readonly eventId: number;
  readonly provider: string;
  readonly channel: string;
  /** ISO 8601 UTC (TimeCreated/@SystemTime), '' when the record had none. */
  readonly time: string;
  readonly recordId: number;
  readonly computer: string;
  /**
   * EventData/Data by Name (unnamed ones as Data1, Data2...; Binary as Binary), or the leaf
   * elements of UserData by element name.
   */
  readonly data: Readonly<Record<string, string>>;
}

/** Event logs ('evtx', exports) and machine state ('reg' exports, collector documents and their zips). */
export type EvidenceKind = 'evtx' | 'xml-export' | 'json-export' | 'reg' | 'collect' | 'collect-zip';

/** A place where the input was damaged and what the reader did about it. */
export interface Damage {
  readonly kind:
    | 'bad-file-header'
    | 'bad-header-checksum'
    | 'bad-chunk-magic'
    | 'bad-chunk-header-checksum'
    | 'bad-chunk-data-checksum'
    | 'truncated-chunk'
    | 'bad-record'
    | 'unreadable-record'
    // a .reg line that could not be read (the rest of the file is)
    | 'unreadable-line'
    // a collector document's section of the wrong shape (dropped, the others are read)
    | 'damaged-section'
    // a file inside a collector zip that could not be read
    | 'unreadable-entry';
  /** Absolute byte offset in the file (0 for text exports). */
  readonly offset: number;
  /** 1-based line, for text files read line by line (.reg). */
  readonly line?: number;
  readonly detail: string;
  /** The record's id when the damage is inside one. */
  readonly recordId?: number;
}

export interface EvidenceFileSummary {
  readonly path: string;
  readonly kind: EvidenceKind;
  /** Event records read and returned (for a .reg export: the keys read). */
  readonly records: number;
  /** Records left out by --since/--until (read, or skipped unread by their time); only with a window. */
  readonly outsideWindow?: number;
  readonly damaged: boolean;
  readonly damage: readonly Damage[];
}
