import pc from 'picocolors';

type Colors = ReturnType<typeof pc.createColors>;

/** Where a command writes, injected so `main` can be tested in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
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

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
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
