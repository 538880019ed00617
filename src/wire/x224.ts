import {
  type CorrelationInfo,
  encodeCorrelationInfo,
  encodeNegMessage,
  type NegFailure,
  type NegRequest,
  NegRequestFlag,
  type NegResponse,
  NegType,
  RDP_NEG_CORRELATION_INFO_SIZE,
  RDP_NEG_SIZE,
  readCorrelationInfo,
  readNegMessage,
} from './rdp-neg.js';
import { ByteReader } from './reader.js';
import { decodeTpkt, encodeTpkt, TPKT_HEADER_SIZE } from './tpkt.js';
import { ByteWriter } from './writer.js';

/**
 * X.224 (ISO 8073 class 0) Connection Request / Confirm as RDP uses them
 * (MS-RDPBCGR 2.2.1.1 and 2.2.1.2), always inside a TPKT.
 *
 *   +----+------+---------+---------+-------+------------------------------+
 *   | LI | code | DST-REF | SRC-REF | class | variable part (LI - 6 bytes) |
 *   +----+------+---------+---------+-------+------------------------------+
 *     1     1       2         2        1
 * LI counts the header bytes after itself: 6 for the fixed part, plus the variable part.
 */
export const X224_FIXED_SIZE = 7;
export const X224_DATA_HEADER_SIZE = 3;

export const TpduCode = {
  CONNECTION_REQUEST: 0xe0,
  CONNECTION_CONFIRM: 0xd0,
  DISCONNECT_REQUEST: 0x80,
  DATA: 0xf0,
  ERROR: 0x70,
} as const;

/** The pre-negotiation identity a client may send: a load-balancing token or a user cookie. */
export type RoutingInfo =
  | { readonly kind: 'none' }
  | { readonly kind: 'cookie'; readonly value: string }
  | { readonly kind: 'token'; readonly value: string };

export interface ConnectionRequest {
  readonly routing: RoutingInfo;
  /** Absent for pre-RDP 5.2 clients, which send no RDP_NEG_REQ. */
  readonly negotiation?: NegRequest;
  readonly correlation?: CorrelationInfo;
  readonly srcRef?: number;
}

export interface ConnectionConfirm {
  /** Absent when the server predates negotiation (it then speaks Standard RDP Security). */
  readonly negotiation?: NegResponse | NegFailure;
  readonly srcRef: number;
  readonly dstRef: number;
  readonly classOptions: number;
}

const COOKIE_PREFIX = 'Cookie: mstshash=';
const CRLF = '\r\n';

function routingBytes(routing: RoutingInfo): Uint8Array {
  if (routing.kind === 'none') return new Uint8Array(0);
  const text =
    routing.kind === 'cookie' ? `${COOKIE_PREFIX}${routing.value}${CRLF}` : `${routing.value}${CRLF}`;
  return Buffer.from(text, 'latin1');
}

/** The X.224 CR TPDU (without TPKT). */
export function encodeConnectionRequestTpdu(request: ConnectionRequest): Uint8Array {
  const variable = new ByteWriter(64).bytes(routingBytes(request.routing));
  if (request.negotiation) {
    const flags = request.correlation
      ? request.negotiation.flags | NegRequestFlag.CORRELATION_INFO_PRESENT
      : request.negotiation.flags;
    variable.bytes(encodeNegMessage({ ...request.negotiation, flags }));
    if (request.correlation) variable.bytes(encodeCorrelationInfo(request.correlation));
  }
  const variableBytes = variable.finish();
  const lengthIndicator = X224_FIXED_SIZE - 1 + variableBytes.length;
  if (lengthIndicator > 0xfe) throw new RangeError('X.224 CR variable part too long');
  return new ByteWriter(X224_FIXED_SIZE + variableBytes.length)
    .u8(lengthIndicator)
    .u8(TpduCode.CONNECTION_REQUEST)
    .u16be(0)
    .u16be(request.srcRef ?? 0)
    .u8(0)
    .bytes(variableBytes)
    .finish();
}

/** A whole Client X.224 Connection Request PDU: TPKT + CR TPDU. */
export function encodeConnectionRequest(request: ConnectionRequest): Uint8Array {
  return encodeTpkt(encodeConnectionRequestTpdu(request));
}

export function encodeConnectionConfirm(confirm: ConnectionConfirm): Uint8Array {
  const negotiation = confirm.negotiation ? encodeNegMessage(confirm.negotiation) : new Uint8Array(0);
  const tpdu = new ByteWriter(X224_FIXED_SIZE + negotiation.length)
    .u8(X224_FIXED_SIZE - 1 + negotiation.length)
    .u8(TpduCode.CONNECTION_CONFIRM)
    .u16be(confirm.dstRef)
    .u16be(confirm.srcRef)
    .u8(confirm.classOptions)
    .bytes(negotiation)
    .finish();
  return encodeTpkt(tpdu);
}

interface TpduHeader {
  readonly code: number;
  readonly dstRef: number;
  readonly srcRef: number;
  readonly classOptions: number;
  readonly variable: ByteReader;
}

function readTpduHeader(reader: ByteReader, expectedCode: number, structure: string): TpduHeader {
  const lengthIndicator = reader.u8('LI');
  if (lengthIndicator < X224_FIXED_SIZE - 1 || lengthIndicator === 0xff) {
    reader.fail('invalid-field', 'LI', `length indicator ${lengthIndicator} is below 6 or reserved`, 0);
  }
  if (lengthIndicator + 1 > reader.length) {
    reader.fail(
      'not-enough-bytes',
      'LI',
      `LI says ${lengthIndicator + 1} bytes, TPDU has ${reader.length}`,
      0,
    );
  }
  const code = reader.u8('code') & 0xf0;
  if (code !== expectedCode) {
    reader.fail(
      'unexpected-type',
      'code',
      `expected 0x${expectedCode.toString(16)}, got 0x${code.toString(16)}`,
      1,
    );
  }
  const dstRef = reader.u16be('DST-REF');
  const srcRef = reader.u16be('SRC-REF');
  const classOptions = reader.u8('class');
  const variable = reader.sub(lengthIndicator + 1 - X224_FIXED_SIZE, 'variable', structure);
  return { code, dstRef, srcRef, classOptions, variable };
}

/**
 * Decodes a whole Connection Request PDU (TPKT included). The routing part is text up to CRLF;
 * whatever follows it is the RDP_NEG_REQ and optional correlation info.
 */
export function decodeConnectionRequest(bytes: Uint8Array): ConnectionRequest {
  const { payload } = decodeTpkt(bytes);
  const reader = new ByteReader(payload, 'X224.ConnectionRequest', TPKT_HEADER_SIZE);
  const header = readTpduHeader(reader, TpduCode.CONNECTION_REQUEST, 'X224.ConnectionRequest');
  const variable = header.variable;
  let routing: RoutingInfo = { kind: 'none' };
  // The routing token or cookie exists only if the variable part does not start with a neg type.
  if (
    variable.remaining > 0 &&
    !(variable.remaining >= RDP_NEG_SIZE && variable.peekU8('type') === NegType.REQUEST)
  ) {
    const restStart = variable.absoluteOffset;
    const rest = variable.rest();
    const end = findCrlf(rest);
    if (end < 0) variable.fail('invalid-field', 'routingToken', 'no CRLF terminator', 0);
    const text = Buffer.from(rest.subarray(0, end)).toString('latin1');
    routing = text.startsWith(COOKIE_PREFIX)
      ? { kind: 'cookie', value: text.slice(COOKIE_PREFIX.length) }
      : { kind: 'token', value: text };
    // The base is where the negotiation starts (after CRLF), not the end of the variable part.
    const after = new ByteReader(rest.subarray(end + 2), 'X224.ConnectionRequest', restStart + end + 2);
    return { routing, ...readRequestNegotiation(after), srcRef: header.srcRef };
  }
  return { routing, ...readRequestNegotiation(variable), srcRef: header.srcRef };
}

function readRequestNegotiation(reader: ByteReader): Pick<ConnectionRequest, 'negotiation' | 'correlation'> {
  if (reader.remaining === 0) return {};
  const negotiation = readNegMessage(reader);
  if (negotiation.type !== 'request') {
    return reader.fail(
      'unexpected-type',
      'rdpNegReq.type',
      `expected RDP_NEG_REQ, got ${negotiation.type}`,
      0,
    );
  }
  let correlation: CorrelationInfo | undefined;
  if (reader.remaining >= RDP_NEG_CORRELATION_INFO_SIZE) correlation = readCorrelationInfo(reader);
  reader.expectEnd();
  return correlation ? { negotiation, correlation } : { negotiation };
}

function findCrlf(bytes: Uint8Array): number {
  for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) return i;
  return -1;
}

/** Decodes a whole Server Connection Confirm PDU (TPKT included). */
export function decodeConnectionConfirm(bytes: Uint8Array): ConnectionConfirm {
  const { payload } = decodeTpkt(bytes);
  const reader = new ByteReader(payload, 'X224.ConnectionConfirm', TPKT_HEADER_SIZE);
  const header = readTpduHeader(reader, TpduCode.CONNECTION_CONFIRM, 'X224.ConnectionConfirm');
  const base = { srcRef: header.srcRef, dstRef: header.dstRef, classOptions: header.classOptions };
  if (header.variable.remaining === 0) return base;
  const negotiation = readNegMessage(header.variable);
  if (negotiation.type === 'request') {
    return header.variable.fail('unexpected-type', 'rdpNegData.type', 'server sent RDP_NEG_REQ', 0);
  }
  header.variable.expectEnd();
  return { ...base, negotiation };
}

/** The X.224 Data TPDU header (LI=2, DT, EOT) that precedes MCS PDUs. */
export const X224_DATA_HEADER = Uint8Array.of(0x02, TpduCode.DATA, 0x80);

export function encodeX224Data(payload: Uint8Array): Uint8Array {
  return encodeTpkt(
    new ByteWriter(X224_DATA_HEADER_SIZE + payload.length).bytes(X224_DATA_HEADER).bytes(payload).finish(),
  );
}

/** Unwraps TPKT + X.224 DT and returns the user data (an MCS PDU). */
export function decodeX224Data(bytes: Uint8Array): Uint8Array {
  const { payload } = decodeTpkt(bytes);
  const reader = new ByteReader(payload, 'X224.Data', TPKT_HEADER_SIZE);
  const lengthIndicator = reader.u8('LI');
  if (lengthIndicator !== 2) reader.fail('invalid-field', 'LI', `expected 2, got ${lengthIndicator}`, 0);
  const code = reader.u8('code') & 0xf0;
  if (code !== TpduCode.DATA)
    reader.fail('unexpected-type', 'code', `expected 0xf0, got 0x${code.toString(16)}`, 1);
  reader.u8('EOT');
  return reader.rest();
}

/** The TPDU code of a TPKT-framed PDU, without decoding further (to tell CC from DR/ER). */
export function peekTpduCode(bytes: Uint8Array): number | undefined {
  if (bytes.length < TPKT_HEADER_SIZE + 2) return undefined;
  return bytes[TPKT_HEADER_SIZE + 1]! & 0xf0;
}
