import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import fc from 'fast-check';
import { DecodeError, type DecodeErrorDetails } from '../../src/wire/errors.js';
import { alertDescriptionName, decodeTlsAlert, encodeTlsAlert } from '../../src/wire/tls-alert.js';
import { decodeCertificateMessage, encodeCertificateMessage } from '../../src/wire/tls-certificate.js';
import {
  buildClientHello,
  type ClientHello,
  clientHelloRecord,
  decodeClientHello,
  encodeClientHello,
  summarizeClientHello,
} from '../../src/wire/tls-client-hello.js';
import {
  decodeHandshake,
  encodeHandshake,
  HandshakeReassembler,
  handshakeFrameLength,
} from '../../src/wire/tls-handshake.js';
import {
  decodeTlsRecord,
  encodeTlsRecord,
  splitTlsRecords,
  tlsRecordFrameLength,
} from '../../src/wire/tls-record.js';
import { readServerFlight } from '../../src/wire/tls-server-flight.js';
import {
  decodeServerHello,
  encodeServerHello,
  type ServerHello,
  summarizeServerHello,
} from '../../src/wire/tls-server-hello.js';
import {
  decodeServerKeyExchange,
  dhPrimeBits,
  encodeServerKeyExchange,
} from '../../src/wire/tls-server-key-exchange.js';
import { hex, toHex } from '../helpers/bytes.js';

function expectError(run: () => unknown, expected: DecodeErrorDetails): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DecodeError, String(error));
    assert.deepEqual(error.toJSON(), expected);
    return true;
  });
}

function decodesOrDecodeError(decode: (bytes: Uint8Array) => unknown): (bytes: Uint8Array) => void {
  return (bytes) => {
    try {
      decode(bytes);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
    }
  };
}

/** Random bytes, and seeds with a few bytes changed or cut. */
function fuzzInput(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const mutated = fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.nat(),
    )
    .map(([seed, edits, cut]) => {
      const copy = Uint8Array.from(seed);
      for (const [at, value] of edits) copy[at % copy.length] = value;
      return cut % 4 === 0 ? copy.subarray(0, cut % (copy.length + 1)) : copy;
    });
  return fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated);
}

const RANDOM_32 = Uint8Array.from({ length: 32 }, (_, index) => index);
const RANDOM_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

// --- record ------------------------------------------------------------------------------------

const ALERT_RECORD = hex(`
  15        # content type: alert (21)
  0303      # version TLS 1.2
  0002      # length 2
  02 28     # fatal, handshake_failure (40)
`);

describe('TLS record', () => {
  it('encodes and decodes an alert record', () => {
    const record = { contentType: 21, version: 0x0303, fragment: hex('0228') };
    assert.equal(toHex(encodeTlsRecord(record)), toHex(ALERT_RECORD));
    assert.deepEqual(decodeTlsRecord(ALERT_RECORD), record);
  });

  it('frames the same bytes split at every offset', () => {
    const stream = new Uint8Array([...ALERT_RECORD, ...ALERT_RECORD]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const frame = tlsRecordFrameLength(stream.subarray(0, cut));
      if (cut < 5) assert.deepEqual(frame, { kind: 'need-more', atLeast: 5 }, `cut ${cut}`);
      else assert.deepEqual(frame, { kind: 'length', length: 7 }, `cut ${cut}`);
      const split = splitTlsRecords(stream.subarray(0, cut));
      assert.equal(split.records.length, Math.floor(cut / 7), `cut ${cut}`);
      assert.equal(split.rest.length, cut % 7, `cut ${cut}`);
    }
  });

  it('framer reports malformed type, version and length', () => {
    const cases: [string, Uint8Array, DecodeErrorDetails][] = [
      [
        'HTTP answer',
        hex('48545450'),
        {
          structure: 'TLSRecord',
          kind: 'unexpected-type',
          field: 'contentType',
          offset: 0,
          detail: 'unknown content type 72',
        },
      ],
      [
        'SSL 2.0',
        hex('8003'),
        {
          structure: 'TLSRecord',
          kind: 'unexpected-type',
          field: 'contentType',
          offset: 0,
          detail: '0x80 looks like an SSL 2.0 record',
        },
      ],
      [
        'major 2',
        hex('1602'),
        {
          structure: 'TLSRecord',
          kind: 'unsupported-version',
          field: 'version',
          offset: 1,
          detail: 'major version 2 is not 3',
        },
      ],
      [
        'too long',
        hex('16 0303 4801'),
        { structure: 'TLSRecord', kind: 'too-large', field: 'length', offset: 3, detail: '18433 > 18432' },
      ],
    ];
    for (const [name, bytes, expected] of cases) {
      const frame = tlsRecordFrameLength(bytes);
      assert.equal(frame.kind, 'malformed', name);
      if (frame.kind === 'malformed') assert.deepEqual(frame.error.toJSON(), expected, name);
    }
    expectError(() => decodeTlsRecord(hex('16 0301 0005 0102')), {
      structure: 'TLSRecord',
      kind: 'not-enough-bytes',
      field: 'fragment',
      offset: 3,
      detail: 'header says 5, 2 left',
    });
  });
});

// --- alert ---------------------------------------------------------------------------------------

describe('TLS alert', () => {
  const cases = [
    {
      name: 'fatal handshake_failure',
      value: { level: 2, description: 40 },
      bytes: hex('02 28'),
      label: 'handshake_failure',
    },
    {
      name: 'warning close_notify',
      value: { level: 1, description: 0 },
      bytes: hex('01 00'),
      label: 'close_notify',
    },
    {
      name: 'fatal protocol_version',
      value: { level: 2, description: 70 },
      bytes: hex('02 46'),
      label: 'protocol_version',
    },
    {
      name: 'unknown code kept',
      value: { level: 2, description: 200 },
      bytes: hex('02 c8'),
      label: 'unknown alert 200',
    },
  ];
  for (const row of cases) {
    it(row.name, () => {
      assert.equal(toHex(encodeTlsAlert(row.value)), toHex(row.bytes));
      assert.deepEqual(decodeTlsAlert(row.bytes), row.value);
      assert.equal(alertDescriptionName(row.value.description), row.label);
    });
  }
  it('rejects a short or long alert', () => {
    expectError(() => decodeTlsAlert(hex('02')), {
      structure: 'TLSAlert',
      kind: 'not-enough-bytes',
      field: 'description',
      offset: 1,
      detail: 'need 1 byte(s), 0 left',
    });
    expectError(() => decodeTlsAlert(hex('022800')), {
      structure: 'TLSAlert',
      kind: 'invalid-field',
      field: 'trailing',
      offset: 2,
      detail: '1 unexpected trailing byte(s)',
    });
  });
});

// --- handshake framing --------------------------------------------------------------------------

const SERVER_HELLO_DONE = hex('0e 000000'); // type 14, length 0
const CERT_MSG = hex(`
  0b          # type: certificate (11)
  00000a      # length 10
  000007      # certificate_list length 7
  000004      # certificate length 4
  30020500    # DER: SEQUENCE { NULL }
`);

describe('TLS handshake framing', () => {
  it('encodes and decodes one message', () => {
    assert.equal(toHex(encodeHandshake({ type: 14, body: new Uint8Array(0) })), toHex(SERVER_HELLO_DONE));
    assert.deepEqual(decodeHandshake(CERT_MSG), { type: 11, body: CERT_MSG.subarray(4) });
  });

  it('reassembles two messages split at every offset across two records', () => {
    const stream = new Uint8Array([...CERT_MSG, ...SERVER_HELLO_DONE]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const reassembler = new HandshakeReassembler();
      const messages = [
        ...reassembler.push(stream.subarray(0, cut)),
        ...reassembler.push(stream.subarray(cut)),
      ];
      assert.deepEqual(
        messages.map((message) => [message.type, message.body.length]),
        [
          [11, 10],
          [14, 0],
        ],
        `cut ${cut}`,
      );
      assert.equal(reassembler.pendingBytes, 0);
      const frame = handshakeFrameLength(stream.subarray(0, cut));
      assert.deepEqual(frame, cut < 4 ? { kind: 'need-more', atLeast: 4 } : { kind: 'length', length: 14 });
    }
  });

  it('refuses a message longer than the cap, with its stream offset', () => {
    const reassembler = new HandshakeReassembler(1024);
    reassembler.push(SERVER_HELLO_DONE);
    expectError(() => reassembler.push(hex('0b 010000')), {
      structure: 'Handshake',
      kind: 'too-large',
      field: 'length',
      offset: 5,
      detail: '65536 > 1024',
    });
  });
});

// --- ClientHello --------------------------------------------------------------------------------

describe('ClientHello', () => {
  it('table: TLS 1.2 hello with RC4 and EXPORT suites and SNI', () => {
    const bytes = hex(`
      0303                     # legacy_version TLS 1.2
      ${RANDOM_HEX}            # random
      00                       # session_id length 0
      0006 c030 0005 0003      # cipher_suites: ECDHE-RSA-AES256-GCM, RC4-SHA, EXP-RC4-MD5
      01 00                    # compression_methods: null
      000f                     # extensions length 15
      0000 000b                # server_name, length 11
      0009 00 0006 686f73743a31 # list length 9, host_name, "host:1"
    `);
    const withName: ClientHello = {
      legacyVersion: 0x0303,
      random: RANDOM_32,
      sessionId: new Uint8Array(0),
      cipherSuites: [0xc030, 0x0005, 0x0003],
      compressionMethods: [0],
      extensions: [{ type: 0, data: hex('0009 00 0006 686f73743a31') }],
    };
    assert.equal(toHex(encodeClientHello(withName)), toHex(bytes));
    assert.deepEqual(decodeClientHello(bytes), withName);
    assert.equal(summarizeClientHello(withName).serverName, 'host:1');
  });

  it('table: SSL 3.0 style hello without an extensions block', () => {
    const value: ClientHello = {
      legacyVersion: 0x0300,
      random: RANDOM_32,
      sessionId: hex('aabb'),
      cipherSuites: [0x000a],
      compressionMethods: [0],
    };
    const bytes = hex(`
      0300          # legacy_version SSL 3.0
      ${RANDOM_HEX} # random
      02 aabb       # session_id
      0002 000a     # cipher_suites: 3DES-EDE-CBC-SHA
      01 00         # compression: null
    `);
    assert.equal(toHex(encodeClientHello(value)), toHex(bytes));
    assert.deepEqual(decodeClientHello(bytes), value);
  });

  it('builder offers TLS 1.3 with supported_versions, x25519 key share and a 1.2 legacy_version', () => {
    let counter = 0;
    const randomBytes = (length: number) => Uint8Array.from({ length }, () => counter++ & 0xff);
    const record = clientHelloRecord(
      { versions: [0x0303, 0x0304], cipherSuites: [0x1301, 0x0004], serverName: 'rdp.example', alpn: ['h2'] },
      randomBytes,
    );
    // record header: handshake, record version TLS 1.0
    assert.equal(toHex(record.subarray(0, 3)), '160301');
    const handshake = decodeHandshake(record.subarray(5));
    assert.equal(handshake.type, 1);
    const hello = decodeClientHello(handshake.body);
    assert.equal(hello.legacyVersion, 0x0303);
    assert.deepEqual(hello.cipherSuites, [0x1301, 0x0004]);
    const summary = summarizeClientHello(hello);
    assert.deepEqual(summary.offeredVersions, [0x0304, 0x0303]);
    assert.equal(summary.serverName, 'rdp.example');
    assert.deepEqual(summary.alpn, ['h2']);
    const keyShare = hello.extensions!.find((extension) => extension.type === 51)!;
    // client_shares length 36 = group 0x001d + length 0x0020 + 32 bytes
    assert.equal(toHex(keyShare.data.subarray(0, 6)), '0024001d0020');
    assert.equal(keyShare.data.length, 38);
  });

  it('builder: SSL 3.0 only uses record version 0x0300 and no IP literal as SNI', () => {
    const record = clientHelloRecord({ versions: [0x0300], cipherSuites: [0x0005], serverName: '192.0.2.1' });
    assert.equal(toHex(record.subarray(0, 3)), '160300');
    const hello = decodeClientHello(decodeHandshake(record.subarray(5)).body);
    assert.equal(hello.legacyVersion, 0x0300);
    assert.equal(summarizeClientHello(hello).serverName, undefined);
    assert.equal(
      hello.extensions!.some((extension) => extension.type === 43),
      false,
    );
  });

  it('negative: odd cipher suite length and oversized session id', () => {
    expectError(() => decodeClientHello(hex(`0303 ${RANDOM_HEX} 00 0003 c030 00 01 00`)), {
      structure: 'ClientHello',
      kind: 'invalid-field',
      field: 'cipherSuitesLength',
      offset: 35,
      detail: '3 is odd',
    });
    expectError(() => decodeClientHello(hex(`0303 ${RANDOM_HEX} 21`)), {
      structure: 'ClientHello',
      kind: 'invalid-field',
      field: 'sessionIdLength',
      offset: 34,
      detail: '33 > 32',
    });
  });
});

// --- ServerHello --------------------------------------------------------------------------------

const HRR_RANDOM_HEX = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

describe('ServerHello', () => {
  const rows: { name: string; value: ServerHello; bytes: Uint8Array; version: number; hrr: boolean }[] = [
    {
      name: 'TLS 1.2, RSA AES-256-GCM, renegotiation_info',
      value: {
        legacyVersion: 0x0303,
        random: RANDOM_32,
        sessionId: hex('01020304'),
        cipherSuite: 0x009d,
        compressionMethod: 0,
        extensions: [{ type: 0xff01, data: hex('00') }],
      },
      bytes: hex(`
        0303          # legacy_version TLS 1.2
        ${RANDOM_HEX} # random
        04 01020304   # session_id
        009d          # cipher_suite TLS_RSA_WITH_AES_256_GCM_SHA384
        00            # compression null
        0005          # extensions length
        ff01 0001 00  # renegotiation_info, empty
      `),
      version: 0x0303,
      hrr: false,
    },
    {
      name: 'TLS 1.3 via supported_versions with key_share x25519',
      value: {
        legacyVersion: 0x0303,
        random: RANDOM_32,
        sessionId: new Uint8Array(0),
        cipherSuite: 0x1301,
        compressionMethod: 0,
        extensions: [
          { type: 43, data: hex('0304') },
          { type: 51, data: hex('001d 0002 abcd') },
        ],
      },
      bytes: hex(`
        0303            # legacy_version TLS 1.2
        ${RANDOM_HEX}   # random
        00              # session_id empty
        1301            # TLS_AES_128_GCM_SHA256
        00              # compression null
        0010            # extensions length 16
        002b 0002 0304  # supported_versions: TLS 1.3
        0033 0006 001d 0002 abcd # key_share: x25519, 2-byte share (short, for the table)
      `),
      version: 0x0304,
      hrr: false,
    },
    {
      name: 'HelloRetryRequest asking for secp256r1',
      value: {
        legacyVersion: 0x0303,
        random: hex(HRR_RANDOM_HEX),
        sessionId: new Uint8Array(0),
        cipherSuite: 0x1302,
        compressionMethod: 0,
        extensions: [
          { type: 43, data: hex('0304') },
          { type: 51, data: hex('0017') },
        ],
      },
      bytes: hex(`
        0303              # legacy_version
        ${HRR_RANDOM_HEX} # random = SHA-256("HelloRetryRequest")
        00                # session_id
        1302              # TLS_AES_256_GCM_SHA384
        00                # compression
        000c              # extensions length 12
        002b 0002 0304    # supported_versions
        0033 0002 0017    # key_share selected_group secp256r1
      `),
      version: 0x0304,
      hrr: true,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      assert.equal(toHex(encodeServerHello(row.value)), toHex(row.bytes));
      assert.deepEqual(decodeServerHello(row.bytes), row.value);
      const summary = summarizeServerHello(row.value);
      assert.equal(summary.version, row.version);
      assert.equal(summary.helloRetryRequest, row.hrr);
    });
  }

  it('detects the TLS 1.2 downgrade sentinel', () => {
    const random = Uint8Array.from([...RANDOM_32.subarray(0, 24), ...hex('444f574e47524401')]);
    const summary = summarizeServerHello({ ...rows[0]!.value, random });
    assert.equal(summary.downgradeSentinel, 'tls12');
  });

  it('negative: SSL 2 version and extension overrun', () => {
    expectError(() => decodeServerHello(hex('0002')), {
      structure: 'ServerHello',
      kind: 'unsupported-version',
      field: 'legacyVersion',
      offset: 0,
      detail: '0x0002',
    });
    expectError(() => decodeServerHello(hex(`0303 ${RANDOM_HEX} 00 002f 00 0009 ff01 0001 00`)), {
      structure: 'ServerHello',
      kind: 'not-enough-bytes',
      field: 'extensions',
      offset: 40,
      detail: 'need 9 byte(s), 5 left',
    });
  });
});

// --- Certificate and ServerKeyExchange ------------------------------------------------------------

describe('Certificate message', () => {
  it('table: two certificates', () => {
    const value = { certificates: [hex('30020500'), hex('3000')] };
    const bytes = hex(`
      00000c    # certificate_list length 12 = (3 + 4) + (3 + 2)
      000004 30020500 # first: 4 bytes
      000002 3000     # second: 2 bytes
    `);
    assert.equal(toHex(encodeCertificateMessage(value)), toHex(bytes));
    assert.deepEqual(decodeCertificateMessage(bytes), value);
  });
  it('negative: zero-length certificate', () => {
    expectError(() => decodeCertificateMessage(hex('000003 000000')), {
      structure: 'Certificate',
      kind: 'invalid-field',
      field: 'certificateLength',
      offset: 3,
      detail: 'an ASN.1Cert is at least 1 byte',
    });
  });
});

describe('ServerKeyExchange', () => {
  it('table: ECDHE x25519', () => {
    const value = {
      kind: 'ecdhe' as const,
      curveType: 3,
      group: 29,
      publicKey: hex('0102'),
      signature: hex('0401 0001 ff'),
    };
    const bytes = hex(`
      03         # curve_type named_curve
      001d       # x25519
      02 0102    # point (short, for the table)
      0401 0001 ff # signature: rsa_pkcs1_sha256, 1 byte
    `);
    assert.equal(toHex(encodeServerKeyExchange(value)), toHex(bytes));
    assert.deepEqual(decodeServerKeyExchange(bytes, 'ecdhe'), value);
  });
  it('table: DHE with a 1024-bit prime', () => {
    const prime = Uint8Array.from({ length: 128 }, (_, index) => (index === 0 ? 0xff : 0x11));
    const bytes = hex(`0080 ${toHex(prime)} 0001 02 0001 05`);
    const value = decodeServerKeyExchange(bytes, 'dhe');
    assert.equal(value.kind, 'dhe');
    if (value.kind === 'dhe') assert.equal(dhPrimeBits(value.prime), 1024);
    assert.equal(toHex(encodeServerKeyExchange(value)), toHex(bytes));
    assert.equal(dhPrimeBits(hex('00 01 00')), 9);
  });
  it('negative: explicit curve', () => {
    expectError(() => decodeServerKeyExchange(hex('01 0017'), 'ecdhe'), {
      structure: 'ServerKeyExchange',
      kind: 'unexpected-type',
      field: 'curveType',
      offset: 0,
      detail: '1 is not named_curve (3)',
    });
  });
});

// --- server flight --------------------------------------------------------------------------------

describe('readServerFlight', () => {
  const serverHello = encodeHandshake({
    type: 2,
    body: hex(`0303 ${RANDOM_HEX} 00 c02f 00 0005 ff01 0001 00`),
  });
  const ske = encodeHandshake({ type: 12, body: hex('03 0017 02 0102 0401 0001 ff') });
  const handshakeBytes = new Uint8Array([...serverHello, ...CERT_MSG, ...ske, ...SERVER_HELLO_DONE]);

  it('reads a TLS 1.2 flight split over records at any point', () => {
    for (let cut = 1; cut < handshakeBytes.length; cut += 7) {
      const bytes = new Uint8Array([
        ...encodeTlsRecord({ contentType: 22, version: 0x0303, fragment: handshakeBytes.subarray(0, cut) }),
        ...encodeTlsRecord({ contentType: 22, version: 0x0303, fragment: handshakeBytes.subarray(cut) }),
      ]);
      const flight = readServerFlight(bytes);
      assert.equal(flight.error, undefined);
      assert.equal(flight.serverHello?.cipherSuite, 0xc02f);
      assert.equal(flight.certificates?.certificates.length, 1);
      assert.equal(flight.serverKeyExchange?.kind === 'ecdhe' && flight.serverKeyExchange.group, 23);
      assert.equal(flight.serverHelloDone, true);
      assert.equal(flight.complete, true);
      assert.deepEqual(flight.handshakeTypes, [2, 11, 12, 14]);
    }
  });

  it('reads an alert and reports incomplete or malformed answers', () => {
    assert.deepEqual(readServerFlight(ALERT_RECORD).alert, { level: 2, description: 40 });
    const partial = readServerFlight(
      encodeTlsRecord({ contentType: 22, version: 0x0303, fragment: serverHello.subarray(0, 10) }),
    );
    assert.equal(partial.complete, false);
    assert.equal(partial.serverHello, undefined);
    const http = readServerFlight(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n'));
    assert.equal(http.error?.field, 'contentType');
  });
});

// --- properties ------------------------------------------------------------------------------------

const uint16 = fc.integer({ min: 0, max: 0xffff });
const extension = fc.record(
  { type: uint16, data: fc.uint8Array({ maxLength: 20 }) },
  { noNullPrototype: true },
);
const random32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

test('property: decode(encode(ClientHello)) equals the value', () => {
  const clientHello = fc.record(
    {
      legacyVersion: uint16,
      random: random32,
      sessionId: fc.uint8Array({ maxLength: 32 }),
      cipherSuites: fc.array(uint16, { maxLength: 40 }),
      compressionMethods: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 3 }),
      extensions: fc.array(extension, { maxLength: 6 }),
    },
    {
      requiredKeys: ['legacyVersion', 'random', 'sessionId', 'cipherSuites', 'compressionMethods'],
      noNullPrototype: true,
    },
  );
  fc.assert(
    fc.property(clientHello, (generated) => {
      assert.deepEqual(decodeClientHello(encodeClientHello(generated)), generated);
    }),
    { numRuns: 300 },
  );
});

test('property: decode(encode(ServerHello)), Alert, Certificate, SKE, Handshake, Record round-trip', () => {
  const serverHello = fc.record(
    {
      legacyVersion: fc.integer({ min: 0x0300, max: 0x03ff }),
      random: random32,
      sessionId: fc.uint8Array({ maxLength: 32 }),
      cipherSuite: uint16,
      compressionMethod: fc.integer({ min: 0, max: 255 }),
      extensions: fc.array(extension, { maxLength: 6 }),
    },
    {
      requiredKeys: ['legacyVersion', 'random', 'sessionId', 'cipherSuite', 'compressionMethod'],
      noNullPrototype: true,
    },
  );
  fc.assert(
    fc.property(
      serverHello,
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 4 }),
      fc.record(
        { level: fc.integer({ min: 0, max: 255 }), description: fc.integer({ min: 0, max: 255 }) },
        { noNullPrototype: true },
      ),
      fc.uint8Array({ maxLength: 50 }),
      (hello, certificates, alert, body) => {
        assert.deepEqual(decodeServerHello(encodeServerHello(hello)), hello);
        assert.deepEqual(decodeCertificateMessage(encodeCertificateMessage({ certificates })), {
          certificates,
        });
        assert.deepEqual(decodeTlsAlert(encodeTlsAlert(alert)), alert);
        assert.deepEqual(decodeHandshake(encodeHandshake({ type: 12, body })), { type: 12, body });
        const record = { contentType: 23, version: 0x0303, fragment: body };
        assert.deepEqual(decodeTlsRecord(encodeTlsRecord(record)), record);
        const ske = {
          kind: 'ecdhe' as const,
          curveType: 3,
          group: 29,
          publicKey: Uint8Array.of(1, ...body.subarray(0, 9)),
          signature: body,
        };
        assert.deepEqual(decodeServerKeyExchange(encodeServerKeyExchange(ske), 'ecdhe'), ske);
      },
    ),
    { numRuns: 300 },
  );
});

test('property: every decoder gives a value or a DecodeError on random and mutated bytes', () => {
  const helloSeed = encodeClientHello(
    buildClientHello({ versions: [0x0301, 0x0304], cipherSuites: [0x1301, 0x002f], serverName: 'a.b' }),
  );
  const seeds = [helloSeed, ALERT_RECORD, CERT_MSG, hex(`0303 ${RANDOM_HEX} 00 002f 00 0005 ff01 0001 00`)];
  const decoders = [
    decodesOrDecodeError(decodeClientHello),
    decodesOrDecodeError((bytes) => summarizeClientHello(decodeClientHello(bytes))),
    decodesOrDecodeError((bytes) => summarizeServerHello(decodeServerHello(bytes))),
    decodesOrDecodeError(decodeCertificateMessage),
    decodesOrDecodeError((bytes) => decodeServerKeyExchange(bytes, 'ecdhe')),
    decodesOrDecodeError((bytes) => decodeServerKeyExchange(bytes, 'dhe')),
    decodesOrDecodeError(decodeTlsAlert),
    decodesOrDecodeError(decodeTlsRecord),
    decodesOrDecodeError(decodeHandshake),
    decodesOrDecodeError((bytes) => new HandshakeReassembler().push(bytes)),
  ];
  fc.assert(
    fc.property(fuzzInput(seeds), (bytes) => {
      for (const decode of decoders) decode(bytes);
      // readServerFlight never throws at all.
      readServerFlight(bytes);
    }),
    { numRuns: 800 },
  );
});
