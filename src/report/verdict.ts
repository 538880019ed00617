import type { ScanGap } from '../rules/diagnose/completeness.js';
import type { CorroboratedFinding } from '../rules/corroboration.js';
import { LOGON_CHECK_FINDING_IDS } from '../rules/finding-ids.js';
import type { SessionOutcome, StageName } from '../probe/types.js';
import type { Finding } from '../rules/types.js';

/** The error codes a finding produces, as a user would see them ("0x904/0x7", ERRCONNECT_...). */
export function clientErrorLabel(finding: Finding): string | undefined {
  const mstsc = finding.clientErrors.find((error) => error.client === 'mstsc');
  if (mstsc) return `${mstsc.code}${mstsc.extended ? `/${mstsc.extended}` : ''}`;
  return finding.clientErrors[0]?.code;
}

const STEP_NAMES: Readonly<Record<StageName, string>> = {
  dns: 'name lookup',
  tcp: 'TCP',
  negotiation: 'X.224 negotiation',
  tls: 'TLS',
  certificate: 'certificate',
  credssp: 'CredSSP (NLA)',
  'rdp-security': 'Standard RDP Security',
  session: 'connection sequence',
};

/**
 * The furthest stage along the connection that a finding's evidence comes from: where it breaks
 * ("TLS selected in the negotiation" is context; the answer to the ClientHello is the break).
 */
export function breakingStageOf(finding: Pick<Finding, 'evidence'>): StageName | undefined {
  const order = Object.keys(STEP_NAMES) as StageName[];
  const furthest = Math.max(-1, ...finding.evidence.map((item) => order.indexOf(item.source as StageName)));
  return furthest >= 0 ? order[furthest] : undefined;
}

function stepOf(finding: Finding): string | undefined {
  const stage = breakingStageOf(finding);
  return stage ? STEP_NAMES[stage] : undefined;
}

export interface VerdictContext {
  /** What the diagnosis could not look at (completeness.ts). */
  readonly gaps?: readonly ScanGap[];
  /** Simulated client profiles that completed TLS, for "the other clients connect". */
  readonly compatibleClients?: number;
  /** Every simulated Windows profile (mstsc, not Windows App) failed. */
  readonly everyWindowsClientFails?: boolean;
  /** How far the connection sequence got (the session stage), or why it was not walked. */
  readonly reached?:
    | { readonly outcome: SessionOutcome; readonly user?: string; readonly redirectedTo?: string }
    | { readonly outcome: 'skipped'; readonly because: string };
}

/** The healthy verdict's last words: what the walk past the security layer showed. */
function reachedSentence(reached: VerdictContext['reached']): string {
  switch (reached?.outcome) {
    case 'logon-screen':
      return ' The server would show its logon screen.';
    case 'credentials-accepted':
      return ` The server accepted the password of ${reached.user ?? 'the account'} (the right to log on through Remote Desktop is checked only with --logon).`;
    case 'logged-on':
      return ` ${reached.user ?? 'The account'} logged on (a disconnected session is left on the server).`;
    case 'redirected':
      return ` The server is a connection broker: it redirects clients to ${reached.redirectedTo ?? 'another server'} (diagnose that host too).`;
    default:
      return '';
  }
}

function profilesOf(finding: Finding): number {
  return ((finding.data?.profiles as readonly string[] | undefined) ?? []).length;
}

/**
 * One sentence saying where the connection breaks and why, built from the most severe finding.
 * INVARIANT: it says "should work" or "no problems" only when no error was found and the scan that
 * would have found one finished; a failed step always yields an error finding (stage-failed).
 */
export function verdictFor(findings: readonly Finding[], context: VerdictContext = {}): string {
  const gaps = context.gaps ?? [];
  const errors = findings.filter((finding) => finding.severity === 'error');
  const more =
    errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  if (errors.length > 0) {
    const first = errors[0]!;
    // When some simulated clients connect, the headline says which fail rather than "connections fail".
    const clientGroups = errors.some((finding) => finding.id === 'client-incompatible');
    if (first.id === 'client-incompatible' || (clientGroups && (context.compatibleClients ?? 0) > 0)) {
      // The group with the most clients leads; its title names them, their error and the reason.
      const groups = errors.filter((finding) => finding.id === 'client-incompatible');
      const top = [...groups].sort((a, b) => profilesOf(b) - profilesOf(a))[0]!;
      const others =
        context.compatibleClients && context.compatibleClients > 0
          ? `; the other ${context.compatibleClients} simulated client profile${context.compatibleClients > 1 ? 's' : ''} connect${context.compatibleClients > 1 ? '' : 's'}`
          : '';
      if (context.everyWindowsClientFails && typeof top.data?.reason === 'string') {
        const error =
          typeof top.data.predictedError === 'string'
            ? ` with ${top.data.predictedError.replace(' / extended ', '/')}`
            : '';
        return `Every Windows client fails${error}: ${top.data.reason}${others}${more}.`;
      }
      return `${top.title}${others}${more}.`;
    }
    const top = first;
    const origin = (candidate: Finding) => (candidate as CorroboratedFinding).origin;
    // With --evidence: a problem only the machines' own state shows is not a failed connection.
    if (origin(top) === 'evidence' && errors.every((finding) => origin(finding) === 'evidence'))
      return `No step failed from here, but the evidence shows a problem: ${lowerFirst(top.title)}${more}.`;
    const code = clientErrorLabel(top);
    // The logon check's answer is about one account, not about every connection.
    if (LOGON_CHECK_FINDING_IDS.has(top.id))
      return `The logon check fails${code ? ` with ${code}` : ''}: ${lowerFirst(top.title)}${more}.`;
    const step = stepOf(top);
    const where = step ? ` at the ${step} step` : '';
    const confirmation = (top as CorroboratedFinding).confirmation;
    const confirmed = confirmation
      ? ` (confirmed from inside: ${confirmation.causes.map((cause) => cause.id).join(', ')})`
      : '';
    return `${code ? `Connections fail${where} with ${code}` : `Connections fail${where}`}: ${lowerFirst(top.title)}${confirmed}${more}.`;
  }
  const internal = gaps.find((gap) => gap.kind === 'internal-error' && gap.onClientPath);
  if (internal) return `No verdict: ${internal.text}.`;
  // Opt-in steps left out (a quick diagnosis, the logon without --user) are said, not counted as gaps.
  const incomplete = gaps.filter(
    (gap) => gap.kind !== 'quick' && gap.kind !== 'internal-error' && gap.kind !== 'logon-not-checked',
  );
  const warnings = findings.filter((finding) => finding.severity === 'warning');
  if (incomplete.length > 0) {
    const also =
      warnings.length > 0
        ? ` ${warnings.length} warning${warnings.length > 1 ? 's need' : ' needs'} attention.`
        : '';
    return `No step failed, but the scan is incomplete (${incomplete[0]!.text}), so some clients may still fail.${also}`;
  }
  const quick = gaps.some((gap) => gap.kind === 'quick') ? ' in the steps a quick diagnosis checks' : '';
  const reached = gaps.some((gap) => gap.kind === 'logon-not-checked')
    ? ' The logon behind NLA was not checked (--user checks it).'
    : reachedSentence(context.reached);
  if (warnings.length > 0) {
    return `Connections should work${quick}, but ${warnings.length} warning${warnings.length > 1 ? 's need' : ' needs'} attention: ${lowerFirst(warnings[0]!.title)}.${reached}`;
  }
  return quick
    ? `No problems found${quick}: a default client should connect (client compatibility not checked).${reached}`
    : `No problems found: a default client should connect.${reached}`;
}

/** Lower-cases a leading article so a title reads inside a sentence; names keep their capitals. */
export function lowerFirst(text: string): string {
  return /^(The|A|An|Something|Every|No) /.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}
