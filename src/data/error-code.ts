/**
 * The shape shared by every error-code table `explain` reads (src/data/*-reasons.ts, error-info.ts,
 * neg-failure-codes.ts, credssp-errors.ts, freerdp-errors.ts, ntstatus.ts).
 */

/**
 * Where in the connection sequence a code is raised. The first names follow the `diagnose` stages
 * (dns → tcp → negotiation → tls → certificate → credssp → rdp-security); the rest are later phases
 * no probe reaches.
 */
export type ConnectionPhase =
  | 'client'
  | 'dns'
  | 'tcp'
  | 'gateway'
  | 'negotiation'
  | 'tls'
  | 'certificate'
  | 'credssp'
  | 'rdp-security'
  | 'connection-setup'
  | 'licensing'
  | 'logon'
  | 'broker'
  | 'session';

export type Confidence = 'high' | 'medium' | 'low';

export interface ErrorCodeEntry {
  /** Unsigned 32-bit value as the source defines it. */
  readonly value: number;
  /** Symbolic name exactly as the source spells it. */
  readonly name: string;
  /** Other spellings of the same code (e.g. FreeRDP's name for an MS-RDPBCGR code). */
  readonly aliases?: readonly string[];
  /** What it means, in our own words. */
  readonly meaning: string;
  /** The source's own wording for the code, verbatim, where it gives one (what a client's message is built from). */
  readonly description?: string;
  readonly phase: ConnectionPhase;
  /** Set where the entry's source differs from the table's. */
  readonly source?: string;
  /** Set where lower than the table's. */
  readonly confidence?: Confidence;
}

export type ErrorTableId =
  | 'disconnect-reason'
  | 'extended-disconnect-reason'
  | 'error-info'
  | 'neg-failure'
  | 'freerdp-connect'
  | 'sspi-status'
  | 'ntstatus';

export interface ErrorCodeTable {
  readonly id: ErrorTableId;
  /** What the user would call it, e.g. "mstsc disconnect reason". */
  readonly title: string;
  readonly source: string;
  /** Version or date of the source read. */
  readonly version: string;
  readonly confidence: Confidence;
  /** Hex digits shown when printing values of this table (e.g. 8 for HRESULTs). */
  readonly hexDigits: number;
  readonly entries: readonly ErrorCodeEntry[];
}
