import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { RunInstruction } from '../../collect/scripts.js';
import { UsageError } from '../errors.js';
import type { Colors } from '../io.js';

export interface WrittenScript {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Writes a script the user asked for. A different file already there is kept unless `force`:
 * it may be a script the admin edited. CRLF line ends, as Windows editors and 5.1 expect.
 */
export async function writeScript(path: string, text: string, force: boolean): Promise<WrittenScript> {
  const bytes = Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
  let existing: Buffer | undefined;
  try {
    existing = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new UsageError(`cannot write ${path} (${code ?? 'error'})`);
  }
  if (existing && !existing.equals(bytes) && !force)
    throw new UsageError(
      `${path} exists with other contents; give --force to overwrite it or --out another file`,
    );
  try {
    await writeFile(path, bytes);
  } catch (error) {
    throw new UsageError(`cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return { path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export function renderInstructions(instructions: readonly RunInstruction[], colors: Colors): string {
  return instructions
    .map(
      (instruction) =>
        `${colors.bold(`Run it ${instruction.where}:`)}\n${instruction.lines.map((line) => `  ${line}`).join('\n')}\n`,
    )
    .join('\n');
}
