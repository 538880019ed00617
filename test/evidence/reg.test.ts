import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseReg, readRegFile, RegFormatError } from '../../src/evidence/reg.js';
import type { RegistryKeyRecord } from '../../src/evidence/state/types.js';

// Test-only builders for the bytes: the encodings are Node's own, the .reg text is written by hand.
/** UTF-16LE with BOM and CRLF, as `reg export` and regedit write files. */
const utf16 = (lines: string[]) =>
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines.join('\r\n'), 'utf16le')]);
const utf8 = (lines: string[], eol = '\n') => Buffer.from(lines.join(eol), 'utf8');
const utf8Bom = (lines: string[]) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(lines, '\r\n')]);
const ansi = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

const V5 = 'Windows Registry Editor Version 5.00';
const RDP_TCP =
  'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp';
const TS = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server';

const valuesOf = (keys: readonly RegistryKeyRecord[], key: string) =>
  keys.find((record) => record.key === key)?.values.map((value) => [value.name, value.type, value.value]);

describe('.reg reader: encodings and headers', () => {
  const lines = [V5, '', `[${RDP_TCP}]`, '"PortNumber"=dword:00000d3d', ''];
  const cases: { name: string; bytes: Buffer; encoding: string; format?: string }[] = [
    { name: 'UTF-16LE with BOM, CRLF (reg export)', bytes: utf16(lines), encoding: 'utf-16le' },
    { name: 'UTF-8 without BOM, LF', bytes: utf8(lines), encoding: 'utf-8' },
    { name: 'UTF-8 with BOM, CRLF', bytes: utf8Bom(lines), encoding: 'utf-8' },
    {
      name: 'UTF-16LE that lost its BOM',
      bytes: Buffer.from(lines.join('\r\n'), 'utf16le'),
      encoding: 'utf-16le',
    },
    {
      name: 'REGEDIT4 in ANSI (1252), é as 0xe9',
      bytes: ansi(['REGEDIT4', '', `[${RDP_TCP}]`, '"PortNumber"=dword:00000d3d', '"Note"="caf\u00e9"']),
      encoding: 'windows-1252',
      format: 'regedit4',
    },
    { name: 'old Mac CR line ends', bytes: utf8(lines, '\r'), encoding: 'utf-8' },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      const reg = parseReg(testCase.bytes, 'x.reg');
      assert.equal(reg.encoding, testCase.encoding);
      assert.equal(reg.format, testCase.format ?? 'regedit5');
      assert.deepEqual(reg.damage, []);
      assert.equal(reg.keys.length, 1);
      assert.deepEqual(reg.keys[0]!.values[0], { name: 'PortNumber', type: 'REG_DWORD', value: 3389 });
      if (testCase.format === 'regedit4')
        assert.deepEqual(reg.keys[0]!.values[1], { name: 'Note', type: 'REG_SZ', value: 'café' });
    });
  }

  it('a file without the header is a RegFormatError (not-reg), whatever it holds', () => {
    for (const bytes of [
      Buffer.from(''),
      Buffer.from(`[${RDP_TCP}]\n"PortNumber"=dword:00000d3d\n`),
      Buffer.from('<?xml version="1.0"?><Events/>'),
      Buffer.from([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]),
    ]) {
      assert.throws(
        () => parseReg(bytes, 'x.reg'),
        (error: unknown) => error instanceof RegFormatError && error.code === 'not-reg',
      );
    }
  });

  it('hand-written: leading whitespace, comments, blank lines before the header', () => {
    const reg = parseReg(
      utf8([
        '',
        '  Windows Registry Editor Version 5.00',
        '    ; Enable Remote Desktop',
        `    [${TS}]`,
        '    "fDenyTSConnections"=dword:00000000   ; 0 = allowed',
        '',
      ]),
      'x.reg',
    );
    assert.deepEqual(reg.damage, []);
    assert.deepEqual(valuesOf(reg.keys, TS), [['fDenyTSConnections', 'REG_DWORD', 0]]);
  });
});

describe('.reg reader: keys', () => {
  it('canonical names: HKLM/HKCU expanded, trailing backslash dropped, case kept', () => {
    const reg = parseReg(
      utf8([
        V5,
        '[HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services\\]',
        '[hkcu\\Software\\Microsoft\\Terminal Server Client]',
        '[HKEY_USERS\\S-1-5-20]',
      ]),
      'x.reg',
    );
    assert.deepEqual(
      reg.keys.map((key) => key.key),
      [
        'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services',
        'HKEY_CURRENT_USER\\Software\\Microsoft\\Terminal Server Client',
        'HKEY_USERS\\S-1-5-20',
      ],
    );
    assert.ok(reg.keys.every((key) => key.exists && key.values.length === 0 && key.source === 'x.reg'));
  });

  it('[-KEY] is a key that does not exist; a key listed twice is merged, later values win', () => {
    const reg = parseReg(
      utf8([
        V5,
        `[${TS}]`,
        '"fDenyTSConnections"=dword:00000001',
        '"MaxOutstandingConnections"=dword:00000002',
        `[-${RDP_TCP}]`,
        `[${TS.toUpperCase()}]`,
        '"fDenyTSConnections"=dword:00000000',
      ]),
      'x.reg',
    );
    assert.equal(reg.keys.length, 2);
    assert.deepEqual(reg.keys[0], {
      key: TS,
      exists: true,
      values: [
        { name: 'fDenyTSConnections', type: 'REG_DWORD', value: 0 },
        { name: 'MaxOutstandingConnections', type: 'REG_DWORD', value: 2 },
      ],
      source: 'x.reg',
    });
    assert.deepEqual(reg.keys[1], { key: RDP_TCP, exists: false, values: [], source: 'x.reg' });
  });
});

describe('.reg reader: every value type', () => {
  const cases: { name: string; line: string; expected: [string, string, unknown] }[] = [
    { name: 'string', line: '"Name"="plain text"', expected: ['Name', 'REG_SZ', 'plain text'] },
    {
      name: 'string with \\\\ and \\" escapes',
      line: '"Path"="C:\\\\Windows\\\\ \\"quoted\\""',
      expected: ['Path', 'REG_SZ', 'C:\\Windows\\ "quoted"'],
    },
    { name: 'name with escapes', line: '"a\\"b\\\\c"="x"', expected: ['a"b\\c', 'REG_SZ', 'x'] },
    { name: 'default value @', line: '@="default"', expected: ['', 'REG_SZ', 'default'] },
    { name: 'empty string', line: '"Empty"=""', expected: ['Empty', 'REG_SZ', ''] },
    { name: 'dword', line: '"SecurityLayer"=dword:00000002', expected: ['SecurityLayer', 'REG_DWORD', 2] },
    { name: 'dword max', line: '"All"=dword:ffffffff', expected: ['All', 'REG_DWORD', 0xffffffff] },
    { name: 'dword, short form', line: '"Short"=dword:1', expected: ['Short', 'REG_DWORD', 1] },
    {
      name: 'hex: binary (SSLCertificateSHA1Hash)',
      line: '"SSLCertificateSHA1Hash"=hex:0a,B1,ff,00',
      expected: ['SSLCertificateSHA1Hash', 'REG_BINARY', '0ab1ff00'],
    },
    { name: 'hex: empty', line: '"Nothing"=hex:', expected: ['Nothing', 'REG_BINARY', ''] },
    { name: 'hex(0) none', line: '"N"=hex(0):01,02', expected: ['N', 'REG_NONE', '0102'] },
    // "%SR%\x" in UTF-16LE plus its terminating NUL.
    {
      name: 'hex(2) expand_sz, UTF-16LE',
      line: '"Expand"=hex(2):25,00,53,00,52,00,25,00,5c,00,78,00,00,00',
      expected: ['Expand', 'REG_EXPAND_SZ', '%SR%\\x'],
    },
    // "ab", "c", then the empty string that ends the list.
    {
      name: 'hex(7) multi_sz',
      line: '"Multi"=hex(7):61,00,62,00,00,00,63,00,00,00,00,00',
      expected: ['Multi', 'REG_MULTI_SZ', ['ab', 'c']],
    },
    { name: 'hex(7) empty list', line: '"None"=hex(7):00,00', expected: ['None', 'REG_MULTI_SZ', []] },
    // 0x0000000100000002 little-endian.
    {
      name: 'hex(b) qword',
      line: '"Q"=hex(b):02,00,00,00,01,00,00,00',
      expected: ['Q', 'REG_QWORD', 4294967298],
    },
    // 2^64 - 1 is past 2^53: kept exact as a decimal string.
    {
      name: 'hex(b) qword beyond 2^53',
      line: '"Big"=hex(b):ff,ff,ff,ff,ff,ff,ff,ff',
      expected: ['Big', 'REG_QWORD', '18446744073709551615'],
    },
    { name: 'hex(4) dword', line: '"D"=hex(4):3d,0d,00,00', expected: ['D', 'REG_DWORD', 3389] },
    { name: 'hex(1) sz', line: '"S"=hex(1):68,00,69,00,00,00', expected: ['S', 'REG_SZ', 'hi'] },
    { name: 'other hex(N) kept as bytes', line: '"L"=hex(6):01', expected: ['L', 'REG_BINARY', '01'] },
    { name: 'value deletion', line: '"Old"=-', expected: ['Old', 'REG_NONE', null] },
    { name: 'default value deletion', line: '@=-', expected: ['', 'REG_NONE', null] },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      const reg = parseReg(utf16([V5, '', `[${RDP_TCP}]`, testCase.line, '']), 'x.reg');
      assert.deepEqual(reg.damage, []);
      assert.deepEqual(valuesOf(reg.keys, RDP_TCP), [testCase.expected]);
    });
  }

  it('REGEDIT4 hex(2) strings are ANSI bytes, not UTF-16', () => {
    const reg = parseReg(ansi(['REGEDIT4', `[${TS}]`, '"E"=hex(2):25,53,52,25,00']), 'x.reg');
    assert.deepEqual(valuesOf(reg.keys, TS), [['E', 'REG_EXPAND_SZ', '%SR%']]);
  });

  it('continuation lines, as reg export wraps hex data at 80 columns', () => {
    const reg = parseReg(
      utf16([
        V5,
        '',
        `[${RDP_TCP}]`,
        '"SSLCertificateSHA1Hash"=hex:0f,1e,2d,3c,4b,5a,69,78,87,96,a5,b4,c3,d2,e1,f0,\\',
        '  01,23,45,67',
        '"Multi"=hex(7):61,00,00,00,62,00,00,00,63,00,00,00,64,00,00,00,65,00,00,00,66,\\',
        '  00,00,00,00,00',
        '"After"=dword:00000001',
        '',
      ]),
      'x.reg',
    );
    assert.deepEqual(reg.damage, []);
    assert.deepEqual(valuesOf(reg.keys, RDP_TCP), [
      ['SSLCertificateSHA1Hash', 'REG_BINARY', '0f1e2d3c4b5a69788796a5b4c3d2e1f001234567'],
      ['Multi', 'REG_MULTI_SZ', ['a', 'b', 'c', 'd', 'e', 'f']],
      ['After', 'REG_DWORD', 1],
    ]);
  });
});

describe('.reg reader: damage', () => {
  it('a line it cannot read is a damage note with its line number; the rest is read', () => {
    const reg = parseReg(
      utf8([
        V5, // 1
        `[${TS}]`, // 2
        '"A"=dword:zz', // 3
        '"B"=dword:000000001', // 4: nine digits
        '"C"="no closing quote', // 5
        '"D"=hex:01,0g', // 6
        '"E"=hex(b):01,02', // 7: a QWORD of two bytes
        'garbage here', // 8
        '"F"=dword:00000005', // 9
        '"G" dword:1', // 10: no '='
        '"H"=wat:1', // 11
        '"I"="x" trailing', // 12
        '[HKEY_LOCAL_MACHINE\\Broken', // 13
        '"J"=dword:00000001', // 14: its key line was unreadable
        '[NOTAHIVE\\Software]', // 15
        `[-${RDP_TCP}]`, // 16
        '"K"=dword:00000001', // 17: under a deleted key
      ]),
      'x.reg',
    );
    assert.deepEqual(
      reg.damage.map((damage) => [damage.kind, damage.line]),
      [3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 17].map((line) => ['unreadable-line', line]),
    );
    assert.ok(reg.damage.every((damage) => damage.detail.length > 0 && damage.offset === 0));
    assert.deepEqual(valuesOf(reg.keys, TS), [['F', 'REG_DWORD', 5]]);
    assert.deepEqual(
      reg.keys.map((key) => [key.key, key.exists]),
      [
        [TS, true],
        [RDP_TCP, false],
      ],
    );
  });

  it('a value before any key is damage, not a value of nothing', () => {
    const reg = parseReg(utf8([V5, '"Lost"=dword:00000001', `[${TS}]`]), 'x.reg');
    assert.deepEqual(
      reg.damage.map((damage) => damage.line),
      [2],
    );
    assert.deepEqual(valuesOf(reg.keys, TS), []);
  });

  it('a damaged hex value does not swallow the key after it', () => {
    const reg = parseReg(
      utf8([V5, `[${TS}]`, '"H"=hex:01,02,\\', `[${RDP_TCP}]`, '"P"=dword:00000d3d']),
      'x.reg',
    );
    assert.deepEqual(valuesOf(reg.keys, TS), [['H', 'REG_BINARY', '0102']]);
    assert.deepEqual(valuesOf(reg.keys, RDP_TCP), [['P', 'REG_DWORD', 3389]]);
  });

  it('a truncated UTF-16 file (odd byte count) still reads what is there', () => {
    const bytes = utf16([V5, '', `[${TS}]`, '"fDenyTSConnections"=dword:00000001', '"Cut"=dword:0000']);
    const reg = parseReg(bytes.subarray(0, bytes.length - 1), 'x.reg');
    assert.deepEqual(valuesOf(reg.keys, TS)?.[0], ['fDenyTSConnections', 'REG_DWORD', 1]);
  });
});

describe('.reg reader: the corpus export (fixture) and files', () => {
  const fixture = new URL('../fixtures/reg/RDP-Ressource-Fix-rdp.reg', import.meta.url).pathname;
  const CLIENT = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services\\Client';

  it('RDP-Ressource-Fix-rdp.reg: three keys, DWORDs and the default value', () => {
    const reg = readRegFile(fixture);
    assert.equal(reg.encoding, 'utf-16le');
    assert.deepEqual(reg.damage, []);
    assert.deepEqual(
      reg.keys.map((key) => key.key),
      [CLIENT, `${CLIENT}\\UsbBlockDeviceBySetupClasses`, `${CLIENT}\\UsbSelectDeviceByInterfaces`],
    );
    assert.deepEqual(valuesOf(reg.keys, CLIENT), [
      ['fEnableUsbBlockDeviceBySetupClass', 'REG_DWORD', 1],
      ['fEnableUsbNoAckIsochWriteToDevice', 'REG_DWORD', 0x50],
      ['fEnableUsbSelectDeviceByInterface', 'REG_DWORD', 1],
      ['', 'REG_SZ', ''],
      ['RedirectionWarningDialogVersion', 'REG_DWORD', 1],
    ]);
    assert.deepEqual(valuesOf(reg.keys, `${CLIENT}\\UsbSelectDeviceByInterfaces`), [
      ['1000', 'REG_SZ', '{6bdd1fc6-810f-11d0-bec7-08002be2092f}'],
    ]);
  });

  let scratch: string | undefined;
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('a file over the size cap is refused before it is read (too-large)', () => {
    scratch = mkdtempSync(join(tmpdir(), 'rdp-doctor-reg-'));
    const path = join(scratch, 'big.reg');
    writeFileSync(path, readFileSync(fixture));
    assert.throws(
      () => readRegFile(path, 1000),
      (error: unknown) =>
        error instanceof RegFormatError && error.code === 'too-large' && /1344 bytes/.test(error.message),
    );
    assert.equal(readRegFile(path, 1344).keys.length, 3);
  });
});

describe('.reg reader: fuzz', () => {
  const onlyFormatErrors = (bytes: Uint8Array) => {
    try {
      const reg = parseReg(bytes, 'fuzz.reg');
      for (const key of reg.keys) assert.ok(key.key.startsWith('HKEY_') && !key.key.endsWith('\\'));
    } catch (error) {
      if (!(error instanceof RegFormatError)) throw error;
    }
  };

  it('random bytes: a result or a RegFormatError, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), onlyFormatErrors), { numRuns: 500 });
  });

  it('random text after a header: never throws', () => {
    const lineText = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('[', ']', '[-', '"', '@=', '=', 'hex:', 'hex(7):', 'dword:', '\\', ',', '-', ';'),
    );
    fc.assert(
      fc.property(fc.array(fc.array(lineText, { maxLength: 6 }), { maxLength: 30 }), (lines) => {
        const text = [V5, ...lines.map((parts) => parts.join(''))];
        const reg = parseReg(utf8(text), 'fuzz.reg');
        assert.equal(reg.format, 'regedit5');
      }),
      { numRuns: 500 },
    );
  });

  it('mutated reg export bytes: a result or a RegFormatError', () => {
    const base = utf16([
      V5,
      '',
      `[${RDP_TCP}]`,
      '"PortNumber"=dword:00000d3d',
      '"SSLCertificateSHA1Hash"=hex:0f,1e,2d,3c,4b,5a,69,78,87,96,a5,b4,c3,d2,e1,f0,\\',
      '  01,23,45,67',
      '"Multi"=hex(7):61,00,00,00,62,00,00,00,00,00',
      '',
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat({ max: base.length }),
        (flips, cut) => {
          const bytes = Uint8Array.from(base);
          for (const [offset, value] of flips) bytes[offset] = value;
          onlyFormatErrors(bytes.subarray(0, cut));
          onlyFormatErrors(bytes);
        },
      ),
      { numRuns: 500 },
    );
  });
});
