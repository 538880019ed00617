import { ExitCode } from './errors.js';

/** The parts of `process` the bin uses (a stand-in in tests). */
export interface BinProcess {
  exitCode?: number | string | null | undefined;
  once(event: 'beforeExit', listener: () => void): unknown;
  readonly stderr: { write(text: string): unknown };
}

export const STALLED_RUN_MESSAGE =
  'rdp-doctor: internal error: the run stopped with nothing left to wait for and no result (please report this)\n';

/**
 * Runs the CLI and sets the exit code. Safety net: when the event loop drains while the run's
 * promise is still pending (a promise nothing will ever settle), Node would exit 0 with nothing
 * printed; this says so in one line and exits 3 instead. A run always ends in a result or an error.
 */
export function runBin(run: () => Promise<number>, proc: BinProcess = process): Promise<void> {
  let settled = false;
  proc.once('beforeExit', () => {
    if (settled) return;
    proc.stderr.write(STALLED_RUN_MESSAGE);
    proc.exitCode = ExitCode.INTERNAL;
  });
  return run().then(
    (code) => {
      settled = true;
      proc.exitCode = code;
    },
    (error: unknown) => {
      // main() reports its own errors; one escaping it is a bug, still told in one line.
      settled = true;
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      proc.stderr.write(`rdp-doctor: internal error: ${message}\n`);
      proc.exitCode = ExitCode.INTERNAL;
    },
  );
}
