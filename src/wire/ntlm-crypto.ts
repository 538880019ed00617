import { createHmac, timingSafeEqual } from 'node:crypto';
import { DecodeError } from './errors.js';
import { md4 } from './md4.js';
import { AvId, type AvPair, decodeAvPairs, encodeAvPairs, NtlmFlag, utf16le } from './ntlm.js';
import { ByteReader } from './reader.js';
import { Rc4 } from './rc4.js';
import { md5 } from './rdp-crypto.js';
import { ByteWriter } from './writer.js';

/**
 * The NTLMv2 arithmetic of MS-NLMP 3.3.2 and 3.4, for both ends (the probe's logon check and the
 * lab's CredSSP server). Pure: random bytes and times are passed in.
 *
 * Secrets: the password and every key derived from it are Uint8Arrays the caller owns and wipes;
 * nothing here turns them into strings or keeps them after returning (except the session keys an
 * NtlmSealing holds, which `wipe()` clears).
 */
export const NTLM_KEY_SIZE = 16;
export const NTLM_CHALLENGE_SIZE = 8;
export const NTLM_SIGNATURE_SIZE = 16;
/** NTLMv2_RESPONSE: NTProofStr (16) then NTLMv2_CLIENT_CHALLENGE (MS-NLMP 2.2.2.8). */
export const NTLMV2_PROOF_SIZE = 16;
/** MsvAvFlags bit: the AUTHENTICATE message carries a MIC (MS-NLMP 2.2.2.1). */
export const MSV_AV_FLAG_MIC_PRESENT = 0x00000002;

function hmacMd5(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const mac = createHmac('md5', key);
  for (const part of parts) mac.update(part);
  return new Uint8Array(mac.digest());
}

/** NT hash = MD4(UTF-16LE(password)) (MS-NLMP 3.3.1 NTOWFv1). */
export function ntHash(passwordUtf16: Uint8Array): Uint8Array {
  return md4(passwordUtf16);
}

/** NTOWFv2 from an NT hash (what a SAM file stores): HMAC_MD5(hash, UNICODE(Upper(User) + UserDom)). */
export function ntowfv2FromHash(hash: Uint8Array, userName: string, domain: string): Uint8Array {
  return hmacMd5(hash, utf16le(userName.toUpperCase() + domain));
}

/** NTOWFv2 (MS-NLMP 3.3.2) from the UTF-16LE password; the intermediate NT hash is wiped. */
export function ntowfv2(passwordUtf16: Uint8Array, userName: string, domain: string): Uint8Array {
  const hash = ntHash(passwordUtf16);
  try {
    return ntowfv2FromHash(hash, userName, domain);
  } finally {
    hash.fill(0);
  }
}

/**
 * NTLMv2_CLIENT_CHALLENGE (MS-NLMP 2.2.2.7), the "temp" of 3.3.2:
 *   0 RespType=1 | 1 HiRespType=1 | 2 Reserved1 (2) | 4 Reserved2 (4) | 8 TimeStamp (8 FILETIME)
 *   | 16 ChallengeFromClient (8) | 24 Reserved3 (4) | 28 AvPairs ... MsvAvEOL | Z(4)
 */
export function encodeNtlmv2ClientChallenge(
  timestamp: bigint,
  clientChallenge: Uint8Array,
  avPairs: readonly AvPair[],
): Uint8Array {
  if (clientChallenge.length !== NTLM_CHALLENGE_SIZE) throw new RangeError('clientChallenge must be 8 bytes');
  return new ByteWriter(64)
    .u8(1)
    .u8(1)
    .u16le(0)
    .u32le(0)
    .u64le(timestamp)
    .bytes(clientChallenge)
    .u32le(0)
    .bytes(encodeAvPairs(avPairs))
    .u32le(0)
    .finish();
}

export interface Ntlmv2ClientChallenge {
  readonly timestamp: bigint;
  readonly clientChallenge: Uint8Array;
  readonly avPairs: readonly AvPair[];
}

export function decodeNtlmv2ClientChallenge(bytes: Uint8Array, base = 0): Ntlmv2ClientChallenge {
  const reader = new ByteReader(bytes, 'NTLMv2.ClientChallenge', base);
  const respType = reader.u8('RespType');
  if (respType !== 1) reader.fail('unsupported-version', 'RespType', `RespType ${respType}`, 0);
  reader.u8('HiRespType');
  reader.skip(6, 'Reserved');
  const timestamp = reader.u64le('TimeStamp');
  const clientChallenge = reader.bytesView(NTLM_CHALLENGE_SIZE, 'ChallengeFromClient').slice();
  reader.skip(4, 'Reserved3');
  const avPairs = decodeAvPairs(reader.rest(), base + reader.offset, 'NTLMv2.ClientChallenge');
  return { timestamp, clientChallenge, avPairs };
}

export interface Ntlmv2Response {
  /** NTProofStr + NTLMv2_CLIENT_CHALLENGE. */
  readonly ntChallengeResponse: Uint8Array;
  /** LMv2: HMAC(ResponseKeyLM, ServerChallenge + ClientChallenge) + ClientChallenge, or Z(24). */
  readonly lmChallengeResponse: Uint8Array;
  readonly sessionBaseKey: Uint8Array;
}

/**
 * ComputeResponse for NTLMv2 (MS-NLMP 3.3.2). `omitLmResponse`: when the CHALLENGE carries an
 * MsvAvTimestamp the client sends Z(24) instead of the LMv2 response (3.1.5.1.2).
 */
export function computeNtlmv2Response(input: {
  readonly responseKeyNT: Uint8Array;
  readonly serverChallenge: Uint8Array;
  readonly clientChallenge: Uint8Array;
  readonly timestamp: bigint;
  readonly avPairs: readonly AvPair[];
  readonly omitLmResponse?: boolean;
}): Ntlmv2Response {
  const temp = encodeNtlmv2ClientChallenge(input.timestamp, input.clientChallenge, input.avPairs);
  const ntProofStr = hmacMd5(input.responseKeyNT, input.serverChallenge, temp);
  const ntChallengeResponse = new Uint8Array(ntProofStr.length + temp.length);
  ntChallengeResponse.set(ntProofStr);
  ntChallengeResponse.set(temp, ntProofStr.length);
  // NTLMv2 uses the same key for LM and NT (ResponseKeyLM = LMOWFv2 = NTOWFv2).
  const lmChallengeResponse = input.omitLmResponse
    ? new Uint8Array(24)
    : Uint8Array.from([
        ...hmacMd5(input.responseKeyNT, input.serverChallenge, input.clientChallenge),
        ...input.clientChallenge,
      ]);
  const sessionBaseKey = hmacMd5(input.responseKeyNT, ntProofStr);
  return { ntChallengeResponse, lmChallengeResponse, sessionBaseKey };
}

/**
 * The server's check of an NTLMv2 response (MS-NLMP 3.3.2 on the server, 3.2.5.1.2): recomputes
 * NTProofStr from the client's own blob. Returns the session base key, or undefined when the
 * proof does not match (wrong password or user).
 */
export function verifyNtlmv2Response(input: {
  readonly responseKeyNT: Uint8Array;
  readonly serverChallenge: Uint8Array;
  readonly ntChallengeResponse: Uint8Array;
}): Uint8Array | undefined {
  if (input.ntChallengeResponse.length <= NTLMV2_PROOF_SIZE) return undefined;
  const proof = input.ntChallengeResponse.subarray(0, NTLMV2_PROOF_SIZE);
  const temp = input.ntChallengeResponse.subarray(NTLMV2_PROOF_SIZE);
  const expected = hmacMd5(input.responseKeyNT, input.serverChallenge, temp);
  if (!timingSafeEqual(expected, proof)) return undefined;
  return hmacMd5(input.responseKeyNT, expected);
}

/** KXKEY for NTLMv2 is the session base key itself (MS-NLMP 3.4.5.1). */
export function keyExchangeKey(sessionBaseKey: Uint8Array): Uint8Array {
  return sessionBaseKey.slice();
}

/** EncryptedRandomSessionKey = RC4K(KeyExchangeKey, ExportedSessionKey) (MS-NLMP 3.1.5.1.2). */
export function encryptRandomSessionKey(kxKey: Uint8Array, exportedSessionKey: Uint8Array): Uint8Array {
  return new Rc4(kxKey).process(exportedSessionKey);
}

/** The server's inverse: ExportedSessionKey = RC4K(KeyExchangeKey, EncryptedRandomSessionKey). */
export function decryptRandomSessionKey(kxKey: Uint8Array, encrypted: Uint8Array): Uint8Array {
  return new Rc4(kxKey).process(encrypted);
}

export type NtlmSide = 'client' | 'server';

const MAGIC = {
  clientSign: 'session key to client-to-server signing key magic constant\0',
  serverSign: 'session key to server-to-client signing key magic constant\0',
  clientSeal: 'session key to client-to-server sealing key magic constant\0',
  serverSeal: 'session key to server-to-client sealing key magic constant\0',
} as const;

/** SIGNKEY (MS-NLMP 3.4.5.2), extended session security: MD5(key + magic of the sending side). */
export function signKey(exportedSessionKey: Uint8Array, sender: NtlmSide): Uint8Array {
  const magic = sender === 'client' ? MAGIC.clientSign : MAGIC.serverSign;
  return md5(exportedSessionKey, Buffer.from(magic, 'latin1'));
}

/** SEALKEY (MS-NLMP 3.4.5.3), extended session security, weakened to 56 or 40 bits as negotiated. */
export function sealKey(exportedSessionKey: Uint8Array, flags: number, sender: NtlmSide): Uint8Array {
  const key =
    flags & NtlmFlag.NEGOTIATE_128
      ? exportedSessionKey
      : flags & NtlmFlag.NEGOTIATE_56
        ? exportedSessionKey.subarray(0, 7)
        : exportedSessionKey.subarray(0, 5);
  const magic = sender === 'client' ? MAGIC.clientSeal : MAGIC.serverSeal;
  return md5(key, Buffer.from(magic, 'latin1'));
}

/** MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE + CHALLENGE + AUTHENTICATE with a zero MIC) (3.1.5.1.2). */
export function computeMic(
  exportedSessionKey: Uint8Array,
  negotiate: Uint8Array,
  challenge: Uint8Array,
  authenticateWithZeroMic: Uint8Array,
): Uint8Array {
  return hmacMd5(exportedSessionKey, negotiate, challenge, authenticateWithZeroMic);
}

/** The AV pairs a client returns in its NTLMv2 response: the server's, with MIC flag, target name and channel bindings. */
export function clientAvPairs(
  serverPairs: readonly AvPair[],
  options: { readonly targetName?: string; readonly withMic: boolean },
): AvPair[] {
  const kept = serverPairs.filter(
    (pair) =>
      pair.id !== AvId.MsvAvFlags &&
      pair.id !== AvId.MsvAvTargetName &&
      pair.id !== AvId.MsvAvChannelBindings,
  );
  const serverFlags = serverPairs.find((pair) => pair.id === AvId.MsvAvFlags);
  let flags =
    serverFlags && serverFlags.value.length === 4 ? Buffer.from(serverFlags.value).readUInt32LE(0) : 0;
  if (options.withMic) flags |= MSV_AV_FLAG_MIC_PRESENT;
  const out: AvPair[] = [...kept];
  if (flags !== 0) out.push({ id: AvId.MsvAvFlags, value: new ByteWriter(4).u32le(flags >>> 0).finish() });
  // CredSSP binds through pubKeyAuth, not through channel bindings: an all-zero hash, as mstsc sends.
  out.push({ id: AvId.MsvAvChannelBindings, value: new Uint8Array(16) });
  if (options.targetName !== undefined)
    out.push({ id: AvId.MsvAvTargetName, value: utf16le(options.targetName) });
  return out;
}

/**
 * Sealing with extended session security and key exchange (MS-NLMP 3.4.3-3.4.4, connection
 * oriented): one RC4 stream per direction for the whole context; each message is encrypted, then
 * its 8-byte HMAC checksum is encrypted by the same stream.
 *
 *   NTLMSSP_MESSAGE_SIGNATURE (2.2.2.9.1): 0 Version=1 (u32) | 4 Checksum (8) | 12 SeqNum (u32)
 */
export class NtlmSealing {
  private readonly outgoingSignKey: Uint8Array;
  private readonly incomingSignKey: Uint8Array;
  private readonly outgoingSealKey: Uint8Array;
  private readonly incomingSealKey: Uint8Array;
  private readonly outgoing: Rc4;
  private readonly incoming: Rc4;
  private outgoingSequence = 0;
  private incomingSequence = 0;

  constructor(exportedSessionKey: Uint8Array, flags: number, side: NtlmSide) {
    const peer: NtlmSide = side === 'client' ? 'server' : 'client';
    this.outgoingSignKey = signKey(exportedSessionKey, side);
    this.incomingSignKey = signKey(exportedSessionKey, peer);
    this.outgoingSealKey = sealKey(exportedSessionKey, flags, side);
    this.incomingSealKey = sealKey(exportedSessionKey, flags, peer);
    this.outgoing = new Rc4(this.outgoingSealKey);
    this.incoming = new Rc4(this.incomingSealKey);
  }

  /** EncryptMessage: the signature and the sealed bytes. */
  seal(message: Uint8Array): { readonly signature: Uint8Array; readonly sealed: Uint8Array } {
    const sequence = this.outgoingSequence++;
    const sealed = this.outgoing.process(message);
    const signature = this.sign(this.outgoingSignKey, this.outgoing, sequence, message);
    return { signature, sealed };
  }

  /** DecryptMessage: the plain bytes, or a DecodeError when the signature does not match. */
  unseal(signature: Uint8Array, sealed: Uint8Array): Uint8Array {
    const sequence = this.incomingSequence++;
    const message = this.incoming.process(sealed);
    const expected = this.sign(this.incomingSignKey, this.incoming, sequence, message);
    if (signature.length !== NTLM_SIGNATURE_SIZE || !timingSafeEqual(expected, signature)) {
      message.fill(0);
      throw new DecodeError({
        structure: 'NTLM.MessageSignature',
        kind: 'invalid-field',
        field: 'Checksum',
        offset: 4,
        detail: 'the signature does not match the sealed message',
      });
    }
    return message;
  }

  /** Clears the derived keys (the RC4 states are dropped with the object). */
  wipe(): void {
    for (const key of [
      this.outgoingSignKey,
      this.incomingSignKey,
      this.outgoingSealKey,
      this.incomingSealKey,
    ])
      key.fill(0);
  }

  private sign(key: Uint8Array, stream: Rc4, sequence: number, message: Uint8Array): Uint8Array {
    const sequenceBytes = new ByteWriter(4).u32le(sequence).finish();
    const checksum = stream.process(hmacMd5(key, sequenceBytes, message).subarray(0, 8));
    return new ByteWriter(NTLM_SIGNATURE_SIZE).u32le(1).bytes(checksum).bytes(sequenceBytes).finish();
  }
}
