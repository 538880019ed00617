import { CLIENT_PROFILE_IDS } from '../../explain/client-profiles.js';
import { ExitCode, UsageError } from '../errors.js';
import type { CommandSpec } from '../spec.js';
import { parseChoice } from '../validate.js';

/** Words for each CodeSyntaxError problem (src/explain/parse-code.ts). */
const SYNTAX_HELP = {
  empty: 'the code is empty',
  'hex-without-prefix': 'hex needs the 0x prefix (e.g. 0x904); bare numbers are decimal',
  'out-of-range': 'codes are 32-bit (at most 0xFFFFFFFF)',
  'not-a-code': 'expected hex (0x904), decimal (2308) or a name (ERRINFO_SERVER_DENIED_CONNECTION)',
} as const;

export const explainCommand: CommandSpec = {
  name: 'explain',
  summary: 'explain an RDP client error code, its likely causes and how to confirm and fix each',
  description: [
    'CODE is an mstsc error code (0x904), an extended code, an errorInfo, RDP_NEG_FAILURE, SEC_E_*, NTSTATUS or FreeRDP code, or a symbolic name (ERRCONNECT_TLS_CONNECT_FAILED). EXTENDED is the mstsc "Extended error code".',
    "Numbers: 0x… is hex; a bare number is decimal (as event 1026 logs it). When no table knows a bare number as decimal but one knows the same digits as hex ('904'), the hex reading is used; either way the other reading is shown. Hex letters without 0x (904a) are rejected.",
    'Exit: 0 explained, 1 not in the tables (generic guidance for its range is still given), 2 bad input.',
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
        "the client that failed: a profile id from 'rdp-doctor clients' (e.g. windows-11-24h2, freerdp-3), or web-client",
      parse: (raw: string) => parseChoice(raw, CLIENT_PROFILE_IDS, '--client'),
    },
    { name: 'after-credentials', description: 'the failure came after the password prompt' },
    { name: 'azure', description: 'the server is an Azure VM or Azure Virtual Desktop host' },
    { name: 'gateway', description: 'the connection goes through an RD Gateway' },
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
    const [{ explainCode }, { CodeSyntaxError }, { findClientProfile }, { renderExplainText }] =
      await Promise.all([
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
      throw error;
    }
    if (context.json) {
      context.io.stdout(`${JSON.stringify(explanation, null, 2)}\n`);
    } else {
      context.io.stdout(
        renderExplainText(explanation, { colors: context.colors, verbose: Boolean(options.verbose) }),
      );
      if (!explanation.known) {
        context.io.stderr(
          "rdp-doctor: this code is not in rdp-doctor's tables; the guidance above is generic for its range\n",
        );
      }
    }
    return explanation.known ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
  },
};
