import { DecodeError } from '../wire/errors.js';
import { EncryptionMethod } from '../wire/gcc.js';
import {
  CLIENT_RANDOM_LENGTH,
  deriveSessionKeys,
  rsaDecryptLittleEndian,
  StandardSecurity,
} from '../wire/rdp-crypto.js';
import {
  decodeSecurityExchange,
  decodeSecurityHeader,
  decodeSecurityHeaderFor,
  encodeSecurityHeader,
  SecurityFlag,
} from '../wire/security-header.js';
import type { LabProprietaryKey } from './licensing-server.js';

/**
 * The lab server's side of the security header (MS-RDPBCGR 2.2.8.1.1.2, 5.3.8): what it strips
 * from the client's I/O channel PDUs and what it puts in front of its own.
 *
 *   Enhanced RDP Security (TLS, CredSSP): only Client Info and licensing PDUs carry a header, the
 *     4-byte basic one; share PDUs carry none (5.4.4).
 *   Standard RDP Security: every PDU carries one; with SEC_ENCRYPT it is the non-FIPS (12 bytes)
 *     or FIPS (16 bytes) header and the body is encrypted and signed. The lab's server licensing
 *     PDUs go unencrypted with a basic header, as Windows sends them.
 */

/** The server's RSA key for Standard RDP Security, with the proprietary certificate naming it. */
export type LabStandardSecurity = LabProprietaryKey;

export type LabSecurityLayer =
  | { readonly kind: 'enhanced' }
  | {
      readonly kind: 'standard';
      readonly security: StandardSecurity;
      readonly encryption: 'non-fips' | 'fips';
    };

export const ENHANCED_SECURITY: LabSecurityLayer = { kind: 'enhanced' };

/** What a client PDU on the I/O channel is, for the header rules above. */
export type ClientPduPurpose = 'client-info' | 'licensing' | 'share';

/**
 * The Security Exchange PDU (2.2.1.10): decrypts the client random with the server's private key
 * (5.3.4.1) and derives the session keys (5.3.5), giving the server's half of the layer.
 */
export function serverSecurityFromExchange(
  userData: Uint8Array,
  context: { key: LabStandardSecurity; serverRandom: Uint8Array; encryptionMethod: number },
): LabSecurityLayer {
  const encrypted = decodeSecurityExchange(userData);
  let decrypted: Uint8Array;
  try {
    decrypted = rsaDecryptLittleEndian(encrypted, context.key.modulusLE, context.key.privateExponentLE);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new DecodeError({
      structure: 'SecurityExchange',
      kind: 'invalid-field',
      field: 'encryptedClientRandom',
      offset: 8,
      detail: error.message,
    });
  }
  // Little-endian: the 32-byte random is the low end of the decrypted number.
  const clientRandom = new Uint8Array(CLIENT_RANDOM_LENGTH);
  clientRandom.set(decrypted.subarray(0, CLIENT_RANDOM_LENGTH));
  const keys = deriveSessionKeys(clientRandom, context.serverRandom, context.encryptionMethod);
  return {
    kind: 'standard',
    security: StandardSecurity.forServer(keys),
    encryption: context.encryptionMethod === EncryptionMethod.FIPS ? 'fips' : 'non-fips',
  };
}

/** Strips (and, when encrypted, decrypts and verifies) the security header of a client PDU. */
export function openClientPdu(
  layer: LabSecurityLayer,
  purpose: ClientPduPurpose,
  userData: Uint8Array,
): { flags: number; body: Uint8Array } {
  if (layer.kind === 'enhanced') {
    if (purpose === 'share') return { flags: 0, body: userData };
    const { header, bodyOffset } = decodeSecurityHeader(userData, 'basic');
    return { flags: header.flags, body: userData.subarray(bodyOffset) };
  }
  const { header, bodyOffset } = decodeSecurityHeaderFor(userData, layer.encryption);
  const data = userData.subarray(bodyOffset);
  if ((header.flags & SecurityFlag.SEC_ENCRYPT) === 0 || header.kind === 'basic') {
    return { flags: header.flags, body: data };
  }
  const secureChecksum = (header.flags & SecurityFlag.SEC_SECURE_CHECKSUM) !== 0;
  const padLength = header.kind === 'fips' ? header.padLength : undefined;
  const body = layer.security.decrypt(header.signature, data, padLength, { secureChecksum });
  return { flags: header.flags, body };
}

/** Puts the server's security header in front of `body` (encrypting share PDUs under Standard RDP Security). */
export function sealServerPdu(
  layer: LabSecurityLayer,
  purpose: 'licensing' | 'share',
  body: Uint8Array,
): Uint8Array {
  if (purpose === 'licensing') {
    return concat(
      encodeSecurityHeader({ kind: 'basic', flags: SecurityFlag.SEC_LICENSE_PKT, flagsHi: 0 }),
      body,
    );
  }
  if (layer.kind === 'enhanced') return body;
  const packet = layer.security.encrypt(body);
  const header =
    layer.encryption === 'fips'
      ? encodeSecurityHeader({
          kind: 'fips',
          flags: SecurityFlag.SEC_ENCRYPT,
          flagsHi: 0,
          padLength: packet.padLength ?? 0,
          signature: packet.signature,
        })
      : encodeSecurityHeader({
          kind: 'non-fips',
          flags: SecurityFlag.SEC_ENCRYPT,
          flagsHi: 0,
          signature: packet.signature,
        });
  return concat(header, packet.data);
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
