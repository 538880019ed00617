import { DecodeError } from '../wire/errors.js';
import { ByteReader } from '../wire/reader.js';

/**
 * A bounded reader for packet captures: classic pcap (libpcap, both byte orders, microsecond and
 * nanosecond timestamps) and pcapng (SHB / IDB / EPB / SPB / obsolete PB, both byte orders), with
 * the link layers RDP captures come in (Ethernet with 802.1Q / 802.1ad tags, BSD NULL and LOOP,
 * raw IP, Linux cooked SLL and SLL2), IPv4 / IPv6, TCP and UDP. Pure: bytes in, packets out.
 *
 * The container is strict: a bad magic or a block that lies about its length is a DecodeError.
 * A record cut short at the end of the file (tcpdump killed mid-write) keeps the packets before it
 * and reports the cut as `truncated`. A single frame whose headers are odd is kept with an `issue`,
 * because one strange frame is evidence, not a reason to drop the capture.
 *
 * References: draft-ietf-opsawg-pcap (classic pcap), draft-ietf-opsawg-pcapng (pcapng),
 * tcpdump.org LINKTYPE list, RFC 791 (IPv4), RFC 8200 (IPv6), RFC 9293 (TCP), RFC 768 (UDP).
 */

export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW_BSD: 12,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export type CaptureFormat = 'pcap' | 'pcapng';

export interface CaptureLimits {
  /** Packets kept at most; the rest are counted in `droppedPackets`. */
  readonly maxPackets: number;
  /** Largest captured length accepted for one packet (pcap's own maximum is 256 KiB). */
  readonly maxPacketBytes: number;
  /** Largest pcapng block accepted. */
  readonly maxBlockBytes: number;
}

export const DEFAULT_CAPTURE_LIMITS: CaptureLimits = {
  maxPackets: 1_000_000,
  maxPacketBytes: 256 * 1024,
  maxBlockBytes: 16 * 1024 * 1024,
};

export interface TcpHeader {
  readonly protocol: 'tcp';
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly sequence: number;
  readonly acknowledgment: number;
  /** The 9 flag bits (NS CWR ECE URG ACK PSH RST SYN FIN). */
  readonly flags: number;
  readonly window: number;
  readonly payload: Uint8Array;
}

export interface UdpHeader {
  readonly protocol: 'udp';
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly payload: Uint8Array;
}

export const TcpFlag = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  NS: 0x100,
} as const;

export interface IpHeader {
  readonly version: 4 | 6;
  readonly source: string;
  readonly destination: string;
  /** IPv4 protocol / IPv6 next header after extension headers. */
  readonly protocol: number;
  /** True for a non-first fragment or a first fragment with more to come: the transport is not decoded. */
  readonly fragment: boolean;
}

export interface CapturedPacket {
  /** 1-based, as Wireshark numbers frames. */
  readonly frame: number;
  readonly seconds: number;
  readonly nanoseconds: number;
  readonly linkType: number;
  readonly capturedLength: number;
  readonly originalLength: number;
  readonly data: Uint8Array;
  readonly vlanIds?: readonly number[];
  readonly ip?: IpHeader;
  readonly transport?: TcpHeader | UdpHeader;
  /** Set when the payload was cut by the snap length: the transport payload is shorter than sent. */
  readonly payloadTruncated?: boolean;
  /** Why a layer could not be decoded (non-IP frame, bad header). */
  readonly issue?: ReturnType<DecodeError['toJSON']>;
}

export interface Capture {
  readonly format: CaptureFormat;
  readonly packets: CapturedPacket[];
  /** Packets past `maxPackets`, not kept. */
  readonly droppedPackets: number;
  /** The record or block cut short at the end of the file, if any. */
  readonly truncated?: DecodeError;
}

const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
const PCAP_MAGIC_NANOS = 0xa1b23c4d;
const PCAP_MAGIC_MICROS_SWAPPED = 0xd4c3b2a1;
const PCAP_MAGIC_NANOS_SWAPPED = 0x4d3cb2a1;
const PCAPNG_SHB_TYPE = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const PCAP_FILE_HEADER_SIZE = 24;
const PCAP_RECORD_HEADER_SIZE = 16;

/** Reads a whole capture, sniffing the format by its magic number (a pcapng file may be named .pcap). */
export function readCapture(bytes: Uint8Array, limits: Partial<CaptureLimits> = {}): Capture {
  const bounds = { ...DEFAULT_CAPTURE_LIMITS, ...limits };
  if (bytes.length < 4) {
    throw new DecodeError({
      structure: 'Capture',
      kind: 'not-enough-bytes',
      field: 'magic',
      offset: 0,
      detail: `need 4 byte(s), ${bytes.length} left`,
    });
  }
  const magic = new ByteReader(bytes, 'Capture').u32be('magic');
  if (magic === PCAPNG_SHB_TYPE) return readPcapng(bytes, bounds);
  if (
    magic === PCAP_MAGIC_MICROS ||
    magic === PCAP_MAGIC_NANOS ||
    magic === PCAP_MAGIC_MICROS_SWAPPED ||
    magic === PCAP_MAGIC_NANOS_SWAPPED
  ) {
    return readClassicPcap(bytes, bounds);
  }
  throw new DecodeError({
    structure: 'Capture',
    kind: 'unexpected-type',
    field: 'magic',
    offset: 0,
    detail: `0x${magic.toString(16).padStart(8, '0')} is neither pcap nor pcapng`,
  });
}

/** Byte-order aware reads over the shared bounded reader. */
class OrderedReader {
  constructor(
    readonly reader: ByteReader,
    readonly littleEndian: boolean,
  ) {}
  u16(field: string): number {
    return this.littleEndian ? this.reader.u16le(field) : this.reader.u16be(field);
  }
  u32(field: string): number {
    return this.littleEndian ? this.reader.u32le(field) : this.reader.u32be(field);
  }
}

class PacketSink {
  readonly packets: CapturedPacket[] = [];
  dropped = 0;
  private frame = 0;
  constructor(private readonly limits: CaptureLimits) {}

  add(fields: Omit<CapturedPacket, 'frame' | 'ip' | 'transport' | 'vlanIds' | 'issue'>): void {
    this.frame++;
    if (this.packets.length >= this.limits.maxPackets) {
      this.dropped++;
      return;
    }
    this.packets.push({ frame: this.frame, ...fields, ...decodeLinkLayer(fields.linkType, fields.data) });
  }
}

/**
 * Classic pcap: a 24-byte file header then records.
 *
 *   file header: magic u32 | version_major u16 | version_minor u16 | thiszone i32 | sigfigs u32
 *                | snaplen u32 | linktype u32
 *   record:      ts_sec u32 | ts_frac u32 (µs or ns) | incl_len u32 | orig_len u32 | data
 */
function readClassicPcap(bytes: Uint8Array, limits: CaptureLimits): Capture {
  const raw = new ByteReader(bytes, 'PcapFileHeader');
  const magicLe = raw.u32le('magic');
  const littleEndian = magicLe === PCAP_MAGIC_MICROS || magicLe === PCAP_MAGIC_NANOS;
  const nanos = magicLe === PCAP_MAGIC_NANOS || magicLe === PCAP_MAGIC_NANOS_SWAPPED;
  const header = new OrderedReader(raw, littleEndian);
  const versionMajor = header.u16('versionMajor');
  header.u16('versionMinor');
  if (versionMajor !== 2) raw.fail('unsupported-version', 'versionMajor', `${versionMajor}`, 4);
  header.u32('thiszone');
  header.u32('sigfigs');
  header.u32('snaplen');
  // The upper bits of the link type field carry FCS information (pcap spec, LinkType and
  // additional information); the link type itself is the low 16 bits.
  const linkType = header.u32('linktype') & 0xffff;

  const sink = new PacketSink(limits);
  let offset = PCAP_FILE_HEADER_SIZE;
  let truncated: DecodeError | undefined;
  while (offset < bytes.length) {
    try {
      const record = new OrderedReader(
        new ByteReader(bytes.subarray(offset), 'PcapRecord', offset),
        littleEndian,
      );
      const seconds = record.u32('tsSeconds');
      const fraction = record.u32('tsFraction');
      const capturedLength = record.u32('capturedLength');
      const originalLength = record.u32('originalLength');
      if (capturedLength > limits.maxPacketBytes) {
        record.reader.fail('too-large', 'capturedLength', `${capturedLength} > ${limits.maxPacketBytes}`, 8);
      }
      if (fraction >= (nanos ? 1_000_000_000 : 1_000_000)) {
        record.reader.fail('invalid-field', 'tsFraction', `${fraction} is not below one second`, 4);
      }
      const data = record.reader.bytesView(capturedLength, 'data');
      sink.add({
        seconds,
        nanoseconds: nanos ? fraction : fraction * 1000,
        linkType,
        capturedLength,
        originalLength,
        data,
      });
      offset += PCAP_RECORD_HEADER_SIZE + capturedLength;
    } catch (error) {
      if (error instanceof DecodeError && error.kind === 'not-enough-bytes') {
        truncated = error;
        break;
      }
      throw error;
    }
  }
  return {
    format: 'pcap',
    packets: sink.packets,
    droppedPackets: sink.dropped,
    ...(truncated ? { truncated } : {}),
  };
}

interface PcapngInterface {
  readonly linkType: number;
  readonly snapLength: number;
  /** Timestamp units per second as (base, exponent): 10^6 by default. */
  readonly unitsPerSecond: bigint;
}

const PcapngBlock = {
  INTERFACE_DESCRIPTION: 0x00000001,
  PACKET_OBSOLETE: 0x00000002,
  SIMPLE_PACKET: 0x00000003,
  ENHANCED_PACKET: 0x00000006,
} as const;
const PCAPNG_OPTION_END = 0;
const PCAPNG_OPTION_IF_TSRESOL = 9;
const PCAPNG_BLOCK_MIN = 12;

/**
 * pcapng: a sequence of blocks, each framed the same way.
 *
 *   block:  type u32 | total_length u32 | body (padded to 4) | total_length u32
 *   SHB:    type 0x0A0D0D0A | length | byte_order_magic 0x1A2B3C4D | major u16 | minor u16
 *           | section_length i64 | options
 *   IDB:    linktype u16 | reserved u16 | snaplen u32 | options (if_tsresol = code 9)
 *   EPB:    interface_id u32 | ts_high u32 | ts_low u32 | captured u32 | original u32 | data | options
 *   SPB:    original u32 | data (captured = min(original, snaplen, what the block holds))
 *
 * Each section header may switch the byte order and resets the interface list.
 */
function readPcapng(bytes: Uint8Array, limits: CaptureLimits): Capture {
  const sink = new PacketSink(limits);
  let interfaces: PcapngInterface[] = [];
  let littleEndian = true;
  let offset = 0;
  let truncated: DecodeError | undefined;

  while (offset < bytes.length) {
    const outer = new ByteReader(bytes.subarray(offset), 'PcapngBlock', offset);
    // A block whose header or body runs past the end of the file is a cut-off capture, not a lie.
    if (outer.remaining < 8 && offset > 0) {
      truncated = cutShort(offset, 'blockHeader', 8, outer.remaining);
      break;
    }
    const typeBytes = outer.bytesView(4, 'blockType');
    const isSectionHeader =
      typeBytes[0] === 0x0a && typeBytes[1] === 0x0d && typeBytes[2] === 0x0d && typeBytes[3] === 0x0a;
    if (!isSectionHeader && offset === 0) {
      outer.fail('unexpected-type', 'blockType', 'a pcapng file starts with a section header', 0);
    }
    if (isSectionHeader) {
      const lengthBytes = outer.bytesView(4, 'blockTotalLength');
      const magicLe = outer.u32le('byteOrderMagic');
      if (magicLe === PCAPNG_BYTE_ORDER_MAGIC) littleEndian = true;
      else if (magicLe === 0x4d3c2b1a) littleEndian = false;
      else outer.fail('invalid-field', 'byteOrderMagic', `0x${magicLe.toString(16)}`, 8);
      interfaces = [];
      const view = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 4);
      const totalLength = view.getUint32(0, littleEndian);
      checkBlockLength(outer, totalLength, limits);
      const major = new OrderedReader(outer, littleEndian).u16('versionMajor');
      if (major !== 1) outer.fail('unsupported-version', 'versionMajor', `${major}`, 12);
      if (offset + totalLength > bytes.length && offset > 0) {
        truncated = cutShort(offset, 'blockBody', totalLength, bytes.length - offset);
        break;
      }
      offset += readBlockEnd(bytes, offset, totalLength, littleEndian);
      continue;
    }
    const reader = new OrderedReader(
      new ByteReader(bytes.subarray(offset), 'PcapngBlock', offset),
      littleEndian,
    );
    const blockType = reader.u32('blockType');
    const totalLength = reader.u32('blockTotalLength');
    checkBlockLength(reader.reader, totalLength, limits);
    if (offset + totalLength > bytes.length) {
      truncated = cutShort(offset, 'blockBody', totalLength, bytes.length - offset);
      break;
    }
    const body = new OrderedReader(
      reader.reader.sub(totalLength - PCAPNG_BLOCK_MIN, 'blockBody', blockStructure(blockType)),
      littleEndian,
    );
    readPcapngBlock(blockType, body, interfaces, sink, limits);
    offset += readBlockEnd(bytes, offset, totalLength, littleEndian);
  }
  return {
    format: 'pcapng',
    packets: sink.packets,
    droppedPackets: sink.dropped,
    ...(truncated ? { truncated } : {}),
  };
}

/** Decodes one non-section block's body, adding interfaces and packets. */
function readPcapngBlock(
  blockType: number,
  body: OrderedReader,
  interfaces: PcapngInterface[],
  sink: PacketSink,
  limits: CaptureLimits,
): void {
  switch (blockType) {
    case PcapngBlock.INTERFACE_DESCRIPTION:
      interfaces.push(readInterfaceDescription(body));
      break;
    case PcapngBlock.ENHANCED_PACKET:
    case PcapngBlock.PACKET_OBSOLETE: {
      const interfaceId =
        blockType === PcapngBlock.ENHANCED_PACKET ? body.u32('interfaceId') : body.u16('interfaceId');
      if (blockType === PcapngBlock.PACKET_OBSOLETE) body.u16('dropsCount');
      const iface = interfaces[interfaceId];
      if (!iface)
        body.reader.fail('invalid-field', 'interfaceId', `no interface ${interfaceId} in this section`, 0);
      const high = body.u32('timestampHigh');
      const low = body.u32('timestampLow');
      const capturedLength = body.u32('capturedLength');
      const originalLength = body.u32('originalLength');
      if (capturedLength > limits.maxPacketBytes) {
        body.reader.fail('too-large', 'capturedLength', `${capturedLength} > ${limits.maxPacketBytes}`, 12);
      }
      const data = body.reader.bytesView(capturedLength, 'packetData');
      const time = splitTimestamp((BigInt(high) << 32n) | BigInt(low), iface.unitsPerSecond);
      sink.add({ ...time, linkType: iface.linkType, capturedLength, originalLength, data });
      break;
    }
    case PcapngBlock.SIMPLE_PACKET: {
      const iface = interfaces[0];
      if (!iface)
        body.reader.fail('invalid-field', 'interfaceId', 'a simple packet block needs interface 0', 0);
      const originalLength = body.u32('originalLength');
      let capturedLength = Math.min(originalLength, body.reader.remaining);
      if (iface.snapLength > 0) capturedLength = Math.min(capturedLength, iface.snapLength);
      if (capturedLength > limits.maxPacketBytes) {
        body.reader.fail('too-large', 'capturedLength', `${capturedLength} > ${limits.maxPacketBytes}`, 0);
      }
      const data = body.reader.bytesView(capturedLength, 'packetData');
      sink.add({
        seconds: 0,
        nanoseconds: 0,
        linkType: iface.linkType,
        capturedLength,
        originalLength,
        data,
      });
      break;
    }
    default:
      // Name resolution, statistics, custom and decryption-secrets blocks carry no packets.
      break;
  }
}

function cutShort(offset: number, field: string, needed: number, left: number): DecodeError {
  return new DecodeError({
    structure: 'PcapngBlock',
    kind: 'not-enough-bytes',
    field,
    offset,
    detail: `need ${needed} byte(s), ${left} left`,
  });
}

function blockStructure(blockType: number): string {
  switch (blockType) {
    case PcapngBlock.INTERFACE_DESCRIPTION:
      return 'PcapngInterfaceDescription';
    case PcapngBlock.ENHANCED_PACKET:
      return 'PcapngEnhancedPacket';
    case PcapngBlock.SIMPLE_PACKET:
      return 'PcapngSimplePacket';
    case PcapngBlock.PACKET_OBSOLETE:
      return 'PcapngPacket';
    default:
      return 'PcapngBlock';
  }
}

function checkBlockLength(reader: ByteReader, totalLength: number, limits: CaptureLimits): void {
  if (totalLength < PCAPNG_BLOCK_MIN || totalLength % 4 !== 0) {
    reader.fail(
      'invalid-field',
      'blockTotalLength',
      `${totalLength} is not a multiple of 4 of at least 12`,
      4,
    );
  }
  if (totalLength > limits.maxBlockBytes) {
    reader.fail('too-large', 'blockTotalLength', `${totalLength} > ${limits.maxBlockBytes}`, 4);
  }
}

/** Checks the trailing copy of the block length and returns the block's size. */
function readBlockEnd(bytes: Uint8Array, offset: number, totalLength: number, littleEndian: boolean): number {
  const reader = new ByteReader(bytes.subarray(offset), 'PcapngBlock', offset);
  reader.skip(totalLength - 4, 'blockBody');
  const trailing = littleEndian ? reader.u32le('trailingTotalLength') : reader.u32be('trailingTotalLength');
  if (trailing !== totalLength) {
    reader.fail(
      'invalid-field',
      'trailingTotalLength',
      `${trailing} differs from ${totalLength}`,
      totalLength - 4,
    );
  }
  return totalLength;
}

function readInterfaceDescription(body: OrderedReader): PcapngInterface {
  const linkType = body.u16('linkType');
  body.u16('reserved');
  const snapLength = body.u32('snapLength');
  let unitsPerSecond = 1_000_000n;
  while (body.reader.remaining >= 4) {
    const code = body.u16('optionCode');
    const length = body.u16('optionLength');
    if (code === PCAPNG_OPTION_END) break;
    const value = body.reader.bytesView(length, 'optionValue');
    body.reader.skip((4 - (length % 4)) % 4, 'optionPadding');
    if (code === PCAPNG_OPTION_IF_TSRESOL && length >= 1) {
      const resolution = value[0]!;
      const exponent = resolution & 0x7f;
      // MSB clear: negative power of 10; set: negative power of 2. Bounded so 2^e and 10^e stay sane.
      if ((resolution & 0x80) === 0 ? exponent > 18 : exponent > 63) {
        body.reader.fail('invalid-field', 'if_tsresol', `resolution 0x${resolution.toString(16)}`);
      }
      unitsPerSecond = (resolution & 0x80) === 0 ? 10n ** BigInt(exponent) : 2n ** BigInt(exponent);
    }
  }
  return { linkType, snapLength, unitsPerSecond };
}

function splitTimestamp(units: bigint, unitsPerSecond: bigint): { seconds: number; nanoseconds: number } {
  const seconds = units / unitsPerSecond;
  const remainder = units % unitsPerSecond;
  return { seconds: Number(seconds), nanoseconds: Number((remainder * 1_000_000_000n) / unitsPerSecond) };
}

// ---------------------------------------------------------------------------------------------
// Link, network and transport layers. These never throw: a frame that cannot be decoded keeps
// its raw bytes and an `issue` saying where decoding stopped.

type LinkDecode = Pick<CapturedPacket, 'vlanIds' | 'ip' | 'transport' | 'payloadTruncated' | 'issue'>;

const EtherType = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
} as const;

/** BSD address families seen in NULL/LOOP headers: AF_INET is 2 everywhere, AF_INET6 differs. */
const AF_INET = 2;
const AF_INET6_VALUES = new Set([10, 24, 28, 30]);
const MAX_VLAN_TAGS = 8;

function decodeLinkLayer(linkType: number, data: Uint8Array): LinkDecode {
  try {
    const reader = new ByteReader(data, 'LinkLayer');
    switch (linkType) {
      case LinkType.ETHERNET:
        return decodeEthernet(reader);
      case LinkType.NULL:
      case LinkType.LOOP: {
        const familyBytes = reader.bytesView(4, 'family');
        const view = new DataView(familyBytes.buffer, familyBytes.byteOffset, 4);
        // NULL is in the capturing host's byte order, LOOP in network order: a real family is small.
        const big = view.getUint32(0, false);
        const family = linkType === LinkType.LOOP || big < 0x10000 ? big : view.getUint32(0, true);
        if (family === AF_INET) return decodeIp(reader, 4);
        if (AF_INET6_VALUES.has(family)) return decodeIp(reader, 6);
        return { issue: issue('LinkLayer', 'unexpected-type', 'family', 0, `address family ${family}`) };
      }
      case LinkType.RAW:
      case LinkType.RAW_BSD: {
        const version = reader.peekU8('ipVersion') >> 4;
        if (version === 4 || version === 6) return decodeIp(reader, version);
        return { issue: issue('LinkLayer', 'unexpected-type', 'ipVersion', 0, `${version}`) };
      }
      case LinkType.IPV4:
        return decodeIp(reader, 4);
      case LinkType.IPV6:
        return decodeIp(reader, 6);
      case LinkType.LINUX_SLL: {
        // packet_type u16 | arphrd u16 | address_length u16 | address[8] | protocol u16
        reader.skip(14, 'sllHeader');
        return decodeEtherType(reader, reader.u16be('protocol'), []);
      }
      case LinkType.LINUX_SLL2: {
        // protocol u16 | reserved u16 | ifindex u32 | arphrd u16 | packet_type u8 | addr_len u8 | address[8]
        const protocol = reader.u16be('protocol');
        reader.skip(18, 'sll2Header');
        return decodeEtherType(reader, protocol, []);
      }
      default:
        return { issue: issue('LinkLayer', 'unexpected-type', 'linkType', 0, `link type ${linkType}`) };
    }
  } catch (error) {
    if (error instanceof DecodeError) return { issue: error.toJSON() };
    throw error;
  }
}

/** Ethernet II: destination[6] | source[6] | ethertype u16, then any 802.1Q tags (TCI u16 | type u16). */
function decodeEthernet(reader: ByteReader): LinkDecode {
  reader.skip(12, 'macAddresses');
  return decodeEtherType(reader, reader.u16be('etherType'), []);
}

function decodeEtherType(reader: ByteReader, first: number, vlanIds: number[]): LinkDecode {
  let etherType = first;
  while (etherType === EtherType.VLAN || etherType === EtherType.QINQ || etherType === EtherType.QINQ_OLD) {
    if (vlanIds.length >= MAX_VLAN_TAGS) reader.fail('too-large', 'vlanTags', `more than ${MAX_VLAN_TAGS}`);
    vlanIds.push(reader.u16be('vlanTci') & 0x0fff);
    etherType = reader.u16be('etherType');
  }
  const vlans = vlanIds.length > 0 ? { vlanIds } : {};
  if (etherType === EtherType.IPV4) return { ...vlans, ...decodeIp(reader, 4) };
  if (etherType === EtherType.IPV6) return { ...vlans, ...decodeIp(reader, 6) };
  return {
    ...vlans,
    issue: issue(
      'LinkLayer',
      'unexpected-type',
      'etherType',
      reader.offset - 2,
      `0x${hex4(etherType)} is not IP`,
    ),
  };
}

const IpProtocol = { TCP: 6, UDP: 17 } as const;
const IPV6_EXTENSION_HEADERS = new Set([0, 43, 60]);
const IPV6_FRAGMENT = 44;
const IPV6_AUTH = 51;
const MAX_IPV6_EXTENSIONS = 8;

function decodeIp(reader: ByteReader, expected: 4 | 6): LinkDecode {
  const start = reader.offset;
  let payloadOffset = 0;
  const structure = expected === 4 ? 'IPv4' : 'IPv6';
  const ip = reader.sub(reader.remaining, 'ip', structure);
  const version = ip.peekU8('version') >> 4;
  if (version !== expected) ip.fail('unexpected-type', 'version', `expected ${expected}, got ${version}`);
  let protocol: number;
  let source: string;
  let destination: string;
  let fragment = false;
  let payload: Uint8Array;
  let payloadTruncated = false;
  if (expected === 4) {
    // version/IHL u8 | tos u8 | total_length u16 | id u16 | flags/fragment u16 | ttl u8 | protocol u8
    // | checksum u16 | source[4] | destination[4] | options
    const headerLength = (ip.u8('versionIhl') & 0x0f) * 4;
    if (headerLength < 20) ip.fail('invalid-field', 'ihl', `header length ${headerLength} is below 20`, 0);
    ip.u8('tos');
    const totalLength = ip.u16be('totalLength');
    if (totalLength < headerLength)
      ip.fail('invalid-field', 'totalLength', `${totalLength} < ${headerLength}`, 2);
    ip.u16be('identification');
    const flagsFragment = ip.u16be('flagsFragmentOffset');
    fragment = (flagsFragment & 0x2000) !== 0 || (flagsFragment & 0x1fff) !== 0;
    ip.u8('ttl');
    protocol = ip.u8('protocol');
    ip.u16be('checksum');
    source = ipv4Text(ip.bytesView(4, 'source'));
    destination = ipv4Text(ip.bytesView(4, 'destination'));
    ip.skip(headerLength - 20, 'options');
    // Ethernet pads short frames: the IP total length, not the frame, says where the payload ends.
    const wanted = totalLength - headerLength;
    payloadTruncated = wanted > ip.remaining;
    payloadOffset = start + ip.offset;
    payload = ip.bytesView(Math.min(wanted, ip.remaining), 'payload');
  } else {
    // version/class/flow u32 | payload_length u16 | next_header u8 | hop_limit u8 | source[16] | destination[16]
    ip.u32be('versionClassFlow');
    const payloadLength = ip.u16be('payloadLength');
    protocol = ip.u8('nextHeader');
    ip.u8('hopLimit');
    source = ipv6Text(ip.bytesView(16, 'source'));
    destination = ipv6Text(ip.bytesView(16, 'destination'));
    const wanted = payloadLength === 0 ? ip.remaining : payloadLength;
    payloadTruncated = wanted > ip.remaining;
    const body = ip.sub(Math.min(wanted, ip.remaining), 'payload');
    for (let count = 0; ; count++) {
      if (IPV6_EXTENSION_HEADERS.has(protocol) || protocol === IPV6_AUTH || protocol === IPV6_FRAGMENT) {
        if (count >= MAX_IPV6_EXTENSIONS)
          body.fail('too-large', 'extensionHeaders', `more than ${MAX_IPV6_EXTENSIONS}`);
        const next = body.u8('extNextHeader');
        const lengthField = body.u8('extLength');
        if (protocol === IPV6_FRAGMENT) {
          const offsetFlags = body.u16be('fragmentOffset');
          fragment = (offsetFlags & 0xfff9) !== 0;
          body.skip(4, 'fragmentId');
        } else {
          // Hop-by-hop, routing, destination options: (len + 1) * 8 bytes; AH: (len + 2) * 4 bytes.
          const size = protocol === IPV6_AUTH ? (lengthField + 2) * 4 : (lengthField + 1) * 8;
          body.skip(size - 2, 'extBody');
        }
        protocol = next;
        continue;
      }
      break;
    }
    payloadOffset = start + 40 + body.offset;
    payload = body.rest();
  }
  const header: IpHeader = { version: expected, source, destination, protocol, fragment };
  const truncatedFlag = payloadTruncated ? { payloadTruncated } : {};
  if (fragment) return { ip: header, ...truncatedFlag };
  try {
    if (protocol === IpProtocol.TCP)
      return { ip: header, transport: decodeTcp(payload, payloadOffset), ...truncatedFlag };
    if (protocol === IpProtocol.UDP)
      return { ip: header, transport: decodeUdp(payload, payloadOffset), ...truncatedFlag };
  } catch (error) {
    if (error instanceof DecodeError) return { ip: header, ...truncatedFlag, issue: error.toJSON() };
    throw error;
  }
  return { ip: header, ...truncatedFlag };
}

/**
 * TCP (RFC 9293 3.1):
 *   source_port u16 | destination_port u16 | sequence u32 | acknowledgment u32
 *   | data_offset(4) reserved(3) flags(9) | window u16 | checksum u16 | urgent u16 | options
 */
function decodeTcp(bytes: Uint8Array, base: number): TcpHeader {
  const reader = new ByteReader(bytes, 'TCP', base);
  const sourcePort = reader.u16be('sourcePort');
  const destinationPort = reader.u16be('destinationPort');
  const sequence = reader.u32be('sequence');
  const acknowledgment = reader.u32be('acknowledgment');
  const offsetFlags = reader.u16be('dataOffsetFlags');
  const headerLength = (offsetFlags >> 12) * 4;
  if (headerLength < 20)
    reader.fail('invalid-field', 'dataOffset', `header length ${headerLength} is below 20`, 12);
  const window = reader.u16be('window');
  reader.u16be('checksum');
  reader.u16be('urgentPointer');
  reader.skip(headerLength - 20, 'options');
  return {
    protocol: 'tcp',
    sourcePort,
    destinationPort,
    sequence,
    acknowledgment,
    flags: offsetFlags & 0x01ff,
    window,
    payload: reader.rest(),
  };
}

/** UDP (RFC 768): source_port u16 | destination_port u16 | length u16 | checksum u16 | data. */
function decodeUdp(bytes: Uint8Array, base: number): UdpHeader {
  const reader = new ByteReader(bytes, 'UDP', base);
  const sourcePort = reader.u16be('sourcePort');
  const destinationPort = reader.u16be('destinationPort');
  const length = reader.u16be('length');
  reader.u16be('checksum');
  // Length 0 is legal for IPv6 jumbograms; otherwise it bounds the datagram.
  if (length !== 0 && length < 8) reader.fail('invalid-field', 'length', `${length} is below 8`, 4);
  const dataLength = length === 0 ? reader.remaining : Math.min(length - 8, reader.remaining);
  return { protocol: 'udp', sourcePort, destinationPort, payload: reader.bytesView(dataLength, 'data') };
}

function issue(
  structure: string,
  kind: DecodeError['kind'],
  field: string,
  offset: number,
  detail: string,
): ReturnType<DecodeError['toJSON']> {
  return new DecodeError({ structure, kind, field, offset, detail }).toJSON();
}

function ipv4Text(bytes: Uint8Array): string {
  return Array.from(bytes).join('.');
}

/** RFC 5952 text: lower case, longest run of two or more zero groups as "::". */
function ipv6Text(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let index = 0; index < 16; index += 2) groups.push((bytes[index]! << 8) | bytes[index + 1]!);
  let bestStart = -1;
  let bestLength = 0;
  for (let index = 0; index < 8;) {
    if (groups[index] !== 0) {
      index++;
      continue;
    }
    let end = index;
    while (end < 8 && groups[end] === 0) end++;
    if (end - index > bestLength && end - index >= 2) {
      bestStart = index;
      bestLength = end - index;
    }
    index = end;
  }
  const text = groups.map((group) => group.toString(16));
  if (bestStart < 0) return text.join(':');
  return `${text.slice(0, bestStart).join(':')}::${text.slice(bestStart + bestLength).join(':')}`;
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}

// ---------------------------------------------------------------------------------------------
// TCP reassembly and UDP datagrams.

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface StreamChunk {
  /** Offset of these bytes in the direction's stream. */
  readonly offset: number;
  readonly length: number;
  readonly frame: number;
}

export interface TcpDirection {
  readonly bytes: Uint8Array;
  /** Which frame carried which new bytes, in stream order. */
  readonly chunks: readonly StreamChunk[];
  /** Bytes seen again (retransmissions and overlaps) and ignored. */
  readonly duplicateBytes: number;
  /** The first hole: bytes from `at` on are missing, so the stream stops there. */
  readonly gap?: { readonly at: number; readonly missing: number };
  /** True when `maxStreamBytes` cut the stream. */
  readonly capped: boolean;
}

export interface TcpConnection {
  readonly client: Endpoint;
  readonly server: Endpoint;
  /** How the client was told apart: it sent the SYN, or it talks to the lower / given port. */
  readonly clientChosenBy: 'syn' | 'port';
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly sawSyn: boolean;
  readonly sawFin: boolean;
  readonly sawReset: boolean;
  readonly clientToServer: TcpDirection;
  readonly serverToClient: TcpDirection;
}

export interface StreamLimits {
  readonly maxStreamBytes: number;
  readonly maxConnections: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxStreamBytes: 16 * 1024 * 1024,
  maxConnections: 10_000,
};

interface Segment {
  readonly frame: number;
  readonly sequence: number;
  readonly payload: Uint8Array;
}

interface DirectionState {
  initialSequence?: number;
  readonly segments: Segment[];
}

interface ConnectionState {
  readonly a: Endpoint;
  readonly b: Endpoint;
  synFrom?: 'a' | 'b';
  synSequence?: number;
  firstFrame: number;
  lastFrame: number;
  sawFin: boolean;
  sawReset: boolean;
  readonly fromA: DirectionState;
  readonly fromB: DirectionState;
}

/**
 * Reassembles every TCP connection (optionally only those with `port` on either side) into its
 * two byte streams, ordering segments by sequence number so retransmissions and out-of-order
 * arrival give the bytes the receiver saw. A new SYN on a finished 4-tuple starts a new connection.
 */
export function tcpStreams(
  capture: Pick<Capture, 'packets'>,
  port?: number,
  limits: Partial<StreamLimits> = {},
): TcpConnection[] {
  const bounds = { ...DEFAULT_STREAM_LIMITS, ...limits };
  const open = new Map<string, ConnectionState>();
  const all: ConnectionState[] = [];
  for (const packet of capture.packets) {
    const tcp = packet.transport;
    if (!packet.ip || tcp?.protocol !== 'tcp') continue;
    if (port !== undefined && tcp.sourcePort !== port && tcp.destinationPort !== port) continue;
    const source = { address: packet.ip.source, port: tcp.sourcePort };
    const destination = { address: packet.ip.destination, port: tcp.destinationPort };
    const key = flowKey(source, destination);
    const isSyn = (tcp.flags & TcpFlag.SYN) !== 0;
    const isSynOnly = isSyn && (tcp.flags & TcpFlag.ACK) === 0;
    let state = open.get(key);
    if (state && isSynOnly && state.synSequence !== undefined && state.synSequence !== tcp.sequence) {
      state = undefined; // The 4-tuple was reused for a new connection.
    }
    if (!state) {
      if (all.length >= bounds.maxConnections) continue;
      state = {
        a: source,
        b: destination,
        firstFrame: packet.frame,
        lastFrame: packet.frame,
        sawFin: false,
        sawReset: false,
        fromA: { segments: [] },
        fromB: { segments: [] },
      };
      open.set(key, state);
      all.push(state);
    }
    const fromA = sameEndpoint(state.a, source);
    const direction = fromA ? state.fromA : state.fromB;
    state.lastFrame = packet.frame;
    if (isSyn) {
      direction.initialSequence = (tcp.sequence + 1) >>> 0;
      if (isSynOnly) {
        state.synFrom = fromA ? 'a' : 'b';
        state.synSequence = tcp.sequence;
      } else if (state.synFrom === undefined) {
        state.synFrom = fromA ? 'b' : 'a';
      }
    }
    if ((tcp.flags & TcpFlag.FIN) !== 0) state.sawFin = true;
    if ((tcp.flags & TcpFlag.RST) !== 0) state.sawReset = true;
    if (tcp.payload.length > 0) {
      // A SYN carrying data (TCP Fast Open) starts at sequence + 1.
      const sequence = isSyn ? (tcp.sequence + 1) >>> 0 : tcp.sequence;
      direction.segments.push({ frame: packet.frame, sequence, payload: tcp.payload });
    }
  }
  return all.map((state) => finishConnection(state, port, bounds));
}

function finishConnection(
  state: ConnectionState,
  port: number | undefined,
  limits: StreamLimits,
): TcpConnection {
  let clientIsA: boolean;
  let clientChosenBy: 'syn' | 'port';
  if (state.synFrom !== undefined) {
    clientIsA = state.synFrom === 'a';
    clientChosenBy = 'syn';
  } else {
    clientChosenBy = 'port';
    if (port !== undefined && (state.a.port === port) !== (state.b.port === port))
      clientIsA = state.b.port === port;
    else clientIsA = state.a.port > state.b.port;
  }
  const [client, server] = clientIsA ? [state.a, state.b] : [state.b, state.a];
  const [fromClient, fromServer] = clientIsA ? [state.fromA, state.fromB] : [state.fromB, state.fromA];
  return {
    client,
    server,
    clientChosenBy,
    firstFrame: state.firstFrame,
    lastFrame: state.lastFrame,
    sawSyn: state.synSequence !== undefined || state.fromA.initialSequence !== undefined,
    sawFin: state.sawFin,
    sawReset: state.sawReset,
    clientToServer: reassemble(fromClient, limits.maxStreamBytes),
    serverToClient: reassemble(fromServer, limits.maxStreamBytes),
  };
}

/** Signed distance from `base` to `sequence` in 32-bit sequence space (RFC 9293 modular arithmetic). */
function relativeSequence(sequence: number, base: number): number {
  return (sequence - base) | 0;
}

function reassemble(direction: DirectionState, maxBytes: number): TcpDirection {
  const segments = direction.segments;
  if (segments.length === 0)
    return { bytes: new Uint8Array(0), chunks: [], duplicateBytes: 0, capped: false };
  // Without a SYN, the stream starts at the earliest sequence number seen.
  let base = direction.initialSequence;
  if (base === undefined) {
    base = segments[0]!.sequence;
    for (const segment of segments) if (relativeSequence(segment.sequence, base) < 0) base = segment.sequence;
  }
  const placed = segments
    .map((segment, arrival) => ({ segment, arrival, start: relativeSequence(segment.sequence, base) }))
    // Stable on arrival order, so the first copy of retransmitted bytes wins.
    .sort((x, y) => x.start - y.start || x.arrival - y.arrival);
  const parts: Uint8Array[] = [];
  const chunks: StreamChunk[] = [];
  let cursor = 0;
  let duplicateBytes = 0;
  let capped = false;
  let gap: TcpDirection['gap'];
  for (const { segment, start } of placed) {
    const end = start + segment.payload.length;
    if (end <= cursor) {
      duplicateBytes += segment.payload.length;
      continue;
    }
    if (start > cursor) {
      gap = { at: cursor, missing: start - cursor };
      break;
    }
    duplicateBytes += cursor - start;
    let fresh = segment.payload.subarray(cursor - start);
    if (cursor + fresh.length > maxBytes) {
      fresh = fresh.subarray(0, maxBytes - cursor);
      capped = true;
    }
    if (fresh.length > 0) {
      parts.push(fresh);
      chunks.push({ offset: cursor, length: fresh.length, frame: segment.frame });
      cursor += fresh.length;
    }
    if (capped) break;
  }
  const bytes = new Uint8Array(cursor);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, chunks, duplicateBytes, capped, ...(gap ? { gap } : {}) };
}

function flowKey(x: Endpoint, y: Endpoint): string {
  const left = `${x.address}|${x.port}`;
  const right = `${y.address}|${y.port}`;
  return left < right ? `${left}>${right}` : `${right}>${left}`;
}

function sameEndpoint(x: Endpoint, y: Endpoint): boolean {
  return x.address === y.address && x.port === y.port;
}

export interface UdpDatagram {
  readonly frame: number;
  readonly source: Endpoint;
  readonly destination: Endpoint;
  readonly payload: Uint8Array;
  readonly payloadTruncated: boolean;
}

/** Every UDP datagram in capture order, optionally only those with `port` on either side. */
export function udpDatagrams(capture: Pick<Capture, 'packets'>, port?: number): UdpDatagram[] {
  const datagrams: UdpDatagram[] = [];
  for (const packet of capture.packets) {
    const udp = packet.transport;
    if (!packet.ip || udp?.protocol !== 'udp') continue;
    if (port !== undefined && udp.sourcePort !== port && udp.destinationPort !== port) continue;
    datagrams.push({
      frame: packet.frame,
      source: { address: packet.ip.source, port: udp.sourcePort },
      destination: { address: packet.ip.destination, port: udp.destinationPort },
      payload: udp.payload,
      payloadTruncated: packet.payloadTruncated === true,
    });
  }
  return datagrams;
}
