import { ByteReader } from './reader.js';
import {
  decodeExtensions,
  ExtensionType,
  encodeExtensions,
  findExtension,
  readAlpnList,
  type TlsExtension,
} from './tls-extensions.js';
import { ByteWriter } from './writer.js';

/**
 * ServerHello body (RFC 5246 7.4.1.3, RFC 8446 4.1.3), after the 4-byte handshake header.
 *
 *   legacy_version u16 | random[32] | session_id u8<0..32> | cipher_suite u16
 *   | compression_method u8 | extensions u16<..> (optional before TLS 1.3)
 *
 * A HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest") (RFC 8446 4.1.3).
 */
export const SERVER_HELLO_RANDOM_SIZE = 32;

export const HELLO_RETRY_REQUEST_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2,
  0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** RFC 8446 4.1.3 downgrade sentinels: "DOWNGRD" then 0x01 (to TLS 1.2) or 0x00 (to TLS 1.1 or below). */
const DOWNGRADE_PREFIX = [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44];

export interface ServerHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions?: readonly TlsExtension[];
}

export function encodeServerHello(hello: ServerHello): Uint8Array {
  if (hello.random.length !== SERVER_HELLO_RANDOM_SIZE)
    throw new RangeError('ServerHello random must be 32 bytes');
  if (hello.sessionId.length > 32) throw new RangeError('ServerHello session_id too long');
  const writer = new ByteWriter(128);
  writer.u16be(hello.legacyVersion).bytes(hello.random).u8(hello.sessionId.length).bytes(hello.sessionId);
  writer.u16be(hello.cipherSuite).u8(hello.compressionMethod);
  if (hello.extensions !== undefined) encodeExtensions(writer, hello.extensions);
  return writer.finish();
}

export function decodeServerHello(bytes: Uint8Array, base = 0): ServerHello {
  const reader = new ByteReader(bytes, 'ServerHello', base);
  const legacyVersion = reader.u16be('legacyVersion');
  if (legacyVersion >> 8 !== 3) {
    reader.fail(
      'unsupported-version',
      'legacyVersion',
      `0x${legacyVersion.toString(16).padStart(4, '0')}`,
      0,
    );
  }
  const random = reader.bytesView(SERVER_HELLO_RANDOM_SIZE, 'random');
  const sessionIdLength = reader.u8('sessionIdLength');
  if (sessionIdLength > 32) reader.fail('invalid-field', 'sessionIdLength', `${sessionIdLength} > 32`, 34);
  const sessionId = reader.bytesView(sessionIdLength, 'sessionId');
  const cipherSuite = reader.u16be('cipherSuite');
  const compressionMethod = reader.u8('compressionMethod');
  const extensions = reader.remaining > 0 ? decodeExtensions(reader) : undefined;
  reader.expectEnd();
  return {
    legacyVersion,
    random,
    sessionId,
    cipherSuite,
    compressionMethod,
    ...(extensions !== undefined ? { extensions } : {}),
  };
}

export interface ServerHelloSummary {
  /** The negotiated version: supported_versions when present (TLS 1.3), else legacy_version. */
  readonly version: number;
  readonly helloRetryRequest: boolean;
  /** Set when the random carries a RFC 8446 downgrade sentinel. */
  readonly downgradeSentinel?: 'tls12' | 'tls11-or-below';
  /** TLS 1.3 key_share group (ServerHello) or selected_group (HelloRetryRequest). */
  readonly keyShareGroup?: number;
  readonly alpn?: string;
  readonly extensionTypes: readonly number[];
  /** RFC 5746: the server sent renegotiation_info. */
  readonly secureRenegotiation: boolean;
  readonly extendedMasterSecret: boolean;
}

export function isHelloRetryRequest(hello: ServerHello): boolean {
  return HELLO_RETRY_REQUEST_RANDOM.every((byte, index) => hello.random[index] === byte);
}

/** Reads the extensions a diagnosis cares about. Throws DecodeError if one of them is malformed. */
export function summarizeServerHello(hello: ServerHello): ServerHelloSummary {
  const extensions = hello.extensions ?? [];
  let version = hello.legacyVersion;
  const supported = findExtension(extensions, ExtensionType.supported_versions);
  if (supported) {
    const reader = new ByteReader(supported.data, 'SupportedVersionsExtension');
    version = reader.u16be('selectedVersion');
    reader.expectEnd();
  }
  let keyShareGroup: number | undefined;
  const keyShare = findExtension(extensions, ExtensionType.key_share);
  if (keyShare) keyShareGroup = new ByteReader(keyShare.data, 'KeyShareExtension').u16be('group');
  const alpnExtension = findExtension(extensions, ExtensionType.application_layer_protocol_negotiation);
  const alpn = alpnExtension ? readAlpnList(alpnExtension)[0] : undefined;
  const tail = hello.random.subarray(24);
  let downgradeSentinel: ServerHelloSummary['downgradeSentinel'];
  if (DOWNGRADE_PREFIX.every((byte, index) => tail[index] === byte)) {
    if (tail[7] === 0x01) downgradeSentinel = 'tls12';
    else if (tail[7] === 0x00) downgradeSentinel = 'tls11-or-below';
  }
  return {
    version,
    helloRetryRequest: isHelloRetryRequest(hello),
    ...(downgradeSentinel ? { downgradeSentinel } : {}),
    ...(keyShareGroup !== undefined ? { keyShareGroup } : {}),
    ...(alpn !== undefined ? { alpn } : {}),
    extensionTypes: extensions.map((extension) => extension.type),
    secureRenegotiation: findExtension(extensions, ExtensionType.renegotiation_info) !== undefined,
    extendedMasterSecret: findExtension(extensions, ExtensionType.extended_master_secret) !== undefined,
  };
}
