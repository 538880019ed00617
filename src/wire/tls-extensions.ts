import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * Hello extensions (RFC 5246 7.4.1.4, RFC 8446 4.2): a u16-length list of (type u16, length u16,
 * data). Extensions are kept raw and in order so a hello round-trips byte for byte; typed helpers
 * below build and read the ones the probe uses.
 */
export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  heartbeat: 15,
  application_layer_protocol_negotiation: 16,
  signed_certificate_timestamp: 18,
  padding: 21,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  signature_algorithms_cert: 50,
  key_share: 51,
  renegotiation_info: 0xff01,
} as const;

export interface TlsExtension {
  readonly type: number;
  readonly data: Uint8Array;
}

/** Most extensions a hello may carry; a real one has a few dozen at most. */
const MAX_EXTENSIONS = 512;

export function encodeExtensions(writer: ByteWriter, extensions: readonly TlsExtension[]): void {
  const start = writer.length;
  writer.u16be(0);
  for (const extension of extensions)
    writer.u16be(extension.type).u16be(extension.data.length).bytes(extension.data);
  writer.patchU16be(start, writer.length - start - 2);
}

/** Reads the extensions block that ends a hello; `reader` must be positioned at its length. */
export function decodeExtensions(reader: ByteReader): TlsExtension[] {
  const length = reader.u16be('extensionsLength');
  const list = reader.sub(length, 'extensions');
  const extensions: TlsExtension[] = [];
  while (list.remaining > 0) {
    if (extensions.length >= MAX_EXTENSIONS)
      list.fail('too-large', 'extensions', `more than ${MAX_EXTENSIONS}`);
    const type = list.u16be('extensionType');
    const dataLength = list.u16be('extensionLength');
    extensions.push({ type, data: list.bytesView(dataLength, 'extensionData') });
  }
  return extensions;
}

export function findExtension(
  extensions: readonly TlsExtension[] | undefined,
  type: number,
): TlsExtension | undefined {
  return extensions?.find((extension) => extension.type === type);
}

// --- builders ------------------------------------------------------------------------------

/** RFC 6066 3: server_name_list u16 { name_type u8 = host_name(0), HostName u16<1..> }. */
export function serverNameExtension(hostName: string): TlsExtension {
  const name = new TextEncoder().encode(hostName);
  const writer = new ByteWriter();
  writer
    .u16be(name.length + 3)
    .u8(0)
    .u16be(name.length)
    .bytes(name);
  return { type: ExtensionType.server_name, data: writer.finish() };
}

/** A u16-length list of u16 values (supported_groups, signature_algorithms). */
export function u16ListExtension(type: number, values: readonly number[]): TlsExtension {
  const writer = new ByteWriter();
  writer.u16be(values.length * 2);
  for (const value of values) writer.u16be(value);
  return { type, data: writer.finish() };
}

/** RFC 8446 4.2.1 (ClientHello form): versions u8-length list of u16. */
export function supportedVersionsExtension(versions: readonly number[]): TlsExtension {
  const writer = new ByteWriter();
  writer.u8(versions.length * 2);
  for (const version of versions) writer.u16be(version);
  return { type: ExtensionType.supported_versions, data: writer.finish() };
}

/** RFC 8422 5.1.2: ec_point_formats u8-length list; 0 = uncompressed. */
export function ecPointFormatsExtension(formats: readonly number[] = [0]): TlsExtension {
  return { type: ExtensionType.ec_point_formats, data: Uint8Array.from([formats.length, ...formats]) };
}

/** RFC 7301 3.1: protocol_name_list u16 { ProtocolName u8<1..> }. */
export function alpnExtension(protocols: readonly string[]): TlsExtension {
  const names = protocols.map((protocol) => new TextEncoder().encode(protocol));
  const writer = new ByteWriter();
  writer.u16be(names.reduce((sum, name) => sum + 1 + name.length, 0));
  for (const name of names) writer.u8(name.length).bytes(name);
  return { type: ExtensionType.application_layer_protocol_negotiation, data: writer.finish() };
}

export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Uint8Array;
}

/** RFC 8446 4.2.8 (ClientHello form): client_shares u16 { group u16, key_exchange u16<1..> }. */
export function keyShareExtension(entries: readonly KeyShareEntry[]): TlsExtension {
  const writer = new ByteWriter();
  writer.u16be(entries.reduce((sum, entry) => sum + 4 + entry.keyExchange.length, 0));
  for (const entry of entries)
    writer.u16be(entry.group).u16be(entry.keyExchange.length).bytes(entry.keyExchange);
  return { type: ExtensionType.key_share, data: writer.finish() };
}

// --- readers -------------------------------------------------------------------------------

export function readServerName(extension: TlsExtension, base = 0): string | undefined {
  const reader = new ByteReader(extension.data, 'ServerNameExtension', base);
  const list = reader.sub(reader.u16be('serverNameListLength'), 'serverNameList');
  reader.expectEnd();
  while (list.remaining > 0) {
    const nameType = list.u8('nameType');
    const name = list.bytesView(list.u16be('nameLength'), 'hostName');
    if (nameType === 0) return new TextDecoder().decode(name);
  }
  return undefined;
}

export function readU16List(extension: TlsExtension, structure: string, base = 0): number[] {
  const reader = new ByteReader(extension.data, structure, base);
  const length = reader.u16be('listLength');
  if (length % 2 !== 0) reader.fail('invalid-field', 'listLength', `${length} is odd`, 0);
  const list = reader.sub(length, 'list');
  reader.expectEnd();
  const values: number[] = [];
  while (list.remaining > 0) values.push(list.u16be('value'));
  return values;
}

/** ClientHello form: u8-length list of versions. */
export function readSupportedVersionsList(extension: TlsExtension, base = 0): number[] {
  const reader = new ByteReader(extension.data, 'SupportedVersionsExtension', base);
  const length = reader.u8('versionsLength');
  if (length % 2 !== 0) reader.fail('invalid-field', 'versionsLength', `${length} is odd`, 0);
  const list = reader.sub(length, 'versions');
  reader.expectEnd();
  const versions: number[] = [];
  while (list.remaining > 0) versions.push(list.u16be('version'));
  return versions;
}

export function readAlpnList(extension: TlsExtension, base = 0): string[] {
  const reader = new ByteReader(extension.data, 'AlpnExtension', base);
  const list = reader.sub(reader.u16be('protocolNameListLength'), 'protocolNameList');
  reader.expectEnd();
  const protocols: string[] = [];
  while (list.remaining > 0)
    protocols.push(new TextDecoder().decode(list.bytesView(list.u8('nameLength'), 'name')));
  return protocols;
}

export function readKeyShareList(extension: TlsExtension, base = 0): KeyShareEntry[] {
  const reader = new ByteReader(extension.data, 'KeyShareExtension', base);
  const list = reader.sub(reader.u16be('clientSharesLength'), 'clientShares');
  reader.expectEnd();
  const entries: KeyShareEntry[] = [];
  while (list.remaining > 0) {
    const group = list.u16be('group');
    entries.push({ group, keyExchange: list.bytesView(list.u16be('keyExchangeLength'), 'keyExchange') });
  }
  return entries;
}
