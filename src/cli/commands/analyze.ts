import { ExitCode, UsageError } from '../errors.js';
import type { ByteProgress } from '../progress.js';
import type { CommandSpec } from '../spec.js';

const dateOption =
  (name: string) =>
  (raw: string): Date => {
    const date = new Date(raw);
    if (Number.isNaN(date.getTime()))
      throw new UsageError(
        `invalid --${name} '${raw}': expected a date such as 2024-05-01 or 2024-05-01T12:00:00Z`,
      );
    return date;
  };

/** Inputs smaller than this together are read before a progress bar would show. */
const PROGRESS_FROM_BYTES = 8 * 1024 * 1024;

export const analyzeCommand: CommandSpec = {
  name: 'analyze',
  summary:
    "read a server's or client's event logs, .reg exports and collector documents, and say what they prove",
  description:
    'Give the System, Security, RemoteDesktopServices-RdpCoreTS and TerminalServices logs copied off the server,\n' +
    '`reg export` files of the Terminal Server, RDP-Tcp, SCHANNEL and CredSSP keys, and the JSON document or\n' +
    'zip that `rdp-doctor collect` wrote; all kinds can be mixed in one run. The event rules run when a log\n' +
    'is given, the machine-state rules when a .reg export or a collector document is. A folder stands for\n' +
    'every .evtx file below it.\n' +
    'Logs of any size are read in one pass in bounded memory: records stream past the rules, the timeline and\n' +
    '--events output, and several logs are merged in time order. --since/--until skip whole chunks of a log by\n' +
    'their time. A progress bar shows on a terminal for inputs over 8 MiB.\n' +
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
        'document), .reg (reg export, regedit), .zip (a collector bundle made with -ExportEvents, read without ' +
        'unpacking) or a folder (every .evtx below it)',
      required: true,
      variadic: true,
    },
  ],
  options: [
    {
      name: 'since',
      value: 'DATE',
      description: 'read only records created at or after DATE (ISO 8601)',
      parse: dateOption('since'),
    },
    {
      name: 'until',
      value: 'DATE',
      description: 'read only records created at or before DATE (ISO 8601)',
      parse: dateOption('until'),
    },
    { name: 'events', description: 'list every record read as well, as it is read (with --json or --jsonl)' },
    {
      name: 'jsonl',
      description: 'print JSON Lines: each record on its own line (with --events), then {"report": ...} last',
    },
  ],
  examples: [
    'rdp-doctor analyze System.evtx Security.evtx',
    'rdp-doctor analyze --json --events RdpCoreTS.evtx | jq .events',
    "rdp-doctor analyze --jsonl --events --since 2026-11-30 C:\\Logs | jq -c 'select(.eventId == 4625)'",
    'rdp-doctor analyze ./logs-from-srv01/',
    'rdp-doctor analyze rdp-tcp.reg schannel.reg System.evtx',
    'rdp-doctor analyze rdp-doctor-server-SRV01-20260101120000.zip',
  ],
  json: true,
  async run(context, args, options) {
    if (options.jsonl && context.json)
      throw new UsageError('--json and --jsonl cannot be used together: pick one');
    const since = options.since as Date | undefined;
    const until = options.until as Date | undefined;
    if (since && until && since.getTime() > until.getTime())
      throw new UsageError('--since is after --until: no record can be in between');
    const { analyzeFiles } = await import('../../analysis.js');
    const output = options.jsonl
      ? (await import('../../report/analyze-json.js')).analyzeJsonLinesOutput(context.io.stdout)
      : context.json
        ? (await import('../../report/analyze-json.js')).analyzeJsonOutput(
            context.io.stdout,
            Boolean(options.events),
          )
        : undefined;
    const listEvents = Boolean(options.events) && output !== undefined;
    // The bar's library loads only where a bar can show.
    const bars = context.io.stderrIsTty ? await import('../progress.js') : undefined;
    let progress: ByteProgress | undefined;
    const report = await analyzeFiles(args, {
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      ...(listEvents ? { onEvent: (event) => output!.event(event) } : {}),
      onBatch(read, total) {
        if (bars && total >= PROGRESS_FROM_BYTES) {
          progress ??= bars.startByteProgress(context.io, total);
          progress?.update(read);
        }
        return listEvents ? context.io.stdoutDrained?.() : undefined;
      },
    });
    progress?.stop();
    for (const input of report.unreadable) context.io.stderr(`rdp-doctor: ${input.message}\n`);
    // Nothing was read, so there is nothing to report: a verdict here would be about no logs at all.
    if (report.files.length === 0) return ExitCode.USAGE;
    if (output) output.report(report);
    else
      context.io.stdout(
        (await import('../../report/analyze-text.js')).renderAnalyzeText(report, context.colors),
      );
    if (report.unreadable.length > 0) return ExitCode.USAGE;
    return report.findings.some((finding) => finding.severity === 'error')
      ? ExitCode.PROBLEMS_FOUND
      : ExitCode.OK;
  },
};
