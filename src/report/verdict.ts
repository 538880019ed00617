import type { Finding } from '../rules/types.js';

/** The error codes a finding produces, as a user would see them ("0x904/0x7", ERRCONNECT_...). */
export function clientErrorLabel(finding: Finding): string | undefined {
  const mstsc = finding.clientErrors.find((error) => error.client === 'mstsc');
  if (mstsc) return `${mstsc.code}${mstsc.extended ? `/${mstsc.extended}` : ''}`;
  return finding.clientErrors[0]?.code;
}

/**
 * One sentence saying where the connection breaks and why, built from the most severe finding.
 * "Clients fail with 0x904/0x7: the server only speaks TLS 1.0".
 */
export function verdictFor(findings: readonly Finding[]): string {
  const errors = findings.filter((finding) => finding.severity === 'error');
  if (errors.length > 0) {
    const top = errors[0]!;
    const code = clientErrorLabel(top);
    const more =
      errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
    return `${code ? `Connections fail with ${code}` : 'Connections fail'}: ${lowerFirst(top.title)}${more}.`;
  }
  const warnings = findings.filter((finding) => finding.severity === 'warning');
  if (warnings.length > 0) {
    return `Connections should work, but ${warnings.length} warning${warnings.length > 1 ? 's need' : ' needs'} attention: ${lowerFirst(warnings[0]!.title)}.`;
  }
  return 'No problems found: a default client should connect.';
}

/** Lower-cases a leading article so a title reads inside a sentence; names keep their capitals. */
function lowerFirst(text: string): string {
  return /^(The|A|An|Something|Every|No) /.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}
