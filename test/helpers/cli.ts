import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output and no TTY. */
export async function runCli(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stdoutIsTty: false,
    stderrIsTty: false,
    env,
  });
  return { code, stdout, stderr };
}

/** Asserts the run failed with exit 2 and exactly one line on stderr, no stack trace. */
export function isOneLineUsageError(run: CliRun): boolean {
  const lines = run.stderr.trimEnd().split('\n');
  return (
    run.code === 2 &&
    lines.length === 1 &&
    !/\bat .+:\d+:\d+/.test(run.stderr) &&
    lines[0]!.startsWith('rdp-doctor: ')
  );
}
