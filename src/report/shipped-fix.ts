/** One line handing over a shipped fix script: it is long and has its own -WhatIf, backup and undo. */
export function shippedFixLine(name: string): string {
  return `rdp-doctor fix ${name} (writes ${name}.ps1; run it with -WhatIf first)`;
}
