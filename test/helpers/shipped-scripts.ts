/**
 * The PowerShell users get is the embedded text (COLLECT_SCRIPTS: src/collect/*.ps1 with each
 * `#include common/NAME.ps1` line replaced by that file), not the .ps1 in src/collect/, so tests
 * that run or parse a collector or fix use these files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { COLLECT_SCRIPTS } from '../../src/collect/scripts.generated.js';

let directory: string | undefined;
const written = new Map<string, string>();

/** The shipped text of `name` ('collect-server.ps1', 'fixes/NAME.ps1'), written to a temp file once per process. */
export function shippedScriptFile(name: string): string {
  const known = written.get(name);
  if (known) return known;
  const text = COLLECT_SCRIPTS[name];
  if (text === undefined) throw new Error(`no shipped script ${name} in COLLECT_SCRIPTS`);
  if (!directory) {
    const created = mkdtempSync(join(tmpdir(), 'rdp-doctor-shipped-'));
    directory = created;
    process.on('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  // The same file name as the user's copy: the scripts' messages and usage name it.
  const file = join(directory, ...name.split('/'));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  written.set(name, file);
  return file;
}
