import { ByteReader } from './reader.js';
import {
  alpnExtension,
  decodeExtensions,
  ExtensionType,
  ecPointFormatsExtension,
  encodeExtensions,
  findExtension,
  type KeyShareEntry,
  keyShareExtension,
  readAlpnList,
  readServerName,
  readSupportedVersionsList,
  readU16List,
  serverNameExtension,
  supportedVersionsExtension,
  type TlsExtension,
  u16ListExtension,
} from './tls-extensions.js';
import { encodeHandshake, HandshakeType } from './tls-handshake.js';
import { ContentType, encodeTlsRecord, TlsVersion } from './tls-record.js';
import { ByteWriter } from './writer.js';

/**
 * ClientHello body (RFC 5246 7.4.1.2, RFC 8446 4.1.2), after the 4-byte handshake header.
 *
 *   legacy_version u16 | random[32] | session_id u8<0..32> | cipher_suites u16<2..2^16-2>
 *   | compression_methods u8<1..> | extensions u16<..>  (absent in SSL 3.0 style hellos)
 */
export const CLIENT_HELLO_RANDOM_SIZE = 32;
export const MAX_SESSION_ID_SIZE = 32;

export interface ClientHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: readonly number[];
  /** Undefined when the hello ends after compression_methods (no extensions block at all). */
  readonly extensions?: readonly TlsExtension[];
}

export function encodeClientHello(hello: ClientHello): Uint8Array {
  if (hello.random.length !== CLIENT_HELLO_RANDOM_SIZE)
    throw new RangeError('ClientHello random must be 32 bytes');
  if (hello.sessionId.length > MAX_SESSION_ID_SIZE) throw new RangeError('ClientHello session_id too long');
  const writer = new ByteWriter(256);
  writer.u16be(hello.legacyVersion).bytes(hello.random).u8(hello.sessionId.length).bytes(hello.sessionId);
  writer.u16be(hello.cipherSuites.length * 2);
  for (const suite of hello.cipherSuites) writer.u16be(suite);
  writer.u8(hello.compressionMethods.length);
  for (const method of hello.compressionMethods) writer.u8(method);
  if (hello.extensions !== undefined) encodeExtensions(writer, hello.extensions);
  return writer.finish();
}

export function decodeClientHello(bytes: Uint8Array, base = 0): ClientHello {
  const reader = new ByteReader(bytes, 'ClientHello', base);
  const legacyVersion = reader.u16be('legacyVersion');
  const random = reader.bytesView(CLIENT_HELLO_RANDOM_SIZE, 'random');
  const sessionIdLength = reader.u8('sessionIdLength');
  if (sessionIdLength > MAX_SESSION_ID_SIZE) {
    reader.fail('invalid-field', 'sessionIdLength', `${sessionIdLength} > ${MAX_SESSION_ID_SIZE}`, 34);
  }
  const sessionId = reader.bytesView(sessionIdLength, 'sessionId');
  const suitesLength = reader.u16be('cipherSuitesLength');
  if (suitesLength % 2 !== 0)
    reader.fail('invalid-field', 'cipherSuitesLength', `${suitesLength} is odd`, reader.offset - 2);
  const suites = reader.sub(suitesLength, 'cipherSuites');
  const cipherSuites: number[] = [];
  while (suites.remaining > 0) cipherSuites.push(suites.u16be('cipherSuite'));
  const methods = reader.sub(reader.u8('compressionMethodsLength'), 'compressionMethods');
  const compressionMethods: number[] = [];
  while (methods.remaining > 0) compressionMethods.push(methods.u8('compressionMethod'));
  const extensions = reader.remaining > 0 ? decodeExtensions(reader) : undefined;
  reader.expectEnd();
  return {
    legacyVersion,
    random,
    sessionId,
    cipherSuites,
    compressionMethods,
    ...(extensions !== undefined ? { extensions } : {}),
  };
}

// --- builder -------------------------------------------------------------------------------

export const NamedGroupCode = { secp256r1: 23, secp384r1: 24, secp521r1: 25, x25519: 29, x448: 30 } as const;

/** Sizes of key shares that any random bytes fill validly (RFC 7748 public values). */
const RANDOM_KEY_SHARE_SIZE = new Map<number, number>([
  [NamedGroupCode.x25519, 32],
  [NamedGroupCode.x448, 56],
]);

export const DEFAULT_GROUPS: readonly number[] = [29, 23, 24, 25, 30, 256, 257];
/** ecdsa/rsa-pss/rsa-pkcs1 with SHA-2, then SHA-1 last for old servers. */
export const DEFAULT_SIGNATURE_ALGORITHMS: readonly number[] = [
  0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201,
];

export interface ClientHelloOptions {
  /** Every version to offer, any order (SSL 3.0 = 0x0300 ... TLS 1.3 = 0x0304). */
  readonly versions: readonly number[];
  /** IANA code points, sent as given: nothing is filtered, so RC4, EXPORT and NULL suites go out too. */
  readonly cipherSuites: readonly number[];
  readonly groups?: readonly number[];
  readonly signatureAlgorithms?: readonly number[];
  /** Sent as server_name unless it is an IP literal (RFC 6066 forbids those). */
  readonly serverName?: string;
  readonly alpn?: readonly string[];
  /** Groups to send TLS 1.3 key shares for; only x25519 and x448 get random-valued shares. Default [x25519]. */
  readonly keyShareGroups?: readonly number[];
  /** Added after the built ones, in order. */
  readonly extraExtensions?: readonly TlsExtension[];
  /** Record layer version; default 0x0300 when SSL 3.0 is offered, else 0x0301 (what most clients send). */
  readonly recordVersion?: number;
  readonly sessionId?: Uint8Array;
  readonly compressionMethods?: readonly number[];
  /** Send no extensions at all (an SSL 3.0 style hello). */
  readonly noExtensions?: boolean;
}

export type RandomBytes = (length: number) => Uint8Array;

const webRandom: RandomBytes = (length) => globalThis.crypto.getRandomValues(new Uint8Array(length));

/** Builds the ClientHello structure; randomness comes from `randomBytes` so tests can fix it. */
export function buildClientHello(
  options: ClientHelloOptions,
  randomBytes: RandomBytes = webRandom,
): ClientHello {
  if (options.versions.length === 0) throw new RangeError('offer at least one version');
  const highest = Math.max(...options.versions);
  const offersTls13 = options.versions.some((version) => version >= TlsVersion.TLS_1_3);
  const extensions: TlsExtension[] = [];
  if (!options.noExtensions) {
    if (options.serverName !== undefined && !isIpLiteral(options.serverName)) {
      extensions.push(serverNameExtension(options.serverName));
    }
    extensions.push(u16ListExtension(ExtensionType.supported_groups, options.groups ?? DEFAULT_GROUPS));
    extensions.push(ecPointFormatsExtension());
    if (highest >= TlsVersion.TLS_1_2) {
      extensions.push(
        u16ListExtension(
          ExtensionType.signature_algorithms,
          options.signatureAlgorithms ?? DEFAULT_SIGNATURE_ALGORITHMS,
        ),
      );
    }
    if (options.alpn && options.alpn.length > 0) extensions.push(alpnExtension(options.alpn));
    extensions.push({ type: ExtensionType.extended_master_secret, data: new Uint8Array(0) });
    extensions.push({ type: ExtensionType.renegotiation_info, data: Uint8Array.of(0) });
    if (offersTls13) {
      const sorted = [...options.versions].sort((a, b) => b - a);
      extensions.push(supportedVersionsExtension(sorted));
      // psk_key_exchange_modes: psk_dhe_ke, which RFC 8446 servers expect alongside key_share.
      extensions.push({ type: ExtensionType.psk_key_exchange_modes, data: Uint8Array.of(1, 1) });
      const shares: KeyShareEntry[] = [];
      for (const group of options.keyShareGroups ?? [NamedGroupCode.x25519]) {
        const size = RANDOM_KEY_SHARE_SIZE.get(group);
        if (size !== undefined) shares.push({ group, keyExchange: randomBytes(size) });
      }
      extensions.push(keyShareExtension(shares));
    }
    extensions.push(...(options.extraExtensions ?? []));
  }
  return {
    legacyVersion: Math.min(highest, TlsVersion.TLS_1_2),
    random: randomBytes(CLIENT_HELLO_RANDOM_SIZE),
    sessionId: options.sessionId ?? (offersTls13 ? randomBytes(32) : new Uint8Array(0)),
    cipherSuites: options.cipherSuites,
    compressionMethods: options.compressionMethods ?? [0],
    ...(options.noExtensions ? {} : { extensions }),
  };
}

/** The ClientHello as bytes ready to write to the socket: record(handshake(ClientHello)). */
export function clientHelloRecord(
  options: ClientHelloOptions,
  randomBytes: RandomBytes = webRandom,
): Uint8Array {
  const hello = buildClientHello(options, randomBytes);
  const lowest = Math.min(...options.versions);
  const recordVersion =
    options.recordVersion ?? (lowest <= TlsVersion.SSL_3_0 ? TlsVersion.SSL_3_0 : TlsVersion.TLS_1_0);
  return encodeTlsRecord({
    contentType: ContentType.HANDSHAKE,
    version: recordVersion,
    fragment: encodeHandshake({ type: HandshakeType.CLIENT_HELLO, body: encodeClientHello(hello) }),
  });
}

export interface ClientHelloSummary {
  /** supported_versions when present, else the legacy version alone. */
  readonly offeredVersions: readonly number[];
  readonly serverName?: string;
  readonly groups?: readonly number[];
  readonly signatureAlgorithms?: readonly number[];
  readonly alpn?: readonly string[];
}

/** Reads the extensions a diagnosis cares about. Throws DecodeError if one of them is malformed. */
export function summarizeClientHello(hello: ClientHello): ClientHelloSummary {
  const versions = findExtension(hello.extensions, ExtensionType.supported_versions);
  const sni = findExtension(hello.extensions, ExtensionType.server_name);
  const groups = findExtension(hello.extensions, ExtensionType.supported_groups);
  const signatures = findExtension(hello.extensions, ExtensionType.signature_algorithms);
  const alpn = findExtension(hello.extensions, ExtensionType.application_layer_protocol_negotiation);
  const serverName = sni ? readServerName(sni) : undefined;
  return {
    offeredVersions: versions ? readSupportedVersionsList(versions) : [hello.legacyVersion],
    ...(serverName !== undefined ? { serverName } : {}),
    ...(groups ? { groups: readU16List(groups, 'SupportedGroupsExtension') } : {}),
    ...(signatures ? { signatureAlgorithms: readU16List(signatures, 'SignatureAlgorithmsExtension') } : {}),
    ...(alpn ? { alpn: readAlpnList(alpn) } : {}),
  };
}

function isIpLiteral(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
}
