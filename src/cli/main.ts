import { Command, CommanderError, Option } from 'commander';
import { COMMANDS } from './commands/index.js';
import { ExitCode, UsageError } from './errors.js';
import { type CliIo, colorsFor, processIo } from './io.js';
import { type CommandSpec, optionKey } from './spec.js';
import { VERSION } from './version.js';

const PROGRAM = 'rdp-doctor';

/** Thrown out of commander's action so `main` can return the command's exit code. */
class CommandFinished extends Error {
  constructor(readonly exitCode: number) {
    super('finished');
  }
}

function oneLine(message: string): string {
  return message
    .replace(/^error:\s*/i, '')
    .split('\n')[0]!
    .trim();
}

function buildCommand(program: Command, spec: CommandSpec, io: CliIo): void {
  const command = program.command(spec.name).description(spec.summary);
  // Single line breaks in a spec are source formatting: commander wraps paragraphs to the terminal.
  if (spec.description)
    command
      .summary(spec.summary)
      .description(`${spec.summary}\n\n${spec.description.replace(/(?<!\n)\n(?!\n)/g, ' ')}`);
  for (const argument of spec.arguments) {
    const name = `${argument.name}${argument.variadic ? '...' : ''}`;
    command.argument(argument.required ? `<${name}>` : `[${name}]`, argument.description);
  }
  for (const option of spec.options) {
    const flags = `${option.short ? `-${option.short}, ` : ''}--${option.name}${option.value ? ` <${option.value}>` : ''}`;
    const commanderOption = new Option(flags, option.description);
    if (option.defaultValue !== undefined) commanderOption.default(option.defaultValue);
    if (option.value) {
      const parse = option.parse;
      commanderOption.argParser((raw: string, previous: unknown) => {
        const value = parse ? parse(raw) : raw;
        if (!option.repeatable) return value;
        return Array.isArray(previous) ? [...previous, value] : [value];
      });
    }
    command.addOption(commanderOption);
  }
  if (spec.json) command.option('--json', 'print one JSON document on stdout instead of text');
  if (spec.examples?.length) {
    command.addHelpText(
      'after',
      `\nExamples:\n${spec.examples.map((example) => `  $ ${example}`).join('\n')}\n`,
    );
  }
  command.action(async (...actionArgs: unknown[]) => {
    // commander passes the positional arguments, then the options object, then the command.
    const positional = actionArgs
      .slice(0, spec.arguments.length)
      .flatMap((value) =>
        value === undefined ? [] : Array.isArray(value) ? (value as string[]) : [value as string],
      );
    const options = (actionArgs[spec.arguments.length] ?? {}) as Record<string, unknown>;
    const json = Boolean(options[optionKey('json')]);
    const colors = colorsFor(io.stdoutIsTty && !json, io.env);
    const exitCode = await spec.run({ io, colors, json }, positional, options);
    throw new CommandFinished(exitCode);
  });
}

export function buildProgram(io: CliIo): Command {
  const program = new Command(PROGRAM)
    .description('Finds out why a Remote Desktop connection fails, and says how to fix it safely.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      // Usage errors are reported once, as one line, by main().
      outputError: () => {},
    });
  program.addHelpText(
    'after',
    '\nExit codes: 0 healthy, 1 problems found, 2 usage or bad input, 3 internal error.\n' +
      'Text is coloured only on a terminal and never when NO_COLOR is set.\n',
  );
  for (const spec of COMMANDS) buildCommand(program, spec, io);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: () => {},
    });
  }
  return program;
}

/** The whole CLI; the bin only calls this and sets process.exitCode. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return ExitCode.OK;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof CommandFinished) return error.exitCode;
    if (error instanceof UsageError) {
      io.stderr(`${PROGRAM}: ${oneLine(error.message)}\n`);
      return ExitCode.USAGE;
    }
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return ExitCode.OK;
      }
      // commander wraps errors thrown by our option parsers; unwrap to keep the one-line message.
      const cause = (error as { cause?: unknown }).cause;
      const message = cause instanceof UsageError ? cause.message : error.message;
      io.stderr(`${PROGRAM}: ${oneLine(message)} (see '${PROGRAM} --help')\n`);
      return ExitCode.USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`${PROGRAM}: internal error: ${oneLine(message)}\n`);
    if (io.env.RDP_DOCTOR_DEBUG) io.stderr(`${error instanceof Error ? error.stack : ''}\n`);
    return ExitCode.INTERNAL;
  }
}
