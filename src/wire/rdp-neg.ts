import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * RDP negotiation structures carried in the X.224 Connection Request / Confirm
 * (MS-RDPBCGR 2.2.1.1.1 RDP_NEG_REQ, 2.2.1.2.1 RDP_NEG_RSP, 2.2.1.2.2 RDP_NEG_FAILURE,
 * 2.2.1.1.2 RDP_NEG_CORRELATION_INFO). All multi-byte fields are little-endian.
 *
 *   0      1       2       3       4       5       6       7
 *   +------+-------+-------+-------+-------+-------+-------+-------+
 *   | type | flags | length=8 (LE) | protocols / selected / failure  |
 *   +------+-------+-------+-------+-------+-------+-------+-------+
 */
export const RDP_NEG_SIZE = 8;
export const RDP_NEG_CORRELATION_INFO_SIZE = 36;

export const NegType = {
  REQUEST: 0x01,
  RESPONSE: 0x02,
  FAILURE: 0x03,
  CORRELATION_INFO: 0x06,
} as const;

/** requestedProtocols / selectedProtocol bits (MS-RDPBCGR 2.2.1.1.1). PROTOCOL_RDP is no bit. */
export const Protocol = {
  RDP: 0x00000000,
  SSL: 0x00000001,
  HYBRID: 0x00000002,
  RDSTLS: 0x00000004,
  HYBRID_EX: 0x00000008,
  RDSAAD: 0x00000010,
} as const;
export type ProtocolName = keyof typeof Protocol;

/** RDP_NEG_REQ flags. */
export const NegRequestFlag = {
  RESTRICTED_ADMIN_MODE_REQUIRED: 0x01,
  REDIRECTED_AUTHENTICATION_MODE_REQUIRED: 0x02,
  CORRELATION_INFO_PRESENT: 0x08,
} as const;

/** RDP_NEG_RSP flags. */
export const NegResponseFlag = {
  EXTENDED_CLIENT_DATA_SUPPORTED: 0x01,
  DYNVC_GFX_PROTOCOL_SUPPORTED: 0x02,
  NEGRSP_FLAG_RESERVED: 0x04,
  RESTRICTED_ADMIN_MODE_SUPPORTED: 0x08,
  REDIRECTED_AUTHENTICATION_MODE_SUPPORTED: 0x10,
} as const;

/** RDP_NEG_FAILURE failureCode values (MS-RDPBCGR 2.2.1.2.2). */
export const NegFailureCode = {
  SSL_REQUIRED_BY_SERVER: 0x00000001,
  SSL_NOT_ALLOWED_BY_SERVER: 0x00000002,
  SSL_CERT_NOT_ON_SERVER: 0x00000003,
  INCONSISTENT_FLAGS: 0x00000004,
  HYBRID_REQUIRED_BY_SERVER: 0x00000005,
  SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: 0x00000006,
} as const;
export type NegFailureName = keyof typeof NegFailureCode;

export interface NegRequest {
  readonly type: 'request';
  readonly flags: number;
  readonly requestedProtocols: number;
}

export interface NegResponse {
  readonly type: 'response';
  readonly flags: number;
  readonly selectedProtocol: number;
}

export interface NegFailure {
  readonly type: 'failure';
  readonly flags: number;
  readonly failureCode: number;
}

export type NegMessage = NegRequest | NegResponse | NegFailure;

export interface CorrelationInfo {
  readonly correlationId: Uint8Array;
}

const TYPE_BY_NAME = { request: NegType.REQUEST, response: NegType.RESPONSE, failure: NegType.FAILURE };

export function encodeNegMessage(message: NegMessage): Uint8Array {
  const value =
    message.type === 'request'
      ? message.requestedProtocols
      : message.type === 'response'
        ? message.selectedProtocol
        : message.failureCode;
  return new ByteWriter(RDP_NEG_SIZE)
    .u8(TYPE_BY_NAME[message.type])
    .u8(message.flags)
    .u16le(RDP_NEG_SIZE)
    .u32le(value)
    .finish();
}

/** Decodes one 8-byte negotiation message from the reader (any of the three types). */
export function readNegMessage(reader: ByteReader): NegMessage {
  const start = reader.offset;
  const type = reader.u8('type');
  const flags = reader.u8('flags');
  const length = reader.u16le('length');
  if (length !== RDP_NEG_SIZE) reader.fail('invalid-field', 'length', `expected 8, got ${length}`, start + 2);
  const value = reader.u32le('value');
  switch (type) {
    case NegType.REQUEST:
      return { type: 'request', flags, requestedProtocols: value };
    case NegType.RESPONSE:
      return { type: 'response', flags, selectedProtocol: value };
    case NegType.FAILURE:
      return { type: 'failure', flags, failureCode: value };
    default:
      return reader.fail('unexpected-type', 'type', `unknown negotiation type 0x${type.toString(16)}`, start);
  }
}

export function decodeNegMessage(bytes: Uint8Array, base = 0): NegMessage {
  const reader = new ByteReader(bytes, 'RDP_NEG', base);
  const message = readNegMessage(reader);
  reader.expectEnd();
  return message;
}

export function encodeCorrelationInfo(info: CorrelationInfo): Uint8Array {
  if (info.correlationId.length !== 16) throw new RangeError('correlationId must be 16 bytes');
  return new ByteWriter(RDP_NEG_CORRELATION_INFO_SIZE)
    .u8(NegType.CORRELATION_INFO)
    .u8(0)
    .u16le(RDP_NEG_CORRELATION_INFO_SIZE)
    .bytes(info.correlationId)
    .bytes(new Uint8Array(16))
    .finish();
}

export function readCorrelationInfo(reader: ByteReader): CorrelationInfo {
  const start = reader.offset;
  const type = reader.u8('correlation.type');
  if (type !== NegType.CORRELATION_INFO) {
    reader.fail('unexpected-type', 'correlation.type', `expected 0x06, got 0x${type.toString(16)}`, start);
  }
  reader.u8('correlation.flags');
  const length = reader.u16le('correlation.length');
  if (length !== RDP_NEG_CORRELATION_INFO_SIZE) {
    reader.fail('invalid-field', 'correlation.length', `expected 36, got ${length}`, start + 2);
  }
  const correlationId = reader.bytesView(16, 'correlation.correlationId').slice();
  reader.skip(16, 'correlation.reserved');
  return { correlationId };
}

/** Names of the protocol bits set in a mask, plus any unknown bits as hex ("unknown 0x40"). */
export function protocolNames(mask: number): string[] {
  if (mask === 0) return ['RDP'];
  const names: string[] = [];
  let known = 0;
  for (const [name, bit] of Object.entries(Protocol)) {
    if (bit !== 0 && (mask & bit) === bit) {
      names.push(name);
      known |= bit;
    }
  }
  const unknown = (mask & ~known) >>> 0;
  if (unknown !== 0) names.push(`unknown 0x${unknown.toString(16).padStart(8, '0')}`);
  return names;
}

/** The spec name of a failure code, or "unknown failure code 0x0000000a" (kept: it is evidence). */
export function failureCodeName(code: number): string {
  for (const [name, value] of Object.entries(NegFailureCode)) if (value === code) return name;
  return `unknown failure code 0x${code.toString(16).padStart(8, '0')}`;
}

export function flagNames(flags: number, table: Readonly<Record<string, number>>): string[] {
  const names: string[] = [];
  let known = 0;
  for (const [name, bit] of Object.entries(table)) {
    if (bit !== 0 && (flags & bit) >>> 0 === bit >>> 0) {
      names.push(name);
      known |= bit;
    }
  }
  // INVARIANT: unsigned, so bit 31 of a 32-bit flag word is shown as 0x80000000, not a negative.
  const unknown = (flags & ~known) >>> 0;
  if (unknown !== 0) names.push(`unknown 0x${unknown.toString(16).padStart(2, '0')}`);
  return names;
}
