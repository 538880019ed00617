import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeBigEvtx } from '../helpers/big-evtx.js';

/**
 * Issue #17's "done when": `analyze --json --events` (and `--jsonl --events`) on a generated log of at
 * least 1 GiB, by the built CLI under a 256 MiB heap, prints every record and counts them all.
 * The output (gigabytes) is read as a stream and never held: event lines are only counted.
 * `npm test` builds first; run `npm run build` before running this file alone.
 *
 * BIG_LOG_CHUNKS sets the log's size in 64 KiB chunks (default 16,384: 1 GiB and its header),
 * for a quick run while working on the pipeline; the issue's figure is the default.
 */
const CHUNKS = Number(process.env.BIG_LOG_CHUNKS ?? 16_384);
const HEAP_CAP_MIB = 256;
/** Max RSS allowed: the heap cap covers the JavaScript heap only, this the whole process. */
const RSS_CAP_MIB = 256;
/** A real Security log, rich in logon events (4624 x583, 4625, 4672...), so the rules have work. */
const SOURCE = fileURLToPath(new URL('../fixtures/evtx/omerbenamram-security.evtx', import.meta.url));
const CLI = fileURLToPath(new URL('../../dist/bin/rdp-doctor.js', import.meta.url));
const GNU_TIME = '/usr/bin/time';
/** Generous: each run takes about a minute on 2 cores here, but CI machines vary. */
const RUN_TIMEOUT_MS = 15 * 60_000;

const EVENT_LINE_PREFIX = Buffer.from('{"eventId":');

/**
 * Reads the CLI's stdout line by line as it comes, keeping only what the checks need: how many
 * lines are event records, the lines before the first of them, and the lines after the last.
 */
class OutputLines {
  eventLines = 0;
  readonly before: string[] = [];
  readonly after: string[] = [];
  private partial: Buffer[] = [];

  push(data: Buffer): void {
    let start = 0;
    for (let newline = data.indexOf(10); newline >= 0; newline = data.indexOf(10, start)) {
      const piece = data.subarray(start, newline);
      this.line(this.partial.length > 0 ? Buffer.concat([...this.partial, piece]) : piece);
      this.partial = [];
      start = newline + 1;
    }
    // Copied: the piece of a line the next data completes must not pin this whole buffer.
    if (start < data.length) this.partial.push(Buffer.from(data.subarray(start)));
  }

  end(): void {
    if (this.partial.length > 0) this.line(Buffer.concat(this.partial));
    this.partial = [];
  }

  private line(line: Buffer): void {
    if (line.subarray(0, EVENT_LINE_PREFIX.length).equals(EVENT_LINE_PREFIX)) {
      this.eventLines++;
      // A line between event records would be lost by this reader: note it as out of place.
      if (this.after.length > 0) this.after.push('<event lines resumed>');
      return;
    }
    (this.eventLines === 0 ? this.before : this.after).push(line.toString('utf8'));
  }
}

interface AnalyzeRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly lines: OutputLines;
  /** GNU time's max resident set size; undefined without /usr/bin/time. */
  readonly maxRssKiB: number | undefined;
}

const hasGnuTime = existsSync(GNU_TIME);

/** The built CLI's `analyze OPTIONS... FILE` under the heap cap, with its stdout streamed. */
function analyze(options: string[], file: string, scratch: string): Promise<AnalyzeRun> {
  const timeFile = join(scratch, 'time.txt');
  rmSync(timeFile, { force: true });
  const node = [process.execPath, `--max-old-space-size=${HEAP_CAP_MIB}`, CLI, 'analyze', ...options, file];
  const [command, ...args] = hasGnuTime ? [GNU_TIME, '-f', '%M', '-o', timeFile, ...node] : node;
  const child = spawn(command!, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', RDP_DOCTOR_CODE_CACHE: join(scratch, 'code-cache') },
  });
  const lines = new OutputLines();
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => lines.push(data));
  child.stderr.on('data', (data: Buffer) => {
    // Enough to tell what went wrong; a crash prints its stack, never gigabytes.
    if (stderr.length < 64 * 1024) stderr += data.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      lines.end();
      // GNU time writes "Command exited with non-zero status N" (or "terminated by signal")
      // before the figure when the command did not exit 0, and exits with the command's code.
      const figures = hasGnuTime && existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim() : '';
      const maxRss = Number(figures.split(/\s+/).at(-1));
      resolve({
        code,
        signal,
        stderr,
        lines,
        maxRssKiB: hasGnuTime && Number.isFinite(maxRss) && maxRss > 0 ? maxRss : undefined,
      });
    });
  });
}

function assertRanToTheEnd(run: AnalyzeRun): void {
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code ?? run.signal}: ${run.stderr.slice(-2000)}`);
}

function assertUnderMemoryCap(run: AnalyzeRun, label: string, context: { diagnostic(text: string): void }) {
  if (run.maxRssKiB === undefined) {
    context.diagnostic(`${label}: max RSS not measured (no ${GNU_TIME})`);
    return;
  }
  const mib = run.maxRssKiB / 1024;
  context.diagnostic(`${label}: max RSS ${mib.toFixed(0)} MiB`);
  assert.ok(mib < RSS_CAP_MIB, `${label}: max RSS ${mib.toFixed(0)} MiB, cap ${RSS_CAP_MIB} MiB`);
}

interface ReportFile {
  readonly records: number;
  readonly damaged: boolean;
}

describe(`analyze on a generated ${((4096 + CHUNKS * 65536) / 2 ** 30).toFixed(2)} GiB Security log`, () => {
  let scratch = '';
  let log = '';
  let records = 0;

  before(
    () => {
      assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build`);
      scratch = mkdtempSync(join(tmpdir(), 'rdp-doctor-big-log-'));
      log = join(scratch, 'Security.evtx');
      records = writeBigEvtx(SOURCE, CHUNKS, log);
    },
    { timeout: 5 * 60_000 },
  );
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it(
    '--json --events: one event record a line, all of them, and the report',
    { timeout: RUN_TIMEOUT_MS },
    async (context) => {
      const run = await analyze(['--json', '--events'], log, scratch);
      assertRanToTheEnd(run);
      assert.equal(run.lines.eventLines, records, 'event lines');
      // The document without its event lines is the rest of the report, with an empty events list.
      assert.equal(run.lines.after.length, 1, `lines after the events: ${run.lines.after.length}`);
      const report = JSON.parse([...run.lines.before, ...run.lines.after].join('\n')) as {
        files: ReportFile[];
        findings: unknown[];
      };
      assert.equal(report.files.length, 1);
      assert.equal(report.files[0]!.records, records, 'files[0].records');
      assert.equal(report.files[0]!.damaged, false);
      assert.ok(Array.isArray(report.findings));
      assertUnderMemoryCap(run, '--json --events', context);
    },
  );

  it(
    '--jsonl --events: one event record a line, then {"report":...}',
    { timeout: RUN_TIMEOUT_MS },
    async (context) => {
      const run = await analyze(['--jsonl', '--events'], log, scratch);
      assertRanToTheEnd(run);
      assert.deepEqual(run.lines.before, [], 'lines before the first event');
      assert.equal(run.lines.eventLines, records, 'event lines');
      assert.equal(run.lines.after.length, 1, `lines after the events: ${run.lines.after.length}`);
      const last = JSON.parse(run.lines.after[0]!) as { report: { files: ReportFile[] } };
      assert.equal(last.report.files.length, 1);
      assert.equal(last.report.files[0]!.records, records, 'report.files[0].records');
      assert.equal(last.report.files[0]!.damaged, false);
      assertUnderMemoryCap(run, '--jsonl --events', context);
    },
  );
});
