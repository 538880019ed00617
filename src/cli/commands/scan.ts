import { once } from 'node:events';
import type { FleetResult } from '../../fleet/types.js';
import { ExitCode, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import type { CommandContext, CommandSpec } from '../spec.js';
import { DEFAULT_RDP_PORT, parseMilliseconds, parsePort, parsePositiveInteger } from '../validate.js';
import { VERSION } from '../version.js';

/**
 * Hosts probed at once by default. Measured on a lab fleet of loopback listeners (2 cores,
 * --quick): 16 hosts gave about 80% of the rate of 32, 64 no more than 32 (the CPU is the limit
 * there); on real networks most of a probe is waiting, where more hosts at once help.
 */
export const DEFAULT_CONCURRENCY = 32;
/** Open sockets at once by default: 4 per host for DEFAULT_CONCURRENCY hosts (see ProbePool). */
export const DEFAULT_MAX_SOCKETS = 128;
export const DEFAULT_SCAN_TIMEOUT_MS = 4000;
/** A host's whole probe, in step timeouts, by default: the slowest lab scenarios take about 3. */
export const QUICK_DEADLINE_STEPS = 5;
export const FULL_DEADLINE_STEPS = 8;
/** Bumped when a field of `scan --json` changes meaning or disappears. */
export const SCAN_SCHEMA_VERSION = 1;
const CONNECTIONS_PER_HOST = 4;

type OutputMode = 'text' | 'jsonl' | 'csv' | 'json';

function outputModeOf(options: Record<string, unknown>, json: boolean): OutputMode {
  const modes = (['jsonl', 'csv', 'json'] as const).filter((mode) =>
    mode === 'json' ? json : Boolean(options[mode]),
  );
  if (modes.length > 1) throw new UsageError(`--${modes.join(' and --')} cannot be used together: pick one`);
  return modes[0] ?? 'text';
}

export const scanCommand: CommandSpec = {
  name: 'scan',
  summary: 'probe many RDP endpoints at once and list the hosts that will fail, worst first',
  description:
    'Diagnoses every target as diagnose does (no credentials, ever) and reports the fleet: counts\n' +
    'per status, the findings across it, then the hosts with a problem, worst first. Targets are\n' +
    'host[:port], CIDR ranges (IPv4 and IPv6; more than 65,536 addresses needs --force) and .rdp\n' +
    'files, from the arguments and from -f files; each is probed once. Ranges get --quick unless\n' +
    '--full is given. At most 4 connections to one host at once, probes of one host never\n' +
    'overlap, and at most max-sockets / 4 hosts run at once. A progress line shows on stderr\n' +
    'when it is a terminal. Ctrl-C stops new probes, lets the running ones end, and reports\n' +
    'what was probed (Ctrl-C again quits at once). Exits 1 when any host has an error finding\n' +
    'or no verdict.',
  arguments: [
    {
      name: 'TARGET',
      description: 'host[:port], a CIDR range (10.0.0.0/24) or a .rdp file',
      required: false,
      variadic: true,
    },
  ],
  options: [
    {
      name: 'file',
      short: 'f',
      value: 'FILE',
      description: "read targets from FILE, one host[:port] or range a line, '#' comments ('-' reads stdin)",
      repeatable: true,
    },
    {
      name: 'port',
      short: 'p',
      value: 'PORT',
      description: 'connect to PORT where a target names none',
      defaultValue: DEFAULT_RDP_PORT,
      parse: (raw) => parsePort(raw),
    },
    {
      name: 'concurrency',
      short: 'c',
      value: 'N',
      description: 'probe at most N hosts at once',
      defaultValue: DEFAULT_CONCURRENCY,
      parse: (raw) => parsePositiveInteger(raw, '--concurrency', 4096),
    },
    {
      name: 'max-sockets',
      value: 'N',
      description: 'probe with at most N connections open at once across all hosts (4 per running host)',
      defaultValue: DEFAULT_MAX_SOCKETS,
      parse: (raw) => {
        const value = parsePositiveInteger(raw, '--max-sockets', 65_536);
        if (value < CONNECTIONS_PER_HOST)
          throw new UsageError(
            `invalid --max-sockets '${raw}': one host's probe needs ${CONNECTIONS_PER_HOST} connections`,
          );
        return value;
      },
    },
    {
      name: 'timeout',
      short: 't',
      value: 'MS',
      description: 'wait at most MS milliseconds for each step',
      defaultValue: DEFAULT_SCAN_TIMEOUT_MS,
      parse: (raw) => parseMilliseconds(raw, '--timeout'),
    },
    {
      name: 'deadline',
      value: 'MS',
      description: `wait at most MS milliseconds for one host's verdict (default: ${QUICK_DEADLINE_STEPS} x --timeout with --quick, ${FULL_DEADLINE_STEPS} x without)`,
      parse: (raw) => parseMilliseconds(raw, '--deadline'),
    },
    {
      name: 'quick',
      description:
        'skip the TLS version/cipher enumeration and the client simulation (the default for ranges)',
    },
    { name: 'full', description: 'run the TLS enumeration and the client simulation on ranges too' },
    { name: 'force', description: 'probe ranges of more than 65,536 addresses' },
    {
      name: 'jsonl',
      description: 'print one JSON line per host as each finishes (the diagnose --json document)',
    },
    { name: 'csv', description: 'print one CSV row per host with its key facts (RFC 4180, header row)' },
    { name: 'verbose', short: 'v', description: 'list healthy hosts and info findings too' },
  ],
  json: true,
  examples: [
    'rdp-doctor scan 10.0.0.0/24',
    'rdp-doctor scan -f servers.txt --csv > fleet.csv',
    'rdp-doctor scan rdp01.corp.example rdp02.corp.example:3390 --jsonl',
    'rdp-doctor scan 10.0.0.0/22 --full --concurrency 64 --max-sockets 256',
  ],
  run: (context, args, options) => runScanCommand(context, args, options),
};

/** Stdin as text, for `-f -`. */
async function* readStdin(): AsyncIterable<string> {
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) yield chunk as string;
}

/** Waits while stdout's buffer is full, so a slow reader slows the scan instead of filling memory. */
async function stdoutDrained(): Promise<void> {
  if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
}

async function runScanCommand(
  context: CommandContext,
  args: string[],
  options: Record<string, unknown>,
): Promise<number> {
  const { io } = context;
  const mode = outputModeOf(options, context.json);
  if (options.quick && options.full) throw new UsageError('--quick and --full cannot be used together');
  const files = (options.file as string[] | undefined) ?? [];
  if (args.length === 0 && files.length === 0)
    throw new UsageError('no targets: give host[:port], CIDR ranges or .rdp files, or -f FILE');
  const [{ planTargets, TargetError }, { ProbePool }, { runScan, ScanTally }, { hostFactsOf }] =
    await Promise.all([
      import('../../fleet/targets.js'),
      import('../../fleet/pool.js'),
      import('../../fleet/scan.js'),
      import('../../fleet/host-facts.js'),
    ]);
  const plan = await planTargets(args, files, {
    defaultPort: options.port as number,
    force: Boolean(options.force),
    readStdin,
  }).catch((error: unknown) => {
    throw error instanceof TargetError ? new UsageError(error.message) : error;
  });
  const quick = options.full ? false : Boolean(options.quick) || plan.hasRanges;
  const timeoutMs = options.timeout as number;
  const deadlineMs =
    (options.deadline as number | undefined) ??
    timeoutMs * (quick ? QUICK_DEADLINE_STEPS : FULL_DEADLINE_STEPS);
  const pool = new ProbePool({
    maxProbes: options.concurrency as number,
    maxSockets: options.maxSockets as number,
  });
  const tally = new ScanTally(mode !== 'text' ? 'none' : options.verbose ? 'all' : 'problems');
  const sink = await outputSink(mode, io);
  // A progress line between lines of data on one terminal would garble both.
  const progress =
    mode !== 'text' && io.stdoutIsTty
      ? undefined
      : (await import('../progress.js')).startScanProgress(io, plan.total);

  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort();
    progress?.stop();
    io.stderr(
      `rdp-doctor: stopping: no new probes; waiting for the ${pool.running} running (Ctrl-C again quits at once)\n`,
    );
  };
  process.on('SIGINT', onInterrupt);
  const started = performance.now();
  let run: { probed: number; stopped: boolean };
  try {
    run = await runScan(
      plan.targets(),
      {
        pool,
        probe: { timeoutMs, deadlineMs, quick, version: VERSION },
        signal: controller.signal,
      },
      async (result) => {
        const facts = hostFactsOf(result);
        tally.add(facts);
        await sink.host(result, facts);
        progress?.update(tally.probed, tally.failing);
      },
    );
  } finally {
    process.off('SIGINT', onInterrupt);
    if (!controller.signal.aborted) progress?.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const notProbed = plan.total - run.probed;
  const { renderScanText } = await import('../../report/scan-text.js');
  const textSummary = {
    probed: tally.probed,
    total: plan.total,
    byStatus: tally.byStatus,
    findings: tally.findings,
    rows: tally.rows,
    seconds,
  };
  await sink.end({
    total: plan.total,
    probed: run.probed,
    notProbed,
    stopped: run.stopped,
    seconds: Math.round(seconds * 1000) / 1000,
    byStatus: tally.byStatus,
    findings: tally.findings,
  });
  if (mode === 'text') {
    io.stdout(renderScanText(textSummary, { colors: context.colors, verbose: Boolean(options.verbose) }));
  } else if (io.stderrIsTty) {
    // The data went to stdout; the person at the terminal still gets the counts.
    const first = renderScanText(
      { ...textSummary, findings: [], rows: [] },
      { colors: context.colors, verbose: true },
    );
    io.stderr(first);
  }
  if (run.stopped)
    io.stderr(`rdp-doctor: stopped by Ctrl-C: ${notProbed} of ${plan.total} hosts not probed\n`);
  return tally.failing > 0 ? ExitCode.PROBLEMS_FOUND : ExitCode.OK;
}

interface ScanSummaryJson {
  readonly total: number;
  readonly probed: number;
  readonly notProbed: number;
  readonly stopped: boolean;
  readonly seconds: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly findings: readonly { id: string; severity: string; title: string; hosts: number }[];
}

interface OutputSink {
  host(result: FleetResult, facts: import('../../fleet/host-facts.js').HostFacts): Promise<void>;
  end(summary: ScanSummaryJson): Promise<void>;
}

/**
 * Where each host goes as it finishes. The machine formats are written host by host (even
 * --json's one document), so memory never holds the fleet's results.
 */
async function outputSink(mode: OutputMode, io: CliIo): Promise<OutputSink> {
  const { DIAGNOSE_SCHEMA_VERSION } = await import('../../report/diagnose-json.js');
  /** The diagnose --json document, or for a host without a verdict, why there is none. */
  const hostJson = (result: FleetResult) =>
    JSON.stringify(
      result.kind === 'diagnosed'
        ? result.document
        : {
            schemaVersion: DIAGNOSE_SCHEMA_VERSION,
            target: { host: result.target.host, port: result.target.port },
            noVerdict: { kind: result.kind, message: result.message },
          },
    );
  const write = async (text: string) => {
    io.stdout(text);
    await stdoutDrained();
  };
  switch (mode) {
    case 'text':
      return { host: async () => {}, end: async () => {} };
    case 'jsonl':
      return { host: (result) => write(`${hostJson(result)}\n`), end: async () => {} };
    case 'csv': {
      const { scanCsvHeader, scanCsvRow } = await import('../../report/scan-csv.js');
      io.stdout(scanCsvHeader());
      return { host: (_, facts) => write(scanCsvRow(facts)), end: async () => {} };
    }
    case 'json': {
      let first = true;
      io.stdout(`{"schemaVersion":${SCAN_SCHEMA_VERSION},"hosts":[`);
      return {
        host: (result) => {
          const text = `${first ? '\n' : ',\n'}${hostJson(result)}`;
          first = false;
          return write(text);
        },
        end: (summary) => write(`\n],"summary":${JSON.stringify(summary)}}\n`),
      };
    }
  }
}
