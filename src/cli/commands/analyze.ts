import { UsageError } from '../errors.js';
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
    "Reads a server's event logs (.evtx, Event Viewer XML, Get-WinEvent JSON) and says what they prove",
  description:
    'Give the System, Security, RemoteDesktopServices-RdpCoreTS and TerminalServices logs copied off the server.\n' +
    'Damaged .evtx files are read as far as they go; the damage is reported.',
  arguments: [
    {
      name: 'file',
      description: '.evtx, .xml (wevtutil qe /f:xml, Save as XML) or .json (Get-WinEvent | ConvertTo-Json)',
      required: true,
      variadic: true,
    },
  ],
  options: [
    {
      name: 'since',
      value: 'DATE',
      description: 'only records at or after DATE (ISO 8601)',
      parse: parseSince,
    },
    { name: 'events', description: 'with --json: also list every record read' },
  ],
  examples: [
    'rdp-doctor analyze System.evtx Security.evtx',
    'rdp-doctor analyze --json --events RdpCoreTS.evtx | jq .events',
  ],
  json: true,
  async run(context, args, options) {
    const { analyzeFiles } = await import('../../evidence/analyze.js');
    const { renderAnalyzeText } = await import('../../report/analyze-text.js');
    const result = await analyzeFiles(args, options.since as Date | undefined);
    for (const error of result.errors) context.io.stderr(`rdp-doctor: ${error}\n`);
    if (context.json) {
      const { events, ...rest } = result.report;
      context.io.stdout(`${JSON.stringify(options.events ? { ...rest, events } : rest)}\n`);
    } else {
      context.io.stdout(renderAnalyzeText(result.report, context.colors));
    }
    if (result.errors.length > 0) return 2;
    return result.report.findings.some((finding) => finding.severity === 'error') ? 1 : 0;
  },
};
