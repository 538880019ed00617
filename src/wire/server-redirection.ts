import { ByteReader } from './reader.js';
import { SecurityFlag } from './security-header.js';
import { ByteWriter } from './writer.js';

/**
 * The Server Redirection Packet a connection broker sends instead of Demand Active
 * (MS-RDPBCGR 2.2.13.1 RDP_SERVER_REDIRECTION_PACKET), little-endian:
 *
 *   +----------+-----------+--------------+---------------+
 *   | Flags u16| Length u16| SessionID u32| RedirFlags u32|   Flags MUST be SEC_REDIRECTION_PKT;
 *   +----------+-----------+--------------+---------------+   Length counts the whole packet
 *   then, each present when its RedirFlags bit is set and each a u32 length then that many bytes:
 *   TargetNetAddress, LoadBalanceInfo, UserName, Domain, Password, TargetFQDN, TargetNetBiosName,
 *   TsvUrl, RedirectionGuid, TargetCertificate, TargetNetAddresses; then an optional 8-byte Pad.
 *
 * Names and addresses are UTF-16LE with a NUL terminator that the length counts. The Password
 * field is an opaque logon cookie: it is never decoded, only its length kept.
 *
 * In the Enhanced Security form (2.2.13.3.1, slow path under TLS/CredSSP) the packet follows the
 * Share Control Header (pduType PDUTYPE_SERVER_REDIR_PKT) after pad2Octets, with an optional
 * pad1Octet after it.
 */

/** RedirFlags (MS-RDPBCGR 2.2.13.1). */
export const RedirectionFlag = {
  LB_TARGET_NET_ADDRESS: 0x00000001,
  LB_LOAD_BALANCE_INFO: 0x00000002,
  LB_USERNAME: 0x00000004,
  LB_DOMAIN: 0x00000008,
  LB_PASSWORD: 0x00000010,
  LB_DONTSTOREUSERNAME: 0x00000020,
  LB_SMARTCARD_LOGON: 0x00000040,
  LB_NOREDIRECT: 0x00000080,
  LB_TARGET_FQDN: 0x00000100,
  LB_TARGET_NETBIOS_NAME: 0x00000200,
  LB_TARGET_NET_ADDRESSES: 0x00000800,
  LB_CLIENT_TSV_URL: 0x00001000,
  LB_SERVER_TSV_CAPABLE: 0x00002000,
  LB_PASSWORD_IS_PK_ENCRYPTED: 0x00004000,
  LB_REDIRECTION_GUID: 0x00008000,
  LB_TARGET_CERTIFICATE: 0x00010000,
} as const;

/** Flags, Length, SessionID, RedirFlags. */
const FIXED_PART_SIZE = 12;
/** pad2Octets of the Enhanced Security Server Redirection PDU (2.2.13.3.1). */
const ENHANCED_PAD_SIZE = 2;

export interface ServerRedirectionPacket {
  readonly sessionId: number;
  /**
   * The RedirFlags as sent. The encoder writes the optional fields present below and sets their
   * bits itself; the other bits (LB_NOREDIRECT, LB_SMARTCARD_LOGON, ...) are taken from here.
   */
  readonly redirFlags: number;
  readonly targetNetAddress?: string;
  /** Opaque to the client (a routing token or "Cookie: msts=..."), kept as bytes. */
  readonly loadBalanceInfo?: Uint8Array;
  readonly userName?: string;
  readonly domain?: string;
  /** Length of the opaque password cookie; its bytes are never kept (the encoder writes zeros). */
  readonly passwordLength?: number;
  readonly targetFqdn?: string;
  readonly targetNetBiosName?: string;
  readonly tsvUrl?: Uint8Array;
  readonly redirectionGuid?: Uint8Array;
  readonly targetCertificate?: Uint8Array;
  readonly targetNetAddresses?: readonly string[];
}

/** Which RedirFlags bit each optional field has, in wire order. */
const FIELD_BITS = {
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
} as const;
const OPTIONAL_FIELD_BITS = Object.values(FIELD_BITS).reduce((all, bit) => all | bit, 0);

function utf16WithTerminator(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(`${text}\0`, 'utf16le'));
}

/** A UTF-16LE string whose length counts the terminator; text after the first NUL is ignored. */
function readUtf16(reader: ByteReader, field: string): string {
  const length = reader.u32le(`${field}Length`);
  const at = reader.offset;
  const bytes = reader.bytesView(length, field);
  if (length % 2 !== 0) reader.fail('invalid-field', field, `odd UTF-16 length ${length}`, at);
  let end = 0;
  while (end < bytes.length && (bytes[end] !== 0 || bytes[end + 1] !== 0)) end += 2;
  return Buffer.from(bytes.subarray(0, end)).toString('utf16le');
}

function readBlob(reader: ByteReader, field: string): Uint8Array {
  return Uint8Array.from(reader.bytesView(reader.u32le(`${field}Length`), field));
}

/** TARGET_NET_ADDRESSES (2.2.13.1.1): addressCount u32, then TARGET_NET_ADDRESS (u32 length + UTF-16LE) each. */
function readTargetNetAddresses(reader: ByteReader): string[] {
  const length = reader.u32le('TargetNetAddressesLength');
  const inner = reader.sub(length, 'TargetNetAddresses', 'TARGET_NET_ADDRESSES');
  const count = inner.u32le('addressCount');
  // Each address takes at least its 4-byte length: a larger count cannot fit.
  if (count > inner.remaining / 4)
    inner.fail('invalid-field', 'addressCount', `${count} addresses in ${inner.remaining} bytes`, 0);
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) addresses.push(readUtf16(inner, 'address'));
  inner.expectEnd();
  return addresses;
}

/** Decodes an RDP_SERVER_REDIRECTION_PACKET; bytes after its Length (padding) are ignored. */
export function decodeServerRedirectionPacket(bytes: Uint8Array, base = 0): ServerRedirectionPacket {
  const outer = new ByteReader(bytes, 'RDP_SERVER_REDIRECTION_PACKET', base);
  const flags = outer.u16le('Flags');
  if (flags !== SecurityFlag.SEC_REDIRECTION_PKT)
    outer.fail(
      'invalid-field',
      'Flags',
      `0x${flags.toString(16).padStart(4, '0')}, not SEC_REDIRECTION_PKT`,
      0,
    );
  const length = outer.u16le('Length');
  if (length < FIXED_PART_SIZE)
    outer.fail('invalid-field', 'Length', `${length} is shorter than the fixed part`, 2);
  const reader = outer.sub(length - 4, 'Length');
  const sessionId = reader.u32le('SessionID');
  const redirFlags = reader.u32le('RedirFlags');
  const has = (bit: number): boolean => (redirFlags & bit) !== 0;
  let packet: ServerRedirectionPacket = { sessionId, redirFlags };
  if (has(FIELD_BITS.targetNetAddress))
    packet = { ...packet, targetNetAddress: readUtf16(reader, 'TargetNetAddress') };
  if (has(FIELD_BITS.loadBalanceInfo))
    packet = { ...packet, loadBalanceInfo: readBlob(reader, 'LoadBalanceInfo') };
  if (has(FIELD_BITS.userName)) packet = { ...packet, userName: readUtf16(reader, 'UserName') };
  if (has(FIELD_BITS.domain)) packet = { ...packet, domain: readUtf16(reader, 'Domain') };
  if (has(FIELD_BITS.passwordLength)) {
    // Skipped unread: the cookie is a credential for the target server.
    const passwordLength = reader.u32le('PasswordLength');
    reader.skip(passwordLength, 'Password');
    packet = { ...packet, passwordLength };
  }
  if (has(FIELD_BITS.targetFqdn)) packet = { ...packet, targetFqdn: readUtf16(reader, 'TargetFQDN') };
  if (has(FIELD_BITS.targetNetBiosName))
    packet = { ...packet, targetNetBiosName: readUtf16(reader, 'TargetNetBiosName') };
  if (has(FIELD_BITS.tsvUrl)) packet = { ...packet, tsvUrl: readBlob(reader, 'TsvUrl') };
  if (has(FIELD_BITS.redirectionGuid))
    packet = { ...packet, redirectionGuid: readBlob(reader, 'RedirectionGuid') };
  if (has(FIELD_BITS.targetCertificate))
    packet = { ...packet, targetCertificate: readBlob(reader, 'TargetCertificate') };
  if (has(FIELD_BITS.targetNetAddresses))
    packet = { ...packet, targetNetAddresses: readTargetNetAddresses(reader) };
  return packet;
}

/** Encodes an RDP_SERVER_REDIRECTION_PACKET (no Pad); a zero-filled cookie of passwordLength bytes. */
export function encodeServerRedirectionPacket(packet: ServerRedirectionPacket): Uint8Array {
  const body = new ByteWriter(64);
  let redirFlags = packet.redirFlags & ~OPTIONAL_FIELD_BITS;
  const field = (bit: number, bytes: Uint8Array): void => {
    redirFlags |= bit;
    body.u32le(bytes.length).bytes(bytes);
  };
  const text = (bit: number, value: string | undefined): void => {
    if (value !== undefined) field(bit, utf16WithTerminator(value));
  };
  const blob = (bit: number, value: Uint8Array | undefined): void => {
    if (value !== undefined) field(bit, value);
  };
  text(FIELD_BITS.targetNetAddress, packet.targetNetAddress);
  blob(FIELD_BITS.loadBalanceInfo, packet.loadBalanceInfo);
  text(FIELD_BITS.userName, packet.userName);
  text(FIELD_BITS.domain, packet.domain);
  if (packet.passwordLength !== undefined)
    field(FIELD_BITS.passwordLength, new Uint8Array(packet.passwordLength));
  text(FIELD_BITS.targetFqdn, packet.targetFqdn);
  text(FIELD_BITS.targetNetBiosName, packet.targetNetBiosName);
  blob(FIELD_BITS.tsvUrl, packet.tsvUrl);
  blob(FIELD_BITS.redirectionGuid, packet.redirectionGuid);
  blob(FIELD_BITS.targetCertificate, packet.targetCertificate);
  if (packet.targetNetAddresses !== undefined) {
    const addresses = new ByteWriter(64).u32le(packet.targetNetAddresses.length);
    for (const address of packet.targetNetAddresses) {
      const bytes = utf16WithTerminator(address);
      addresses.u32le(bytes.length).bytes(bytes);
    }
    field(FIELD_BITS.targetNetAddresses, addresses.finish());
  }
  const optional = body.finish();
  const length = FIXED_PART_SIZE + optional.length;
  if (length > 0xffff) throw new RangeError(`Server Redirection Packet too long: ${length} bytes`);
  return new ByteWriter(length)
    .u16le(SecurityFlag.SEC_REDIRECTION_PKT)
    .u16le(length)
    .u32le(packet.sessionId)
    .u32le(redirFlags >>> 0)
    .bytes(optional)
    .finish();
}

/**
 * The body of an Enhanced Security Server Redirection PDU (2.2.13.3.1) after its Share Control
 * Header, as share-control.ts keeps it raw: pad2Octets, the packet, an optional pad1Octet.
 */
export function decodeEnhancedSecurityRedirection(raw: Uint8Array, base = 0): ServerRedirectionPacket {
  const reader = new ByteReader(raw, 'TS_ENHANCED_SECURITY_SERVER_REDIRECTION', base);
  reader.skip(ENHANCED_PAD_SIZE, 'pad2Octets');
  return decodeServerRedirectionPacket(reader.rest(), base + ENHANCED_PAD_SIZE);
}

/** The raw body of the 'server-redirection' SlowPathPdu: pad2Octets and the packet (no pad1Octet). */
export function encodeEnhancedSecurityRedirection(packet: ServerRedirectionPacket): Uint8Array {
  const bytes = encodeServerRedirectionPacket(packet);
  return new ByteWriter(ENHANCED_PAD_SIZE + bytes.length).u16le(0).bytes(bytes).finish();
}
