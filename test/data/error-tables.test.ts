import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SSPI_STATUS_CODES } from '../../src/data/credssp-errors.js';
import { DISCONNECT_REASONS } from '../../src/data/disconnect-reasons.js';
import { ERROR_INFO_CODES } from '../../src/data/error-info.js';
import { EXTENDED_DISCONNECT_REASONS } from '../../src/data/extended-disconnect-reasons.js';
import { FREERDP_CONNECT_ERRORS, FREERDP_ERROR_INFO_NAMES } from '../../src/data/freerdp-errors.js';
import { NEG_FAILURE_CODES } from '../../src/data/neg-failure-codes.js';
import { LOGON_NTSTATUS_CODES } from '../../src/data/ntstatus.js';

// Each list below is transcribed from the source named, by hand, independently of the tables: the
// tests fail when a table loses, gains or renumbers an entry.
const range = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => first + i);
const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);

/** IMsTscAxEvents::OnDisconnected, the documented discReason values. */
const SPEC_DISC_REASONS = [
  0x0, 0x1, 0x2, 0x3, 0x104, 0x106, 0x108, 0x204, 0x206, 0x208, 0x304, 0x306, 0x308, 0x404, 0x406, 0x408,
  0x506, 0x508, 0x604, 0x606, 0x608, 0x704, 0x706, 0x804, 0x807, 0x808, 0x904, 0x906, 0x908, 0xa06, 0xa07,
  0xb06, 0xb07, 0xc06, 0xc07, 0xc08, 0xd07, 0xe07, 0xf07, 0x1207, 0x1607, 0x1707, 0x1807, 0x1b07, 0x1c07,
  0x2107, 0x2207,
];
/** ExtendedDisconnectReasonCode members. */
const SPEC_EXTENDED = [...range(0, 12), ...range(0x100, 0x10b), 0x300, 0x1000, 0x7fff];
/** MS-RDPBCGR 2.2.5.1.1 errorInfo values, by group. */
const SPEC_ERROR_INFO = [
  ...[0x0, ...range(0x1, 0x7), 0x9, 0xa, 0xb, 0xc, 0xf, 0x10, 0x11, 0x12, 0x17, 0x18, 0x19, 0x1a],
  ...range(0x100, 0x10a),
  ...[0x400, 0x402, 0x404, 0x405, 0x406, 0x407, 0x408, 0x409, 0x410, 0x411, 0x412],
  ...[
    0x10c9,
    0x10ca,
    0x10cb,
    ...range(0x10cd, 0x10d5),
    ...range(0x10da, 0x10e3),
    0x10e5,
    ...range(0x10e7, 0x10ea),
  ],
  ...[
    0x10ec,
    0x10ed,
    0x10ef,
    0x10f0,
    ...range(0x10f3, 0x10f8),
    ...range(0x1111, 0x1126),
    ...range(0x1129, 0x1136),
  ],
  ...range(0x1191, 0x1195),
];
/** winerror.h SEC_E_* (as mirrored by WinPR sspi.h), without SEC_E_OK. */
const SPEC_SEC_E = [
  ...range(0x80090300, 0x80090311),
  ...range(0x80090316, 0x80090318),
  ...range(0x80090320, 0x80090322),
  ...range(0x80090324, 0x80090329),
  ...range(0x80090330, 0x80090343),
  ...range(0x80090345, 0x80090349),
  ...range(0x80090350, 0x8009035b),
  ...range(0x8009035d, 0x8009035f),
  ...range(0x80090361, 0x80090363),
].filter((value) => !(value >= 0x8009032a && value <= 0x8009032f));

describe('error tables are complete against their sources', () => {
  const cases: Array<[string, readonly { value: number }[], readonly number[]]> = [
    ['discReason (47 values)', DISCONNECT_REASONS, SPEC_DISC_REASONS],
    ['ExtendedDisconnectReasonCode (28 members)', EXTENDED_DISCONNECT_REASONS, SPEC_EXTENDED],
    [
      'MS-RDPBCGR errorInfo (120 codes)',
      ERROR_INFO_CODES.filter((entry) => entry.value !== 0x1196),
      SPEC_ERROR_INFO,
    ],
    ['RDP_NEG_FAILURE (6 codes)', NEG_FAILURE_CODES, range(1, 6)],
    ['FreeRDP ERRCONNECT_* (29 codes)', FREERDP_CONNECT_ERRORS, range(0x20001, 0x2001d)],
    ['SEC_E_* (73 codes)', SSPI_STATUS_CODES, SPEC_SEC_E],
  ];
  for (const [name, entries, spec] of cases) {
    it(name, () => {
      assert.deepEqual(sorted(entries.map((entry) => entry.value)), sorted(spec));
    });
  }
  it('counts match the spec lists', () => {
    assert.equal(SPEC_DISC_REASONS.length, 47);
    assert.equal(SPEC_EXTENDED.length, 28);
    assert.equal(SPEC_ERROR_INFO.length, 120);
    assert.equal(SPEC_SEC_E.length, 73);
  });

  it('every FreeRDP ERRINFO name maps to an errorInfo code in the table', () => {
    const values = new Set(ERROR_INFO_CODES.map((entry) => entry.value));
    const missing = FREERDP_ERROR_INFO_NAMES.filter(([, value]) => !values.has(value));
    assert.deepEqual(missing, []);
    // FreeRDP lacks only the two codes known from spec transcriptions.
    const named = new Set(FREERDP_ERROR_INFO_NAMES.map(([, value]) => value));
    assert.deepEqual(
      ERROR_INFO_CODES.filter((entry) => !named.has(entry.value)).map((entry) => entry.value),
      [0x19, 0x1a],
    );
  });

  it('logon NTSTATUS table holds the 4625/4776 documented codes', () => {
    assert.equal(LOGON_NTSTATUS_CODES.length, 21);
    for (const entry of LOGON_NTSTATUS_CODES) assert.equal(entry.value >>> 16, 0xc000, entry.name);
  });

  it('no table repeats a value or a name, and every entry is described', () => {
    for (const entries of [
      DISCONNECT_REASONS,
      EXTENDED_DISCONNECT_REASONS,
      ERROR_INFO_CODES,
      NEG_FAILURE_CODES,
      FREERDP_CONNECT_ERRORS,
      SSPI_STATUS_CODES,
      LOGON_NTSTATUS_CODES,
    ]) {
      assert.equal(new Set(entries.map((entry) => entry.value)).size, entries.length);
      assert.equal(new Set(entries.map((entry) => entry.name)).size, entries.length);
      for (const entry of entries)
        assert.ok(entry.meaning.length > 5 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(entry.name), entry.name);
    }
  });
});
