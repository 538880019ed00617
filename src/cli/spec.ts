import type { CliIo, Colors } from './io.js';

/**
 * One typed table per command drives parsing, `--help` and the README's usage section.
 * Values are parsed by `parse` (which throws UsageError) so every command validates the same way.
 */
export interface OptionSpec<T = unknown> {
  /** Long flag without dashes, e.g. "timeout". Becomes the key in the parsed options (camelCase). */
  readonly name: string;
  readonly short?: string;
  /** Placeholder for a value, e.g. "MS"; absent for boolean flags. */
  readonly value?: string;
  readonly description: string;
  readonly defaultValue?: T;
  readonly parse?: (raw: string) => T;
  /** May be given more than once; values are collected into an array. */
  readonly repeatable?: boolean;
}

export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  readonly variadic?: boolean;
}

export interface CommandContext {
  readonly io: CliIo;
  /** Colours for stdout (off for --json, without a TTY, or with NO_COLOR). */
  readonly colors: Colors;
  readonly json: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** Longer help text, shown under the usage line. */
  readonly description?: string;
  readonly arguments: readonly ArgumentSpec[];
  readonly options: readonly OptionSpec[];
  /** Examples shown in --help and the README. */
  readonly examples?: readonly string[];
  /** Whether the command takes the global --json flag. */
  readonly json?: boolean;
  run(context: CommandContext, args: string[], options: Record<string, unknown>): Promise<number>;
}

export function optionKey(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
