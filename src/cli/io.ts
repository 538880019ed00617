import pc from 'picocolors';

type Colors = ReturnType<typeof pc.createColors>;

/** Where a command writes, injected so `main` can be tested in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  /**
   * When stdout's buffer is full, a promise that settles once it has drained: a command writing
   * much (analyze --events) waits for it, so a slow reader never makes output pile up in memory.
   */
  readonly stdoutDrained?: () => Promise<void> | undefined;
  readonly stderr: (text: string) => void;
  readonly stdoutIsTty: boolean;
  readonly stderrIsTty: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Prompts on the terminal without echo and returns what was typed as UTF-16LE bytes (the logon
   * check's password); undefined when there is no terminal to ask on.
   */
  readonly readSecret?: (prompt: string) => Promise<Buffer | undefined>;
}

let pipeWatched = false;

export function processIo(): CliIo {
  if (!pipeWatched) {
    pipeWatched = true;
    // The reader went away (`analyze --events | head`): nothing more can be said, and it is no error.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
  return {
    stdout: (text) => process.stdout.write(text),
    stdoutDrained: () =>
      process.stdout.writableNeedDrain
        ? new Promise<void>((resolve) => {
            const settle = () => {
              process.stdout.off('drain', settle);
              process.stdout.off('close', settle);
              resolve();
            };
            process.stdout.on('drain', settle);
            process.stdout.on('close', settle);
          })
        : undefined,
    stderr: (text) => process.stderr.write(text),
    stdoutIsTty: Boolean(process.stdout.isTTY),
    stderrIsTty: Boolean(process.stderr.isTTY),
    env: process.env,
    readSecret: async (prompt) => {
      const { promptOnTerminal } = await import('./password.js');
      return promptOnTerminal(process.stdin, process.stderr, prompt);
    },
  };
}

/** Colour only on a TTY, never when NO_COLOR is set (https://no-color.org: any non-empty value). */
export function colorsFor(isTty: boolean, env: CliIo['env']): Colors {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0';
  return pc.createColors(!noColor && (isTty || forced));
}

export type { Colors };
