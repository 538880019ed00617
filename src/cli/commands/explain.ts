import { CLIENT_PROFILE_IDS } from '../../explain/client-profiles.js';
import { ExitCode, UsageError } from '../errors.js';
import type { UnknownNameError } from '../../explain/explain.js';
import type { CommandSpec } from '../spec.js';
import { parseChoice } from '../validate.js';

/** Words for each CodeSyntaxError problem (src/explain/parse-code.ts). */
const SYNTAX_HELP = {
  empty: 'the code is empty',
  'hex-without-prefix': 'hex needs the 0x prefix (e.g. 0x904); bare numbers are decimal',
  'out-of-range': 'codes are 32-bit (at most 0xFFFFFFFF)',
  'not-a-code': 'expected hex (0x904), decimal (2308) or a name (ERRINFO_SERVER_DENIED_CONNECTION)',
} as const;

/** One line for a name no table holds: the nearest names when some are close, else the forms a code takes. */
function unknownNameMessage(error: UnknownNameError): string {
  const what = error.role === 'code' ? 'code' : 'extended code';
  if (error.knownAs)
    return `invalid ${what} '${error.raw}': it names a code in the table "${error.knownAs}"; an extended code is an extended disconnect reason or an errorInfo code (give '${error.raw}' as the code to explain it)`;
  const base = `unknown ${what} '${error.raw}': not a code or a name in rdp-doctor's tables`;
  if (error.suggestions.length === 0) return `${base}; ${SYNTAX_HELP['not-a-code']}`;
  const names = error.suggestions;
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`;
  return `${base}; did you mean ${list}?`;
}

export const explainCommand: CommandSpec = {
  name: 'explain',
  summary: 'explain an RDP client error code, its likely causes and how to confirm and fix each',
  description: [
    'CODE is an mstsc error code (0x904), an extended code, an errorInfo, RDP_NEG_FAILURE, SEC_E_*, NTSTATUS or FreeRDP code, or a symbolic name (ERRCONNECT_TLS_CONNECT_FAILED). EXTENDED is the mstsc "Extended error code".',
    "Numbers: 0x… is hex; a bare number is decimal (as event 1026 logs it). When no table knows a bare number as decimal but one knows the same digits as hex ('904'), the hex reading is used; either way the other reading is shown. Hex letters without 0x (904a) are rejected.",
    'Exit: 0 explained; 1 a well-formed number no table holds (the nearest known codes and, when its range has any, generic guidance are still given); 2 bad input, including a name no table holds (the nearest known names are suggested).',
  ].join('\n\n'),
  arguments: [
    { name: 'code', description: 'error code: 0x904, 2308 or a symbolic name', required: true },
    { name: 'extended', description: 'extended error code, e.g. 0x7', required: false },
  ],
  options: [
    {
      name: 'client',
      value: 'PROFILE',
      description:
        "rank the causes for the client that failed: a profile id from 'rdp-doctor clients' (e.g. windows-11-24h2, freerdp-3), or web-client",
      parse: (raw: string) => parseChoice(raw, CLIENT_PROFILE_IDS, '--client'),
    },
    { name: 'after-credentials', description: 'rank the causes for a failure after the password prompt' },
    { name: 'azure', description: 'rank the causes for an Azure VM or Azure Virtual Desktop host' },
    { name: 'gateway', description: 'rank the causes for a connection through an RD Gateway' },
    {
      name: 'verbose',
      short: 'v',
      description: 'show sources, every confirmation step, every fix and its script',
    },
  ],
  examples: [
    'rdp-doctor explain 0x904 0x7',
    'rdp-doctor explain 2308 7 --after-credentials',
    'rdp-doctor explain ERRCONNECT_TLS_CONNECT_FAILED --client freerdp-3',
    'rdp-doctor explain 0x80090302 --json',
  ],
  json: true,
  async run(context, args, options) {
    // The tables are large; load them only when the command runs.
    const [
      { explainCode, UnknownNameError },
      { CodeSyntaxError },
      { findClientProfile },
      { renderExplainText, unknownCodeNotice },
    ] = await Promise.all([
      import('../../explain/explain.js'),
      import('../../explain/parse-code.js'),
      import('../../explain/client-profiles.js'),
      import('../../report/explain-text.js'),
    ]);
    const [code, extended] = args as [string, string | undefined];
    const clientId = options.client as string | undefined;
    let explanation: ReturnType<typeof explainCode>;
    try {
      explanation = explainCode(code, extended, {
        client: clientId ? findClientProfile(clientId) : undefined,
        afterCredentials: Boolean(options.afterCredentials),
        azure: Boolean(options.azure),
        gateway: Boolean(options.gateway),
      });
    } catch (error) {
      if (error instanceof CodeSyntaxError) {
        throw new UsageError(`invalid code '${error.raw}': ${SYNTAX_HELP[error.problem]}`);
      }
      if (error instanceof UnknownNameError) throw new UsageError(unknownNameMessage(error));
      throw error;
    }
    if (context.json) {
      context.io.stdout(`${JSON.stringify(explanation, null, 2)}\n`);
    } else {
      context.io.stdout(
        renderExplainText(explanation, { colors: context.colors, verbose: Boolean(options.verbose) }),
      );
      const notice = unknownCodeNotice(explanation);
      if (notice) context.io.stderr(`rdp-doctor: ${notice}\n`);
    }
    return explanation.known ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
  },
};
