import { utf16le } from './ntlm.js';
import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * The GCC Conference Create Request / Response (T.124, ALIGNED PER) that MCS Connect-Initial and
 * Connect-Response carry, and the RDP client and server data blocks inside them
 * (MS-RDPBCGR 2.2.1.3 and 2.2.1.4). Data blocks are little-endian and each starts with
 *
 *   +-------------+---------------+
 *   | type (u16)  | length (u16)  |   TS_UD_HEADER; length includes these 4 bytes
 *   +-------------+---------------+
 */

// ---- named constants ----------------------------------------------------------------------

export const DataBlockType = {
  CS_CORE: 0xc001,
  CS_SECURITY: 0xc002,
  CS_NET: 0xc003,
  CS_CLUSTER: 0xc004,
  CS_MONITOR: 0xc005,
  CS_MCS_MSGCHANNEL: 0xc006,
  CS_MONITOR_EX: 0xc008,
  CS_MULTITRANSPORT: 0xc00a,
  SC_CORE: 0x0c01,
  SC_SECURITY: 0x0c02,
  SC_NET: 0x0c03,
  SC_MCS_MSGCHANNEL: 0x0c04,
  SC_MULTITRANSPORT: 0x0c08,
} as const;

/** encryptionMethods / encryptionMethod (MS-RDPBCGR 2.2.1.3.3, 2.2.1.4.3). */
export const EncryptionMethod = {
  NONE: 0x00000000,
  '40BIT': 0x00000001,
  '128BIT': 0x00000002,
  '56BIT': 0x00000008,
  FIPS: 0x00000010,
} as const;

/** encryptionLevel (MS-RDPBCGR 2.2.1.4.3). */
export const EncryptionLevel = {
  NONE: 0,
  LOW: 1,
  CLIENT_COMPATIBLE: 2,
  HIGH: 3,
  FIPS: 4,
} as const;

/** RDP version numbers of client and server core data (MS-RDPBCGR 2.2.1.3.2, 2.2.1.4.2). */
export const RdpVersion: Readonly<Record<number, string>> = {
  524289: 'RDP 4.0',
  524292: 'RDP 5.0, 5.1, 5.2, 6.0, 6.1, 7.0, 7.1, 8.0, 8.1',
  524293: 'RDP 10.0',
  524294: 'RDP 10.1',
  524295: 'RDP 10.2',
  524296: 'RDP 10.3',
  524297: 'RDP 10.4',
  524298: 'RDP 10.5',
  524299: 'RDP 10.6',
  524300: 'RDP 10.7',
  524301: 'RDP 10.8',
  524302: 'RDP 10.9',
  524303: 'RDP 10.10',
  524304: 'RDP 10.11',
  524305: 'RDP 10.12',
};

/** Server earlyCapabilityFlags (MS-RDPBCGR 2.2.1.4.2). */
export const ServerEarlyCapability = {
  EDGE_ACTIONS_SUPPORTED_V1: 0x00000001,
  DYNAMIC_DST_SUPPORTED: 0x00000002,
  EDGE_ACTIONS_SUPPORTED_V2: 0x00000004,
  SKIP_CHANNELJOIN_SUPPORTED: 0x00000008,
} as const;

export function rdpVersionName(version: number): string {
  return RdpVersion[version] ?? `unknown RDP version 0x${hex8(version)}`;
}

export function encryptionMethodName(method: number): string {
  for (const [name, value] of Object.entries(EncryptionMethod)) if (value === method) return name;
  return `unknown encryption method 0x${hex8(method)}`;
}

export function encryptionLevelName(level: number): string {
  for (const [name, value] of Object.entries(EncryptionLevel)) if (value === level) return name;
  return `unknown encryption level ${level}`;
}

// ---- client data blocks -------------------------------------------------------------------

/** TS_UD_CS_CORE's optional tail, in wire order; each is present only if all before it are. */
export interface ClientCoreOptional {
  readonly postBeta2ColorDepth?: number;
  readonly clientProductId?: number;
  readonly serialNumber?: number;
  readonly highColorDepth?: number;
  readonly supportedColorDepths?: number;
  readonly earlyCapabilityFlags?: number;
  readonly clientDigProductId?: string;
  readonly connectionType?: number;
  readonly pad1octet?: number;
  readonly serverSelectedProtocol?: number;
  readonly desktopPhysicalWidth?: number;
  readonly desktopPhysicalHeight?: number;
  readonly desktopOrientation?: number;
  readonly desktopScaleFactor?: number;
  readonly deviceScaleFactor?: number;
}

/** TS_UD_CS_CORE (MS-RDPBCGR 2.2.1.3.2). */
export interface ClientCoreData extends ClientCoreOptional {
  readonly version: number;
  readonly desktopWidth: number;
  readonly desktopHeight: number;
  readonly colorDepth: number;
  readonly sasSequence: number;
  readonly keyboardLayout: number;
  readonly clientBuild: number;
  /** Up to 15 characters (32 bytes of UTF-16LE with a terminator). */
  readonly clientName: string;
  readonly keyboardType: number;
  readonly keyboardSubType: number;
  readonly keyboardFunctionKey: number;
  readonly imeFileName: string;
}

type OptionalKind = 'u8' | 'u16' | 'u32' | 'utf16x64';
const CORE_OPTIONAL: ReadonlyArray<readonly [keyof ClientCoreOptional, OptionalKind]> = [
  ['postBeta2ColorDepth', 'u16'],
  ['clientProductId', 'u16'],
  ['serialNumber', 'u32'],
  ['highColorDepth', 'u16'],
  ['supportedColorDepths', 'u16'],
  ['earlyCapabilityFlags', 'u16'],
  ['clientDigProductId', 'utf16x64'],
  ['connectionType', 'u8'],
  ['pad1octet', 'u8'],
  ['serverSelectedProtocol', 'u32'],
  ['desktopPhysicalWidth', 'u32'],
  ['desktopPhysicalHeight', 'u32'],
  ['desktopOrientation', 'u16'],
  ['desktopScaleFactor', 'u32'],
  ['deviceScaleFactor', 'u32'],
];
const OPTIONAL_SIZE: Record<OptionalKind, number> = { u8: 1, u16: 2, u32: 4, utf16x64: 64 };

/** TS_UD_CS_SEC (MS-RDPBCGR 2.2.1.3.3). */
export interface ClientSecurityData {
  readonly encryptionMethods: number;
  /** Used only by French-locale clients. */
  readonly extEncryptionMethods: number;
}

/** CHANNEL_DEF (MS-RDPBCGR 2.2.1.3.4.1): an 8-byte ANSI name and options. */
export interface ChannelDef {
  readonly name: string;
  readonly options: number;
}

/** TS_UD_CS_CLUSTER (MS-RDPBCGR 2.2.1.3.5). */
export interface ClientClusterData {
  readonly flags: number;
  readonly redirectedSessionId: number;
}

/** A block this codec does not interpret, kept as evidence. */
export interface RawDataBlock {
  readonly type: number;
  readonly body: Uint8Array;
}

export interface ClientData {
  readonly core: ClientCoreData;
  readonly security?: ClientSecurityData;
  readonly channels?: readonly ChannelDef[];
  readonly cluster?: ClientClusterData;
  readonly other: readonly RawDataBlock[];
}

// ---- server data blocks -------------------------------------------------------------------

/** TS_UD_SC_CORE (MS-RDPBCGR 2.2.1.4.2). The last two fields are optional. */
export interface ServerCoreData {
  readonly version: number;
  readonly clientRequestedProtocols?: number;
  readonly earlyCapabilityFlags?: number;
}

/** RSA_PUBLIC_KEY (MS-RDPBCGR 2.2.1.4.3.1.1.1); keylen = modulus.length. */
export interface RsaPublicKey {
  readonly magic: number;
  readonly bitlen: number;
  readonly datalen: number;
  readonly exponent: number;
  /** Little-endian, including the 8 bytes of zero padding. */
  readonly modulus: Uint8Array;
}

/** PROPRIETARYSERVERCERTIFICATE (MS-RDPBCGR 2.2.1.4.3.1.1). */
export interface ProprietaryCertificate {
  readonly kind: 'proprietary';
  /** CERT_CHAIN_VERSION_1 with the temporary bit (0x80000000) as sent. */
  readonly version: number;
  readonly signatureAlgorithm: number;
  readonly keyAlgorithm: number;
  readonly publicKeyBlobType: number;
  readonly publicKey: RsaPublicKey;
  readonly signatureBlobType: number;
  readonly signature: Uint8Array;
}

/** X.509 chain (MS-RDPBCGR 2.2.1.4.3.1.2 SERVER_CERTIFICATE with CERT_CHAIN_VERSION_2). */
export interface X509CertificateChain {
  readonly kind: 'x509';
  readonly version: number;
  /** DER certificates, the last one being the server's own. */
  readonly certificates: readonly Uint8Array[];
  /** Trailing padding (8 + 4 * count bytes by the spec), kept as sent. */
  readonly padding: Uint8Array;
}

export type ServerCertificate = ProprietaryCertificate | X509CertificateChain;

/** TS_UD_SC_SEC1 (MS-RDPBCGR 2.2.1.4.3). The random and certificate exist only when encrypting. */
export interface ServerSecurityData {
  readonly encryptionMethod: number;
  readonly encryptionLevel: number;
  readonly serverRandom?: Uint8Array;
  readonly certificate?: ServerCertificate;
}

/** TS_UD_SC_NET (MS-RDPBCGR 2.2.1.4.4). */
export interface ServerNetworkData {
  readonly mcsChannelId: number;
  readonly channelIds: readonly number[];
}

export interface ServerData {
  readonly core: ServerCoreData;
  readonly security?: ServerSecurityData;
  readonly network?: ServerNetworkData;
  readonly other: readonly RawDataBlock[];
}

export const CERT_CHAIN_VERSION_1 = 1;
export const CERT_CHAIN_VERSION_2 = 2;
export const CERT_TEMPORARY = 0x80000000;
export const RSA1_MAGIC = 0x31415352;
export const BB_RSA_KEY_BLOB = 0x0006;
export const BB_RSA_SIGNATURE_BLOB = 0x0008;
/** MS-RDPBCGR allows up to 31 static channels; a longer list is refused rather than looped over. */
export const MAX_CHANNELS = 31;
export const MAX_CERTIFICATES = 16;
export const CLIENT_CORE_FIXED_SIZE = 128;
export const DATA_BLOCK_HEADER_SIZE = 4;

// ---- fixed-width strings ------------------------------------------------------------------

function fixedUtf16(text: string, size: number): Uint8Array {
  const encoded = utf16le(text);
  if (encoded.length > size - 2)
    throw new RangeError(`"${text}" does not fit ${size} bytes with its terminator`);
  const out = new Uint8Array(size);
  out.set(encoded);
  return out;
}

function readFixedUtf16(reader: ByteReader, size: number, field: string): string {
  const bytes = reader.bytesView(size, field);
  let end = 0;
  while (end + 1 < bytes.length && (bytes[end] !== 0 || bytes[end + 1] !== 0)) end += 2;
  return Buffer.from(bytes.subarray(0, end)).toString('utf16le');
}

function fixedAnsi(text: string, size: number): Uint8Array {
  const encoded = Buffer.from(text, 'latin1');
  if (encoded.length > size - 1)
    throw new RangeError(`"${text}" does not fit ${size} bytes with its terminator`);
  const out = new Uint8Array(size);
  out.set(encoded);
  return out;
}

function readFixedAnsi(reader: ByteReader, size: number, field: string): string {
  const bytes = reader.bytesView(size, field);
  const end = bytes.indexOf(0);
  return Buffer.from(bytes.subarray(0, end < 0 ? size : end)).toString('latin1');
}

// ---- block list ---------------------------------------------------------------------------

function writeBlock(writer: ByteWriter, type: number, body: Uint8Array): void {
  writer
    .u16le(type)
    .u16le(DATA_BLOCK_HEADER_SIZE + body.length)
    .bytes(body);
}

/** Splits a data block list; each block gets a reader bounded to its body. */
function readBlocks(reader: ByteReader): Array<{ type: number; body: ByteReader; at: number }> {
  const blocks: Array<{ type: number; body: ByteReader; at: number }> = [];
  while (reader.remaining > 0) {
    const at = reader.offset;
    const type = reader.u16le('TS_UD_HEADER.type');
    const length = reader.u16le('TS_UD_HEADER.length');
    if (length < DATA_BLOCK_HEADER_SIZE) {
      reader.fail('invalid-field', 'TS_UD_HEADER.length', `${length} is below the 4-byte header`, at + 2);
    }
    blocks.push({ type, body: reader.sub(length - DATA_BLOCK_HEADER_SIZE, `block 0x${hex4(type)}`), at });
  }
  return blocks;
}

function once<T>(current: T | undefined, reader: ByteReader, type: number, at: number): void {
  if (current !== undefined)
    reader.fail('invalid-field', 'TS_UD_HEADER.type', `duplicate block 0x${hex4(type)}`, at);
}

// ---- client blocks ------------------------------------------------------------------------

function encodeClientCore(core: ClientCoreData): Uint8Array {
  const writer = new ByteWriter(256)
    .u32le(core.version)
    .u16le(core.desktopWidth)
    .u16le(core.desktopHeight)
    .u16le(core.colorDepth)
    .u16le(core.sasSequence)
    .u32le(core.keyboardLayout)
    .u32le(core.clientBuild)
    .bytes(fixedUtf16(core.clientName, 32))
    .u32le(core.keyboardType)
    .u32le(core.keyboardSubType)
    .u32le(core.keyboardFunctionKey)
    .bytes(fixedUtf16(core.imeFileName, 64));
  for (const [name, kind] of CORE_OPTIONAL) {
    const value = core[name];
    if (value === undefined) break;
    if (kind === 'utf16x64') writer.bytes(fixedUtf16(value as string, 64));
    else if (kind === 'u8') writer.u8(value as number);
    else if (kind === 'u16') writer.u16le(value as number);
    else writer.u32le(value as number);
  }
  return writer.finish();
}

function readClientCore(reader: ByteReader): ClientCoreData {
  const core: Record<string, number | string> = {
    version: reader.u32le('version'),
    desktopWidth: reader.u16le('desktopWidth'),
    desktopHeight: reader.u16le('desktopHeight'),
    colorDepth: reader.u16le('colorDepth'),
    sasSequence: reader.u16le('SASSequence'),
    keyboardLayout: reader.u32le('keyboardLayout'),
    clientBuild: reader.u32le('clientBuild'),
    clientName: readFixedUtf16(reader, 32, 'clientName'),
    keyboardType: reader.u32le('keyboardType'),
    keyboardSubType: reader.u32le('keyboardSubType'),
    keyboardFunctionKey: reader.u32le('keyboardFunctionKey'),
    imeFileName: readFixedUtf16(reader, 64, 'imeFileName'),
  };
  // The tail is cut wherever the client's version of the structure ends (MS-RDPBCGR 2.2.1.3.2).
  for (const [name, kind] of CORE_OPTIONAL) {
    if (reader.remaining < OPTIONAL_SIZE[kind]) break;
    if (kind === 'utf16x64') core[name] = readFixedUtf16(reader, 64, name);
    else if (kind === 'u8') core[name] = reader.u8(name);
    else if (kind === 'u16') core[name] = reader.u16le(name);
    else core[name] = reader.u32le(name);
  }
  return core as unknown as ClientCoreData;
}

export function encodeClientDataBlocks(data: ClientData): Uint8Array {
  const writer = new ByteWriter(512);
  writeBlock(writer, DataBlockType.CS_CORE, encodeClientCore(data.core));
  if (data.security) {
    const body = new ByteWriter(8)
      .u32le(data.security.encryptionMethods)
      .u32le(data.security.extEncryptionMethods);
    writeBlock(writer, DataBlockType.CS_SECURITY, body.finish());
  }
  if (data.channels) {
    if (data.channels.length > MAX_CHANNELS) throw new RangeError(`more than ${MAX_CHANNELS} channels`);
    const body = new ByteWriter(4 + 12 * data.channels.length).u32le(data.channels.length);
    for (const channel of data.channels) body.bytes(fixedAnsi(channel.name, 8)).u32le(channel.options);
    writeBlock(writer, DataBlockType.CS_NET, body.finish());
  }
  if (data.cluster) {
    const body = new ByteWriter(8).u32le(data.cluster.flags).u32le(data.cluster.redirectedSessionId);
    writeBlock(writer, DataBlockType.CS_CLUSTER, body.finish());
  }
  for (const block of data.other) writeBlock(writer, block.type, block.body);
  return writer.finish();
}

export function decodeClientDataBlocks(bytes: Uint8Array, base = 0): ClientData {
  const reader = new ByteReader(bytes, 'GCC.ClientData', base);
  let core: ClientCoreData | undefined;
  let security: ClientSecurityData | undefined;
  let channels: ChannelDef[] | undefined;
  let cluster: ClientClusterData | undefined;
  const other: RawDataBlock[] = [];
  for (const { type, body, at } of readBlocks(reader)) {
    switch (type) {
      case DataBlockType.CS_CORE:
        once(core, reader, type, at);
        core = readClientCore(body);
        break;
      case DataBlockType.CS_SECURITY:
        once(security, reader, type, at);
        security = {
          encryptionMethods: body.u32le('encryptionMethods'),
          extEncryptionMethods: body.u32le('extEncryptionMethods'),
        };
        break;
      case DataBlockType.CS_NET: {
        once(channels, reader, type, at);
        const countAt = body.offset;
        const count = body.u32le('channelCount');
        if (count > MAX_CHANNELS)
          body.fail('too-large', 'channelCount', `${count} channels, at most ${MAX_CHANNELS}`, countAt);
        channels = [];
        for (let i = 0; i < count; i++) {
          channels.push({
            name: readFixedAnsi(body, 8, `channelDefArray[${i}].name`),
            options: body.u32le(`channelDefArray[${i}].options`),
          });
        }
        break;
      }
      case DataBlockType.CS_CLUSTER:
        once(cluster, reader, type, at);
        cluster = { flags: body.u32le('Flags'), redirectedSessionId: body.u32le('RedirectedSessionID') };
        break;
      default:
        other.push({ type, body: body.rest().slice() });
    }
  }
  if (!core) return reader.fail('invalid-field', 'CS_CORE', 'client core data block missing', 0);
  return {
    core,
    ...(security ? { security } : {}),
    ...(channels ? { channels } : {}),
    ...(cluster ? { cluster } : {}),
    other,
  };
}

// ---- server blocks ------------------------------------------------------------------------

function encodeCertificate(certificate: ServerCertificate): Uint8Array {
  const writer = new ByteWriter(1024).u32le(certificate.version);
  if (certificate.kind === 'proprietary') {
    const key = certificate.publicKey;
    const keyBlobLength = 20 + key.modulus.length;
    writer
      .u32le(certificate.signatureAlgorithm)
      .u32le(certificate.keyAlgorithm)
      .u16le(certificate.publicKeyBlobType)
      .u16le(keyBlobLength)
      .u32le(key.magic)
      .u32le(key.modulus.length)
      .u32le(key.bitlen)
      .u32le(key.datalen)
      .u32le(key.exponent)
      .bytes(key.modulus)
      .u16le(certificate.signatureBlobType)
      .u16le(certificate.signature.length)
      .bytes(certificate.signature);
  } else {
    writer.u32le(certificate.certificates.length);
    for (const der of certificate.certificates) writer.u32le(der.length).bytes(der);
    writer.bytes(certificate.padding);
  }
  return writer.finish();
}

/** The spec's padding after an X.509 chain: 8 + 4 * count zero bytes. */
export function x509ChainPadding(count: number): Uint8Array {
  return new Uint8Array(8 + 4 * count);
}

function readCertificate(reader: ByteReader): ServerCertificate {
  const versionAt = reader.offset;
  const version = reader.u32le('dwVersion');
  const chainVersion = version & ~CERT_TEMPORARY;
  if (chainVersion === CERT_CHAIN_VERSION_1) {
    const signatureAlgorithm = reader.u32le('dwSigAlgId');
    const keyAlgorithm = reader.u32le('dwKeyAlgId');
    const publicKeyBlobType = reader.u16le('wPublicKeyBlobType');
    const keyBlob = reader.sub(reader.u16le('wPublicKeyBlobLen'), 'PublicKeyBlob', 'RSA_PUBLIC_KEY');
    const magic = keyBlob.u32le('magic');
    if (magic !== RSA1_MAGIC)
      keyBlob.fail('invalid-field', 'magic', `expected 0x31415352 "RSA1", got 0x${hex8(magic)}`, 0);
    const keylenAt = keyBlob.offset;
    const keylen = keyBlob.u32le('keylen');
    const bitlen = keyBlob.u32le('bitlen');
    const datalen = keyBlob.u32le('datalen');
    const exponent = keyBlob.u32le('pubExp');
    if (keylen !== keyBlob.remaining) {
      keyBlob.fail(
        'invalid-field',
        'keylen',
        `keylen ${keylen} but ${keyBlob.remaining} modulus bytes`,
        keylenAt,
      );
    }
    const modulus = keyBlob.rest().slice();
    const signatureBlobType = reader.u16le('wSignatureBlobType');
    const signature = reader.bytesView(reader.u16le('wSignatureBlobLen'), 'SignatureBlob').slice();
    reader.expectEnd('serverCertificate');
    return {
      kind: 'proprietary',
      version,
      signatureAlgorithm,
      keyAlgorithm,
      publicKeyBlobType,
      publicKey: { magic, bitlen, datalen, exponent, modulus },
      signatureBlobType,
      signature,
    };
  }
  if (chainVersion === CERT_CHAIN_VERSION_2) {
    const countAt = reader.offset;
    const count = reader.u32le('NumCertBlobs');
    if (count > MAX_CERTIFICATES)
      reader.fail('too-large', 'NumCertBlobs', `${count} certificates, at most ${MAX_CERTIFICATES}`, countAt);
    const certificates: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const length = reader.u32le(`CertBlob[${i}].cbCert`);
      certificates.push(reader.bytesView(length, `CertBlob[${i}].abCert`).slice());
    }
    return { kind: 'x509', version, certificates, padding: reader.rest().slice() };
  }
  return reader.fail(
    'unsupported-version',
    'dwVersion',
    `certificate chain version 0x${hex8(version)}`,
    versionAt,
  );
}

export function encodeServerDataBlocks(data: ServerData): Uint8Array {
  const writer = new ByteWriter(512);
  const core = new ByteWriter(12).u32le(data.core.version);
  if (data.core.clientRequestedProtocols !== undefined) {
    core.u32le(data.core.clientRequestedProtocols);
    if (data.core.earlyCapabilityFlags !== undefined) core.u32le(data.core.earlyCapabilityFlags);
  }
  writeBlock(writer, DataBlockType.SC_CORE, core.finish());
  if (data.network) {
    const body = new ByteWriter(8).u16le(data.network.mcsChannelId).u16le(data.network.channelIds.length);
    for (const id of data.network.channelIds) body.u16le(id);
    if (data.network.channelIds.length % 2 === 1) body.u16le(0);
    writeBlock(writer, DataBlockType.SC_NET, body.finish());
  }
  if (data.security) {
    const security = data.security;
    const body = new ByteWriter(256).u32le(security.encryptionMethod).u32le(security.encryptionLevel);
    if (security.serverRandom !== undefined) {
      const certificate = security.certificate ? encodeCertificate(security.certificate) : new Uint8Array(0);
      body
        .u32le(security.serverRandom.length)
        .u32le(certificate.length)
        .bytes(security.serverRandom)
        .bytes(certificate);
    }
    writeBlock(writer, DataBlockType.SC_SECURITY, body.finish());
  }
  for (const block of data.other) writeBlock(writer, block.type, block.body);
  return writer.finish();
}

export function decodeServerDataBlocks(bytes: Uint8Array, base = 0): ServerData {
  const reader = new ByteReader(bytes, 'GCC.ServerData', base);
  let core: ServerCoreData | undefined;
  let security: ServerSecurityData | undefined;
  let network: ServerNetworkData | undefined;
  const other: RawDataBlock[] = [];
  for (const { type, body, at } of readBlocks(reader)) {
    switch (type) {
      case DataBlockType.SC_CORE: {
        once(core, reader, type, at);
        const version = body.u32le('version');
        if (body.remaining < 4) {
          core = { version };
        } else {
          const clientRequestedProtocols = body.u32le('clientRequestedProtocols');
          core =
            body.remaining < 4
              ? { version, clientRequestedProtocols }
              : {
                  version,
                  clientRequestedProtocols,
                  earlyCapabilityFlags: body.u32le('earlyCapabilityFlags'),
                };
        }
        break;
      }
      case DataBlockType.SC_SECURITY: {
        once(security, reader, type, at);
        const encryptionMethod = body.u32le('encryptionMethod');
        const encryptionLevel = body.u32le('encryptionLevel');
        // Without encryption the random and certificate are absent (MS-RDPBCGR 2.2.1.4.3).
        if (body.remaining === 0) {
          security = { encryptionMethod, encryptionLevel };
          break;
        }
        const randomLength = body.u32le('serverRandomLen');
        const certificateLength = body.u32le('serverCertLen');
        const serverRandom = body.bytesView(randomLength, 'serverRandom').slice();
        const certificateReader = body.sub(certificateLength, 'serverCertificate', 'GCC.ServerCertificate');
        const certificate = certificateLength === 0 ? undefined : readCertificate(certificateReader);
        security = certificate
          ? { encryptionMethod, encryptionLevel, serverRandom, certificate }
          : { encryptionMethod, encryptionLevel, serverRandom };
        break;
      }
      case DataBlockType.SC_NET: {
        once(network, reader, type, at);
        const mcsChannelId = body.u16le('MCSChannelId');
        const countAt = body.offset;
        const count = body.u16le('channelCount');
        if (count > MAX_CHANNELS)
          body.fail('too-large', 'channelCount', `${count} channels, at most ${MAX_CHANNELS}`, countAt);
        const channelIds: number[] = [];
        for (let i = 0; i < count; i++) channelIds.push(body.u16le(`channelIdArray[${i}]`));
        // The pad after an odd count is sometimes left out; accept both.
        network = { mcsChannelId, channelIds };
        break;
      }
      default:
        other.push({ type, body: body.rest().slice() });
    }
  }
  if (!core) return reader.fail('invalid-field', 'SC_CORE', 'server core data block missing', 0);
  return {
    core,
    ...(security ? { security } : {}),
    ...(network ? { network } : {}),
    other,
  };
}

// ---- T.124 Conference Create Request / Response (ALIGNED PER) -----------------------------

/**
 *   ConnectData: key = object { 0 0 20 124 0 1 } (00 05 00 14 7c 00 01), connectPDU length
 *   ConnectGCCPDU conferenceCreateRequest:
 *     00        choice 0, no extension
 *     08        optional-field bitmap: userData present
 *     00 10     conferenceName numeric "1" (length-1 = 0, digit 1 in a nibble)
 *     00        terminationMethod automatic, no other options
 *     01        one userData set
 *     c0 00     h221NonStandard key, octet string of 4 (length - 4 = 0)
 *     "Duca"    client-to-server H.221 key
 *     <length>  user data (the client data blocks)
 *   ConnectGCCPDU conferenceCreateResponse:
 *     14        choice 1, no extension, userData present
 *     nodeID    2 bytes, value - 1001
 *     tag       01 <INTEGER 1 byte> (PER unconstrained integer, length-prefixed)
 *     result    00 success (ENUMERATED)
 *     01 c0 00  one set, h221NonStandard, 4-byte key
 *     "McDn"    server-to-client H.221 key
 *     <length>  user data (the server data blocks)
 */
export const T124_OBJECT_ID = Uint8Array.of(0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01);
export const H221_CLIENT_KEY = 'Duca';
export const H221_SERVER_KEY = 'McDn';
const CREATE_REQUEST_HEADER = Uint8Array.of(0x00, 0x08, 0x00, 0x10, 0x00, 0x01, 0xc0, 0x00);
const NODE_ID_BASE = 1001;

export interface ConferenceCreateResponse {
  readonly nodeId: number;
  readonly tag: number;
  /** ConferenceCreateResponse result: 0 success. */
  readonly result: number;
  readonly serverData: ServerData;
}

/** PER length determinant (X.691 10.9): 1 byte below 128, else 2 bytes with bit 15 set. */
export function writePerLength(writer: ByteWriter, length: number): void {
  if (length < 0x80) writer.u8(length);
  else if (length < 0x4000) writer.u16be(0x8000 | length);
  else throw new RangeError(`PER length ${length} needs fragmentation`);
}

export function readPerLength(reader: ByteReader, field: string): number {
  const at = reader.offset;
  const first = reader.u8(field);
  if ((first & 0x80) === 0) return first;
  if ((first & 0x40) !== 0) reader.fail('unsupported-version', field, 'fragmented PER length', at);
  return ((first & 0x3f) << 8) | reader.u8(field);
}

function expectBytes(reader: ByteReader, expected: Uint8Array, field: string): void {
  const at = reader.offset;
  const actual = reader.bytesView(expected.length, field);
  if (!actual.every((byte, i) => byte === expected[i])) {
    reader.fail('invalid-field', field, `expected ${hexBytes(expected)}, got ${hexBytes(actual)}`, at);
  }
}

function wrapConnectData(connectPdu: Uint8Array): Uint8Array {
  const writer = new ByteWriter(connectPdu.length + 16).bytes(T124_OBJECT_ID);
  writePerLength(writer, connectPdu.length);
  return writer.bytes(connectPdu).finish();
}

/**
 * Reads the ConnectData wrapper and returns a reader over the connectPDU. Windows servers send a
 * connectPDU length that does not cover the user data (0x2a in MS-RDPBCGR 4.1.4 for a PDU of
 * 0x112 bytes), so the length is read and ignored: the MCS userData OCTET STRING around this
 * already bounds the PDU, and the user data inside carries its own length.
 */
function readConnectData(reader: ByteReader): ByteReader {
  expectBytes(reader, T124_OBJECT_ID, 't124Identifier');
  readPerLength(reader, 'connectPDU.length');
  return reader.sub(reader.remaining, 'connectPDU');
}

export function encodeConferenceCreateRequest(data: ClientData): Uint8Array {
  const blocks = encodeClientDataBlocks(data);
  const pdu = new ByteWriter(blocks.length + 16)
    .bytes(CREATE_REQUEST_HEADER)
    .bytes(Buffer.from(H221_CLIENT_KEY, 'latin1'));
  writePerLength(pdu, blocks.length);
  return wrapConnectData(pdu.bytes(blocks).finish());
}

export function decodeConferenceCreateRequest(bytes: Uint8Array, base = 0): ClientData {
  const reader = new ByteReader(bytes, 'GCC.ConferenceCreateRequest', base);
  const pdu = readConnectData(reader);
  expectBytes(pdu, CREATE_REQUEST_HEADER, 'conferenceCreateRequest');
  expectBytes(pdu, Buffer.from(H221_CLIENT_KEY, 'latin1'), 'h221NonStandard');
  const length = readPerLength(pdu, 'userData.length');
  const blocks = pdu.sub(length, 'userData');
  pdu.expectEnd();
  const blocksOffset = blocks.absoluteOffset;
  return decodeClientDataBlocks(blocks.rest(), blocksOffset);
}

export function encodeConferenceCreateResponse(response: ConferenceCreateResponse): Uint8Array {
  const blocks = encodeServerDataBlocks(response.serverData);
  const pdu = new ByteWriter(blocks.length + 16).u8(0x14).u16be(response.nodeId - NODE_ID_BASE);
  // The tag is a PER unconstrained INTEGER: length byte, then minimal big-endian octets.
  const tagOctets: number[] = [];
  let rest = response.tag;
  do {
    tagOctets.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  pdu.u8(tagOctets.length);
  for (const octet of tagOctets) pdu.u8(octet);
  pdu.u8(response.result).u8(0x01).u8(0xc0).u8(0x00).bytes(Buffer.from(H221_SERVER_KEY, 'latin1'));
  writePerLength(pdu, blocks.length);
  return wrapConnectData(pdu.bytes(blocks).finish());
}

export function decodeConferenceCreateResponse(bytes: Uint8Array, base = 0): ConferenceCreateResponse {
  const reader = new ByteReader(bytes, 'GCC.ConferenceCreateResponse', base);
  const pdu = readConnectData(reader);
  const choiceAt = pdu.offset;
  const choice = pdu.u8('choice');
  if (choice !== 0x14)
    pdu.fail(
      'unexpected-type',
      'choice',
      `expected 0x14 conferenceCreateResponse, got 0x${choice.toString(16)}`,
      choiceAt,
    );
  const nodeId = pdu.u16be('nodeID') + NODE_ID_BASE;
  const tagLengthAt = pdu.offset;
  const tagLength = pdu.u8('tag.length');
  if (tagLength < 1 || tagLength > 4)
    pdu.fail('invalid-field', 'tag.length', `tag of ${tagLength} octets`, tagLengthAt);
  let tag = 0;
  for (let i = 0; i < tagLength; i++) tag = tag * 256 + pdu.u8('tag');
  const result = pdu.u8('result');
  expectBytes(pdu, Uint8Array.of(0x01, 0xc0, 0x00), 'userData.set');
  expectBytes(pdu, Buffer.from(H221_SERVER_KEY, 'latin1'), 'h221NonStandard');
  const length = readPerLength(pdu, 'userData.length');
  const blocks = pdu.sub(length, 'userData');
  pdu.expectEnd();
  const blocksOffset = blocks.absoluteOffset;
  return { nodeId, tag, result, serverData: decodeServerDataBlocks(blocks.rest(), blocksOffset) };
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

function hexBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

// ---- the server certificate on its own (also carried by the licensing License Request) -----

/**
 * SERVER_CERTIFICATE (2.2.1.4.3.1) outside TS_UD_SC_SEC1: the licensing License Request
 * (MS-RDPELE 2.2.2.1) carries the same structure in its BB_CERTIFICATE_BLOB.
 */
export function encodeServerCertificate(certificate: ServerCertificate): Uint8Array {
  return encodeCertificate(certificate);
}

export function decodeServerCertificate(bytes: Uint8Array, base = 0): ServerCertificate {
  return readCertificate(new ByteReader(bytes, 'GCC.ServerCertificate', base));
}
