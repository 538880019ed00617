import {
  contextTag,
  DerTag,
  derExplicit,
  derInteger,
  derOctetString,
  derSequence,
  peekDerTag,
  readAnyDer,
  readDer,
  readDerHeader,
  readDerInteger,
  readDerOctetString,
} from './der.js';
import { DecodeError } from './errors.js';
import type { FrameLength } from './framing.js';
import { ByteReader } from './reader.js';

/**
 * CredSSP TSRequest (MS-CSSP 2.2.1), DER with explicit context tags. It is sent straight over the
 * TLS channel, without TPKT, once the X.224 confirm selected PROTOCOL_HYBRID or HYBRID_EX.
 *
 *   TSRequest ::= SEQUENCE {
 *     version     [0] INTEGER,
 *     negoTokens  [1] NegoData OPTIONAL,      -- SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
 *     authInfo    [2] OCTET STRING OPTIONAL,
 *     pubKeyAuth  [3] OCTET STRING OPTIONAL,
 *     errorCode   [4] INTEGER OPTIONAL,       -- NTSTATUS, versions 3, 4 and 6
 *     clientNonce [5] OCTET STRING OPTIONAL   -- 32 bytes, versions 5 and 6
 *   }
 */
export const CREDSSP_MIN_VERSION = 2;
export const CREDSSP_MAX_VERSION = 6;
/** A TSRequest larger than this is refused by the framer (real ones are a few KiB). */
export const TS_REQUEST_MAX_SIZE = 64 * 1024;

export interface TsRequest {
  readonly version: number;
  readonly negoTokens?: readonly Uint8Array[];
  readonly authInfo?: Uint8Array;
  readonly pubKeyAuth?: Uint8Array;
  /** NTSTATUS as an unsigned 32-bit number (0xc000006d, not a negative INTEGER). */
  readonly errorCode?: number;
  readonly clientNonce?: Uint8Array;
}

const STRUCTURE = 'TSRequest';

/** NTSTATUS values are sent as 4-octet signed INTEGERs; the value is kept unsigned. */
function errorCodeToSigned(code: number): number {
  if (!Number.isInteger(code) || code < 0 || code > 0xffffffff) throw new RangeError(`errorCode ${code}`);
  return code | 0;
}

export function encodeTsRequest(request: TsRequest): Uint8Array {
  const fields: Uint8Array[] = [derExplicit(0, derInteger(request.version))];
  if (request.negoTokens !== undefined) {
    const items = request.negoTokens.map((token) => derSequence(derExplicit(0, derOctetString(token))));
    fields.push(derExplicit(1, derSequence(...items)));
  }
  if (request.authInfo !== undefined) fields.push(derExplicit(2, derOctetString(request.authInfo)));
  if (request.pubKeyAuth !== undefined) fields.push(derExplicit(3, derOctetString(request.pubKeyAuth)));
  if (request.errorCode !== undefined)
    fields.push(derExplicit(4, derInteger(errorCodeToSigned(request.errorCode))));
  if (request.clientNonce !== undefined) fields.push(derExplicit(5, derOctetString(request.clientNonce)));
  return derSequence(...fields);
}

/** Decodes exactly one TSRequest occupying the whole buffer. */
export function decodeTsRequest(bytes: Uint8Array, base = 0): TsRequest {
  const outer = new ByteReader(bytes, STRUCTURE, base);
  const reader = readDer(outer, DerTag.SEQUENCE, 'TSRequest');
  outer.expectEnd();

  const version = readDerInteger(readDer(reader, contextTag(0), 'version'), 'version');
  if (version < 1 || version > 0xff) {
    reader.fail('unsupported-version', 'version', `CredSSP version ${version}`, 0);
  }
  let result: TsRequest = { version };
  // Fields come in ascending tag order (DER); a tag seen out of order or twice is malformed.
  let lastTag = 0;
  while (reader.remaining > 0) {
    const at = reader.offset;
    const tag = peekDerTag(reader, 'field') ?? 0;
    if (tag <= contextTag(lastTag) || (tag & 0xe0) !== 0xa0) {
      reader.fail('unexpected-type', 'field.tag', `unexpected tag 0x${tag.toString(16)}`, at);
    }
    lastTag = tag & 0x1f;
    switch (lastTag) {
      case 1: {
        const list = readDer(readDer(reader, contextTag(1), 'negoTokens'), DerTag.SEQUENCE, 'negoTokens');
        const tokens: Uint8Array[] = [];
        while (list.remaining > 0) {
          const item = readDer(list, DerTag.SEQUENCE, 'negoTokens.item');
          tokens.push(readDerOctetString(readDer(item, contextTag(0), 'negoToken'), 'negoToken'));
          item.expectEnd('negoTokens.item');
        }
        result = { ...result, negoTokens: tokens };
        break;
      }
      case 2:
        result = { ...result, authInfo: readDerOctetString(readDer(reader, tag, 'authInfo'), 'authInfo') };
        break;
      case 3:
        result = {
          ...result,
          pubKeyAuth: readDerOctetString(readDer(reader, tag, 'pubKeyAuth'), 'pubKeyAuth'),
        };
        break;
      case 4: {
        const code = readDerInteger(readDer(reader, tag, 'errorCode'), 'errorCode');
        if (code < -0x80000000 || code > 0xffffffff)
          reader.fail('invalid-field', 'errorCode', `${code} is not 32-bit`, at);
        result = { ...result, errorCode: code >>> 0 };
        break;
      }
      case 5:
        result = {
          ...result,
          clientNonce: readDerOctetString(readDer(reader, tag, 'clientNonce'), 'clientNonce'),
        };
        break;
      default:
        // A later CredSSP revision may add fields: skip them rather than refuse the peer.
        readAnyDer(reader, 'field');
    }
  }
  return result;
}

/** How long the TSRequest at the start of a TLS byte stream is (CredSSP has no other framing). */
export function tsRequestFrameLength(bytes: Uint8Array, maxLength = TS_REQUEST_MAX_SIZE): FrameLength {
  if (bytes.length === 0) return { kind: 'need-more', atLeast: 2 };
  if (bytes[0] !== DerTag.SEQUENCE) {
    const error = new DecodeError({
      structure: STRUCTURE,
      kind: 'unexpected-type',
      field: 'TSRequest.tag',
      offset: 0,
      detail: `expected 0x30, got 0x${bytes[0]!.toString(16).padStart(2, '0')}`,
    });
    return { kind: 'malformed', error };
  }
  const octets = bytes.length >= 2 && bytes[1]! >= 0x80 ? bytes[1]! & 0x7f : 0;
  if (bytes.length < 2 + octets) return { kind: 'need-more', atLeast: 2 + octets };
  try {
    const header = readDerHeader(new ByteReader(bytes.subarray(0, 2 + octets), STRUCTURE), 'TSRequest');
    const length = header.headerLength + header.contentLength;
    if (length > maxLength) {
      const error = new DecodeError({
        structure: STRUCTURE,
        kind: 'too-large',
        field: 'TSRequest.length',
        offset: 1,
        detail: `${length} exceeds ${maxLength}`,
      });
      return { kind: 'malformed', error };
    }
    return { kind: 'length', length };
  } catch (error) {
    if (error instanceof DecodeError) return { kind: 'malformed', error };
    throw error;
  }
}

/** Whether this client speaks the version: 2..6 are defined; a higher one is treated as 6. */
export function isKnownCredSspVersion(version: number): boolean {
  return version >= CREDSSP_MIN_VERSION && version <= CREDSSP_MAX_VERSION;
}
