import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * MS-RDPEUDP SYN and SYN+ACK datagrams (sections 2.2.2.1, 2.2.2.5, 2.2.2.8, 2.2.2.9, 3.1.5.1.1).
 * Unlike the rest of RDP, RDP-UDP fields are big-endian (network order).
 *
 *   RDPUDP_FEC_HEADER (8)      snSourceAck u32 | uReceiveWindowSize u16 | uFlags u16
 *   RDPUDP_SYNDATA_PAYLOAD (8) snInitialSequenceNumber u32 | uUpStreamMtu u16 | uDownStreamMtu u16
 *   RDPUDP_CORRELATION_ID_PAYLOAD (32, if CORRELATION_ID) uCorrelationId[16] | reserved[16]
 *   RDPUDP_SYNDATAEX_PAYLOAD (4 or 36, if SYNEX) uSynExFlags u16 | uUdpVer u16 | cookieHash[32]
 *   zero padding up to 1232 bytes
 */
export const RDPUDP_FEC_HEADER_SIZE = 8;
export const RDPUDP_SYNDATA_SIZE = 8;
export const RDPUDP_CORRELATION_ID_SIZE = 32;
/** SYN and SYN+ACK datagrams are zero-padded to this size (MS-RDPEUDP 3.1.5.1.1). */
export const RDPUDP_SYN_DATAGRAM_SIZE = 1232;
export const RDPUDP_COOKIE_HASH_SIZE = 32;

export const RdpUdpFlag = {
  SYN: 0x0001,
  FIN: 0x0002,
  ACK: 0x0004,
  DATA: 0x0008,
  FEC: 0x0010,
  CN: 0x0020,
  CWR: 0x0040,
  SACK_OPTION: 0x0080,
  ACK_OF_ACKS: 0x0100,
  SYNLOSSY: 0x0200,
  ACKDELAYED: 0x0400,
  CORRELATION_ID: 0x0800,
  SYNEX: 0x1000,
} as const;

export const RdpUdpVersion = {
  VERSION_1: 0x0001,
  VERSION_2: 0x0002,
  VERSION_3: 0x0101,
} as const;

/** uSynExFlags bit: uUdpVer is valid. */
export const RDPUDP_VERSION_INFO_VALID = 0x0001;

export interface RdpUdpSynEx {
  readonly flags: number;
  readonly version: number;
  /** SHA-256 of the security cookie, sent only with RDPUDP_PROTOCOL_VERSION_3. */
  readonly cookieHash?: Uint8Array;
}

/** A SYN (client) or SYN+ACK (server) datagram; which one is told by the flags. */
export interface RdpUdpSyn {
  /** -1 (0xffffffff) in a SYN; the client's initial sequence number in a SYN+ACK. */
  readonly snSourceAck: number;
  readonly receiveWindowSize: number;
  /** Includes SYN, and ACK / CORRELATION_ID / SYNEX / SYNLOSSY as sent. */
  readonly flags: number;
  readonly initialSequenceNumber: number;
  readonly upstreamMtu: number;
  readonly downstreamMtu: number;
  /** 16 bytes; present exactly when flags has CORRELATION_ID. */
  readonly correlationId?: Uint8Array;
  /** Present exactly when flags has SYNEX. */
  readonly synEx?: RdpUdpSynEx;
}

const STRUCTURE = 'RDPUDP.Syn';

/** Sets CORRELATION_ID and SYNEX from the optional parts, so flags and payload cannot disagree. */
function effectiveFlags(syn: RdpUdpSyn): number {
  let flags = syn.flags & ~(RdpUdpFlag.CORRELATION_ID | RdpUdpFlag.SYNEX);
  if (syn.correlationId) flags |= RdpUdpFlag.CORRELATION_ID;
  if (syn.synEx) flags |= RdpUdpFlag.SYNEX;
  return flags;
}

export function encodeRdpUdpSyn(syn: RdpUdpSyn): Uint8Array {
  if ((syn.flags & RdpUdpFlag.SYN) === 0) throw new RangeError('a SYN datagram needs RDPUDP_FLAG_SYN');
  const writer = new ByteWriter(RDPUDP_SYN_DATAGRAM_SIZE)
    .u32be(syn.snSourceAck)
    .u16be(syn.receiveWindowSize)
    .u16be(effectiveFlags(syn))
    .u32be(syn.initialSequenceNumber)
    .u16be(syn.upstreamMtu)
    .u16be(syn.downstreamMtu);
  if (syn.correlationId) {
    if (syn.correlationId.length !== 16) throw new RangeError('correlationId must be 16 bytes');
    writer.bytes(syn.correlationId).bytes(new Uint8Array(16));
  }
  if (syn.synEx) {
    writer.u16be(syn.synEx.flags).u16be(syn.synEx.version);
    if (syn.synEx.cookieHash) {
      if (syn.synEx.cookieHash.length !== RDPUDP_COOKIE_HASH_SIZE)
        throw new RangeError('cookieHash must be 32 bytes');
      writer.bytes(syn.synEx.cookieHash);
    }
  }
  if (writer.length < RDPUDP_SYN_DATAGRAM_SIZE)
    writer.bytes(new Uint8Array(RDPUDP_SYN_DATAGRAM_SIZE - writer.length));
  return writer.finish();
}

/** Decodes a SYN or SYN+ACK datagram (UDP payload). Trailing padding is not checked. */
export function decodeRdpUdpSyn(bytes: Uint8Array, base = 0): RdpUdpSyn {
  const reader = new ByteReader(bytes, STRUCTURE, base);
  const snSourceAck = reader.u32be('snSourceAck');
  const receiveWindowSize = reader.u16be('uReceiveWindowSize');
  const flagsAt = reader.offset;
  const flags = reader.u16be('uFlags');
  if ((flags & RdpUdpFlag.SYN) === 0) {
    reader.fail(
      'unexpected-type',
      'uFlags',
      `no RDPUDP_FLAG_SYN in 0x${flags.toString(16).padStart(4, '0')}`,
      flagsAt,
    );
  }
  const initialSequenceNumber = reader.u32be('snInitialSequenceNumber');
  const upstreamMtu = reader.u16be('uUpStreamMtu');
  const downstreamMtu = reader.u16be('uDownStreamMtu');
  let syn: RdpUdpSyn = {
    snSourceAck,
    receiveWindowSize,
    flags,
    initialSequenceNumber,
    upstreamMtu,
    downstreamMtu,
  };
  if (flags & RdpUdpFlag.CORRELATION_ID) {
    const correlationId = reader.bytesView(16, 'uCorrelationId').slice();
    reader.skip(16, 'uCorrelationId.reserved');
    syn = { ...syn, correlationId };
  }
  if (flags & RdpUdpFlag.SYNEX) {
    const synExFlags = reader.u16be('uSynExFlags');
    const version = reader.u16be('uUdpVer');
    const synEx: RdpUdpSynEx =
      version === RdpUdpVersion.VERSION_3
        ? {
            flags: synExFlags,
            version,
            cookieHash: reader.bytesView(RDPUDP_COOKIE_HASH_SIZE, 'cookieHash').slice(),
          }
        : { flags: synExFlags, version };
    syn = { ...syn, synEx };
  }
  return syn;
}

export function isSynAck(syn: RdpUdpSyn): boolean {
  return (syn.flags & RdpUdpFlag.ACK) !== 0;
}

export function rdpUdpVersionName(version: number): string {
  for (const [name, value] of Object.entries(RdpUdpVersion)) if (value === version) return name;
  return `unknown RDP-UDP version 0x${version.toString(16).padStart(4, '0')}`;
}
