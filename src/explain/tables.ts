import { SSPI_STATUS_TABLE } from '../data/credssp-errors.js';
import { DISCONNECT_REASON_TABLE } from '../data/disconnect-reasons.js';
import type { ErrorCodeEntry, ErrorCodeTable, ErrorTableId } from '../data/error-code.js';
import { ERROR_INFO_TABLE } from '../data/error-info.js';
import {
  EXTENDED_DISCONNECT_REASON_TABLE,
  EXTENDED_PROTOCOL_RANGE,
} from '../data/extended-disconnect-reasons.js';
import { FREERDP_CLASS, FREERDP_CONNECT_TABLE, FREERDP_ERROR_INFO_NAMES } from '../data/freerdp-errors.js';
import { NEG_FAILURE_TABLE } from '../data/neg-failure-codes.js';
import { LOGON_NTSTATUS_TABLE } from '../data/ntstatus.js';

/**
 * Lookups over every error-code table. Other rooms use these to name a client error
 * (`lookupCode('disconnect-reason', 0x904)`) without knowing which file holds it.
 */
export const ERROR_TABLES: readonly ErrorCodeTable[] = [
  DISCONNECT_REASON_TABLE,
  EXTENDED_DISCONNECT_REASON_TABLE,
  ERROR_INFO_TABLE,
  NEG_FAILURE_TABLE,
  FREERDP_CONNECT_TABLE,
  SSPI_STATUS_TABLE,
  LOGON_NTSTATUS_TABLE,
];

export function errorTable(id: ErrorTableId): ErrorCodeTable {
  const table = ERROR_TABLES.find((candidate) => candidate.id === id);
  // INVARIANT: ERROR_TABLES holds one table per ErrorTableId.
  if (!table) throw new Error(`no error table '${id}'`);
  return table;
}

export interface CodeMatch {
  readonly table: ErrorCodeTable;
  readonly entry: ErrorCodeEntry;
  /** How the input reached the entry when not directly, e.g. through FreeRDP's class prefix. */
  readonly via?: 'freerdp-error-info';
}

const byValue = new Map<ErrorTableId, ReadonlyMap<number, ErrorCodeEntry>>(
  ERROR_TABLES.map((table) => [table.id, new Map(table.entries.map((entry) => [entry.value, entry]))]),
);

/** The entry for a value in one table, or undefined. */
export function lookupCode(tableId: ErrorTableId, value: number): ErrorCodeEntry | undefined {
  return byValue.get(tableId)?.get(value >>> 0);
}

const freerdpAliases = new Map<number, string[]>();
for (const [name, value] of FREERDP_ERROR_INFO_NAMES) {
  freerdpAliases.set(value, [...(freerdpAliases.get(value) ?? []), name]);
}

/** Every spelling of an entry: its own name, its aliases and, for errorInfo codes, FreeRDP's names. */
export function namesOf(table: ErrorCodeTable, entry: ErrorCodeEntry): string[] {
  const names = [entry.name, ...(entry.aliases ?? [])];
  if (table.id === 'error-info') names.push(...(freerdpAliases.get(entry.value) ?? []));
  return [...new Set(names)];
}

const normalise = (name: string) => name.trim().toUpperCase();
const byName = new Map<string, CodeMatch[]>();
for (const table of ERROR_TABLES) {
  for (const entry of table.entries) {
    for (const name of namesOf(table, entry)) {
      const key = normalise(name);
      byName.set(key, [...(byName.get(key) ?? []), { table, entry }]);
    }
  }
}

/** Entries whose name (or alias) matches, case-insensitively. */
export function lookupName(name: string): CodeMatch[] {
  return byName.get(normalise(name)) ?? [];
}

/** Where a value given as the main CODE is looked for, most likely first. */
const CODE_ORDER: readonly ErrorTableId[] = [
  'disconnect-reason',
  'freerdp-connect',
  'sspi-status',
  'ntstatus',
  'error-info',
  'extended-disconnect-reason',
  'neg-failure',
];
/** Where a value given as EXTENDED is looked for. */
const EXTENDED_ORDER: readonly ErrorTableId[] = ['extended-disconnect-reason', 'error-info'];

export type CodeRole = 'code' | 'extended';

/** Every reading of a number, most likely first (for its role). */
export function lookupValue(value: number, role: CodeRole): CodeMatch[] {
  const unsigned = value >>> 0;
  const matches: CodeMatch[] = [];
  for (const id of role === 'code' ? CODE_ORDER : EXTENDED_ORDER) {
    const entry = lookupCode(id, unsigned);
    if (entry) matches.push({ table: errorTable(id), entry });
  }
  // FreeRDP prints a server's errorInfo with its class in the high 16 bits (0x0001xxxx).
  if (unsigned >>> 16 === FREERDP_CLASS.errorInfo) {
    const entry = lookupCode('error-info', unsigned & 0xffff);
    if (entry) matches.push({ table: ERROR_INFO_TABLE, entry, via: 'freerdp-error-info' });
  }
  return matches;
}

/** An extended reason in the protocol range is the server's errorInfo code; this names it. */
export function errorInfoForExtended(value: number): ErrorCodeEntry | undefined {
  return lookupCode('error-info', value);
}

export function isExtendedProtocolRange(value: number): boolean {
  return value >= EXTENDED_PROTOCOL_RANGE.first && value <= EXTENDED_PROTOCOL_RANGE.last;
}

/** "0x904" style: upper-case hex, padded to the table's width when it has one. */
export function formatHex(value: number, digits = 0): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(digits, '0')}`;
}
