/** scan's renderers: the CSV (RFC 4180) and the text summary, from hand-written host facts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostFacts } from '../../src/fleet/host-facts.js';
import { ScanTally } from '../../src/fleet/scan.js';
import { csvField, SCAN_CSV_COLUMNS, scanCsvHeader, scanCsvRow } from '../../src/report/scan-csv.js';
import { renderScanText, type ScanTextColors } from '../../src/report/scan-text.js';

const plain = (text: string) => text;
const noColors: ScanTextColors = { red: plain, yellow: plain, green: plain, bold: plain, dim: plain };

function facts(overrides: Partial<HostFacts> & Pick<HostFacts, 'target' | 'status'>): HostFacts {
  const [host, port] = overrides.target.split(':') as [string, string];
  return {
    host,
    port: Number(port),
    success: overrides.status !== 'error' && overrides.status !== 'no-verdict',
    verdict: 'Healthy: current clients connect.',
    addresses: [host],
    durationMs: 40,
    stages: [],
    findings: [],
    clients: [],
    ...overrides,
  };
}

const EXPIRED: HostFacts = facts({
  target: '127.77.0.2:3389',
  status: 'warning',
  verdict: 'Clients connect, but the certificate expired on 2021-01-31, "expired.example"',
  selectedProtocol: 'SSL',
  nlaRequired: false,
  tlsVersion: 'TLS 1.2',
  certificate: {
    subject: 'CN=expired.example',
    issuer: 'CN=expired.example',
    sha256Fingerprint: 'ab'.repeat(32),
    notAfter: '2021-01-31T00:00:00.000Z',
    notAfterUnix: 1_612_051_200,
    daysLeft: -2131.25,
    selfSigned: true,
  },
  findings: [
    { id: 'tls-cert-expired', severity: 'warning', title: 'The certificate has expired' },
    { id: 'nla-not-required', severity: 'warning', title: 'NLA is not required' },
  ],
});
const TLS10: HostFacts = facts({
  target: '127.77.0.3:3389',
  status: 'error',
  verdict: 'Current Windows clients fail: the server speaks TLS 1.0 only',
  failingStage: 'tls',
  selectedProtocol: 'SSL',
  tlsVersion: 'TLS 1.0',
  tlsVersionsAccepted: ['TLS 1.0'],
  tlsVersionsTried: ['TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3'],
  findings: [{ id: 'tls-legacy-only', severity: 'error', title: 'Only TLS 1.0/1.1' }],
});
const CLOSED: HostFacts = facts({
  target: '127.77.0.4:3389',
  status: 'error',
  verdict: 'Port 3389 is closed',
  failingStage: 'tcp',
  findings: [
    { id: 'port-closed', severity: 'error', title: 'The port is closed' },
    { id: 'other-error', severity: 'error', title: 'Another error' },
  ],
});
const DEADLINE: HostFacts = facts({
  target: '127.77.0.5:3389',
  status: 'no-verdict',
  verdict: 'no verdict within 20000 ms',
});
const HEALTHY: HostFacts = facts({ target: '127.77.0.6:3389', status: 'ok', nlaRequired: true });

describe('scan --csv', () => {
  it('quotes fields as RFC 4180 says, and only those', () => {
    const cases: Array<[string, string]> = [
      ['plain', 'plain'],
      ['', ''],
      ['a,b', '"a,b"'],
      ['say "hi"', '"say ""hi"""'],
      ['"', '""""'],
      ['two\r\nlines', '"two\r\nlines"'],
      ['line\nfeed', '"line\nfeed"'],
      [' padded', '" padded"'],
      ['TLS 1.0 TLS 1.2', 'TLS 1.0 TLS 1.2'],
    ];
    for (const [value, expected] of cases) assert.equal(csvField(value), expected, JSON.stringify(value));
  });

  it('writes a header row and one CRLF-ended row per host', () => {
    assert.equal(
      scanCsvHeader(),
      'target,status,verdict,failing_stage,selected_protocol,nla_required,tls_versions,cert_not_after,cert_days_left,findings\r\n',
    );
    assert.equal(SCAN_CSV_COLUMNS.length, 10);
    assert.equal(
      scanCsvRow(EXPIRED),
      '127.77.0.2:3389,warning,"Clients connect, but the certificate expired on 2021-01-31, ""expired.example""",' +
        ',SSL,false,TLS 1.2,2021-01-31T00:00:00.000Z,-2131.3,tls-cert-expired nla-not-required\r\n',
    );
    // The enumeration's accepted versions, when it ran; the failing stage.
    assert.equal(
      scanCsvRow(TLS10),
      '127.77.0.3:3389,error,Current Windows clients fail: the server speaks TLS 1.0 only,tls,SSL,,TLS 1.0,,,tls-legacy-only\r\n',
    );
    assert.equal(scanCsvRow(DEADLINE), '127.77.0.5:3389,no-verdict,no verdict within 20000 ms,,,,,,,\r\n');
    assert.equal(scanCsvRow(HEALTHY).split(',')[5], 'true');
  });

  it('reads back field by field with a strict RFC 4180 reader', () => {
    const text = scanCsvHeader() + [EXPIRED, TLS10, CLOSED, DEADLINE, HEALTHY].map(scanCsvRow).join('');
    const rows = parseCsv(text);
    assert.equal(rows.length, 6);
    assert.ok(rows.every((row) => row.length === SCAN_CSV_COLUMNS.length));
    assert.equal(rows[1]![2], EXPIRED.verdict);
  });
});

/** A strict RFC 4180 reader (test-only): CRLF records, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let index = 0;
  while (index < text.length) {
    let field = '';
    if (text[index] === '"') {
      index++;
      for (;;) {
        const quote = text.indexOf('"', index);
        assert.ok(quote >= 0, 'unterminated quoted field');
        field += text.slice(index, quote);
        index = quote + 1;
        if (text[index] === '"') {
          field += '"';
          index++;
        } else break;
      }
    } else {
      const end = text.slice(index).search(/,|\r\n/);
      assert.ok(end >= 0, 'a record must end with CRLF');
      field = text.slice(index, index + end);
      assert.doesNotMatch(field, /["\r\n]/);
      index += end;
    }
    row.push(field);
    if (text.startsWith('\r\n', index)) {
      rows.push(row);
      row = [];
      index += 2;
    } else {
      assert.equal(text[index], ',', `a field must end with a comma or CRLF at ${index}`);
      index++;
    }
  }
  return rows;
}

describe('scan text summary', () => {
  const tallyOf = (keep: 'problems' | 'all') => {
    const tally = new ScanTally(keep);
    for (const host of [HEALTHY, EXPIRED, DEADLINE, TLS10, CLOSED]) tally.add(host);
    return tally;
  };
  const render = (keep: 'problems' | 'all', verbose: boolean) => {
    const tally = tallyOf(keep);
    return renderScanText(
      {
        probed: tally.probed,
        total: 7,
        byStatus: tally.byStatus,
        findings: tally.findings,
        rows: tally.rows,
        seconds: 2,
      },
      { colors: noColors, verbose },
    );
  };

  it('counts per status, the findings across the fleet, then the hosts worst first', () => {
    assert.equal(
      render('problems', false),
      [
        'Scanned 5 of 7 hosts in 2.0 s (150 hosts/min): 2 error, 1 no verdict, 1 warning, 1 ok',
        '',
        'Findings across the fleet',
        '  error    other-error       1 host   Another error',
        '  error    port-closed       1 host   The port is closed',
        '  error    tls-legacy-only   1 host   Only TLS 1.0/1.1',
        '  warning  nla-not-required  1 host   NLA is not required',
        '  warning  tls-cert-expired  1 host   The certificate has expired',
        '',
        'HOST             STATUS      FAILING STAGE  TOP FINDING       VERDICT',
        // Two error findings rank above one.
        '127.77.0.4:3389  error       tcp            port-closed       Port 3389 is closed',
        '127.77.0.3:3389  error       tls            tls-legacy-only   Current Windows clients fail: the server speaks TLS 1.0 only',
        '127.77.0.5:3389  no verdict  -              -                 no verdict within 20000 ms',
        `127.77.0.2:3389  warning     -              tls-cert-expired  ${EXPIRED.verdict}`,
        '',
        '1 healthy host not listed (--verbose lists them)',
        '',
      ].join('\n'),
    );
  });

  it('lists healthy hosts with --verbose', () => {
    const text = render('all', true);
    assert.match(text, /^127\.77\.0\.6:3389 {2}ok /m);
    assert.doesNotMatch(text, /not listed/);
  });
});
