import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type ClientInfo,
  ClientAddressFamily,
  clientInfoHasCredentials,
  decodeClientInfo,
  encodeClientInfo,
  InfoFlag,
} from '../../src/wire/client-info.js';
import {
  decodeDomainPdu,
  decodeMcsFrame,
  decodeMcsFrameWithOffset,
  type DomainPdu,
  encodeDomainPdu,
  encodeMcsFrame,
  MCS_IO_CHANNEL_ID,
  mcsResultName,
  ultimatumReasonName,
  UltimatumReason,
} from '../../src/wire/mcs.js';
import {
  decodeSecurityExchange,
  decodeSecurityHeader,
  decodeSecurityHeaderFor,
  encodeSecurityExchange,
  encodeSecurityHeader,
  type SecurityHeader,
  SecurityFlag,
  securityFlagNames,
} from '../../src/wire/security-header.js';
import {
  CapabilitySetType,
  type DataPdu,
  type DecodedSlowPathPdu,
  decodeSlowPathPdu,
  decodeSlowPathPdus,
  encodeSlowPathPdu,
  FLOW_PDU_MARKER,
  InfoType,
  LogonErrorData,
  logonErrorDataName,
  LogonErrorType,
  logonErrorTypeName,
  pduType2Name,
  PduType2,
  readBitmapCapability,
  readGeneralCapability,
  type SlowPathPdu,
} from '../../src/wire/share-control.js';
import { hex, toHex } from '../helpers/bytes.js';
import { bytesOf, byteTable, expectDecodeError, fuzzDecoder } from './codec-helpers.js';

const zeros = (count: number) => '00'.repeat(count);
/** Test-only builder: UTF-16LE hex of a string (with a NUL when asked). */
const utf16 = (text: string, terminator = false) =>
  toHex(Buffer.from(terminator ? `${text}\0` : text, 'utf16le'));

// ---- MCS domain PDUs (MS-RDPBCGR 2.2.1.5-2.2.1.9, 2.2.2.3; examples as in 4.1.4-4.1.9) ---------

byteTable<DomainPdu>(
  'MCS domain PDU',
  [
    {
      name: 'Erect Domain Request',
      value: { type: 'erect-domain-request', subHeight: 0, subInterval: 0 },
      bytes: hex(`
        04        # choice 1 << 2
        01 00     # subHeight: length 1, 0
        01 00     # subInterval: length 1, 0
      `),
    },
    {
      name: 'Erect Domain Request with a two-byte integer',
      value: { type: 'erect-domain-request', subHeight: 0x1234, subInterval: 1 },
      bytes: hex('04 02 12 34 01 01'),
    },
    {
      name: 'Attach User Request',
      value: { type: 'attach-user-request' },
      bytes: hex('28  # choice 10 << 2'),
    },
    {
      name: 'Attach User Confirm with initiator',
      value: { type: 'attach-user-confirm', result: 0, initiator: 1007 },
      bytes: hex(`
        2e        # choice 11 << 2 | initiator present
        00        # result rt-successful
        00 06     # initiator 1007 - 1001
      `),
    },
    {
      name: 'Attach User Confirm refused, no initiator',
      value: { type: 'attach-user-confirm', result: 13 },
      bytes: hex('2c 0d  # choice 11 << 2, rt-too-many-users'),
    },
    {
      name: 'Channel Join Request',
      value: { type: 'channel-join-request', initiator: 1007, channelId: MCS_IO_CHANNEL_ID },
      bytes: hex(`
        38        # choice 14 << 2
        00 06     # initiator 1007 - 1001
        03 eb     # channelId 1003
      `),
    },
    {
      name: 'Channel Join Confirm',
      value: { type: 'channel-join-confirm', result: 0, initiator: 1007, requested: 1003, channelId: 1003 },
      bytes: hex(`
        3e        # choice 15 << 2 | channelId present
        00        # result rt-successful
        00 06     # initiator 1007 - 1001
        03 eb     # requested 1003
        03 eb     # channelId 1003
      `),
    },
    {
      name: 'Channel Join Confirm refused, no channelId',
      value: { type: 'channel-join-confirm', result: 3, initiator: 1002, requested: 1004 },
      bytes: hex('3c 03 00 01 03 ec  # rt-no-such-channel, initiator 1002, requested 1004'),
    },
    {
      name: 'Send Data Request, short userData',
      value: {
        type: 'send-data-request',
        initiator: 1007,
        channelId: 1003,
        priority: 1,
        segmentation: 3,
        userData: hex('01 02 03 04'),
      },
      bytes: hex(`
        64        # choice 25 << 2
        00 06     # initiator 1007 - 1001
        03 eb     # channelId 1003
        70        # dataPriority high (01), segmentation begin|end (11)
        04        # userData length 4 (one byte)
        01 02 03 04
      `),
    },
    {
      name: 'Send Data Indication, two-byte length',
      value: {
        type: 'send-data-indication',
        initiator: 1002,
        channelId: 1003,
        priority: 1,
        segmentation: 3,
        userData: bytesOf(200, (i) => i),
      },
      bytes: hex(`
        68        # choice 26 << 2
        00 01     # initiator 1002 - 1001
        03 eb     # channelId 1003
        70
        80 c8     # userData length 200 (two bytes, top bit set)
        ${toHex(bytesOf(200, (i) => i))}
      `),
    },
    {
      name: 'Disconnect Provider Ultimatum rn-user-requested',
      value: { type: 'disconnect-provider-ultimatum', reason: UltimatumReason['rn-user-requested'] },
      bytes: hex('21 80  # choice 8 << 2 | reason 011 spread over the two bytes'),
    },
    {
      name: 'Disconnect Provider Ultimatum rn-domain-disconnected',
      value: { type: 'disconnect-provider-ultimatum', reason: 0 },
      bytes: hex('20 00'),
    },
    {
      name: 'Disconnect Provider Ultimatum rn-channel-purged',
      value: { type: 'disconnect-provider-ultimatum', reason: 4 },
      bytes: hex('22 00  # reason 100'),
    },
    {
      name: 'Disconnect Provider Ultimatum rn-provider-initiated',
      value: { type: 'disconnect-provider-ultimatum', reason: 1 },
      bytes: hex('20 80  # reason 001'),
    },
  ],
  { encode: encodeDomainPdu, decode: (bytes) => decodeDomainPdu(bytes) },
);

/** MS-RDPBCGR 4.1.19 Server Synchronize PDU as captured (encrypted, non-FIPS header). */
const serverSynchronizeFrame = hex(`
  03 00 00 30                               # TPKT, 48 bytes
  02 f0 80                                  # X.224 Data
  68 00 01 03 eb 70 22                      # Send Data Indication 1002 -> 1003, high, begin|end, 34 bytes
  08 08                                     # flags SEC_SECURE_CHECKSUM | SEC_ENCRYPT
  02 03                                     # flagsHi (ignored: no SEC_FLAGSHI_VALID)
  f4 4e d1 9e b4 53 b6 e6                   # dataSignature
  d7 be cc c2 2b 18 a2 cf 5c 9f 59 de c6 02 e2 ff 36 69 b7 ff 0e 27  # encrypted TS_SYNCHRONIZE_PDU
`);

test('MCS frame: the spec 4.1.19 Send Data Indication decodes and re-encodes to the same bytes', () => {
  const { pdu, userDataOffset } = decodeMcsFrameWithOffset(serverSynchronizeFrame);
  assert.equal(pdu.type, 'send-data-indication');
  if (pdu.type !== 'send-data-indication') return;
  assert.deepStrictEqual(
    {
      initiator: pdu.initiator,
      channelId: pdu.channelId,
      priority: pdu.priority,
      segmentation: pdu.segmentation,
    },
    { initiator: 1002, channelId: 1003, priority: 1, segmentation: 3 },
  );
  assert.equal(userDataOffset, 14);
  assert.equal(pdu.userData.length, 34);
  assert.equal(toHex(encodeMcsFrame(encodeDomainPdu(pdu))), toHex(serverSynchronizeFrame));
  const { header, bodyOffset } = decodeSecurityHeader(pdu.userData, 'non-fips', userDataOffset);
  assert.deepStrictEqual(header, {
    kind: 'non-fips',
    flags: SecurityFlag.SEC_SECURE_CHECKSUM | SecurityFlag.SEC_ENCRYPT,
    flagsHi: 0x0302,
    signature: hex('f4 4e d1 9e b4 53 b6 e6'),
  });
  assert.equal(bodyOffset, 12);
  assert.deepStrictEqual(securityFlagNames(header.flags), ['SEC_ENCRYPT', 'SEC_SECURE_CHECKSUM']);
});

test('MCS frame: Attach User Request travels as TPKT + X.224 Data + 0x28', () => {
  const frame = encodeMcsFrame(encodeDomainPdu({ type: 'attach-user-request' }));
  assert.equal(toHex(frame), toHex(hex('03 00 00 08  02 f0 80  28')));
  assert.deepStrictEqual(decodeMcsFrame(frame), { type: 'attach-user-request' });
  assert.equal(decodeMcsFrameWithOffset(frame).userDataOffset, frame.length);
});

test('MCS domain PDU: structured errors with frame offsets', () => {
  expectDecodeError(() => decodeDomainPdu(hex('7f')), {
    structure: 'MCS.DomainPDU',
    kind: 'unexpected-type',
    field: 'choice',
    offset: 0,
    detail: 'DomainMCSPDU choice 31 (0x7f)',
  });
  expectDecodeError(() => decodeMcsFrame(hex('03 00 00 0b  02 f0 80  3e 00 00 06')), {
    structure: 'MCS.DomainPDU',
    kind: 'not-enough-bytes',
    field: 'requested',
    offset: 11,
  });
  expectDecodeError(() => decodeDomainPdu(hex('28 00')), {
    structure: 'MCS.DomainPDU',
    kind: 'invalid-field',
    field: 'trailing',
    offset: 1,
  });
  expectDecodeError(() => decodeDomainPdu(hex('04 05 00 00 00 00 00 01 00')), {
    structure: 'MCS.DomainPDU',
    kind: 'invalid-field',
    field: 'subHeight.length',
    offset: 1,
  });
  expectDecodeError(() => decodeDomainPdu(hex('68 00 01 03 eb 70 05 01 02'), 7), {
    structure: 'MCS.DomainPDU',
    kind: 'not-enough-bytes',
    field: 'userData',
    offset: 14,
  });
  expectDecodeError(() => decodeDomainPdu(hex('21')), {
    structure: 'MCS.DomainPDU',
    kind: 'not-enough-bytes',
    field: 'reason',
    offset: 1,
  });
});

test('MCS domain PDU: a 15-bit userData length (as Windows and FreeRDP write it) is read', () => {
  const userData = bytesOf(0x4000, (i) => i & 0xff);
  const bytes = Uint8Array.from([
    ...hex('68 00 01 03 eb 70 c0 00  # length 0x4000 with the top bit set'),
    ...userData,
  ]);
  const pdu = decodeDomainPdu(bytes);
  assert.equal(pdu.type, 'send-data-indication');
  if (pdu.type === 'send-data-indication') assert.equal(toHex(pdu.userData), toHex(userData));
});

test('MCS domain PDU: encoders refuse values the wire cannot carry', () => {
  assert.throws(
    () => encodeDomainPdu({ type: 'channel-join-request', initiator: 1000, channelId: 1003 }),
    RangeError,
  );
  assert.throws(
    () =>
      encodeDomainPdu({
        type: 'send-data-request',
        initiator: 1007,
        channelId: 1003,
        priority: 1,
        segmentation: 3,
        userData: new Uint8Array(0x4000),
      }),
    RangeError,
  );
  assert.throws(() => encodeDomainPdu({ type: 'disconnect-provider-ultimatum', reason: 8 }), RangeError);
});

test('MCS names: ultimatum reasons and results, unknown codes kept', () => {
  assert.equal(ultimatumReasonName(3), 'rn-user-requested');
  assert.equal(ultimatumReasonName(4), 'rn-channel-purged');
  assert.equal(ultimatumReasonName(6), 'unknown ultimatum reason 6');
  assert.equal(mcsResultName(13), 'rt-too-many-users');
});

// ---- security headers and Security Exchange (2.2.8.1.1.2, 2.2.1.10) -----------------------------

byteTable<SecurityHeader>(
  'Security header',
  [
    {
      name: 'basic, SEC_INFO_PKT',
      value: { kind: 'basic', flags: SecurityFlag.SEC_INFO_PKT, flagsHi: 0 },
      bytes: hex('40 00  00 00'),
    },
    {
      name: 'non-FIPS (spec 4.1.19)',
      value: { kind: 'non-fips', flags: 0x0808, flagsHi: 0x0302, signature: hex('f4 4e d1 9e b4 53 b6 e6') },
      bytes: hex('08 08  02 03  f4 4e d1 9e b4 53 b6 e6'),
    },
    {
      name: 'FIPS',
      value: {
        kind: 'fips',
        flags: 0x0008,
        flagsHi: 0,
        padLength: 5,
        signature: hex('01 02 03 04 05 06 07 08'),
      },
      bytes: hex(`
        08 00                     # flags SEC_ENCRYPT
        00 00                     # flagsHi
        10 00                     # length 16
        01                        # version TSFIPS_VERSION1
        05                        # padlen
        01 02 03 04 05 06 07 08   # dataSignature
      `),
    },
  ],
  {
    encode: encodeSecurityHeader,
    decode: (bytes) => {
      const kind = bytes.length === 4 ? 'basic' : bytes.length === 12 ? 'non-fips' : 'fips';
      return decodeSecurityHeader(bytes, kind).header;
    },
  },
);

test('Security header: the signature is read only when SEC_ENCRYPT is set', () => {
  const licensing = hex('80 00 00 00  ff 03');
  assert.deepStrictEqual(decodeSecurityHeaderFor(licensing, 'non-fips'), {
    header: { kind: 'basic', flags: SecurityFlag.SEC_LICENSE_PKT, flagsHi: 0 },
    bodyOffset: 4,
  });
  const encrypted = hex('08 00 00 00  11 22 33 44 55 66 77 88  aa');
  assert.deepStrictEqual(decodeSecurityHeaderFor(encrypted, 'non-fips'), {
    header: { kind: 'non-fips', flags: 0x0008, flagsHi: 0, signature: hex('11 22 33 44 55 66 77 88') },
    bodyOffset: 12,
  });
  assert.equal(decodeSecurityHeaderFor(encrypted, 'none').bodyOffset, 4);
  const fips = hex('08 00 00 00  10 00 01 03  11 22 33 44 55 66 77 88');
  assert.equal(decodeSecurityHeaderFor(fips, 'fips').bodyOffset, 16);
});

test('Security header: structured errors', () => {
  expectDecodeError(
    () => decodeSecurityHeader(hex('08 00 00 00  0c 00 01 00 00 00 00 00 00 00 00 00'), 'fips', 14),
    {
      structure: 'SecurityHeader',
      kind: 'invalid-field',
      field: 'length',
      offset: 18,
    },
  );
  expectDecodeError(
    () => decodeSecurityHeader(hex('08 00 00 00  10 00 02 00 00 00 00 00 00 00 00 00'), 'fips'),
    {
      structure: 'SecurityHeader',
      kind: 'unsupported-version',
      field: 'version',
      offset: 6,
    },
  );
  expectDecodeError(
    () => decodeSecurityHeader(hex('08 00 00 00  10 00 01 09 00 00 00 00 00 00 00 00'), 'fips'),
    {
      structure: 'SecurityHeader',
      kind: 'invalid-field',
      field: 'padlen',
      offset: 7,
    },
  );
  expectDecodeError(() => decodeSecurityHeader(hex('08 00 00 00  11 22 33'), 'non-fips'), {
    structure: 'SecurityHeader',
    kind: 'not-enough-bytes',
    field: 'dataSignature',
    offset: 4,
  });
});

test('Security header: flag names keep unknown bits; encoders check sizes', () => {
  assert.deepStrictEqual(securityFlagNames(0x0201), ['SEC_EXCHANGE_PKT', 'SEC_LICENSE_ENCRYPT']);
  assert.deepStrictEqual(securityFlagNames(0x0100), ['0x0100']);
  assert.throws(
    () => encodeSecurityHeader({ kind: 'non-fips', flags: 8, flagsHi: 0, signature: new Uint8Array(7) }),
    RangeError,
  );
  assert.throws(
    () =>
      encodeSecurityHeader({
        kind: 'fips',
        flags: 8,
        flagsHi: 0,
        padLength: 8,
        signature: new Uint8Array(8),
      }),
    RangeError,
  );
});

const clientRandom64 = bytesOf(64, (i) => 0xa0 ^ i);
const securityExchangeBytes = hex(`
  01 00                     # flags SEC_EXCHANGE_PKT
  00 00                     # flagsHi
  48 00 00 00               # length 72: 64-byte encrypted random + 8 bytes of padding
  ${toHex(clientRandom64)}
  ${zeros(8)}               # padding
`);

byteTable<Uint8Array>(
  'Security Exchange',
  [{ name: '512-bit server key', value: clientRandom64, bytes: securityExchangeBytes }],
  { encode: encodeSecurityExchange, decode: (bytes) => decodeSecurityExchange(bytes) },
);

test('Security Exchange: structured errors', () => {
  expectDecodeError(() => decodeSecurityExchange(hex('40 00 00 00 08 00 00 00'), 14), {
    structure: 'SecurityExchange',
    kind: 'unexpected-type',
    field: 'flags',
    offset: 14,
  });
  expectDecodeError(() => decodeSecurityExchange(hex('01 00 00 00 04 00 00 00 00 00 00 00')), {
    structure: 'SecurityExchange',
    kind: 'invalid-field',
    field: 'length',
    offset: 4,
  });
  expectDecodeError(() => decodeSecurityExchange(hex('01 00 00 00 48 00 00 00 01 02 03')), {
    structure: 'SecurityExchange',
    kind: 'not-enough-bytes',
    field: 'encryptedClientRandom',
    offset: 8,
  });
  expectDecodeError(() => decodeSecurityExchange(hex('01 00 00 00 ff ff 00 00')), {
    structure: 'SecurityExchange',
    kind: 'invalid-field',
    field: 'length',
    offset: 4,
  });
});

// ---- Client Info (2.2.1.11.1.1) ---------------------------------------------------------------

const probeInfoFlags =
  InfoFlag.INFO_MOUSE |
  InfoFlag.INFO_DISABLECTRLALTDEL |
  InfoFlag.INFO_UNICODE |
  InfoFlag.INFO_MAXIMIZESHELL |
  InfoFlag.INFO_LOGONNOTIFY |
  InfoFlag.INFO_ENABLEWINDOWSKEY |
  InfoFlag.INFO_LOGONERRORS;

const emptyCredentialsInfo: ClientInfo = {
  codePage: 0,
  flags: probeInfoFlags,
  domain: '',
  userName: '',
  password: '',
  alternateShell: '',
  workingDir: '',
  extended: {
    clientAddressFamily: ClientAddressFamily.AF_INET,
    clientAddress: '127.0.0.1',
    clientDir: 'C:\\rdp',
    timeZone: new Uint8Array(172),
    clientSessionId: 0,
    performanceFlags: 0x00000007,
  },
};

const cookie = bytesOf(28, (i) => (i === 0 ? 28 : i));

byteTable<ClientInfo>(
  'Client Info',
  [
    {
      name: 'the probe: empty credentials, Unicode, extended info',
      value: emptyCredentialsInfo,
      bytes: hex(`
        00 00 00 00               # CodePage
        73 01 01 00               # flags MOUSE|DISABLECTRLALTDEL|UNICODE|MAXIMIZESHELL|LOGONNOTIFY|ENABLEWINDOWSKEY|LOGONERRORS
        00 00 00 00 00 00 00 00 00 00   # cbDomain .. cbWorkingDir all 0
        00 00  00 00  00 00  00 00  00 00   # five empty strings, each a 2-byte NUL
        02 00                     # clientAddressFamily AF_INET
        14 00                     # cbClientAddress 20 (with terminator)
        ${utf16('127.0.0.1', true)}
        0e 00                     # cbClientDir 14
        ${utf16('C:\\rdp', true)}
        ${zeros(172)}             # clientTimeZone
        00 00 00 00               # clientSessionId
        07 00 00 00               # performanceFlags: no wallpaper, window drag, menu animations
        00 00                     # cbAutoReconnectCookie 0
      `),
    },
    {
      name: 'ANSI strings, no extended info (RDP 4.0)',
      value: {
        codePage: 0x0409,
        flags: InfoFlag.INFO_MOUSE,
        domain: 'LAB',
        userName: 'bob',
        password: 'pw',
        alternateShell: '',
        workingDir: 'C:\\',
      },
      bytes: hex(`
        09 04 00 00  01 00 00 00
        03 00  03 00  02 00  00 00  03 00   # cb sizes exclude the terminator
        4c 41 42 00               # "LAB"
        62 6f 62 00               # "bob"
        70 77 00                  # "pw"
        00                        # ""
        43 3a 5c 00               # "C:\\"
      `),
    },
    {
      name: 'Unicode with a user, cookie and trailing reserved fields',
      value: {
        codePage: 0,
        flags: InfoFlag.INFO_UNICODE | InfoFlag.INFO_AUTOLOGON,
        domain: 'LAB',
        userName: 'bob',
        password: '',
        alternateShell: '',
        workingDir: '',
        extended: {
          clientAddressFamily: ClientAddressFamily.AF_INET6,
          clientAddress: '::1',
          clientDir: '',
          timeZone: bytesOf(172, (i) => i & 0x7f),
          clientSessionId: 2,
          performanceFlags: 0,
          autoReconnectCookie: cookie,
          trailing: hex('00 00 00 00'),
        },
      },
      bytes: hex(`
        00 00 00 00  18 00 00 00  # flags UNICODE|AUTOLOGON
        06 00  06 00  00 00  00 00  00 00
        ${utf16('LAB', true)}  ${utf16('bob', true)}  00 00  00 00  00 00
        17 00                     # AF_INET6
        08 00 ${utf16('::1', true)}
        02 00 00 00               # cbClientDir 2: just the terminator
        ${toHex(bytesOf(172, (i) => i & 0x7f))}
        02 00 00 00  00 00 00 00
        1c 00 ${toHex(cookie)}    # cbAutoReconnectCookie 28
        00 00 00 00               # reserved1, reserved2
      `),
    },
  ],
  { encode: encodeClientInfo, decode: (bytes) => decodeClientInfo(bytes) },
);

test('Client Info: a short extended packet (ends after clientDir) decodes with zero ids', () => {
  const bytes = hex(`00 00 00 00 10 00 00 00 ${zeros(10)} ${zeros(10)} 02 00 02 00 00 00 02 00 00 00`);
  assert.deepStrictEqual(decodeClientInfo(bytes).extended, {
    clientAddressFamily: 2,
    clientAddress: '',
    clientDir: '',
    clientSessionId: 0,
    performanceFlags: 0,
  });
});

test('Client Info: credentials are detected', () => {
  assert.equal(clientInfoHasCredentials(emptyCredentialsInfo), false);
  assert.equal(clientInfoHasCredentials({ ...emptyCredentialsInfo, userName: 'bob' }), true);
  assert.equal(clientInfoHasCredentials({ ...emptyCredentialsInfo, password: 'x' }), true);
});

test('Client Info: structured errors', () => {
  expectDecodeError(() => decodeClientInfo(hex(`00 00 00 00 10 00 00 00 03 00 ${zeros(8)}`), 18), {
    structure: 'TS_INFO_PACKET',
    kind: 'invalid-field',
    field: 'cbDomain',
    offset: 26,
    detail: '3 is odd for UTF-16',
  });
  expectDecodeError(() => decodeClientInfo(hex(`00 00 00 00 10 00 00 00 00 00 58 02 ${zeros(6)}`)), {
    structure: 'TS_INFO_PACKET',
    kind: 'invalid-field',
    field: 'cbUserName',
    offset: 10,
    detail: '600 exceeds 512',
  });
  expectDecodeError(() => decodeClientInfo(hex(`00 00 00 00 10 00 00 00 02 00 ${zeros(8)} 41 00 00`)), {
    structure: 'TS_INFO_PACKET',
    kind: 'not-enough-bytes',
    field: 'Domain.terminator',
    offset: 20,
  });
  expectDecodeError(
    () => decodeClientInfo(hex(`00 00 00 00 10 00 00 00 ${zeros(10)} ${zeros(10)} 02 00 64 00`)),
    {
      structure: 'TS_INFO_PACKET',
      kind: 'invalid-field',
      field: 'cbClientAddress',
      offset: 30,
      detail: '100 exceeds 80',
    },
  );
  expectDecodeError(
    () =>
      decodeClientInfo(
        hex(`00 00 00 00 10 00 00 00 ${zeros(10)} ${zeros(10)} 02 00 00 00 00 00 ${zeros(10)}`),
      ),
    { structure: 'TS_INFO_PACKET', kind: 'not-enough-bytes', field: 'clientTimeZone', offset: 34 },
  );
});

test('Client Info: the encoder refuses strings beyond the spec limits', () => {
  assert.throws(
    () => encodeClientInfo({ ...emptyCredentialsInfo, alternateShell: 'x'.repeat(257) }),
    RangeError,
  );
  assert.throws(
    () =>
      encodeClientInfo({
        ...emptyCredentialsInfo,
        extended: { ...emptyCredentialsInfo.extended!, clientAddress: '1'.repeat(40) },
      }),
    RangeError,
  );
});

// ---- Share Control / Share Data PDUs (2.2.8.1.1.1, 2.2.1.13-2.2.1.22, 2.2.3.1, 2.2.5.1, 2.2.10.1) --

const generalCapabilityData = hex(`
  01 00  03 00              # osMajorType WINDOWS, osMinorType WINDOWS_NT
  00 02  00 00              # protocolVersion 0x0200, pad
  00 00  1d 04              # generalCompressionTypes 0, extraFlags 0x041d
  00 00  00 00  00 00       # updateCapabilityFlag, remoteUnshareFlag, generalCompressionLevel
  01  01                    # refreshRectSupport, suppressOutputSupport
`);
const bitmapCapabilityData = hex(`
  20 00  01 00  01 00  01 00  # preferredBitsPerPixel 32, receive1/4/8BitPerPixel
  00 04  00 03              # desktopWidth 1024, desktopHeight 768
  00 00  01 00              # pad, desktopResizeFlag
  01 00  00  1a             # bitmapCompressionFlag, highColorFlags, drawingFlags
  01 00  00 00              # multipleRectangleSupport, pad
`);
const rdpSource = hex('52 44 50 00  # "RDP\\0"');

const demandActiveBytes = hex(`
  4e 00  11 00  e9 03       # totalLength 78, DEMANDACTIVEPDU | version 1, pduSource 1001
  ea 03 01 00               # shareId 0x000103ea
  04 00                     # lengthSourceDescriptor
  38 00                     # lengthCombinedCapabilities 56 = 4 + 24 + 28
  52 44 50 00               # sourceDescriptor "RDP"
  02 00  00 00              # numberCapabilities 2, pad2Octets
  01 00 18 00 ${toHex(generalCapabilityData)}  # CAPSTYPE_GENERAL, 24 bytes
  02 00 1c 00 ${toHex(bitmapCapabilityData)}   # CAPSTYPE_BITMAP, 28 bytes
  00 00 00 00               # sessionId
`);

const demandActive: SlowPathPdu = {
  type: 'demand-active',
  shareId: 0x000103ea,
  sourceDescriptor: rdpSource,
  capabilitySets: [
    { type: CapabilitySetType.CAPSTYPE_GENERAL, data: generalCapabilityData },
    { type: CapabilitySetType.CAPSTYPE_BITMAP, data: bitmapCapabilityData },
  ],
  sessionId: 0,
};

const shareDataHeader = (totalLength: number, pduSource: string, pduType2: number, streamId = 1) =>
  `${toHex(Uint8Array.of(totalLength & 0xff, totalLength >> 8))} 17 00 ${pduSource}  ea 03 01 00  00 ${toHex(
    Uint8Array.of(streamId),
  )} ${toHex(Uint8Array.of((totalLength - 14) & 0xff, (totalLength - 14) >> 8))} ${toHex(Uint8Array.of(pduType2))} 00 00 00`;

const SHARE_ID = 0x000103ea;
/** A Data PDU on the low stream of share SHARE_ID, as the table rows expect it decoded. */
const dataPdu = (pduSource: number, pduType2: number, body: DataPdu): DecodedSlowPathPdu => ({
  pduSource,
  pdu: { type: 'data', shareId: SHARE_ID, pduType2, streamId: 1, body },
});

byteTable<DecodedSlowPathPdu>(
  'Slow-path PDU',
  [
    { name: 'Demand Active', value: { pduSource: 1001, pdu: demandActive }, bytes: demandActiveBytes },
    {
      name: 'Confirm Active',
      value: {
        pduSource: 1007,
        pdu: {
          type: 'confirm-active',
          shareId: 0x000103ea,
          originatorId: 0x03ea,
          sourceDescriptor: hex('4d 53 54 53 43 00'),
          capabilitySets: [{ type: CapabilitySetType.CAPSTYPE_BITMAP, data: bitmapCapabilityData }],
        },
      },
      bytes: hex(`
        36 00  13 00  ef 03       # totalLength 54, CONFIRMACTIVEPDU | version 1, pduSource 1007
        ea 03 01 00               # shareId
        ea 03                     # originatorId 0x03ea
        06 00                     # lengthSourceDescriptor 6
        20 00                     # lengthCombinedCapabilities 32 = 4 + 28
        4d 53 54 53 43 00         # "MSTSC"
        01 00  00 00
        02 00 1c 00 ${toHex(bitmapCapabilityData)}
      `),
    },
    {
      name: 'Deactivate All',
      value: { pduSource: 1002, pdu: { type: 'deactivate-all', shareId: 0x000103ea } },
      bytes: hex('0d 00  16 00  ea 03  ea 03 01 00  01 00  00  # lengthSourceDescriptor 1, source 0x00'),
    },
    {
      name: 'Client Synchronize (as 4.1.14)',
      value: dataPdu(1007, PduType2.PDUTYPE2_SYNCHRONIZE, { kind: 'synchronize', targetUser: 1002 }),
      bytes: hex(`
        16 00  17 00  ef 03       # totalLength 22, DATAPDU | version 1, pduSource 1007
        ea 03 01 00               # shareId
        00  01                    # pad1, streamId STREAM_LOW
        08 00                     # uncompressedLength 8 (totalLength - 14)
        1f  00  00 00             # pduType2 SYNCHRONIZE, compressedType, compressedLength
        01 00  ea 03              # messageType SYNCMSGTYPE_SYNC, targetUser 1002
      `),
    },
    {
      name: 'Control Cooperate',
      value: dataPdu(1007, PduType2.PDUTYPE2_CONTROL, {
        kind: 'control',
        action: 4,
        grantId: 0,
        controlId: 0,
      }),
      bytes: hex(`${shareDataHeader(26, 'ef 03', 0x14)}  04 00  00 00  00 00 00 00  # COOPERATE`),
    },
    {
      name: 'Control Granted',
      value: dataPdu(1002, PduType2.PDUTYPE2_CONTROL, {
        kind: 'control',
        action: 2,
        grantId: 1007,
        controlId: 0x03ea,
      }),
      bytes: hex(`${shareDataHeader(26, 'ea 03', 0x14)}  02 00  ef 03  ea 03 00 00  # GRANTED_CONTROL`),
    },
    {
      name: 'Font List',
      value: dataPdu(1007, PduType2.PDUTYPE2_FONTLIST, { kind: 'font-list' }),
      bytes: hex(
        `${shareDataHeader(26, 'ef 03', 0x27)}  00 00  00 00  03 00  32 00  # FIRST|LAST, entrySize 50`,
      ),
    },
    {
      name: 'Font Map',
      value: dataPdu(1002, PduType2.PDUTYPE2_FONTMAP, { kind: 'font-map' }),
      bytes: hex(
        `${shareDataHeader(26, 'ea 03', 0x28)}  00 00  00 00  03 00  04 00  # FIRST|LAST, entrySize 4`,
      ),
    },
    {
      name: 'Set Error Info ERRINFO_SERVER_DENIED_CONNECTION',
      value: dataPdu(1002, PduType2.PDUTYPE2_SET_ERROR_INFO_PDU, {
        kind: 'set-error-info',
        errorInfo: 0x00000007,
      }),
      bytes: hex(`${shareDataHeader(22, 'ea 03', 0x2f)}  07 00 00 00  # errorInfo 0x7`),
    },
    {
      name: 'Save Session Info, plain notify',
      value: dataPdu(1002, PduType2.PDUTYPE2_SAVE_SESSION_INFO, {
        kind: 'save-session-info',
        infoType: InfoType.INFOTYPE_LOGON_PLAINNOTIFY,
      }),
      bytes: hex(`${shareDataHeader(598, 'ea 03', 0x26)}  02 00 00 00  ${zeros(576)}  # TS_PLAIN_NOTIFY pad`),
    },
    {
      name: 'Save Session Info, extended info with logon errors',
      value: dataPdu(1002, PduType2.PDUTYPE2_SAVE_SESSION_INFO, {
        kind: 'save-session-info',
        infoType: InfoType.INFOTYPE_LOGON_EXTENDED_INFO,
        logonErrors: {
          errorNotificationType: LogonErrorType.LOGON_MSG_SESSION_CONTINUE,
          errorNotificationData: LogonErrorData.LOGON_FAILED_OTHER,
        },
      }),
      bytes: hex(`
        ${shareDataHeader(610, 'ea 03', 0x26)}
        03 00 00 00               # infoType LOGON_EXTENDED_INFO
        12 00                     # Length 18 = 2 + 4 + 4 + 8
        02 00 00 00               # FieldsPresent LOGON_EX_LOGONERRORS
        08 00 00 00               # cbFieldData 8
        fe ff ff ff               # ErrorNotificationType LOGON_MSG_SESSION_CONTINUE
        02 00 00 00               # ErrorNotificationData LOGON_FAILED_OTHER
        ${zeros(570)}             # Pad
      `),
    },
    {
      name: 'Save Session Info, extended info with an auto-reconnect cookie',
      value: dataPdu(1002, PduType2.PDUTYPE2_SAVE_SESSION_INFO, {
        kind: 'save-session-info',
        infoType: InfoType.INFOTYPE_LOGON_EXTENDED_INFO,
        autoReconnect: { version: 1, logonId: 3, arcRandomBits: bytesOf(16, (i) => 0xf0 + i) },
      }),
      bytes: hex(`
        ${shareDataHeader(630, 'ea 03', 0x26)}
        03 00 00 00
        26 00                     # Length 38 = 2 + 4 + 4 + 28
        01 00 00 00               # FieldsPresent LOGON_EX_AUTORECONNECTCOOKIE
        1c 00 00 00               # cbFieldData 28
        1c 00 00 00  01 00 00 00  03 00 00 00  # ARC_SC_PRIVATE_PACKET cbLen, Version, LogonId
        ${toHex(bytesOf(16, (i) => 0xf0 + i))}
        ${zeros(570)}
      `),
    },
    {
      name: 'Save Session Info, logon long',
      value: dataPdu(1002, PduType2.PDUTYPE2_SAVE_SESSION_INFO, {
        kind: 'save-session-info',
        infoType: InfoType.INFOTYPE_LOGON_LONG,
        logon: { domain: 'LAB', userName: 'bob', sessionId: 2 },
      }),
      bytes: hex(`
        ${shareDataHeader(614, 'ea 03', 0x26)}
        01 00 00 00               # infoType LOGON_LONG
        01 00  12 00 00 00        # Version 1, Size 18
        02 00 00 00               # SessionId
        08 00 00 00  08 00 00 00  # cbDomain, cbUserName (with terminators)
        ${zeros(558)}
        ${utf16('LAB', true)}  ${utf16('bob', true)}
      `),
    },
    {
      name: 'Save Session Info, logon (version 1)',
      value: dataPdu(1002, PduType2.PDUTYPE2_SAVE_SESSION_INFO, {
        kind: 'save-session-info',
        infoType: InfoType.INFOTYPE_LOGON,
        logon: { domain: 'LAB', userName: 'bob', sessionId: 5 },
      }),
      bytes: hex(`
        ${shareDataHeader(598, 'ea 03', 0x26)}
        00 00 00 00               # infoType LOGON
        08 00 00 00  ${utf16('LAB', true)} ${zeros(44)}    # cbDomain, Domain[52]
        08 00 00 00  ${utf16('bob', true)} ${zeros(504)}   # cbUserName, UserName[512]
        05 00 00 00               # SessionId
      `),
    },
    {
      name: 'Save Session Info, unknown infoType kept raw',
      value: dataPdu(1002, PduType2.PDUTYPE2_SAVE_SESSION_INFO, {
        kind: 'save-session-info',
        infoType: 9,
        raw: hex('aa bb'),
      }),
      bytes: hex(`${shareDataHeader(24, 'ea 03', 0x26)}  09 00 00 00  aa bb`),
    },
    {
      name: 'an unknown Data PDU kept raw',
      value: dataPdu(1002, PduType2.PDUTYPE2_STATUS_INFO_PDU, {
        kind: 'other',
        pduType2: 0x36,
        raw: hex('01 04 00 00'),
      }),
      bytes: hex(`${shareDataHeader(22, 'ea 03', 0x36)}  01 04 00 00`),
    },
    {
      name: 'Server Redirection kept raw',
      value: { pduSource: 1002, pdu: { type: 'server-redirection', raw: hex('00 00 04 00') } },
      bytes: hex('0a 00  1a 00  ea 03  00 00 04 00'),
    },
    {
      name: 'an unknown pduType kept raw',
      value: { pduSource: 1002, pdu: { type: 'unknown', pduType: 0x5, raw: hex('01') } },
      bytes: hex('07 00  15 00  ea 03  01'),
    },
  ],
  {
    encode: (value) => encodeSlowPathPdu(value.pdu, value.pduSource),
    decode: (bytes) => decodeSlowPathPdu(bytes),
  },
);

test('Slow-path PDU: the spec 4.1.19 server Synchronize (STREAM_UNDEFINED, odd lengths) decodes', () => {
  const decrypted = hex('16 00 17 00 ea 03 ea 03 01 00 14 00 16 00 1f 00 00 00 01 00 63 44');
  assert.deepStrictEqual(decodeSlowPathPdu(decrypted), {
    pduSource: 1002,
    pdu: {
      type: 'data',
      shareId: 0x000103ea,
      pduType2: 0x1f,
      streamId: 0,
      body: { kind: 'synchronize', targetUser: 0x4463 },
    },
  });
});

test('Slow-path PDUs: several in one payload, a short Deactivate All and a FlowPDU', () => {
  const errorInfo = hex(`${shareDataHeader(22, 'ea 03', 0x2f)}  07 00 00 00`);
  const shortDeactivate = hex('0a 00 16 00 ea 03 ea 03 01 00');
  const flow = hex(
    '00 80  00  42  01  02  ea 03  # marker, pad, pduTypeFlow, flowIdentifier, flowNumber, pduSource',
  );
  const decoded = decodeSlowPathPdus(Uint8Array.from([...errorInfo, ...shortDeactivate, ...flow]));
  assert.deepStrictEqual(
    decoded.map((item) => item.pdu.type),
    ['data', 'deactivate-all', 'unknown'],
  );
  assert.deepStrictEqual(decoded[1], {
    pduSource: 1002,
    pdu: { type: 'deactivate-all', shareId: 0x000103ea },
  });
  assert.deepStrictEqual(decoded[2], {
    pduSource: 1002,
    pdu: { type: 'unknown', pduType: FLOW_PDU_MARKER, raw: hex('00 42 01 02 ea 03') },
  });
  assert.equal(toHex(encodeSlowPathPdu(decoded[2]!.pdu, 1002)), toHex(flow));
});

test('Slow-path PDU: structured errors with absolute offsets', () => {
  expectDecodeError(() => decodeSlowPathPdu(hex('04 00 17 00'), 14), {
    structure: 'ShareControl',
    kind: 'invalid-field',
    field: 'totalLength',
    offset: 14,
  });
  expectDecodeError(() => decodeSlowPathPdu(hex('20 00 17 00 ea 03'), 14), {
    structure: 'ShareControl',
    kind: 'not-enough-bytes',
    field: 'totalLength',
    offset: 14,
  });
  expectDecodeError(() => decodeSlowPathPdu(hex('06 00 27 00 ea 03')), {
    structure: 'ShareControl',
    kind: 'unsupported-version',
    field: 'pduType',
    offset: 2,
  });
  const badCombined = Uint8Array.from(demandActiveBytes);
  badCombined[12] = 0x39;
  expectDecodeError(() => decodeSlowPathPdu(badCombined), {
    structure: 'ShareControl',
    kind: 'invalid-field',
    field: 'lengthCombinedCapabilities',
    offset: 12,
  });
  const badCapability = Uint8Array.from(demandActiveBytes);
  badCapability[24] = 0x02;
  badCapability[25] = 0x00;
  expectDecodeError(() => decodeSlowPathPdu(badCapability), {
    structure: 'ShareControl',
    kind: 'invalid-field',
    field: 'capabilitySets[0].lengthCapability',
    offset: 24,
  });
  const manySets = Uint8Array.from(demandActiveBytes);
  manySets[18] = 0xff;
  manySets[19] = 0x01;
  expectDecodeError(() => decodeSlowPathPdu(manySets), {
    structure: 'ShareControl',
    kind: 'too-large',
    field: 'numberCapabilities',
    offset: 18,
  });
  expectDecodeError(() => decodeSlowPathPdu(hex(`${shareDataHeader(22, 'ea 03', 0x1f)}  02 00 ea 03`)), {
    structure: 'ShareControl',
    kind: 'invalid-field',
    field: 'messageType',
    offset: 18,
  });
  expectDecodeError(() => decodeSlowPathPdu(hex(`${shareDataHeader(20, 'ea 03', 0x2f)}  07 00`), 14), {
    structure: 'ShareControl',
    kind: 'not-enough-bytes',
    field: 'errorInfo',
    offset: 32,
  });
  expectDecodeError(
    () =>
      decodeSlowPathPdu(
        hex(
          `${shareDataHeader(40, 'ea 03', 0x26)}  03 00 00 00  13 00  02 00 00 00  08 00 00 00 ${zeros(8)}`,
        ),
      ),
    { structure: 'ShareControl', kind: 'invalid-field', field: 'Length', offset: 22 },
  );
  expectDecodeError(
    () =>
      decodeSlowPathPdu(
        hex(
          `${shareDataHeader(40, 'ea 03', 0x26)}  03 00 00 00  12 00  02 00 00 00  09 00 00 00 ${zeros(8)}`,
        ),
      ),
    { structure: 'ShareControl', kind: 'invalid-field', field: 'logonErrors.cbFieldData', offset: 28 },
  );
  expectDecodeError(
    () => decodeSlowPathPdu(Uint8Array.from([...hex('0a 00 16 00 ea 03 ea 03 01 00'), 0xff])),
    {
      structure: 'ShareControl',
      kind: 'invalid-field',
      field: 'trailing',
      offset: 10,
    },
  );
});

test('Capability helpers: desktop size and general capability of a Demand Active', () => {
  const { pdu } = decodeSlowPathPdu(demandActiveBytes);
  assert.equal(pdu.type, 'demand-active');
  if (pdu.type !== 'demand-active') return;
  assert.deepStrictEqual(readBitmapCapability(pdu.capabilitySets), {
    preferredBitsPerPixel: 32,
    desktopWidth: 1024,
    desktopHeight: 768,
    desktopResizeFlag: 1,
  });
  assert.deepStrictEqual(readGeneralCapability(pdu.capabilitySets), {
    osMajorType: 1,
    osMinorType: 3,
    protocolVersion: 0x0200,
    generalCompressionTypes: 0,
    extraFlags: 0x041d,
    updateCapabilityFlag: 0,
    remoteUnshareFlag: 0,
    generalCompressionLevel: 0,
    refreshRectSupport: 1,
    suppressOutputSupport: 1,
  });
  assert.equal(readBitmapCapability([]), undefined);
  expectDecodeError(() => readBitmapCapability([{ type: 2, data: hex('20 00 01 00') }]), {
    structure: 'TS_BITMAP_CAPABILITYSET',
    kind: 'not-enough-bytes',
    field: 'receive1/4/8BitPerPixel',
    offset: 2,
  });
});

test('Share control names: unknown codes are shown', () => {
  assert.equal(pduType2Name(0x2f), 'PDUTYPE2_SET_ERROR_INFO_PDU');
  assert.equal(pduType2Name(0x99), 'unknown PDU type2 0x99');
  assert.equal(logonErrorTypeName(0xfffffff9), 'LOGON_MSG_DISCONNECT_REFUSED');
  assert.equal(logonErrorTypeName(7), 'unknown logon error type 0x00000007');
  assert.equal(logonErrorDataName(0), 'LOGON_FAILED_BAD_PASSWORD');
  assert.equal(logonErrorDataName(3), 'LOGON_WARNING');
});

// ---- fuzzing ---------------------------------------------------------------------------------

const domainSeeds = [
  hex('04 01 00 01 00'),
  hex('2e 00 00 06'),
  hex('3e 00 00 06 03 eb 03 eb'),
  hex('38 00 06 03 eb'),
  hex('64 00 06 03 eb 70 04 01 02 03 04'),
  hex('21 80'),
];
fuzzDecoder('MCS domain PDU', (bytes) => decodeDomainPdu(bytes), domainSeeds);
fuzzDecoder('MCS frame', decodeMcsFrame, [serverSynchronizeFrame, hex('03 00 00 08 02 f0 80 28')]);
const headerSeeds = [
  hex('08 08 02 03 f4 4e d1 9e b4 53 b6 e6'),
  hex('08 00 00 00 10 00 01 05 01 02 03 04 05 06 07 08'),
];
for (const kind of ['basic', 'non-fips', 'fips'] as const) {
  fuzzDecoder(`Security header (${kind})`, (bytes) => decodeSecurityHeader(bytes, kind), headerSeeds, 200);
  if (kind !== 'basic')
    fuzzDecoder(
      `Security header for ${kind} sessions`,
      (bytes) => decodeSecurityHeaderFor(bytes, kind),
      headerSeeds,
      200,
    );
}
fuzzDecoder('Security Exchange', (bytes) => decodeSecurityExchange(bytes), [securityExchangeBytes]);
fuzzDecoder('Client Info', (bytes) => decodeClientInfo(bytes), [encodeClientInfo(emptyCredentialsInfo)], 800);
const slowPathSeeds = [
  demandActiveBytes,
  hex(`${shareDataHeader(22, 'ea 03', 0x2f)}  07 00 00 00`),
  hex(`${shareDataHeader(40, 'ea 03', 0x26)}  03 00 00 00  12 00  02 00 00 00  08 00 00 00 ${zeros(8)}`),
  hex('0d 00 16 00 ea 03 ea 03 01 00 01 00 00'),
];
fuzzDecoder('Slow-path PDUs', (bytes) => decodeSlowPathPdus(bytes), slowPathSeeds, 800);
fuzzDecoder('Slow-path PDU', (bytes) => decodeSlowPathPdu(bytes), slowPathSeeds, 400);
fuzzDecoder(
  'Capability helpers',
  (bytes) => {
    readGeneralCapability([{ type: 1, data: bytes }]);
    readBitmapCapability([{ type: 2, data: bytes }]);
  },
  [generalCapabilityData, bitmapCapabilityData],
  200,
);

// ---- round trips -------------------------------------------------------------------------------

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const userId = fc.integer({ min: 1001, max: 0xffff });
const options = { noNullPrototype: true } as const;

test('MCS domain PDU: decode(encode(v)) is v', () => {
  const pdu: fc.Arbitrary<DomainPdu> = fc.oneof(
    fc.record(
      { type: fc.constant('erect-domain-request' as const), subHeight: u32, subInterval: u32 },
      options,
    ),
    fc.constant({ type: 'attach-user-request' as const }),
    fc.record(
      { type: fc.constant('attach-user-confirm' as const), result: u8, initiator: userId },
      { ...options, requiredKeys: ['type', 'result'] },
    ),
    fc.record(
      { type: fc.constant('channel-join-request' as const), initiator: userId, channelId: u16 },
      options,
    ),
    fc.record(
      {
        type: fc.constant('channel-join-confirm' as const),
        result: u8,
        initiator: userId,
        requested: u16,
        channelId: u16,
      },
      { ...options, requiredKeys: ['type', 'result', 'initiator', 'requested'] },
    ),
    fc.record(
      {
        type: fc.constantFrom('send-data-request' as const, 'send-data-indication' as const),
        initiator: userId,
        channelId: u16,
        priority: fc.integer({ min: 0, max: 3 }),
        segmentation: fc.integer({ min: 0, max: 3 }),
        userData: fc.uint8Array({ maxLength: 600 }),
      },
      options,
    ),
    fc.record(
      { type: fc.constant('disconnect-provider-ultimatum' as const), reason: fc.integer({ min: 0, max: 7 }) },
      options,
    ),
  );
  fc.assert(
    fc.property(pdu, (value) => {
      assert.deepStrictEqual(decodeDomainPdu(encodeDomainPdu(value)), value);
      assert.deepStrictEqual(decodeMcsFrame(encodeMcsFrame(encodeDomainPdu(value))), value);
    }),
    { numRuns: 400 },
  );
});

test('Security header and Security Exchange: decode(encode(v)) is v', () => {
  const signature = fc.uint8Array({ minLength: 8, maxLength: 8 });
  const header: fc.Arbitrary<SecurityHeader> = fc.oneof(
    fc.record({ kind: fc.constant('basic' as const), flags: u16, flagsHi: u16 }, options),
    fc.record({ kind: fc.constant('non-fips' as const), flags: u16, flagsHi: u16, signature }, options),
    fc.record(
      {
        kind: fc.constant('fips' as const),
        flags: u16,
        flagsHi: u16,
        padLength: fc.integer({ min: 0, max: 7 }),
        signature,
      },
      options,
    ),
  );
  fc.assert(
    fc.property(header, fc.uint8Array({ maxLength: 8 }), (value, body) => {
      const bytes = Uint8Array.from([...encodeSecurityHeader(value), ...body]);
      const decoded = decodeSecurityHeader(bytes, value.kind);
      assert.deepStrictEqual(decoded.header, value);
      assert.deepStrictEqual(bytes.subarray(decoded.bodyOffset), body);
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), (random) =>
      assert.deepStrictEqual(decodeSecurityExchange(encodeSecurityExchange(random)), random),
    ),
    { numRuns: 100 },
  );
});

/** Strings the codecs carry: no NUL (a terminator), within the byte limits. */
const infoText = (maxLength: number) =>
  fc.string({ unit: 'binary', maxLength }).filter((text) => !text.includes('\0'));
const ansiText = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 1, max: 255 }).map((code) => String.fromCharCode(code)), maxLength });

test('Client Info: decode(encode(v)) is v', () => {
  // The trailing part can only follow a cookie: the cookie's size field comes first on the wire.
  const cookieAndTrailing = fc.option(
    fc.tuple(
      fc.uint8Array({ minLength: 1, maxLength: 128 }),
      fc.option(fc.uint8Array({ minLength: 1, maxLength: 20 }), { nil: undefined }),
    ),
    { nil: undefined },
  );
  const extended = fc
    .tuple(
      fc.record(
        {
          clientAddressFamily: u16,
          clientAddress: infoText(19),
          clientDir: infoText(100),
          timeZone: fc.uint8Array({ minLength: 172, maxLength: 172 }),
          clientSessionId: u32,
          performanceFlags: u32,
        },
        options,
      ),
      cookieAndTrailing,
    )
    .map(([head, tail]) => ({
      ...head,
      ...(tail ? { autoReconnectCookie: tail[0] } : {}),
      ...(tail?.[1] ? { trailing: tail[1] } : {}),
    }));
  const info = fc.boolean().chain((unicode) => {
    const text = unicode ? infoText(128) : ansiText(255);
    return fc.record(
      {
        codePage: u32,
        flags: u32.map(
          (flags) => (unicode ? flags | InfoFlag.INFO_UNICODE : flags & ~InfoFlag.INFO_UNICODE) >>> 0,
        ),
        domain: text,
        userName: text,
        password: text,
        alternateShell: text,
        workingDir: text,
        extended,
      },
      {
        ...options,
        requiredKeys: ['codePage', 'flags', 'domain', 'userName', 'password', 'alternateShell', 'workingDir'],
      },
    );
  });
  fc.assert(
    fc.property(info, (value: ClientInfo) =>
      assert.deepStrictEqual(decodeClientInfo(encodeClientInfo(value)), value),
    ),
    { numRuns: 300 },
  );
});

test('Slow-path PDU: decode(encode(v)) is v', () => {
  const capabilitySets = fc.array(fc.record({ type: u16, data: fc.uint8Array({ maxLength: 40 }) }, options), {
    maxLength: 6,
  });
  const decodedKinds = [0x2f, 0x1f, 0x14, 0x27, 0x28, 0x26];
  const logonName = (max: number) => infoText(max);
  const saveSessionInfo = fc.oneof(
    fc.record(
      {
        kind: fc.constant('save-session-info' as const),
        infoType: fc.constantFrom(InfoType.INFOTYPE_LOGON, InfoType.INFOTYPE_LOGON_LONG),
        logon: fc.record({ domain: logonName(25), userName: logonName(200), sessionId: u32 }, options),
      },
      options,
    ),
    fc.constant({ kind: 'save-session-info' as const, infoType: InfoType.INFOTYPE_LOGON_PLAINNOTIFY }),
    fc.record(
      {
        kind: fc.constant('save-session-info' as const),
        infoType: fc.constant(InfoType.INFOTYPE_LOGON_EXTENDED_INFO),
        logonErrors: fc.record({ errorNotificationType: u32, errorNotificationData: u32 }, options),
        autoReconnect: fc.record(
          { version: u32, logonId: u32, arcRandomBits: fc.uint8Array({ minLength: 16, maxLength: 16 }) },
          options,
        ),
      },
      { ...options, requiredKeys: ['kind', 'infoType'] },
    ),
    fc.record(
      {
        kind: fc.constant('save-session-info' as const),
        infoType: fc.integer({ min: 4, max: 0xffffffff }),
        raw: fc.uint8Array({ maxLength: 20 }),
      },
      options,
    ),
  );
  const dataPdu = fc
    .oneof(
      fc
        .record({ kind: fc.constant('set-error-info' as const), errorInfo: u32 }, options)
        .map((body) => ({ pduType2: 0x2f, body })),
      fc
        .record({ kind: fc.constant('synchronize' as const), targetUser: u16 }, options)
        .map((body) => ({ pduType2: 0x1f, body })),
      fc
        .record({ kind: fc.constant('control' as const), action: u16, grantId: u16, controlId: u32 }, options)
        .map((body) => ({ pduType2: 0x14, body })),
      fc.constant({ pduType2: 0x27, body: { kind: 'font-list' as const } }),
      fc.constant({ pduType2: 0x28, body: { kind: 'font-map' as const } }),
      saveSessionInfo.map((body) => ({ pduType2: 0x26, body })),
      fc
        .tuple(
          u8.filter((type2) => !decodedKinds.includes(type2)),
          fc.uint8Array({ maxLength: 30 }),
        )
        .map(([pduType2, raw]) => ({ pduType2, body: { kind: 'other' as const, pduType2, raw } })),
    )
    .chain(({ pduType2, body }) =>
      fc
        .record({ shareId: u32, streamId: u8 }, options)
        .map(({ shareId, streamId }): SlowPathPdu => ({ type: 'data', shareId, pduType2, streamId, body })),
    );
  const pdu: fc.Arbitrary<SlowPathPdu> = fc.oneof(
    fc.record(
      {
        type: fc.constant('demand-active' as const),
        shareId: u32,
        sourceDescriptor: fc.uint8Array({ maxLength: 8 }),
        capabilitySets,
        sessionId: u32,
      },
      { ...options, requiredKeys: ['type', 'shareId', 'sourceDescriptor', 'capabilitySets'] },
    ),
    fc.record(
      {
        type: fc.constant('confirm-active' as const),
        shareId: u32,
        originatorId: u16,
        sourceDescriptor: fc.uint8Array({ maxLength: 8 }),
        capabilitySets,
      },
      options,
    ),
    fc.record({ type: fc.constant('deactivate-all' as const), shareId: u32 }, options),
    dataPdu,
    fc.record(
      { type: fc.constant('server-redirection' as const), raw: fc.uint8Array({ maxLength: 30 }) },
      options,
    ),
    fc.record(
      {
        type: fc.constant('unknown' as const),
        pduType: fc.constantFrom(0, 2, 4, 5, 8, 9, 11, 15),
        raw: fc.uint8Array({ maxLength: 30 }),
      },
      options,
    ),
  );
  fc.assert(
    fc.property(pdu, u16, (value, pduSource) => {
      const bytes = encodeSlowPathPdu(value, pduSource);
      assert.deepStrictEqual(decodeSlowPathPdu(bytes), { pduSource, pdu: value });
      assert.deepStrictEqual(decodeSlowPathPdus(Uint8Array.from([...bytes, ...bytes])), [
        { pduSource, pdu: value },
        { pduSource, pdu: value },
      ]);
    }),
    { numRuns: 400 },
  );
});
