import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpretConnectResponse } from '../../src/probe/stages/rdp-security.js';
import { type ExpectedAnswer, stallProgress } from '../../src/probe/stall.js';
import type { StallProgress } from '../../src/probe/types.js';
import { hex } from '../helpers/bytes.js';

interface Case {
  readonly name: string;
  readonly expected: ExpectedAnswer;
  readonly bytes: Uint8Array;
  readonly progress: Omit<StallProgress, 'firstByteMs' | 'lastByteMs'>;
}

const CASES: readonly Case[] = [
  {
    name: 'nothing came: vacuously valid, no size',
    expected: 'x224-confirm',
    bytes: hex(''),
    progress: { bytesReceived: 0, validSoFar: true },
  },
  {
    name: 'half a TPKT header',
    expected: 'x224-confirm',
    bytes: hex('03 00'),
    progress: { bytesReceived: 2, validSoFar: true },
  },
  {
    name: 'a TPKT header announcing a 19-byte confirm, and its X.224 code',
    expected: 'x224-confirm',
    bytes: hex(`
      03 00 00 13   # TPKT: version 3, length 19
      0e d0         # X.224: LI 14, CC code 0xd0
    `),
    progress: { bytesReceived: 6, validSoFar: true, expectedBytes: 19 },
  },
  {
    name: 'a TPKT header, then an X.224 Data TPDU where a confirm belongs',
    expected: 'x224-confirm',
    bytes: hex('03 00 00 13  02 f0'),
    progress: { bytesReceived: 6, validSoFar: false },
  },
  {
    name: 'a TPKT header announcing more than any Connection Confirm can be',
    expected: 'x224-confirm',
    bytes: hex('03 00 ff ff'),
    progress: { bytesReceived: 4, validSoFar: false },
  },
  {
    name: 'not TPKT at all (an SSH banner)',
    expected: 'x224-confirm',
    bytes: hex('53 53 48 2d'),
    progress: { bytesReceived: 4, validSoFar: false },
  },
  {
    name: 'an MCS Connect-Response under way',
    expected: 'mcs-connect-response',
    bytes: hex(`
      03 00 01 50   # TPKT: version 3, length 336
      02 f0 80      # X.224 Data: LI 2, code 0xf0, EOT
      7f 66         # BER: MCS Connect-Response (application 102)
    `),
    progress: { bytesReceived: 9, validSoFar: true, expectedBytes: 336 },
  },
  {
    name: 'a TPKT header and an X.224 Data TPDU carrying something else',
    expected: 'mcs-connect-response',
    bytes: hex('03 00 01 50  02 f0 80  7f 65'),
    progress: { bytesReceived: 9, validSoFar: false },
  },
  {
    name: 'a TLS handshake record header (ServerHello flight)',
    expected: 'tls-handshake',
    bytes: hex(`
      16 03 03 00 7a   # handshake, TLS 1.2 record, length 122
    `),
    progress: { bytesReceived: 5, validSoFar: true, expectedBytes: 127 },
  },
  {
    name: 'a TLS alert record header',
    expected: 'tls-handshake',
    bytes: hex('15 03 01 00 02'),
    progress: { bytesReceived: 5, validSoFar: true, expectedBytes: 7 },
  },
  {
    name: 'application data before any handshake',
    expected: 'tls-handshake',
    bytes: hex('17 03 03 00 10'),
    progress: { bytesReceived: 5, validSoFar: false },
  },
  {
    name: 'a record of major version 2',
    expected: 'tls-handshake',
    bytes: hex('16 02'),
    progress: { bytesReceived: 2, validSoFar: false },
  },
  {
    name: 'a TSRequest: DER SEQUENCE with a two-byte long-form length',
    expected: 'ts-request',
    bytes: hex(`
      30 82 01 0c   # SEQUENCE, length 268
      a0 03         # [0] version
    `),
    progress: { bytesReceived: 6, validSoFar: true, expectedBytes: 272 },
  },
  {
    name: 'a TSRequest whose length has not come yet',
    expected: 'ts-request',
    bytes: hex('30 82 01'),
    progress: { bytesReceived: 3, validSoFar: true },
  },
  {
    name: 'not a DER SEQUENCE',
    expected: 'ts-request',
    bytes: hex('a0 03'),
    progress: { bytesReceived: 2, validSoFar: false },
  },
];

describe('stallProgress (how far a timed-out answer had got)', () => {
  for (const entry of CASES) {
    it(`${entry.expected}: ${entry.name}`, () => {
      const progress = stallProgress(entry.expected, entry.bytes, { firstByteMs: 12.4, lastByteMs: 480.6 });
      const times = entry.bytes.length > 0 ? { firstByteMs: 12, lastByteMs: 481 } : {};
      assert.deepEqual(progress, { ...entry.progress, ...times });
    });
  }

  it('the TLS stage: the first bytes kept, the count of all that came', () => {
    assert.deepEqual(stallProgress('tls-handshake', hex('16 03 03 05 00'), {}, 900), {
      bytesReceived: 900,
      validSoFar: true,
      expectedBytes: 1285,
    });
  });

  it('an MCS Connect-Response cut off by the timeout keeps its progress in the observation', () => {
    const observation = interpretConnectResponse({
      kind: 'timeout',
      received: hex('03 00 01 50 02 f0 80 7f'),
      ms: 500,
      firstByteMs: 3,
      lastByteMs: 450,
    });
    assert.equal(observation.outcome, 'timeout');
    assert.deepEqual(observation.stall, {
      bytesReceived: 8,
      validSoFar: true,
      firstByteMs: 3,
      lastByteMs: 450,
      expectedBytes: 336,
    });
  });
});
