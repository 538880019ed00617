import { distinctFindings, type HostFacts } from '../fleet/host-facts.js';

/** The columns of `scan --csv`, in order (the header row). */
export const SCAN_CSV_COLUMNS = [
  'target',
  'status',
  'verdict',
  'failing_stage',
  'selected_protocol',
  'nla_required',
  'tls_versions',
  'cert_not_after',
  'cert_days_left',
  'findings',
] as const;

/** RFC 4180 line break: CRLF, also inside the table's own rows. */
const CRLF = '\r\n';

/**
 * One field per RFC 4180 section 2: quoted when it holds a comma, a double quote, CR or LF (or
 * starts or ends with a space, which some readers trim), a quote doubled inside quotes.
 */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}${CRLF}`;
}

export function scanCsvHeader(): string {
  return csvRow(SCAN_CSV_COLUMNS);
}

/**
 * One host's row. `tls_versions` lists the versions the enumeration saw accepted (space
 * separated); a quick probe, which enumerates nothing, gives the handshake's version alone.
 * Unknown facts are empty fields.
 */
export function scanCsvRow(facts: HostFacts): string {
  const tlsVersions = facts.tlsVersionsAccepted ?? (facts.tlsVersion ? [facts.tlsVersion] : []);
  const row: Record<(typeof SCAN_CSV_COLUMNS)[number], string> = {
    target: facts.target,
    status: facts.status,
    verdict: facts.verdict,
    failing_stage: facts.failingStage ?? '',
    selected_protocol: facts.selectedProtocol ?? '',
    nla_required: facts.nlaRequired === undefined ? '' : String(facts.nlaRequired),
    tls_versions: tlsVersions.join(' '),
    cert_not_after: facts.certificate?.notAfter ?? '',
    cert_days_left: facts.certificate ? facts.certificate.daysLeft.toFixed(1) : '',
    findings: distinctFindings(facts)
      .map((finding) => finding.id)
      .join(' '),
  };
  return csvRow(SCAN_CSV_COLUMNS.map((column) => row[column]));
}
