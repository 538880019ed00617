/**
 * The finding model shared by every judging room: diagnose rules (probe observations), event
 * rules (server logs) and explain (error-code causes) all speak in these ids and shapes.
 */

/**
 * error: connections fail for some current, default-configured client (or for every client).
 * warning: connections work but are risky, degraded or about to break.
 * info: a fact worth knowing.
 */
export type Severity = 'error' | 'warning' | 'info';
export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info'];

export type FixRisk = 'low' | 'medium' | 'high';
export type FixWhere = 'server' | 'client' | 'network' | 'azure';
export type ScriptLanguage = 'powershell' | 'reg' | 'az' | 'cmd' | 'bash';

export interface FixScript {
  readonly language: ScriptLanguage;
  /** Correct and idempotent: running it twice leaves the same state as running it once. */
  readonly code: string;
  /**
   * The script's file below src/collect/ when it is one of the shipped .ps1 scripts
   * ('fixes/repair-machinekeys-acl.ps1'): `rdp-doctor fix NAME` writes it out.
   */
  readonly asset?: string;
}

export interface Fix {
  readonly title: string;
  readonly risk: FixRisk;
  readonly where: FixWhere;
  readonly steps: readonly string[];
  readonly script?: FixScript;
  /** Present on fixes that weaken security: what the user gives up. Such fixes are never first. */
  readonly weakensSecurity?: string;
}

/** The name `rdp-doctor fix NAME` knows a shipped fix script by ('fixes/enable-tls12.ps1' -> 'enable-tls12'). */
export function shippedFixName(fix: Fix): string | undefined {
  return fix.script?.asset?.replace(/^fixes\//, '').replace(/\.ps1$/, '');
}

/** An error a client shows for this cause. */
export interface ClientError {
  readonly client: 'mstsc' | 'freerdp' | 'windows-app' | 'any';
  /** e.g. "0x904" for mstsc, "ERRCONNECT_TLS_CONNECT_FAILED" for FreeRDP. */
  readonly code: string;
  /** mstsc extended disconnect reason, e.g. "0x7". */
  readonly extended?: string;
  /** The message the client shows with the code, from the sourced tables. */
  readonly message?: string;
  readonly note?: string;
}

/** One observed fact a finding rests on. */
export interface Evidence {
  readonly label: string;
  readonly value: string | number | boolean;
  /** Which probe stage (or log record) observed it. */
  readonly source?: string;
  /** Raw detail (an OpenSSL or decoder message) shown only with --verbose; always in JSON. */
  readonly verboseOnly?: boolean;
}

/** Documentation every rule carries; the catalog test fails when any part is missing. */
export interface RuleDocs {
  /** What the finding means, one paragraph. */
  readonly explanation: string;
  /** When the finding may be a false alarm. */
  readonly falseAlarm: string;
}

export interface Finding {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly explanation: string;
  readonly evidence: readonly Evidence[];
  readonly clientErrors: readonly ClientError[];
  readonly fixes: readonly Fix[];
  /** Structured facts for JSON consumers (the values the title and evidence were made from). */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** What a rule reports for one occurrence; the engine adds the rule's metadata. */
export interface RuleReport {
  readonly evidence: readonly Evidence[];
  /** Replaces the rule's default title, e.g. to name the version or the client. */
  readonly title?: string;
  /** Overrides the rule's default severity (e.g. a warning that becomes an error for a current client). */
  readonly severity?: Severity;
  /** Extra fixes placed before the rule's own (ranked again by risk by the engine). */
  readonly fixes?: readonly Fix[];
  /** The rule's own fixes do not apply to this occurrence: only `fixes` are offered. */
  readonly replaceFixes?: boolean;
  /** Replaces the rule's client errors, e.g. with the one client profile this occurrence is about. */
  readonly clientErrors?: readonly ClientError[];
  readonly data?: Readonly<Record<string, unknown>>;
}

export type RuleOutcome =
  | { readonly status: 'not-evaluated'; readonly reason: string }
  | { readonly status: 'pass' }
  | { readonly status: 'found'; readonly reports: readonly RuleReport[] };

export interface RuleMeta<Need extends string = string> {
  /** Stable, kebab-case; never reused for another meaning. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** The stages (or evidence kinds) whose observations the rule needs. */
  readonly requires: readonly Need[];
  readonly docs: RuleDocs;
  readonly clientErrors: readonly ClientError[];
  readonly fixes: readonly Fix[];
}

/** What the engine tells a rule besides the observations. */
export interface RuleContext {
  /**
   * Findings of the rules listed before this one. Only a catch-all rule (listed last) reads them,
   * to speak only where no specific rule did.
   */
  readonly earlier: readonly Finding[];
}

export interface Rule<Observations, Need extends string = string> {
  readonly meta: RuleMeta<Need>;
  /** Must not mutate its input (tests pass frozen observations). */
  evaluate(observations: Observations, context?: RuleContext): RuleOutcome;
}

export const RISK_ORDER: readonly FixRisk[] = ['low', 'medium', 'high'];

/**
 * Fixes ranked by risk, safest first; anything that weakens security goes last whatever its
 * nominal risk (the sort is stable, so authors' order holds within a rank).
 */
export function rankFixes(fixes: readonly Fix[]): Fix[] {
  const rank = (fix: Fix) => (fix.weakensSecurity ? 10 : 0) + RISK_ORDER.indexOf(fix.risk);
  return [...fixes].sort((a, b) => rank(a) - rank(b));
}
