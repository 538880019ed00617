import { ExitCode, UsageError } from '../errors.js';
import type { CommandSpec } from '../spec.js';

function parseSince(raw: string): Date {
  const date = new Date(raw);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(
      `invalid --since '${raw}': expected a date such as 2024-05-01 or 2024-05-01T12:00:00Z`,
    );
  return date;
}

export const analyzeCommand: CommandSpec = {
  name: 'analyze',
  summary:
    "read a server's or client's event logs, .reg exports and collector documents, and say what they prove",
  description:
    'Give the System, Security, RemoteDesktopServices-RdpCoreTS and TerminalServices logs copied off the server,\n' +
    '`reg export` files of the Terminal Server, RDP-Tcp, SCHANNEL and CredSSP keys, and the JSON document or\n' +
    'zip that `rdp-doctor collect` wrote; all kinds can be mixed in one run. The event rules run when a log\n' +
    'is given, the machine-state rules when a .reg export or a collector document is.\n' +
    'Damaged .evtx files are read as far as they go, .reg lines and collector sections that cannot be read\n' +
    'are skipped; the damage is reported.\n\n' +
    'Exit: 0 no problem shown, 1 a finding of severity error, 2 bad input. A file that cannot be read\n' +
    'is bad input: its error goes to stderr and the exit code is 2 even when other files are read and\n' +
    'reported (the report names the unread files); when no file can be read, only the errors are printed.',
  arguments: [
    {
      name: 'file',
      description:
        '.evtx, .xml (wevtutil qe /f:xml, Save as XML), .json (Get-WinEvent | ConvertTo-Json, or a collector ' +
        'document), .reg (reg export, regedit) or .zip (a collector bundle made with -ExportEvents)',
      required: true,
      variadic: true,
    },
  ],
  options: [
    {
      name: 'since',
      value: 'DATE',
      description: 'read only records at or after DATE (ISO 8601)',
      parse: parseSince,
    },
    { name: 'events', description: 'list every record read as well (with --json)' },
  ],
  examples: [
    'rdp-doctor analyze System.evtx Security.evtx',
    'rdp-doctor analyze --json --events RdpCoreTS.evtx | jq .events',
    'rdp-doctor analyze rdp-tcp.reg schannel.reg System.evtx',
    'rdp-doctor analyze rdp-doctor-server-SRV01-20260101120000.zip',
  ],
  json: true,
  async run(context, args, options) {
    const { analyzeFiles } = await import('../../analysis.js');
    const { renderAnalyzeText } = await import('../../report/analyze-text.js');
    const report = await analyzeFiles(args, options.since as Date | undefined);
    for (const input of report.unreadable) context.io.stderr(`rdp-doctor: ${input.message}\n`);
    // Nothing was read, so there is nothing to report: a verdict here would be about no logs at all.
    if (report.files.length === 0) return ExitCode.USAGE;
    if (context.json) {
      const { events, ...rest } = report;
      context.io.stdout(`${JSON.stringify(options.events ? { ...rest, events } : rest)}\n`);
    } else {
      context.io.stdout(renderAnalyzeText(report, context.colors));
    }
    if (report.unreadable.length > 0) return ExitCode.USAGE;
    return report.findings.some((finding) => finding.severity === 'error')
      ? ExitCode.PROBLEMS_FOUND
      : ExitCode.OK;
  },
};
