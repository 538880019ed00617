import type { Colors } from '../cli/io.js';
import type { ConnectionPhase } from '../data/error-code.js';
import {
  type ExplainedCause,
  type ExplainedCode,
  type Explanation,
  type ReadingNote,
} from '../explain/explain.js';
import { LOGON_CHECK_FINDING_IDS } from '../rules/finding-ids.js';

/** Renders an explanation as text; rendering only, every fact comes from the Explanation. */
export interface ExplainTextOptions {
  readonly colors: Colors;
  /** Show sources, fix scripts and every confirmation step. */
  readonly verbose: boolean;
}

const PHASE_TEXT: Readonly<Record<ConnectionPhase, string>> = {
  client: 'on the client, before or outside the connection',
  dns: 'name resolution, before any connection',
  tcp: 'the TCP connection (it can break at any later phase too)',
  gateway: 'the RD Gateway / WebSocket hop in front of the server',
  negotiation: 'security negotiation (X.224 connection request and confirm)',
  tls: 'the TLS handshake',
  certificate: "checking the server's TLS certificate",
  credssp: 'Network Level Authentication (CredSSP) and the credential check',
  'rdp-security': 'Standard RDP Security encryption',
  'connection-setup':
    'connection set-up after TLS/NLA (MCS, capabilities, licensing hand-off) or the server refusing it',
  licensing: 'Remote Desktop licensing',
  logon: 'the Windows logon into the session (rights and group membership)',
  broker: 'the connection broker placing the session',
  session: 'an established session',
};

function nearestLine(code: ExplainedCode): string {
  const nearest = code.nearest ?? [];
  if (nearest.length === 0) {
    const family = `0x${(code.value >>> 16).toString(16).toUpperCase().padStart(4, '0')}xxxx`;
    return `  No known code is near it: no table holds a code of its family (${family}).`;
  }
  const shown = nearest.map((near) => `${near.hex} ${near.name} [${near.tableTitle}]`);
  return `  Nearest known codes: ${shown.join('; ')}`;
}

function codeLine(label: string, code: ExplainedCode, colors: Colors): string[] {
  if (code.table === null) {
    return [
      `${label} ${colors.bold(`${code.hex} (${code.value})`)}: ${colors.yellow("not in rdp-doctor's tables")}`,
      nearestLine(code),
    ];
  }
  const lines = [
    `${label} ${colors.bold(`${code.hex} (${code.value})`)}  ${colors.cyan(code.name ?? '')}  ${colors.dim(`[${code.tableTitle}]`)}`,
  ];
  if (code.aliases.length) lines.push(`  also named: ${code.aliases.join(', ')}`);
  lines.push(`  ${code.meaning}`);
  return lines;
}

function noteLine(note: ReadingNote): string {
  const which = note.role === 'code' ? 'code' : 'extended code';
  switch (note.kind) {
    case 'read-as-hex':
      return `Read ${which} '${note.raw}' as hex 0x${note.hex.toString(16).toUpperCase()}: no table has decimal ${note.decimal}. Write 0x… to be explicit.`;
    case 'also-hex':
      return `Read ${which} '${note.raw}' as decimal; as hex (0x${note.hex.toString(16).toUpperCase()}) it would be ${note.hexName}.`;
    case 'other-reading':
      return `The same number is also ${note.name} as a ${note.table}.`;
  }
}

function causeLines(cause: ExplainedCause, index: number, options: ExplainTextOptions): string[] {
  const { colors, verbose } = options;
  const level =
    cause.likelihood === 'high' ? colors.red : cause.likelihood === 'medium' ? colors.yellow : colors.dim;
  const finding = cause.finding ? colors.dim(`  finding: ${cause.finding}`) : '';
  const lines = [
    `${String(index + 1).padStart(2)}. ${level(`[${cause.likelihood}]`)} ${cause.title}${finding}`,
  ];
  const collected = cause.confirm.collected;
  const fromInside = collected
    ? `run \`rdp-doctor collect ${collected.role}\` on the ${collected.role} and \`rdp-doctor analyze\` on what it writes; it reports ${collected.findings.join(' or ')}`
    : undefined;
  const how =
    cause.confirm.by === 'diagnose'
      ? LOGON_CHECK_FINDING_IDS.has(cause.finding ?? '')
        ? `run \`rdp-doctor diagnose HOST --user DOMAIN\\NAME\` (stage session, the logon check: one attempt); it reports ${cause.finding}`
        : `run \`rdp-doctor diagnose HOST\` (stage ${cause.confirm.stage ?? 'any'}); it reports ${cause.finding}`
      : cause.confirm.by === 'analyze'
        ? `run \`rdp-doctor analyze\` on the server's event logs; it reports ${cause.finding}`
        : cause.confirm.by === 'collect'
          ? fromInside!
          : 'by hand (no probe can see this)';
  lines.push(`    Confirm: ${how}`);
  if (fromInside && cause.confirm.by !== 'collect') lines.push(`    From inside: ${fromInside}`);
  const steps =
    verbose || cause.confirm.by === 'manual' ? cause.confirm.steps : cause.confirm.steps.slice(0, 1);
  for (const step of steps) lines.push(`      - ${step}`);
  const fixes = verbose ? cause.fixes : cause.fixes.slice(0, 2);
  for (const fix of fixes) {
    const cost = fix.weakensSecurity ? colors.red(` weakens security: ${fix.weakensSecurity}`) : '';
    lines.push(`    Fix (${fix.where}, risk ${fix.risk}): ${fix.title}${cost}`);
    if (verbose) {
      for (const step of fix.steps) lines.push(`      - ${step}`);
      if (fix.script) {
        lines.push(`      ${fix.script.language}:`);
        for (const line of fix.script.code.split('\n')) lines.push(`        ${line}`);
      }
    }
  }
  if (!verbose && cause.fixes.length > fixes.length)
    lines.push(colors.dim(`    (${cause.fixes.length - fixes.length} more fix(es) with --verbose)`));
  if (verbose) lines.push(colors.dim(`    Sources: ${cause.sources.join(' ; ')}`));
  return lines;
}

export function renderExplainText(explanation: Explanation, options: ExplainTextOptions): string {
  const { colors, verbose } = options;
  const lines = codeLine('Code', explanation.code, colors);
  if (explanation.extended) lines.push(...codeLine('Extended', explanation.extended, colors));
  for (const note of explanation.notes) lines.push(colors.dim(`Note: ${noteLine(note)}`));
  if (explanation.phase) lines.push(`Phase: ${explanation.phase} (${PHASE_TEXT[explanation.phase]})`);
  if (explanation.range) lines.push(`Generic guidance for its range: ${explanation.range}`);
  if (verbose) {
    const sources = [...(explanation.code.sources ?? []), ...(explanation.extended?.sources ?? [])];
    if (sources.length) lines.push(colors.dim(`Sources: ${[...new Set(sources)].join(' ; ')}`));
  }
  if (explanation.sessionCheck) {
    const check = explanation.sessionCheck;
    lines.push(
      `Check it: \`${check.withoutCredentials}\` walks past the security layer to the logon screen (stage ${check.stage}) and names what the server says instead; \`${check.logonCheck}\` adds the logon check (one attempt; a wrong password counts toward lockout).`,
    );
  }
  lines.push('');
  if (explanation.causes.length === 0) {
    lines.push(
      explanation.known
        ? 'No likely causes are known for this code.'
        : 'rdp-doctor has no guidance for this code: no table holds it and no known range covers it.',
    );
  } else {
    lines.push(colors.bold('Likely causes, most likely first:'));
    explanation.causes.forEach((cause, index) => {
      lines.push(...causeLines(cause, index, options));
    });
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The one line `explain` puts on stderr when a code is not in the tables: which code, and where
 * the causes shown come from (its range, the other code, or nowhere). Null when every code is known.
 */
export function unknownCodeNotice(explanation: Explanation): string | null {
  const unknown = [
    ...(explanation.code.table === null ? [`code ${explanation.code.hex}`] : []),
    ...(explanation.extended && explanation.extended.table === null
      ? [`extended code ${explanation.extended.hex}`]
      : []),
  ];
  if (unknown.length === 0) return null;
  const subject = `${unknown.join(' and ')} ${unknown.length > 1 ? 'are' : 'is'} not in rdp-doctor's tables`;
  if (explanation.range !== null)
    return `${subject}; the causes shown are generic for its range (${explanation.range})`;
  if (explanation.causes.length > 0) return `${subject}; the causes shown come from the code that is known`;
  return `${subject}, and no known range gives guidance for it`;
}
