import type { Fix } from '../rules/types.js';

/** The `rdp-doctor fix NAME` that writes a shipped fix script, or undefined for an inline one. */
export function shippedFixName(fix: Fix): string | undefined {
  return fix.script?.asset?.replace(/^fixes\//, '').replace(/\.ps1$/, '');
}

/** One line handing over a shipped script: it is long and has its own -WhatIf, backup and undo. */
export function shippedFixLine(name: string): string {
  return `rdp-doctor fix ${name} (writes ${name}.ps1; run it with -WhatIf first)`;
}
