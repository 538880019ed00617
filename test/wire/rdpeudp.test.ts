import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodeRdpUdpSyn,
  encodeRdpUdpSyn,
  isSynAck,
  RDPUDP_SYN_DATAGRAM_SIZE,
  type RdpUdpSyn,
  rdpUdpVersionName,
} from '../../src/wire/rdpeudp.js';
import { hex, toHex } from '../helpers/bytes.js';
import { expectDecodeError, fuzzDecoder } from './codec-helpers.js';

function padded(head: Uint8Array): Uint8Array {
  const out = new Uint8Array(RDPUDP_SYN_DATAGRAM_SIZE);
  out.set(head);
  return out;
}

const synHead = hex(`
  ff ff ff ff                                       # snSourceAck -1
  00 40                                             # uReceiveWindowSize 64
  18 01                                             # uFlags SYN | CORRELATION_ID | SYNEX
  0b 12 7f 15                                       # snInitialSequenceNumber
  04 d0 04 d0                                       # up / down stream MTU 1232
  78 55 d0 64 fb af 43 f0 b6 e8 f8 aa df ad 00 00   # uCorrelationId
  ${'00'.repeat(16)}                                # reserved
  00 01                                             # uSynExFlags VERSION_INFO_VALID
  00 03                                             # uUdpVer 3 (as Windows sent it)
`);
const syn: RdpUdpSyn = {
  snSourceAck: 0xffffffff,
  receiveWindowSize: 64,
  flags: 0x1801,
  initialSequenceNumber: 0x0b127f15,
  upstreamMtu: 1232,
  downstreamMtu: 1232,
  correlationId: hex('78 55 d0 64 fb af 43 f0 b6 e8 f8 aa df ad 00 00'),
  synEx: { flags: 1, version: 3 },
};

const synAckHead = hex(`
  0b 12 7f 15     # snSourceAck: the client's initial sequence number
  00 40           # uReceiveWindowSize
  10 05           # uFlags SYN | ACK | SYNEX
  0f 94 ea 0b     # snInitialSequenceNumber
  04 d0 04 d0     # MTUs 1232
  00 01 01 01     # SYNDATAEX: VERSION_INFO_VALID, RDPUDP_PROTOCOL_VERSION_3
  ${'c3'.repeat(32)}  # cookieHash
`);
const synAck: RdpUdpSyn = {
  snSourceAck: 0x0b127f15,
  receiveWindowSize: 64,
  flags: 0x1005,
  initialSequenceNumber: 0x0f94ea0b,
  upstreamMtu: 1232,
  downstreamMtu: 1232,
  synEx: { flags: 1, version: 0x0101, cookieHash: new Uint8Array(32).fill(0xc3) },
};

test('RDP-UDP SYN and SYN+ACK: bytes both ways, padded to 1232', () => {
  assert.deepStrictEqual(decodeRdpUdpSyn(padded(synHead)), syn);
  assert.equal(toHex(encodeRdpUdpSyn(syn)), toHex(padded(synHead)));
  assert.deepStrictEqual(decodeRdpUdpSyn(padded(synAckHead)), synAck);
  assert.equal(toHex(encodeRdpUdpSyn(synAck)), toHex(padded(synAckHead)));
  assert.equal(isSynAck(syn), false);
  assert.equal(isSynAck(synAck), true);
  assert.equal(rdpUdpVersionName(0x0101), 'VERSION_3');
  assert.equal(rdpUdpVersionName(3), 'unknown RDP-UDP version 0x0003');
});

test('RDP-UDP SYN: errors', () => {
  expectDecodeError(() => decodeRdpUdpSyn(hex('ff ff ff ff 00 40 00 04 00 00 00 00 04 d0 04 d0')), {
    structure: 'RDPUDP.Syn',
    kind: 'unexpected-type',
    field: 'uFlags',
    offset: 6,
    detail: 'no RDPUDP_FLAG_SYN in 0x0004',
  });
  expectDecodeError(() => decodeRdpUdpSyn(synHead.subarray(0, 30)), {
    structure: 'RDPUDP.Syn',
    kind: 'not-enough-bytes',
    field: 'uCorrelationId',
    offset: 16,
    detail: 'need 16 byte(s), 14 left',
  });
});

fuzzDecoder('RDP-UDP SYN', (bytes) => decodeRdpUdpSyn(bytes), [synHead, synAckHead]);

test('RDP-UDP SYN: decode(encode(v)) is v', () => {
  const u16 = fc.integer({ min: 0, max: 0xffff });
  const value = fc
    .tuple(
      fc.integer({ min: 0, max: 0xffffffff }),
      u16,
      u16,
      fc.integer({ min: 0, max: 0xffffffff }),
      u16,
      u16,
      fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), { nil: undefined }),
      fc.option(fc.tuple(u16, u16, fc.uint8Array({ minLength: 32, maxLength: 32 })), { nil: undefined }),
    )
    .map(([ack, window, rawFlags, isn, up, down, correlationId, ex]): RdpUdpSyn => {
      let flags = (rawFlags | 0x0001) & ~0x1800;
      if (correlationId) flags |= 0x0800;
      if (ex) flags |= 0x1000;
      const synEx = ex
        ? ex[1] === 0x0101
          ? { flags: ex[0], version: ex[1], cookieHash: ex[2] }
          : { flags: ex[0], version: ex[1] }
        : undefined;
      return {
        snSourceAck: ack,
        receiveWindowSize: window,
        flags,
        initialSequenceNumber: isn,
        upstreamMtu: up,
        downstreamMtu: down,
        ...(correlationId ? { correlationId } : {}),
        ...(synEx ? { synEx } : {}),
      };
    });
  fc.assert(
    fc.property(value, (v) => assert.deepStrictEqual(decodeRdpUdpSyn(encodeRdpUdpSyn(v)), v)),
    { numRuns: 300 },
  );
});
