import type { ConnectionPhase, ErrorTableId } from '../data/error-code.js';
import { DIAGNOSE_FINDING_IDS, type FindingId, type StateFindingId } from '../rules/finding-ids.js';
import { type Fix, rankFixes } from '../rules/types.js';
import { CAUSES, type CauseSpec, type ContextEffect, type ProbeStage } from './causes.js';
import type { ClientTraits } from './client-profiles.js';
import {
  type CauseRef,
  causesForCode,
  type Likelihood,
  type RangeGuidance,
  rangeGuidance,
} from './code-causes.js';
import { hexReadingOf, type ParsedCode, parseCode } from './parse-code.js';
import { type NearbyCode, nearestCodes, nearestNames } from './suggest.js';
import {
  type CodeMatch,
  type CodeRole,
  ERROR_TABLES,
  errorTable,
  formatHex,
  lookupCode,
  lookupName,
  lookupValue,
  namesOf,
} from './tables.js';

/** Where a code given in each role is looked for (its meaning differs by role). */
const ROLE_TABLES: Readonly<Record<CodeRole, readonly ErrorTableId[]>> = {
  code: ERROR_TABLES.map((table) => table.id),
  extended: ['extended-disconnect-reason', 'error-info'],
};

/**
 * A name that no table holds (for its role): not a question `explain` can answer, so bad input.
 * `suggestions` are the nearest known names; `knownAs` is the table that holds the name when it
 * exists but not in this role (an SSPI status given as the extended code).
 */
export class UnknownNameError extends Error {
  constructor(
    readonly raw: string,
    readonly role: CodeRole,
    readonly suggestions: readonly string[],
    readonly knownAs: string | null,
  ) {
    super(`unknown ${role} name: ${raw}`);
    this.name = 'UnknownNameError';
  }
}

/** What the user told us about the failure; each flag narrows and re-ranks the causes. */
export interface ExplainContext {
  readonly client?: ClientTraits;
  readonly afterCredentials?: boolean;
  readonly azure?: boolean;
  readonly gateway?: boolean;
}

export interface ExplainedCode {
  readonly value: number;
  readonly hex: string;
  /** null when no table holds the code. */
  readonly name: string | null;
  readonly meaning: string | null;
  readonly table: ErrorTableId | null;
  readonly tableTitle: string | null;
  readonly aliases: readonly string[];
  readonly phase: ConnectionPhase | null;
  readonly sources: readonly string[];
  /** Only for a code no table holds: the known codes of its family nearest it, nearest first. */
  readonly nearest?: readonly NearbyCode[];
}

export type ConfirmBy = 'diagnose' | 'analyze' | 'collect' | 'manual';

export interface ExplainedCause {
  readonly id: string;
  readonly title: string;
  /** The finding id `diagnose`/`analyze` raise for this cause; null when no rule can see it. */
  readonly finding: FindingId | null;
  readonly likelihood: Likelihood;
  readonly score: number;
  readonly confirm: {
    readonly by: ConfirmBy;
    readonly finding?: FindingId;
    readonly stage?: ProbeStage;
    /** The collector and the state findings that confirm it from inside the machine. */
    readonly collected?: { readonly role: 'server' | 'client'; readonly findings: readonly StateFindingId[] };
    readonly steps: readonly string[];
  };
  readonly fixes: readonly Fix[];
  readonly sources: readonly string[];
}

/** A note about how the input was read, as a code plus data (rendered by report/explain-text). */
export type ReadingNote =
  | {
      readonly kind: 'read-as-hex';
      readonly role: CodeRole;
      readonly raw: string;
      readonly decimal: number;
      readonly hex: number;
    }
  | {
      readonly kind: 'also-hex';
      readonly role: CodeRole;
      readonly raw: string;
      readonly hex: number;
      readonly hexName: string;
    }
  | {
      readonly kind: 'other-reading';
      readonly role: CodeRole;
      readonly table: string;
      readonly name: string;
    };

export interface Explanation {
  readonly code: ExplainedCode;
  readonly extended: ExplainedCode | null;
  /** True when every code given was found in a table. */
  readonly known: boolean;
  readonly phase: ConnectionPhase | null;
  /** For unknown codes: the range whose generic guidance the causes come from; null when none applies. */
  readonly range: string | null;
  readonly notes: readonly ReadingNote[];
  readonly causes: readonly ExplainedCause[];
  /**
   * Set for failures after the security layer (or with --after-credentials): how diagnose walks
   * there: the session stage without credentials, the logon check with --user.
   */
  readonly sessionCheck: SessionCheck | null;
}

export interface SessionCheck {
  readonly stage: 'session';
  /** Runs without credentials: the connection sequence to the logon screen (servers without NLA). */
  readonly withoutCredentials: string;
  /** The opt-in logon check: one CredSSP logon attempt as the user. */
  readonly logonCheck: string;
}

/** Phases whose codes are raised after the security layer, where the session stage looks. */
const AFTER_SECURITY_LAYER: ReadonlySet<ConnectionPhase> = new Set([
  'connection-setup',
  'licensing',
  'logon',
]);

const SESSION_CHECK: SessionCheck = {
  stage: 'session',
  withoutCredentials: 'rdp-doctor diagnose HOST',
  logonCheck: 'rdp-doctor diagnose HOST --user DOMAIN\\NAME',
};

const LEVEL_SCORE: Readonly<Record<Likelihood, number>> = { high: 3, medium: 2, low: 1 };

function likelihoodOf(score: number): Likelihood {
  if (score >= 3) return 'high';
  return score >= 2 ? 'medium' : 'low';
}

function describe(match: CodeMatch): ExplainedCode {
  const { table, entry } = match;
  const names = namesOf(table, entry);
  // Extended reasons that coincide with errorInfo codes (0-7, 9-12, 0x100-0x10A, the protocol range) are the same fact.
  if (
    table.id === 'extended-disconnect-reason' &&
    entry.value !== 8 &&
    entry.value !== 0x10b &&
    entry.value !== 0x300
  ) {
    const info = lookupCode('error-info', entry.value);
    if (info) names.push(...namesOf(errorTable('error-info'), info));
  }
  return {
    value: entry.value,
    hex: formatHex(entry.value, table.hexDigits),
    name: entry.name,
    meaning: entry.meaning,
    table: table.id,
    tableTitle: table.title,
    aliases: [...new Set(names)].filter((name) => name !== entry.name),
    phase: entry.phase,
    sources: [entry.source ?? table.source],
  };
}

function unknownCode(value: number, role: CodeRole): ExplainedCode {
  return {
    value,
    hex: formatHex(value),
    name: null,
    meaning: null,
    table: null,
    tableTitle: null,
    aliases: [],
    phase: null,
    sources: [],
    nearest: nearestCodes(value, ROLE_TABLES[role]),
  };
}

interface Resolved {
  readonly value: number;
  readonly matches: readonly CodeMatch[];
  readonly notes: readonly ReadingNote[];
}

function resolve(parsed: ParsedCode, role: CodeRole): Resolved {
  const allowed = ROLE_TABLES[role];
  if (parsed.kind === 'name') {
    const everywhere = lookupName(parsed.name);
    const matches = everywhere.filter((match) => allowed.includes(match.table.id));
    const first = matches[0];
    if (!first) {
      throw new UnknownNameError(
        parsed.raw,
        role,
        nearestNames(parsed.name, allowed),
        everywhere[0]?.table.title ?? null,
      );
    }
    return { value: first.entry.value, matches, notes: [] };
  }
  const matches = lookupValue(parsed.value, role);
  const hex = hexReadingOf(parsed);
  if (hex === undefined) return { value: parsed.value, matches, notes: [] };
  const hexMatches = lookupValue(hex, role);
  if (matches.length === 0 && hexMatches.length > 0) {
    return {
      value: hex,
      matches: hexMatches,
      notes: [{ kind: 'read-as-hex', role, raw: parsed.raw, decimal: parsed.value, hex }],
    };
  }
  const notes: ReadingNote[] = [];
  if (hexMatches[0])
    notes.push({ kind: 'also-hex', role, raw: parsed.raw, hex, hexName: hexMatches[0].entry.name });
  return { value: parsed.value, matches, notes };
}

function effectsFor(spec: CauseSpec, context: ExplainContext): ContextEffect[] {
  const effects = spec.context;
  if (!effects) return [];
  const found: (ContextEffect | undefined)[] = [
    context.afterCredentials ? effects.afterCredentials : undefined,
    context.azure ? effects.azure : undefined,
    context.gateway ? effects.gateway : undefined,
    context.client?.legacyTlsOnly ? effects.legacyTlsClient : undefined,
    context.client ? effects.clientKind?.[context.client.kind] : undefined,
    context.client && !context.client.usesWam ? effects.clientWithoutWam : undefined,
  ];
  // A gateway carries any client over WebSocket, so --gateway keeps causes a client kind would drop.
  return found.filter(
    (effect): effect is ContextEffect => effect !== undefined && !(effect === 'exclude' && context.gateway),
  );
}

function confirmationOf(spec: CauseSpec): ExplainedCause['confirm'] {
  const finding = 'finding' in spec.confirm ? spec.confirm.finding : undefined;
  const collected = spec.confirm.collected;
  if (!finding)
    return collected
      ? { by: 'collect', finding: collected.findings[0]!, collected, steps: spec.confirm.steps }
      : { by: 'manual', steps: spec.confirm.steps };
  const byProbe = (DIAGNOSE_FINDING_IDS as readonly string[]).includes(finding);
  const stage = 'stage' in spec.confirm ? spec.confirm.stage : undefined;
  return {
    by: byProbe ? 'diagnose' : 'analyze',
    finding,
    ...(stage ? { stage } : {}),
    ...(collected ? { collected } : {}),
    steps: spec.confirm.steps,
  };
}

/** Ranks causes: base likelihood plus context; stable, so the table's order breaks ties. */
export function rankCauses(refs: readonly CauseRef[], context: ExplainContext): ExplainedCause[] {
  const seen = new Set<string>();
  const ranked: ExplainedCause[] = [];
  for (const [id, level] of refs) {
    if (seen.has(id)) continue;
    seen.add(id);
    const spec: CauseSpec = CAUSES[id];
    const effects = effectsFor(spec, context);
    if (effects.includes('exclude')) continue;
    const score = LEVEL_SCORE[level] + effects.reduce<number>((sum, effect) => sum + (effect as number), 0);
    const confirm = confirmationOf(spec);
    ranked.push({
      id: spec.id,
      title: spec.title,
      finding: confirm.finding ?? null,
      likelihood: likelihoodOf(score),
      score,
      confirm,
      fixes: rankFixes(spec.fixes),
      sources: spec.sources,
    });
  }
  return ranked.sort((a, b) => b.score - a.score);
}

const lower = (level: Likelihood): Likelihood => (level === 'high' ? 'medium' : 'low');

/** A range's guidance, or null when the range is unknown or has no causes to offer. */
function usableGuidance(value: number, role: CodeRole): RangeGuidance | null {
  const guidance = rangeGuidance(value, role);
  return guidance.causes.length > 0 ? guidance : null;
}

/**
 * Explains a code (and optionally an extended code) the user typed. Throws CodeSyntaxError for
 * malformed input and UnknownNameError for a name no table holds; a well-formed unknown number
 * gives `known: false`, its nearest known codes and its range's guidance when there is one.
 */
export function explainCode(
  rawCode: string,
  rawExtended?: string,
  context: ExplainContext = {},
): Explanation {
  const code = resolve(parseCode(rawCode), 'code');
  const extended = rawExtended === undefined ? undefined : resolve(parseCode(rawExtended), 'extended');
  const notes: ReadingNote[] = [...code.notes, ...(extended?.notes ?? [])];
  for (const other of code.matches.slice(1)) {
    notes.push({ kind: 'other-reading', role: 'code', table: other.table.title, name: other.entry.name });
  }

  const codeMatch = code.matches[0];
  const extendedMatch = extended?.matches[0];
  const refs: CauseRef[] = [];
  let range: string | null = null;
  let phase: ConnectionPhase | null = codeMatch?.entry.phase ?? null;

  // The extended reason is the more specific one, except "no information" (0).
  if (extended && extended.value !== 0) {
    if (extendedMatch) {
      refs.push(
        ...causesForCode(extendedMatch.table.id, extendedMatch.entry.value, extendedMatch.entry.phase),
      );
      phase = extendedMatch.entry.phase;
    } else {
      const guidance = usableGuidance(extended.value, 'extended');
      refs.push(...(guidance?.causes ?? []));
      range = guidance?.range ?? null;
    }
  }
  const guidance = codeMatch ? null : usableGuidance(code.value, 'code');
  const codeRefs = codeMatch
    ? causesForCode(codeMatch.table.id, codeMatch.entry.value, codeMatch.entry.phase)
    : (guidance?.causes ?? []);
  if (guidance) {
    range ??= guidance.range;
    phase ??= guidance.phase;
  }
  const extendedGiven = refs.length > 0;
  refs.push(...codeRefs.map(([id, level]): CauseRef => [id, extendedGiven ? lower(level) : level]));
  if (context.gateway) refs.push(['gateway-policy', 'medium'], ['websocket-blocked', 'low']);

  return {
    code: codeMatch ? describe(codeMatch) : unknownCode(code.value, 'code'),
    extended: extended
      ? extendedMatch
        ? describe(extendedMatch)
        : unknownCode(extended.value, 'extended')
      : null,
    known: Boolean(codeMatch) && (!extended || Boolean(extendedMatch)),
    phase,
    range,
    notes,
    causes: rankCauses(refs, context),
    sessionCheck:
      context.afterCredentials || (phase !== null && AFTER_SECURITY_LAYER.has(phase)) ? SESSION_CHECK : null,
  };
}
