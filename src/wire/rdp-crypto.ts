import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  type Cipher,
  type Decipher,
} from 'node:crypto';
import { DecodeError } from './errors.js';
import {
  EncryptionMethod,
  encodeServerCertificate,
  type ProprietaryCertificate,
  type ServerCertificate,
} from './gcc.js';
import { DerTag, readAnyDer, readDer } from './der.js';
import { ByteReader } from './reader.js';
import { Rc4 } from './rc4.js';

/**
 * Standard RDP Security (MS-RDPBCGR 5.3): the RSA exchange of the client random, the session key
 * derivation, and the per-packet encryption and MAC of the RC4 methods (40, 56, 128 bit) and of
 * FIPS (3DES + HMAC-SHA1). Pure computation: the caller supplies every random byte.
 *
 * Byte order matters throughout: RDP's RSA numbers are little-endian (Microsoft CryptoAPI blobs),
 * and counters inside MACs are little-endian u32s.
 */

// ---- RSA (MS-RDPBCGR 5.3.4.1) -------------------------------------------------------------

export function bigIntFromLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

export function littleEndianFromBigInt(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = 0; i < length; i++) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  if (rest !== 0n) throw new RangeError(`value does not fit in ${length} bytes`);
  return out;
}

/** Bytes needed for the modulus without its high-order zero bytes (a 512-bit key: 64). */
export function modulusByteLength(modulusLE: Uint8Array): number {
  let length = modulusLE.length;
  while (length > 0 && modulusLE[length - 1] === 0) length--;
  return length;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

function rsaLittleEndian(data: Uint8Array, modulusLE: Uint8Array, exponent: bigint): Uint8Array {
  const modulus = bigIntFromLittleEndian(modulusLE);
  if (modulus < 2n) throw new RangeError('RSA modulus must be at least 2');
  const value = bigIntFromLittleEndian(data);
  if (value >= modulus) throw new RangeError('RSA input is not smaller than the modulus');
  return littleEndianFromBigInt(modPow(value, exponent, modulus), modulusByteLength(modulusLE));
}

/**
 * Raw (unpadded) RSA of a little-endian number, as RDP encrypts the client random (5.3.4.1) and
 * licensing the premaster secret (MS-RDPELE 5.1.2.1). The result is little-endian and as long as
 * the modulus without its zero padding (64 bytes for 512 bits); the 8 zero bytes the wire adds
 * after it belong to the Security Exchange / licensing blob encoders.
 */
export function rsaEncryptLittleEndian(
  data: Uint8Array,
  modulusLE: Uint8Array,
  exponent: number,
): Uint8Array {
  return rsaLittleEndian(data, modulusLE, BigInt(exponent));
}

/** The lab's side: the same operation with the private exponent (little-endian bytes). */
export function rsaDecryptLittleEndian(
  data: Uint8Array,
  modulusLE: Uint8Array,
  privateExponentLE: Uint8Array,
): Uint8Array {
  return rsaLittleEndian(data, modulusLE, bigIntFromLittleEndian(privateExponentLE));
}

export interface RsaPublicKeyLE {
  /** Little-endian modulus; trailing zero bytes (the wire's padding) are allowed. */
  readonly modulusLE: Uint8Array;
  readonly exponent: number;
}

/**
 * The RSA key inside an X.509 certificate's SubjectPublicKeyInfo (RFC 5280 4.1), returned
 * little-endian. Walked by hand rather than with an X.509 library: Windows licensing servers send
 * certificates whose key algorithm is the odd OID 1.3.14.3.2.15 and that libraries refuse, and
 * the key's position does not depend on the algorithm.
 *
 *   Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
 *     signature, issuer, validity, subject, subjectPublicKeyInfo SEQUENCE { algorithm,
 *     subjectPublicKey BIT STRING { RSAPublicKey SEQUENCE { modulus INTEGER, publicExponent INTEGER } } } ... } ... }
 */
export function rsaPublicKeyFromX509(der: Uint8Array, base = 0): RsaPublicKeyLE {
  const outer = new ByteReader(der, 'X509.RsaPublicKey', base);
  const certificate = readDer(outer, DerTag.SEQUENCE, 'Certificate');
  const tbs = readDer(certificate, DerTag.SEQUENCE, 'tbsCertificate');
  if (tbs.remaining > 0 && tbs.peekU8('version') === 0xa0) skipDer(tbs, 'version');
  for (const field of ['serialNumber', 'signature', 'issuer', 'validity', 'subject']) skipDer(tbs, field);
  const keyInfo = readDer(tbs, DerTag.SEQUENCE, 'subjectPublicKeyInfo');
  skipDer(keyInfo, 'algorithm');
  const bitString = readDer(keyInfo, DerTag.BIT_STRING, 'subjectPublicKey');
  const unusedBits = bitString.u8('unusedBits');
  if (unusedBits !== 0) bitString.fail('invalid-field', 'unusedBits', `expected 0, got ${unusedBits}`, 0);
  const rsaKey = readDer(bitString, DerTag.SEQUENCE, 'RSAPublicKey');
  const modulusBE = readUnsignedInteger(rsaKey, 'modulus', 1024);
  const exponentBE = readUnsignedInteger(rsaKey, 'publicExponent', 4);
  let exponent = 0;
  for (const byte of exponentBE) exponent = exponent * 256 + byte;
  if (modulusBE.length === 0) rsaKey.fail('invalid-field', 'modulus', 'zero modulus');
  return { modulusLE: Uint8Array.from(modulusBE).reverse(), exponent };
}

function skipDer(reader: ByteReader, field: string): void {
  readAnyDer(reader, field);
}

/** A DER INTEGER as unsigned big-endian bytes without leading zeros, at most maxBytes long. */
function readUnsignedInteger(reader: ByteReader, field: string, maxBytes: number): Uint8Array {
  const body = readDer(reader, DerTag.INTEGER, field);
  const bytes = body.rest();
  if (bytes.length === 0) body.fail('invalid-field', field, 'empty INTEGER', 0);
  if ((bytes[0]! & 0x80) !== 0) body.fail('invalid-field', field, 'negative INTEGER', 0);
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  const magnitude = bytes.subarray(start);
  if (magnitude.length > maxBytes)
    body.fail('too-large', field, `${magnitude.length} bytes, at most ${maxBytes}`, 0);
  return magnitude;
}

/**
 * The server's RSA key from the GCC server certificate (2.2.1.4.3.1): the proprietary
 * certificate's RSA1 blob, or the last (the server's own) certificate of an X.509 chain.
 */
export function serverPublicKey(certificate: ServerCertificate): RsaPublicKeyLE {
  if (certificate.kind === 'proprietary') {
    return { modulusLE: certificate.publicKey.modulus, exponent: certificate.publicKey.exponent };
  }
  const last = certificate.certificates[certificate.certificates.length - 1];
  if (!last) {
    throw new DecodeError({
      structure: 'ServerCertificate',
      kind: 'invalid-field',
      field: 'CertBlobArray',
      offset: 0,
      detail: 'empty X.509 chain',
    });
  }
  return rsaPublicKeyFromX509(last);
}

// ---- session keys (MS-RDPBCGR 5.3.5) ------------------------------------------------------

export const CLIENT_RANDOM_LENGTH = 32;
export const SERVER_RANDOM_LENGTH = 32;

/**
 * Keys from the client's point of view. For the RC4 methods macKey and the two RC4 keys are 8
 * bytes (40 and 56 bit, salted) or 16 bytes (128 bit). For FIPS, macKey is the 20-byte HMAC-SHA1
 * key and the encrypt/decrypt keys are 24-byte 3DES keys. The server uses the mirror: its encrypt
 * key is clientDecryptKey.
 */
export interface SessionKeys {
  readonly method: number;
  readonly macKey: Uint8Array;
  readonly clientEncryptKey: Uint8Array;
  readonly clientDecryptKey: Uint8Array;
}

function sha1(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** MD5 of the parts in order (the key derivations of RDP, licensing and NTLM all use it). */
export function md5(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function u32le(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
}

const ASCII = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'latin1'));

/** SaltedHash(S, I) = MD5(S + SHA1(I + S + R1 + R2)) (5.3.5.1; MS-RDPELE 5.1.2 swaps R1 and R2). */
export function saltedHash(
  secret: Uint8Array,
  input: Uint8Array,
  random1: Uint8Array,
  random2: Uint8Array,
): Uint8Array {
  return md5(secret, sha1(input, secret, random1, random2));
}

/** 48 bytes from three salted hashes labelled like 'A', 'BB', 'CCC'. */
export function tripleSaltedHash(
  secret: Uint8Array,
  labels: readonly [string, string, string],
  random1: Uint8Array,
  random2: Uint8Array,
): Uint8Array {
  return concatBytes(...labels.map((label) => saltedHash(secret, ASCII(label), random1, random2)));
}

/** The 40- and 56-bit keys keep 0xD1269E / 0xD1 in their first bytes (5.3.5.1). */
function reduceKey(key: Uint8Array, method: number): Uint8Array {
  if (method === EncryptionMethod['128BIT']) return key.slice(0, 16);
  const short = key.slice(0, 8);
  if (method === EncryptionMethod['40BIT']) short.set([0xd1, 0x26, 0x9e]);
  else short[0] = 0xd1;
  return short;
}

function checkRandom(random: Uint8Array, field: string, length: number): void {
  if (random.length !== length) {
    throw new DecodeError({
      structure: 'StandardSecurity',
      kind: 'invalid-field',
      field,
      offset: 0,
      detail: `expected ${length} bytes, got ${random.length}`,
    });
  }
}

/**
 * Derives the session keys from the two randoms (5.3.5.1 non-FIPS, 5.3.5.2 FIPS).
 * An encryption method other than 40/56/128-bit or FIPS is a DecodeError: it came from the server.
 */
export function deriveSessionKeys(
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  encryptionMethod: number,
): SessionKeys {
  checkRandom(clientRandom, 'clientRandom', CLIENT_RANDOM_LENGTH);
  checkRandom(serverRandom, 'serverRandom', SERVER_RANDOM_LENGTH);
  if (encryptionMethod === EncryptionMethod.FIPS) {
    // 5.3.5.2: the 3DES keys come straight from SHA-1 of halves of the randoms.
    const encryptKeyT = sha1(clientRandom.subarray(16, 32), serverRandom.subarray(16, 32));
    const decryptKeyT = sha1(clientRandom.subarray(0, 16), serverRandom.subarray(0, 16));
    return {
      method: encryptionMethod,
      macKey: sha1(decryptKeyT, encryptKeyT),
      clientEncryptKey: fipsExpandKey(concatBytes(encryptKeyT, encryptKeyT.subarray(0, 1))),
      clientDecryptKey: fipsExpandKey(concatBytes(decryptKeyT, decryptKeyT.subarray(0, 1))),
    };
  }
  if (
    encryptionMethod !== EncryptionMethod['40BIT'] &&
    encryptionMethod !== EncryptionMethod['56BIT'] &&
    encryptionMethod !== EncryptionMethod['128BIT']
  ) {
    throw new DecodeError({
      structure: 'StandardSecurity',
      kind: 'unexpected-type',
      field: 'encryptionMethod',
      offset: 0,
      detail: `no session keys for encryption method 0x${encryptionMethod.toString(16).padStart(8, '0')}`,
    });
  }
  const preMasterSecret = concatBytes(clientRandom.subarray(0, 24), serverRandom.subarray(0, 24));
  const masterSecret = tripleSaltedHash(preMasterSecret, ['A', 'BB', 'CCC'], clientRandom, serverRandom);
  const sessionKeyBlob = tripleSaltedHash(masterSecret, ['X', 'YY', 'ZZZ'], clientRandom, serverRandom);
  // FinalHash(K) = MD5(K + ClientRandom + ServerRandom)
  const finalHash = (key: Uint8Array): Uint8Array => md5(key, clientRandom, serverRandom);
  return {
    method: encryptionMethod,
    macKey: reduceKey(sessionKeyBlob.subarray(0, 16), encryptionMethod),
    clientDecryptKey: reduceKey(finalHash(sessionKeyBlob.subarray(16, 32)), encryptionMethod),
    clientEncryptKey: reduceKey(finalHash(sessionKeyBlob.subarray(32, 48)), encryptionMethod),
  };
}

function oddParity(byte: number): number {
  let ones = 0;
  for (let bit = 1; bit < 8; bit++) ones += (byte >> bit) & 1;
  return (byte & 0xfe) | (ones % 2 === 0 ? 1 : 0);
}

/**
 * Spreads a 21-byte (168-bit) FIPS key over the 24 bytes of a 3DES key (5.3.5.2: "a parity bit
 * after every 7 bits"), the way Windows, FreeRDP and xrdp do it: the key is read as a bit stream,
 * least significant bit of each byte first; output byte i carries stream bits 7i+1 .. 7i+6 in its
 * bits 1..6 and an odd-parity bit 0 (bit 7 stays clear). DES ignores bit 0 of every key byte.
 */
export function fipsExpandKey(key21: Uint8Array): Uint8Array {
  if (key21.length !== 21) throw new RangeError(`FIPS key must be 21 bytes, got ${key21.length}`);
  const out = new Uint8Array(24);
  for (let i = 0; i < 24; i++) {
    let value = 0;
    for (let t = 1; t < 7; t++) {
      const bit = 7 * i + t;
      value |= ((key21[bit >> 3]! >> (bit & 7)) & 1) << t;
    }
    out[i] = oddParity(value);
  }
  return out;
}

// ---- MAC and key update (MS-RDPBCGR 5.3.6.1, 5.3.6.1.1, 5.3.7) ---------------------------------

const PAD1 = new Uint8Array(40).fill(0x36);
const PAD2 = new Uint8Array(48).fill(0x5c);

/**
 * MACSignature = First64Bits(MD5(MACKey + Pad2 + SHA1(MACKey + Pad1 + Length + Data [+ Count])))
 * (5.3.6.1). With `encryptionCount` it is the salted MAC of 5.3.6.1.1 (SEC_SECURE_CHECKSUM).
 */
export function macSignature(macKey: Uint8Array, data: Uint8Array, encryptionCount?: number): Uint8Array {
  const salt = encryptionCount === undefined ? new Uint8Array(0) : u32le(encryptionCount);
  const inner = sha1(macKey, PAD1, u32le(data.length), data, salt);
  return md5(macKey, PAD2, inner).slice(0, 8);
}

/** The licensing MAC (MS-RDPELE 5.1.6 / FreeRDP "MacData"): the same construction, all 16 bytes. */
export function macData(macSaltKey: Uint8Array, data: Uint8Array): Uint8Array {
  return md5(macSaltKey, PAD2, sha1(macSaltKey, PAD1, u32le(data.length), data));
}

/** 5.3.7.1: the RC4 key after 4096 packets, from the initial key and the current one. */
export function updateSessionKey(initialKey: Uint8Array, currentKey: Uint8Array, method: number): Uint8Array {
  const length = initialKey.length;
  const shaComponent = sha1(initialKey, PAD1, currentKey);
  const tempKey = md5(initialKey, PAD2, shaComponent).slice(0, length);
  const newKey = new Rc4(tempKey).process(tempKey);
  return method === EncryptionMethod['128BIT'] ? newKey : reduceKey(newKey, method);
}

/** Packets per key: the RC4 key is replaced after this many (5.3.7). */
export const KEY_UPDATE_INTERVAL = 4096;

/** 5.3.6.2: the IV of both 3DES-CBC streams. */
export const FIPS_IV = Uint8Array.of(0x12, 0x34, 0x56, 0x78, 0x90, 0xab, 0xcd, 0xef);

export interface EncryptedPacket {
  readonly signature: Uint8Array;
  readonly data: Uint8Array;
  /** FIPS only: the zero bytes added to reach a multiple of 8 (TS_SECURITY_HEADER2 padlen). */
  readonly padLength?: number;
}

export interface MacOptions {
  /** SEC_SECURE_CHECKSUM: salt the MAC with the packet count (5.3.6.1.1). Ignored by FIPS. */
  readonly secureChecksum?: boolean;
}

/** One direction's RC4 state, with its key-update bookkeeping. */
class Rc4Direction {
  private currentKey: Uint8Array;
  private rc4: Rc4;
  private sinceUpdate = 0;
  /** Packets processed so far; the salted MAC's counter. */
  count = 0;

  constructor(
    private readonly initialKey: Uint8Array,
    private readonly method: number,
  ) {
    this.currentKey = initialKey;
    this.rc4 = new Rc4(initialKey);
  }

  process(data: Uint8Array): Uint8Array {
    if (this.sinceUpdate === KEY_UPDATE_INTERVAL) {
      this.currentKey = updateSessionKey(this.initialKey, this.currentKey, this.method);
      this.rc4 = new Rc4(this.currentKey);
      this.sinceUpdate = 0;
    }
    this.sinceUpdate++;
    this.count++;
    return this.rc4.process(data);
  }
}

function badSignature(field: string, detail: string): DecodeError {
  return new DecodeError({ structure: 'StandardSecurity', kind: 'invalid-field', field, offset: 0, detail });
}

/** Compares two MACs without stopping at the first difference. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

/**
 * The per-packet protection of Standard RDP Security for one side of a connection. Each side
 * holds one instance: encrypt() for what it sends, decrypt() for what it receives, in order
 * (RC4 and 3DES-CBC are streams that continue from packet to packet).
 */
export class StandardSecurity {
  private readonly fips: boolean;
  private readonly macKey: Uint8Array;
  private readonly rc4Out?: Rc4Direction;
  private readonly rc4In?: Rc4Direction;
  private readonly cipherOut?: Cipher;
  private readonly decipherIn?: Decipher;
  private fipsOutCount = 0;
  private fipsInCount = 0;

  private constructor(
    readonly method: number,
    macKey: Uint8Array,
    encryptKey: Uint8Array,
    decryptKey: Uint8Array,
  ) {
    this.macKey = macKey;
    this.fips = method === EncryptionMethod.FIPS;
    if (this.fips) {
      this.cipherOut = createCipheriv('des-ede3-cbc', encryptKey, FIPS_IV).setAutoPadding(false);
      this.decipherIn = createDecipheriv('des-ede3-cbc', decryptKey, FIPS_IV).setAutoPadding(false);
    } else {
      this.rc4Out = new Rc4Direction(encryptKey, method);
      this.rc4In = new Rc4Direction(decryptKey, method);
    }
  }

  static forClient(keys: SessionKeys): StandardSecurity {
    return new StandardSecurity(keys.method, keys.macKey, keys.clientEncryptKey, keys.clientDecryptKey);
  }

  /** The server's mirror: it encrypts with the client's decrypt key and vice versa. */
  static forServer(keys: SessionKeys): StandardSecurity {
    return new StandardSecurity(keys.method, keys.macKey, keys.clientDecryptKey, keys.clientEncryptKey);
  }

  get isFips(): boolean {
    return this.fips;
  }

  /** Packets encrypted so far. */
  get encryptedCount(): number {
    return this.fips ? this.fipsOutCount : this.rc4Out!.count;
  }

  /** Packets decrypted so far. */
  get decryptedCount(): number {
    return this.fips ? this.fipsInCount : this.rc4In!.count;
  }

  /** Signs then encrypts one packet's data (what follows the security header). */
  encrypt(plain: Uint8Array, options: MacOptions = {}): EncryptedPacket {
    if (this.fips) {
      // 5.3.6.2: HMAC-SHA1 over the unpadded data and the packet count, then zero padding to a
      // multiple of the 3DES block and CBC encryption.
      const signature = this.fipsSignature(plain, this.fipsOutCount);
      const padLength = (8 - (plain.length % 8)) % 8;
      const padded = concatBytes(plain, new Uint8Array(padLength));
      const data = new Uint8Array(this.cipherOut!.update(padded));
      this.fipsOutCount++;
      return { signature, data, padLength };
    }
    const direction = this.rc4Out!;
    const signature = macSignature(this.macKey, plain, options.secureChecksum ? direction.count : undefined);
    return { signature, data: direction.process(plain) };
  }

  /**
   * Decrypts one packet and checks its signature. A wrong signature or an impossible FIPS length
   * is a DecodeError ('invalid-field', field dataSignature / padLength / data).
   */
  decrypt(signature: Uint8Array, data: Uint8Array, padLength?: number, options: MacOptions = {}): Uint8Array {
    if (this.fips) {
      if (data.length % 8 !== 0) throw badSignature('data', `${data.length} bytes is not a multiple of 8`);
      const pad = padLength ?? 0;
      if (pad > 7 || pad > data.length)
        throw badSignature('padLength', `padding ${pad} for ${data.length} bytes`);
      const padded = new Uint8Array(this.decipherIn!.update(data));
      const plain = padded.slice(0, padded.length - pad);
      const expected = this.fipsSignature(plain, this.fipsInCount);
      this.fipsInCount++;
      if (!constantTimeEqual(expected, signature)) throw badSignature('dataSignature', 'HMAC does not match');
      return plain;
    }
    const direction = this.rc4In!;
    const count = direction.count;
    const plain = direction.process(data);
    const expected = macSignature(this.macKey, plain, options.secureChecksum ? count : undefined);
    if (!constantTimeEqual(expected, signature)) throw badSignature('dataSignature', 'MAC does not match');
    return plain;
  }

  private fipsSignature(plain: Uint8Array, count: number): Uint8Array {
    const hmac = createHmac('sha1', this.macKey).update(plain).update(u32le(count)).digest();
    return new Uint8Array(hmac.subarray(0, 8));
  }
}

// ---- proprietary certificate signature (MS-RDPBCGR 5.3.3.1) ----------------------------------

/**
 * The Terminal Services signing key, published in MS-RDPBCGR 5.3.3.1.1 so that any server can
 * sign its proprietary certificate and any client can check it. Little-endian, like the wire.
 */
export const TERMINAL_SERVICES_SIGNING_KEY = {
  modulusLE: Uint8Array.from([
    0x3d, 0x3a, 0x5e, 0xbd, 0x72, 0x43, 0x3e, 0xc9, 0x4d, 0xbb, 0xc1, 0x1e, 0x4a, 0xba, 0x5f, 0xcb, 0x3e,
    0x88, 0x20, 0x87, 0xef, 0xf5, 0xc1, 0xe2, 0xd7, 0xb7, 0x6b, 0x9a, 0xf2, 0x52, 0x45, 0x95, 0xce, 0x63,
    0x65, 0x6b, 0x58, 0x3a, 0xfe, 0xef, 0x7c, 0xe7, 0xbf, 0xfe, 0x3d, 0xf6, 0x5c, 0x7d, 0x6c, 0x5e, 0x06,
    0x09, 0x1a, 0xf5, 0x61, 0xbb, 0x20, 0x93, 0x09, 0x5f, 0x05, 0x6d, 0xea, 0x87,
  ]),
  exponent: 0xc0887b5b,
  privateExponentLE: Uint8Array.from([
    0x87, 0xa7, 0x19, 0x32, 0xda, 0x11, 0x87, 0x55, 0x58, 0x00, 0x16, 0x16, 0x25, 0x65, 0x68, 0xf8, 0x24,
    0x3e, 0xe6, 0xfa, 0xe9, 0x67, 0x49, 0x94, 0xcf, 0x92, 0xcc, 0x33, 0x99, 0xe8, 0x08, 0x60, 0x17, 0x9a,
    0x12, 0x9f, 0x24, 0xdd, 0xb1, 0x24, 0x99, 0xc7, 0x3a, 0xb8, 0x0a, 0x7b, 0x0d, 0xdd, 0x35, 0x07, 0x79,
    0x17, 0x0b, 0x51, 0x9b, 0xb3, 0xc7, 0x10, 0x01, 0x13, 0xe7, 0x3f, 0xf3, 0x5f,
  ]),
} as const;

/** Bytes of the certificate that the signature covers: dwVersion through PublicKeyBlob. */
function signedPart(certificate: ProprietaryCertificate): Uint8Array {
  const unsigned = encodeServerCertificate({ ...certificate, signature: new Uint8Array(0) });
  // The encoding ends with wSignatureBlobType and wSignatureBlobLen (2 + 2 bytes).
  return unsigned.subarray(0, unsigned.length - 4);
}

/**
 * 5.3.3.1.2: the 63-byte block MD5(signed part) + 0x00 + 45 x 0xFF + 0x01, raised to the signing
 * key's private exponent, then the 8 zero bytes of padding: 72 bytes.
 */
export function signProprietaryCertificate(certificate: ProprietaryCertificate): ProprietaryCertificate {
  const block = new Uint8Array(63).fill(0xff);
  block.set(md5(signedPart(certificate)), 0);
  block[16] = 0x00;
  block[62] = 0x01;
  const key = TERMINAL_SERVICES_SIGNING_KEY;
  const signed = rsaDecryptLittleEndian(block, key.modulusLE, key.privateExponentLE);
  const signature = new Uint8Array(signed.length + 8);
  signature.set(signed);
  return { ...certificate, signature };
}

/** 5.3.3.1.3: whether the signature is the signing key's over this certificate's key. */
export function verifyProprietaryCertificate(certificate: ProprietaryCertificate): boolean {
  const key = TERMINAL_SERVICES_SIGNING_KEY;
  const value = bigIntFromLittleEndian(certificate.signature);
  const modulus = bigIntFromLittleEndian(key.modulusLE);
  if (value >= modulus) return false;
  const block = littleEndianFromBigInt(modPow(value, BigInt(key.exponent), modulus), 64);
  const expected = new Uint8Array(64).fill(0xff);
  expected.set(md5(signedPart(certificate)), 0);
  expected[16] = 0x00;
  expected[62] = 0x01;
  expected[63] = 0x00;
  return constantTimeEqual(block, expected);
}
