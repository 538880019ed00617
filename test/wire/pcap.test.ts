import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it, test } from 'node:test';
import fc from 'fast-check';
import {
  type CapturedPacket,
  readCapture,
  TcpFlag,
  tcpStreams,
  udpDatagrams,
} from '../../src/evidence/pcap.js';
import { DecodeError } from '../../src/wire/errors.js';
import { hex, toHex } from '../helpers/bytes.js';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/pcap/${name}`, import.meta.url)));

// --- a tiny test-only capture builder (not the code under test) ---------------------------

function u16(value: number, le: boolean): number[] {
  return le ? [value & 0xff, value >> 8] : [value >> 8, value & 0xff];
}
function u32(value: number, le: boolean): number[] {
  const be = [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
  return le ? be.reverse() : be;
}
function bytes(...parts: (number[] | Uint8Array)[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => Array.from(part)));
}

/** IPv4 + TCP from 10.0.0.1:port to 10.0.0.2:3389 (or reversed), no checksums. */
function ipv4Tcp(options: {
  fromClient: boolean;
  seq: number;
  flags: number;
  payload?: number[];
  clientPort?: number;
}): Uint8Array {
  const payload = options.payload ?? [];
  const clientPort = options.clientPort ?? 50000;
  const [srcIp, dstIp] = options.fromClient
    ? [
        [10, 0, 0, 1],
        [10, 0, 0, 2],
      ]
    : [
        [10, 0, 0, 2],
        [10, 0, 0, 1],
      ];
  const [srcPort, dstPort] = options.fromClient ? [clientPort, 3389] : [3389, clientPort];
  const tcp = bytes(
    u16(srcPort, false), // source port
    u16(dstPort, false), // destination port
    u32(options.seq, false), // sequence
    u32(0, false), // acknowledgment
    [0x50, options.flags], // data offset 5 words, flags
    u16(0xffff, false), // window
    [0, 0, 0, 0], // checksum, urgent
    payload,
  );
  return bytes(
    [0x45, 0], // version 4, IHL 5, TOS
    u16(20 + tcp.length, false), // total length
    [0, 0, 0x40, 0], // id, flags DF
    [64, 6, 0, 0], // TTL, protocol TCP, checksum
    srcIp,
    dstIp,
    tcp,
  );
}

function ethernet(payload: Uint8Array, vlans: number[] = []): Uint8Array {
  return bytes(
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], // destination, source MAC
    vlans.flatMap((vlan) => [0x81, 0x00, ...u16(vlan, false)]), // 802.1Q tag: TPID, TCI
    [0x08, 0x00], // ethertype IPv4
    payload,
  );
}

function classicPcap(linkType: number, frames: Uint8Array[], le = true, nanos = false): Uint8Array {
  return bytes(
    u32(nanos ? 0xa1b23c4d : 0xa1b2c3d4, le), // magic
    u16(2, le), // version major
    u16(4, le), // version minor
    u32(0, le), // thiszone
    u32(0, le), // sigfigs
    u32(65535, le), // snaplen
    u32(linkType, le), // link type
    ...frames.flatMap((frame, index) => [
      bytes(u32(1000 + index, le), u32(250, le), u32(frame.length, le), u32(frame.length, le)),
      frame,
    ]),
  );
}

function pcapngBlock(type: number, body: number[] | Uint8Array, le: boolean): Uint8Array {
  const padded = bytes(body, new Array((4 - (body.length % 4)) % 4).fill(0));
  const total = 12 + padded.length;
  return bytes(u32(type, le), u32(total, le), padded, u32(total, le));
}

function pcapng(linkType: number, frames: Uint8Array[], le = true, tsresol?: number): Uint8Array {
  const shb = pcapngBlock(
    0x0a0d0d0a,
    bytes(u32(0x1a2b3c4d, le), u16(1, le), u16(0, le), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    le,
  );
  const options =
    tsresol === undefined ? [] : bytes(u16(9, le), u16(1, le), [tsresol, 0, 0, 0], u16(0, le), u16(0, le));
  const idb = pcapngBlock(1, bytes(u16(linkType, le), u16(0, le), u32(0, le), options), le);
  const epbs = frames.map((frame) =>
    // interface 0, timestamp 1_500_000 units, captured, original, data
    pcapngBlock(
      6,
      bytes(u32(0, le), u32(0, le), u32(1_500_000, le), u32(frame.length, le), u32(frame.length, le), frame),
      le,
    ),
  );
  return bytes(shb, idb, ...epbs);
}

const handshake = [
  ipv4Tcp({ fromClient: true, seq: 100, flags: TcpFlag.SYN }),
  ipv4Tcp({ fromClient: false, seq: 9000, flags: TcpFlag.SYN | TcpFlag.ACK }),
];

// --- fixtures ------------------------------------------------------------------------------

describe('readCapture on real captures (facts from tshark 4.0.17)', () => {
  it('zeek-rdp-no-cookie-mstshash.pcap: 20 Ethernet/IPv4/TCP frames, one 3389 connection', () => {
    const capture = readCapture(fixture('zeek-rdp-no-cookie-mstshash.pcap'));
    assert.equal(capture.format, 'pcap');
    assert.equal(capture.packets.length, 20);
    assert.ok(
      capture.packets.every((packet) => packet.linkType === 1 && packet.transport?.protocol === 'tcp'),
    );
    const first = capture.packets[0]!;
    // capinfos: first packet time 2025-02-18 15:50:44.587082 (UTC)
    assert.equal(new Date(first.seconds * 1000).toISOString(), '2025-02-18T15:50:44.000Z');
    assert.equal(first.nanoseconds, 587_082_000);
    const [connection, ...others] = tcpStreams(capture, 3389);
    assert.equal(others.length, 0);
    assert.deepEqual(connection!.client, { address: '10.128.36.245', port: 50204 });
    assert.deepEqual(connection!.server, { address: '10.132.153.76', port: 3389 });
    assert.equal(connection!.clientChosenBy, 'syn');
    // The client's stream starts with the X.224 Connection Request TPKT (03 00 ..), the server's with the Confirm.
    assert.equal(connection!.clientToServer.bytes[0], 0x03);
    assert.equal(connection!.serverToClient.bytes[0], 0x03);
    // Frame 11 is the ClientHello (tshark), so a client chunk must come from it.
    assert.ok(connection!.clientToServer.chunks.some((chunk) => chunk.frame === 11));
    assert.equal(connection!.clientToServer.gap, undefined);
  });

  it('zeek-rdp-to-ssl.pcap: two connections 49206 and 49207 to 3389', () => {
    const connections = tcpStreams(readCapture(fixture('zeek-rdp-to-ssl.pcap')), 3389);
    assert.deepEqual(
      connections.map((connection) => `${connection.client.address}:${connection.client.port}`),
      ['192.168.1.200:49206', '192.168.1.200:49207'],
    );
    assert.ok(connections[0]!.sawFin && connections[0]!.sawReset);
  });

  it('zeek-rdp-x509.pcap: 15 frames', () => {
    assert.equal(readCapture(fixture('zeek-rdp-x509.pcap')).packets.length, 15);
  });

  it('zeek-rdpeudp-handshake-success.pcap: IPv6 UDP ::1:61291 <-> ::1:3389, SYN datagram 1232 bytes', () => {
    const datagrams = udpDatagrams(readCapture(fixture('zeek-rdpeudp-handshake-success.pcap')), 3389);
    assert.equal(datagrams.length, 10);
    assert.deepEqual(datagrams[0]!.source, { address: '::1', port: 61291 });
    assert.deepEqual(datagrams[0]!.destination, { address: '::1', port: 3389 });
    // udp length 1240 = 8-byte header + 1232 payload; RDPUDP flags 0x1801 sit at payload offset 6.
    assert.equal(datagrams[0]!.payload.length, 1232);
    assert.equal(toHex(datagrams[0]!.payload.subarray(6, 8)), '1801');
    assert.equal(toHex(datagrams[1]!.payload.subarray(6, 8)), '1005');
  });
});

// --- hand-built containers and link layers -------------------------------------------------

describe('readCapture containers', () => {
  const frames = [ethernet(handshake[0]!), ethernet(handshake[1]!)];
  for (const le of [true, false]) {
    for (const nanos of [false, true]) {
      it(`classic pcap ${le ? 'little' : 'big'}-endian, ${nanos ? 'ns' : 'µs'} timestamps`, () => {
        const capture = readCapture(classicPcap(1, frames, le, nanos));
        assert.equal(capture.packets.length, 2);
        assert.equal(capture.packets[1]!.seconds, 1001);
        assert.equal(capture.packets[1]!.nanoseconds, nanos ? 250 : 250_000);
        assert.equal(capture.packets[0]!.ip?.source, '10.0.0.1');
      });
    }
    it(`pcapng ${le ? 'little' : 'big'}-endian with default µs resolution`, () => {
      const capture = readCapture(pcapng(1, frames, le));
      assert.equal(capture.format, 'pcapng');
      assert.equal(capture.packets.length, 2);
      assert.equal(capture.packets[0]!.seconds, 1);
      assert.equal(capture.packets[0]!.nanoseconds, 500_000_000);
    });
  }

  it('pcapng if_tsresol 9 (nanoseconds)', () => {
    const capture = readCapture(pcapng(1, [ethernet(handshake[0]!)], true, 9));
    assert.equal(capture.packets[0]!.seconds, 0);
    assert.equal(capture.packets[0]!.nanoseconds, 1_500_000);
  });

  it('pcapng simple packet block takes interface 0', () => {
    const shb = pcapngBlock(
      0x0a0d0d0a,
      bytes(u32(0x1a2b3c4d, true), u16(1, true), u16(0, true), new Array(8).fill(0xff)),
      true,
    );
    const idb = pcapngBlock(1, bytes(u16(101, true), u16(0, true), u32(0, true)), true);
    const spb = pcapngBlock(3, bytes(u32(handshake[0]!.length, true), handshake[0]!), true);
    const capture = readCapture(bytes(shb, idb, spb));
    assert.equal(capture.packets[0]!.transport?.destinationPort, 3389);
  });

  it('802.1Q double tag, NULL (both orders), LOOP, raw IP and Linux SLL', () => {
    const cases: [string, number, Uint8Array, readonly number[] | undefined][] = [
      ['vlan', 1, ethernet(handshake[0]!, [0x0064, 0x2005]), [100, 5]],
      ['null little-endian AF_INET', 0, bytes([2, 0, 0, 0], handshake[0]!), undefined],
      ['null big-endian AF_INET', 0, bytes([0, 0, 0, 2], handshake[0]!), undefined],
      ['loop', 108, bytes([0, 0, 0, 2], handshake[0]!), undefined],
      ['raw', 101, handshake[0]!, undefined],
      // SLL: packet type, ARPHRD_ETHER, address length 6, address[8], protocol IPv4
      [
        'sll',
        113,
        bytes([0, 0], [0, 1], [0, 6], new Array(8).fill(0), [0x08, 0x00], handshake[0]!),
        undefined,
      ],
    ];
    for (const [name, linkType, frame, vlans] of cases) {
      const packet = readCapture(classicPcap(linkType, [frame])).packets[0]!;
      assert.equal(packet.issue, undefined, name);
      assert.deepEqual(packet.vlanIds, vlans, name);
      assert.equal(packet.transport?.sourcePort, 50000, name);
    }
  });

  it('IPv6 with a hop-by-hop header, text per RFC 5952', () => {
    const udp = bytes(u16(1234, false), u16(3389, false), u16(12, false), [0, 0], [1, 2, 3, 4]);
    const ipv6 = bytes(
      [0x60, 0, 0, 0], // version 6, class, flow
      u16(8 + udp.length, false), // payload length incl. extension header
      [0, 64], // next header hop-by-hop, hop limit
      hex('20010db8 00000000 00000000 00000001'), // 2001:db8::1
      hex('fe800000 00000000 00000000 00000002'), // fe80::2
      [17, 0, 1, 4, 0, 0, 0, 0], // hop-by-hop: next UDP, length 0 (8 bytes), PadN
      udp,
    );
    const frame = bytes(new Array(12).fill(0), [0x86, 0xdd], ipv6);
    const [datagram] = udpDatagrams(readCapture(classicPcap(1, [frame])));
    assert.deepEqual(datagram!.source, { address: '2001:db8::1', port: 1234 });
    assert.equal(datagram!.destination.address, 'fe80::2');
    assert.equal(toHex(datagram!.payload), '01020304');
  });

  it('non-IP frames are kept with an issue', () => {
    const arp = bytes(new Array(12).fill(0), [0x08, 0x06], new Array(28).fill(0));
    const packet = readCapture(classicPcap(1, [arp])).packets[0]!;
    assert.deepEqual(packet.issue, {
      structure: 'LinkLayer',
      kind: 'unexpected-type',
      field: 'etherType',
      offset: 12,
      detail: '0x0806 is not IP',
    });
  });
});

describe('readCapture errors', () => {
  it('rejects an unknown magic', () => {
    assert.throws(
      () => readCapture(hex('00112233 44556677')),
      (error: unknown) =>
        error instanceof DecodeError &&
        assert.deepEqual(error.toJSON(), {
          structure: 'Capture',
          kind: 'unexpected-type',
          field: 'magic',
          offset: 0,
          detail: '0x00112233 is neither pcap nor pcapng',
        }) === undefined,
    );
  });

  it('reports a record cut short at the end and keeps the packets before it', () => {
    const whole = classicPcap(1, [ethernet(handshake[0]!), ethernet(handshake[1]!)]);
    const capture = readCapture(whole.subarray(0, whole.length - 10));
    assert.equal(capture.packets.length, 1);
    assert.deepEqual(capture.truncated?.toJSON(), {
      structure: 'PcapRecord',
      kind: 'not-enough-bytes',
      field: 'data',
      offset: 24 + 16 + 54 + 16,
      detail: 'need 54 byte(s), 44 left',
    });
  });

  it('rejects a pcapng block whose trailing length differs', () => {
    const good = pcapng(1, [ethernet(handshake[0]!)]);
    const bad = Uint8Array.from(good);
    bad[bad.length - 4] = bad[bad.length - 4]! ^ 0x04;
    assert.throws(
      () => readCapture(bad),
      (error: unknown) => error instanceof DecodeError && error.field === 'trailingTotalLength',
    );
  });

  it('rejects an oversized record length', () => {
    const header = classicPcap(1, []);
    const record = bytes(u32(0, true), u32(0, true), u32(0x7fffffff, true), u32(0x7fffffff, true));
    assert.throws(
      () => readCapture(bytes(header, record)),
      (error: unknown) => error instanceof DecodeError && error.kind === 'too-large' && error.offset === 32,
    );
  });
});

// --- reassembly ------------------------------------------------------------------------------

describe('tcpStreams', () => {
  const data = (seq: number, text: string, fromClient = true) =>
    ipv4Tcp({ fromClient, seq, flags: TcpFlag.ACK | TcpFlag.PSH, payload: Array.from(Buffer.from(text)) });

  it('orders out-of-order segments and drops retransmissions', () => {
    const frames = [
      ...handshake,
      data(106, 'world'),
      data(101, 'hello'),
      data(101, 'hello'),
      data(9001, 'ok', false),
    ];
    const [connection] = tcpStreams(readCapture(classicPcap(101, frames)));
    assert.equal(Buffer.from(connection!.clientToServer.bytes).toString(), 'helloworld');
    assert.equal(connection!.clientToServer.duplicateBytes, 5);
    assert.deepEqual(connection!.clientToServer.chunks, [
      { offset: 0, length: 5, frame: 4 },
      { offset: 5, length: 5, frame: 3 },
    ]);
    assert.equal(Buffer.from(connection!.serverToClient.bytes).toString(), 'ok');
  });

  it('stops at a hole and says where', () => {
    const [connection] = tcpStreams(
      readCapture(classicPcap(101, [...handshake, data(101, 'ab'), data(110, 'zz')])),
    );
    assert.equal(Buffer.from(connection!.clientToServer.bytes).toString(), 'ab');
    assert.deepEqual(connection!.clientToServer.gap, { at: 2, missing: 7 });
  });

  it('handles sequence wrap-around', () => {
    const frames = [
      ipv4Tcp({ fromClient: true, seq: 0xfffffffd, flags: TcpFlag.SYN }),
      data(0xfffffffe, 'ab'),
      data(0, 'cd'),
    ];
    const [connection] = tcpStreams(readCapture(classicPcap(101, frames)));
    assert.equal(Buffer.from(connection!.clientToServer.bytes).toString(), 'abcd');
  });

  it('without a SYN the client is the side not on the well-known port', () => {
    const [connection] = tcpStreams(
      readCapture(classicPcap(101, [data(9001, 'srv', false), data(500, 'cli')])),
    );
    assert.equal(connection!.clientChosenBy, 'port');
    assert.equal(connection!.server.port, 3389);
    assert.equal(Buffer.from(connection!.serverToClient.bytes).toString(), 'srv');
  });

  it('caps each direction at maxStreamBytes', () => {
    const [connection] = tcpStreams(
      readCapture(classicPcap(101, [...handshake, data(101, 'abcdef')])),
      undefined,
      {
        maxStreamBytes: 4,
      },
    );
    assert.equal(Buffer.from(connection!.clientToServer.bytes).toString(), 'abcd');
    assert.equal(connection!.clientToServer.capped, true);
  });

  it('a new SYN on the same 4-tuple starts a new connection', () => {
    const frames = [
      ...handshake,
      data(101, 'one'),
      ipv4Tcp({ fromClient: true, seq: 7000, flags: TcpFlag.SYN }),
      data(7001, 'two'),
    ];
    const connections = tcpStreams(readCapture(classicPcap(101, frames)));
    assert.deepEqual(
      connections.map((connection) => Buffer.from(connection.clientToServer.bytes).toString()),
      ['one', 'two'],
    );
  });
});

// --- fuzz ------------------------------------------------------------------------------------

test('readCapture: random and mutated captures decode or give a DecodeError', () => {
  const seeds = [
    fixture('zeek-rdp-no-cookie-mstshash.pcap').subarray(0, 1200),
    pcapng(1, [ethernet(handshake[0]!, [7])], false),
    classicPcap(113, [bytes(new Array(14).fill(0), [0x86, 0xdd], new Array(40).fill(0))]),
  ];
  const mutated = fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.nat(),
    )
    .map(([seed, edits, cut]) => {
      const copy = Uint8Array.from(seed);
      for (const [at, value] of edits) copy[at % copy.length] = value;
      return cut % 3 === 0 ? copy.subarray(0, cut % copy.length) : copy;
    });
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (input) => {
      let packets: CapturedPacket[] = [];
      try {
        packets = readCapture(input).packets;
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        return;
      }
      tcpStreams({ packets });
      udpDatagrams({ packets });
    }),
    { numRuns: 600 },
  );
});
