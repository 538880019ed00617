/**
 * parseRdpFile on real .rdp files (FreeRDP's test files, with the host and port FreeRDP's own
 * parser connects to) and on damaged ones.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  connectAddressOf,
  MAX_RDP_FILE_BYTES,
  parseRdpFile,
  RdpFileError,
} from '../../src/fleet/rdp-file.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'rdp-files');
const read = (name: string) => readFileSync(join(fixtures, name));

/** FreeRDP_ServerHostname and FreeRDP_ServerPort from FreeRDP's expected settings for each file. */
const FREERDP_CONNECTS_TO = {
  'freerdp-test1.rdp': { encoding: 'utf-8', address: 'rdgateway-r1.wvd.microsoft.com', port: 3389 },
  'freerdp-testRdpFileUTF16.rdp': {
    encoding: 'utf-16le',
    address: 'LAB1-W7-DM-01.lab1.awake.local',
    port: 3389,
  },
  'freerdp-testRdpFileUTF8.rdp': {
    encoding: 'utf-8',
    address: 'LAB1-W7-DM-01.lab1.awake.global',
    port: 3389,
  },
} as const;

const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

describe('parseRdpFile', () => {
  for (const [name, expected] of Object.entries(FREERDP_CONNECTS_TO)) {
    it(`connects where FreeRDP does: ${name}`, () => {
      const file = parseRdpFile(read(name));
      assert.equal(file.encoding, expected.encoding);
      assert.equal(connectAddressOf(file), expected.address);
      assert.equal(file.serverPort ?? 3389, expected.port);
    });
  }

  it('keeps every setting by lower-case name, the last line winning', () => {
    const file = parseRdpFile(
      Buffer.from('Full Address:s:a.example\r\nscreen mode id:i:2\r\nfull address:s:b.example\r\n'),
    );
    assert.equal(file.fullAddress, 'b.example');
    assert.deepEqual(file.settings.get('screen mode id'), { type: 'i', value: '2' });
  });

  it('reads server port, and a UTF-8 BOM', () => {
    const file = parseRdpFile(Buffer.from('\uFEFFfull address:s:[fe80::1]:3390\nserver port:i:3391\n'));
    assert.equal(file.fullAddress, '[fe80::1]:3390');
    assert.equal(file.serverPort, 3391);
    assert.equal(parseRdpFile(utf16('full address:s:rdp01\r\n')).fullAddress, 'rdp01');
  });

  it('refuses damaged files with a reason, and nothing else', () => {
    const cases: [Uint8Array, string][] = [
      [Buffer.alloc(MAX_RDP_FILE_BYTES + 1, 0x41), 'too-large'],
      [Buffer.from([0x66, 0x75, 0x00, 0x01, 0x02]), 'not-text'],
      [Buffer.from([0xff, 0xfe, 0x41]), 'bad-encoding'],
      [Buffer.from([0xc3, 0x28, 0x0a]), 'bad-encoding'],
      [Buffer.from('full address:s:x\nserver port:i:70000\n'), 'invalid-port'],
      [Buffer.from('server port:i:abc\n'), 'invalid-port'],
    ];
    for (const [bytes, code] of cases) {
      assert.throws(
        () => parseRdpFile(bytes),
        (error: unknown) => error instanceof RdpFileError && error.code === code,
        code,
      );
    }
    // The line to blame is named.
    assert.throws(() => parseRdpFile(Buffer.from('a:s:b\nserver port:i:0\n')), /on line 2/);
  });

  it('never throws anything but RdpFileError on random bytes', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let round = 0; round < 500; round++) {
      const bytes = Uint8Array.from({ length: 1 + (round % 97) }, random);
      if (round % 3 === 0 && bytes.length >= 2) bytes.set([0xff, 0xfe]);
      try {
        parseRdpFile(bytes);
      } catch (error) {
        assert.ok(error instanceof RdpFileError, String(error));
      }
    }
  });
});
