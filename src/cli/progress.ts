import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

/** A scan's progress line on the terminal: done/total, failures so far, rate and time left. */
export interface ScanProgress {
  update(done: number, failures: number): void;
  /** Clears the line (the summary comes next). */
  stop(): void;
}

/** cli-progress redraws at most this often. */
const REDRAW_MS = 100;

/**
 * A bar on stderr, or undefined when stderr is not a terminal: a log file or a pipe gets none of
 * it. cli-progress writes through a stand-in for the stream, so the line goes where every other
 * message goes (io.stderr).
 */
function barOnStderr(
  io: CliIo,
  columns: number | undefined,
  format: string,
  etaBuffer: number,
): cliProgress.SingleBar | undefined {
  if (!io.stderrIsTty) return undefined;
  const stream = { isTTY: true, columns, write: (text: string) => (io.stderr(text), true) };
  return new cliProgress.SingleBar(
    {
      stream: stream as unknown as NodeJS.WritableStream,
      format,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      fps: 1000 / REDRAW_MS,
      etaBuffer,
      // The total is known up front; no line is drawn for an empty run.
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
}

/** The scan's progress bar on stderr, or undefined when stderr is not a terminal. */
export function startScanProgress(
  io: CliIo,
  total: number,
  columns: number | undefined = process.stderr.columns,
): ScanProgress | undefined {
  const bar = barOnStderr(
    io,
    columns,
    ' {bar} {value}/{total} hosts | {failures} failing | {rate} hosts/min | ETA {eta_formatted}',
    50,
  );
  if (!bar) return undefined;
  const started = performance.now();
  const rate = (done: number) => {
    const minutes = (performance.now() - started) / 60_000;
    return minutes > 0 ? Math.round(done / minutes) : 0;
  };
  bar.start(total, 0, { failures: 0, rate: 0 });
  return {
    update(done, failures) {
      bar.update(done, { failures, rate: rate(done) });
    },
    stop() {
      bar.stop();
    },
  };
}

/** analyze's progress line: bytes read of the inputs, rate and time left. */
export interface ByteProgress {
  update(read: number): void;
  stop(): void;
}

const MIB = 1024 * 1024;

/** The byte progress bar on stderr, or undefined when stderr is not a terminal. */
export function startByteProgress(
  io: CliIo,
  total: number,
  columns: number | undefined = process.stderr.columns,
): ByteProgress | undefined {
  const bar = barOnStderr(
    io,
    columns,
    ' {bar} {percentage}% | {readMiB}/{totalMiB} MiB | {rate} MiB/s | ETA {eta_formatted}',
    200,
  );
  if (!bar) return undefined;
  const started = performance.now();
  const totalMiB = (total / MIB).toFixed(0);
  bar.start(total, 0, { readMiB: '0', totalMiB, rate: '0' });
  return {
    update(read) {
      const seconds = (performance.now() - started) / 1000;
      bar.update(read, {
        readMiB: (read / MIB).toFixed(0),
        totalMiB,
        rate: seconds > 0 ? (read / MIB / seconds).toFixed(0) : '0',
      });
    },
    stop() {
      bar.stop();
    },
  };
}
