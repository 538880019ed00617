import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * ServerKeyExchange body (RFC 5246 7.4.3, RFC 8422 5.4) for the two ephemeral key exchanges a
 * diagnosis grades: ECDHE (which group) and DHE (how big the prime is). The signature that follows
 * the parameters is kept raw, so the message round-trips.
 *
 *   ECDHE: curve_type u8 (3 = named_curve) | named_curve u16 | point u8<1..255> | signature...
 *   DHE:   dh_p u16<1..> | dh_g u16<1..> | dh_Ys u16<1..> | signature...
 */
export const EC_CURVE_TYPE_NAMED = 3;

export interface EcdheServerKeyExchange {
  readonly kind: 'ecdhe';
  readonly curveType: number;
  readonly group: number;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

export interface DheServerKeyExchange {
  readonly kind: 'dhe';
  readonly prime: Uint8Array;
  readonly generator: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

export type ServerKeyExchange = EcdheServerKeyExchange | DheServerKeyExchange;

export function encodeServerKeyExchange(message: ServerKeyExchange): Uint8Array {
  const writer = new ByteWriter();
  if (message.kind === 'ecdhe') {
    writer.u8(message.curveType).u16be(message.group).u8(message.publicKey.length).bytes(message.publicKey);
  } else {
    for (const value of [message.prime, message.generator, message.publicKey])
      writer.u16be(value.length).bytes(value);
  }
  return writer.bytes(message.signature).finish();
}

export function decodeServerKeyExchange(
  bytes: Uint8Array,
  kind: 'ecdhe' | 'dhe',
  base = 0,
): ServerKeyExchange {
  if (kind === 'ecdhe') {
    const reader = new ByteReader(bytes, 'ServerKeyExchange', base);
    const curveType = reader.u8('curveType');
    if (curveType !== EC_CURVE_TYPE_NAMED) {
      reader.fail('unexpected-type', 'curveType', `${curveType} is not named_curve (3)`, 0);
    }
    const group = reader.u16be('namedCurve');
    const pointLength = reader.u8('publicKeyLength');
    if (pointLength === 0) reader.fail('invalid-field', 'publicKeyLength', 'empty point', 3);
    const publicKey = reader.bytesView(pointLength, 'publicKey');
    return { kind, curveType, group, publicKey, signature: reader.rest() };
  }
  const reader = new ByteReader(bytes, 'ServerKeyExchange', base);
  const prime = readOpaque16(reader, 'dhP');
  const generator = readOpaque16(reader, 'dhG');
  const publicKey = readOpaque16(reader, 'dhYs');
  return { kind, prime, generator, publicKey, signature: reader.rest() };
}

/** The prime's size in bits, ignoring leading zero bits (e.g. 2048 for a 256-byte p). */
export function dhPrimeBits(prime: Uint8Array): number {
  let index = 0;
  while (index < prime.length && prime[index] === 0) index++;
  if (index === prime.length) return 0;
  return (prime.length - index) * 8 - Math.clz32(prime[index]!) + 24;
}

function readOpaque16(reader: ByteReader, field: string): Uint8Array {
  const length = reader.u16be(`${field}Length`);
  if (length === 0) reader.fail('invalid-field', `${field}Length`, 'empty value', reader.offset - 2);
  return reader.bytesView(length, field);
}
