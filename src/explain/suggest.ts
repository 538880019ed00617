import type { ErrorTableId } from '../data/error-code.js';
import { ERROR_TABLES, formatHex, namesOf } from './tables.js';

/**
 * "Did you mean" for `explain`: the known names nearest a name no table holds, and the known
 * codes nearest a number no table holds.
 */

/** Family prefixes users often leave off (`TLS_CONNECT_FAILED` for ERRCONNECT_TLS_CONNECT_FAILED). */
const FAMILY_PREFIX =
  /^(ERRINFO_|ERRCONNECT_|SEC_[EI]_|STATUS_|SSL_ERR_|SSL_|disconnectReason|exDiscReason)/i;

const MAX_SUGGESTIONS = 3;

/** Levenshtein distance: insertions, deletions and substitutions each cost one. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Every name of every entry in the given tables (all tables when none are given). */
function knownNames(tables: readonly ErrorTableId[] | null): string[] {
  const names = new Set<string>();
  for (const table of ERROR_TABLES) {
    if (tables && !tables.includes(table.id)) continue;
    for (const entry of table.entries) for (const name of namesOf(table, entry)) names.add(name);
  }
  return [...names];
}

/**
 * Known names within a few edits of `input`, nearest first, at most three. A name is also compared
 * without its family prefix. Allowing about one edit in five keeps `banana` from matching anything.
 */
export function nearestNames(input: string, tables: readonly ErrorTableId[] | null = null): string[] {
  const typed = input.trim().toUpperCase();
  const allowed = Math.max(1, Math.floor(typed.length / 5));
  return knownNames(tables)
    .map((name) => {
      const upper = name.toUpperCase();
      const bare = upper.replace(FAMILY_PREFIX, '');
      return { name, distance: Math.min(editDistance(typed, upper), editDistance(typed, bare)) };
    })
    .filter((candidate) => candidate.distance <= allowed)
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, MAX_SUGGESTIONS)
    .map((candidate) => candidate.name);
}

export interface NearbyCode {
  readonly value: number;
  readonly hex: string;
  readonly name: string;
  readonly table: ErrorTableId;
  readonly tableTitle: string;
}

/**
 * Known codes numerically nearest `value`, at most three, among the given tables. Only codes with
 * the same high 16 bits count: that word is the family (0x8009 SSPI, 0xC000 NTSTATUS, 0x0002
 * FreeRDP, 0x0000 mstsc and errorInfo), and a code of another family is not "near" at all.
 */
export function nearestCodes(value: number, tables: readonly ErrorTableId[]): NearbyCode[] {
  const unsigned = value >>> 0;
  const family = unsigned >>> 16;
  const candidates: (NearbyCode & { readonly distance: number })[] = [];
  for (const table of ERROR_TABLES) {
    if (!tables.includes(table.id)) continue;
    for (const entry of table.entries) {
      if (entry.value >>> 16 !== family) continue;
      candidates.push({
        value: entry.value,
        hex: formatHex(entry.value, table.hexDigits),
        name: entry.name,
        table: table.id,
        tableTitle: table.title,
        distance: Math.abs(entry.value - unsigned),
      });
    }
  }
  return candidates
    .sort((a, b) => a.distance - b.distance || tables.indexOf(a.table) - tables.indexOf(b.table))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ distance: _distance, ...code }) => code);
}
