import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodeEnhancedSecurityRedirection,
  decodeServerRedirectionPacket,
  encodeEnhancedSecurityRedirection,
  encodeServerRedirectionPacket,
  RedirectionFlag,
  type ServerRedirectionPacket,
} from '../../src/wire/server-redirection.js';
import { hex, toHex } from '../helpers/bytes.js';
import { byteTable, expectDecodeError, fuzzDecoder } from './codec-helpers.js';

const MINIMAL = hex('00 04 0c 00 05 00 00 00 00 00 00 00');

// TargetNetAddress "10.0.0.5", LoadBalanceInfo "lb", a 4-byte password cookie, TargetFQDN "h.lab".
const BROKER = hex(
  '00 04 40 00 07 00 00 00 13 01 00 00' +
    ' 12 00 00 00 31 00 30 00 2e 00 30 00 2e 00 30 00 2e 00 35 00 00 00' +
    ' 02 00 00 00 6c 62' +
    ' 04 00 00 00 00 00 00 00' +
    ' 0c 00 00 00 68 00 2e 00 6c 00 61 00 62 00 00 00',
);

// TargetNetAddresses ["a", "b"] with LB_NOREDIRECT kept as sent.
const ADDRESSES = hex(
  '00 04 24 00 01 00 00 00 80 08 00 00' +
    ' 14 00 00 00 02 00 00 00 04 00 00 00 61 00 00 00 04 00 00 00 62 00 00 00',
);

byteTable<ServerRedirectionPacket>(
  'RDP_SERVER_REDIRECTION_PACKET',
  [
    { name: 'no optional field', value: { sessionId: 5, redirFlags: 0 }, bytes: MINIMAL },
    {
      name: 'address, load-balance info, password cookie (length only), FQDN',
      value: {
        sessionId: 7,
        redirFlags: 0x113,
        targetNetAddress: '10.0.0.5',
        loadBalanceInfo: hex('6c 62'),
        passwordLength: 4,
        targetFqdn: 'h.lab',
      },
      bytes: BROKER,
    },
    {
      name: 'TargetNetAddresses and a flag without a field',
      value: {
        sessionId: 1,
        redirFlags: RedirectionFlag.LB_TARGET_NET_ADDRESSES | RedirectionFlag.LB_NOREDIRECT,
        targetNetAddresses: ['a', 'b'],
      },
      bytes: ADDRESSES,
    },
  ],
  { encode: encodeServerRedirectionPacket, decode: (bytes) => decodeServerRedirectionPacket(bytes) },
);

byteTable<ServerRedirectionPacket>(
  'TS_ENHANCED_SECURITY_SERVER_REDIRECTION body',
  [
    {
      name: 'pad2Octets then the packet',
      value: { sessionId: 5, redirFlags: 0 },
      bytes: hex(`00 00 ${toHex(MINIMAL)}`),
    },
  ],
  { encode: encodeEnhancedSecurityRedirection, decode: (bytes) => decodeEnhancedSecurityRedirection(bytes) },
);

test('RDP_SERVER_REDIRECTION_PACKET: the password cookie is skipped, never kept', () => {
  const withSecret = Uint8Array.from(BROKER);
  withSecret.set(hex('de ad be ef'), 44);
  const packet = decodeServerRedirectionPacket(withSecret);
  assert.equal(packet.passwordLength, 4);
  assert.ok(
    !JSON.stringify(packet, (_key, value: unknown) =>
      value instanceof Uint8Array ? toHex(value) : value,
    ).includes('deadbeef'),
  );
  assert.equal(packet.targetFqdn, 'h.lab');
});

test('RDP_SERVER_REDIRECTION_PACKET: padding after Length is ignored', () => {
  assert.deepStrictEqual(decodeServerRedirectionPacket(hex(`${toHex(MINIMAL)} 00 00 00 00 00 00 00 00`)), {
    sessionId: 5,
    redirFlags: 0,
  });
  assert.deepStrictEqual(decodeEnhancedSecurityRedirection(hex(`00 00 ${toHex(MINIMAL)} 00`)), {
    sessionId: 5,
    redirFlags: 0,
  });
});

const STRUCTURE = 'RDP_SERVER_REDIRECTION_PACKET';

test('RDP_SERVER_REDIRECTION_PACKET: bad input is a DecodeError at the right offset', () => {
  expectDecodeError(() => decodeServerRedirectionPacket(hex('00 00 0c 00 05 00 00 00 00 00 00 00')), {
    structure: STRUCTURE,
    kind: 'invalid-field',
    field: 'Flags',
    offset: 0,
  });
  expectDecodeError(() => decodeServerRedirectionPacket(hex('00 04 08 00 05 00 00 00')), {
    structure: STRUCTURE,
    kind: 'invalid-field',
    field: 'Length',
    offset: 2,
  });
  expectDecodeError(() => decodeServerRedirectionPacket(BROKER.subarray(0, 20)), {
    structure: STRUCTURE,
    kind: 'not-enough-bytes',
    field: 'Length',
    offset: 4,
  });
  // TargetNetAddress claims 3 bytes: not UTF-16.
  expectDecodeError(
    () => decodeServerRedirectionPacket(hex('00 04 13 00 05 00 00 00 01 00 00 00 03 00 00 00 31 00 00')),
    {
      structure: STRUCTURE,
      kind: 'invalid-field',
      field: 'TargetNetAddress',
      offset: 16,
    },
  );
  // A password cookie longer than the packet.
  expectDecodeError(
    () => decodeServerRedirectionPacket(hex('00 04 12 00 05 00 00 00 10 00 00 00 09 00 00 00 00 00')),
    {
      structure: STRUCTURE,
      kind: 'not-enough-bytes',
      field: 'Password',
      offset: 16,
    },
  );
  // addressCount 0x40000000 in a 4-byte list.
  expectDecodeError(
    () =>
      decodeServerRedirectionPacket(
        hex('00 04 18 00 05 00 00 00 00 08 00 00 08 00 00 00 00 00 00 40 00 00 00 00'),
      ),
    {
      structure: 'TARGET_NET_ADDRESSES',
      kind: 'invalid-field',
      field: 'addressCount',
      offset: 16,
    },
  );
  // In the Share Control body, offsets count the 2 pad bytes (and the caller's base).
  expectDecodeError(() => decodeEnhancedSecurityRedirection(hex('00 00 00 00 0c 00'), 100), {
    structure: STRUCTURE,
    kind: 'invalid-field',
    field: 'Flags',
    offset: 102,
  });
});

fuzzDecoder(
  'RDP_SERVER_REDIRECTION_PACKET',
  (bytes) => decodeServerRedirectionPacket(bytes),
  [MINIMAL, BROKER, ADDRESSES],
  1000,
);
fuzzDecoder('TS_ENHANCED_SECURITY_SERVER_REDIRECTION', (bytes) => decodeEnhancedSecurityRedirection(bytes), [
  hex(`00 00 ${toHex(BROKER)}`),
]);

const OPTIONAL_BITS =
  RedirectionFlag.LB_TARGET_NET_ADDRESS |
  RedirectionFlag.LB_LOAD_BALANCE_INFO |
  RedirectionFlag.LB_USERNAME |
  RedirectionFlag.LB_DOMAIN |
  RedirectionFlag.LB_PASSWORD |
  RedirectionFlag.LB_TARGET_FQDN |
  RedirectionFlag.LB_TARGET_NETBIOS_NAME |
  RedirectionFlag.LB_CLIENT_TSV_URL |
  RedirectionFlag.LB_REDIRECTION_GUID |
  RedirectionFlag.LB_TARGET_CERTIFICATE |
  RedirectionFlag.LB_TARGET_NET_ADDRESSES;

const text = fc.string({ maxLength: 12 }).map((value) => value.replaceAll('\0', ''));
const blob = fc.uint8Array({ maxLength: 24 });
const packets: fc.Arbitrary<ServerRedirectionPacket> = fc.record(
  {
    sessionId: fc.nat({ max: 0xffffffff }),
    redirFlags: fc.nat({ max: 0xffffffff }).map((flags) => (flags & ~OPTIONAL_BITS) >>> 0),
    targetNetAddress: text,
    loadBalanceInfo: blob,
    userName: text,
    domain: text,
    passwordLength: fc.nat({ max: 64 }),
    targetFqdn: text,
    targetNetBiosName: text,
    tsvUrl: blob,
    redirectionGuid: blob,
    targetCertificate: blob,
    targetNetAddresses: fc.array(text, { maxLength: 4 }),
  },
  { requiredKeys: ['sessionId', 'redirFlags'] },
);

test('RDP_SERVER_REDIRECTION_PACKET: decode(encode(p)) is p with the present fields flagged', () => {
  const bitOf: Record<string, number> = {
    targetNetAddress: RedirectionFlag.LB_TARGET_NET_ADDRESS,
    loadBalanceInfo: RedirectionFlag.LB_LOAD_BALANCE_INFO,
    userName: RedirectionFlag.LB_USERNAME,
    domain: RedirectionFlag.LB_DOMAIN,
    passwordLength: RedirectionFlag.LB_PASSWORD,
    targetFqdn: RedirectionFlag.LB_TARGET_FQDN,
    targetNetBiosName: RedirectionFlag.LB_TARGET_NETBIOS_NAME,
    tsvUrl: RedirectionFlag.LB_CLIENT_TSV_URL,
    redirectionGuid: RedirectionFlag.LB_REDIRECTION_GUID,
    targetCertificate: RedirectionFlag.LB_TARGET_CERTIFICATE,
    targetNetAddresses: RedirectionFlag.LB_TARGET_NET_ADDRESSES,
  };
  fc.assert(
    fc.property(packets, (packet) => {
      const present = Object.keys(packet).reduce((flags, key) => flags | (bitOf[key] ?? 0), 0);
      const expected = { ...packet, redirFlags: (packet.redirFlags | present) >>> 0 };
      assert.deepStrictEqual(decodeServerRedirectionPacket(encodeServerRedirectionPacket(packet)), expected);
      assert.deepStrictEqual(
        decodeEnhancedSecurityRedirection(encodeEnhancedSecurityRedirection(packet)),
        expected,
      );
    }),
    { numRuns: 300 },
  );
});
