import { createHash } from 'node:crypto';
import {
  contextTag,
  DerTag,
  derLength,
  readAnyDer,
  readDer,
  readDerBitString,
  readDerInteger,
} from './der.js';
import { DecodeError } from './errors.js';
import { NTLM_SIGNATURE_SIZE, type NtlmSealing } from './ntlm-crypto.js';
import { ByteReader } from './reader.js';

/**
 * CredSSP's own cryptography (MS-CSSP 3.1.5): the public-key binding that proves the TLS server
 * is the one that verified the NTLM logon, and the TSCredentials that carry the password.
 *
 * Versions 2-4: pubKeyAuth = seal(SubjectPublicKey); the server answers seal(SubjectPublicKey with
 * its first byte plus one). Versions 5-6 (after CVE-2018-0886): pubKeyAuth = seal(SHA-256(magic +
 * clientNonce + SubjectPublicKey)), one magic string per direction.
 * Sealed fields are the NTLM signature (16 bytes) followed by the encrypted bytes.
 */
export const CREDSSP_NONCE_SIZE = 32;
export const CLIENT_SERVER_HASH_MAGIC = 'CredSSP Client-To-Server Binding Hash\0';
export const SERVER_CLIENT_HASH_MAGIC = 'CredSSP Server-To-Client Binding Hash\0';
/** The first CredSSP version that binds through hashes and a client nonce. */
export const CREDSSP_HASH_BINDING_VERSION = 5;

/** Which binding two peers use: the lower of the two versions decides (MS-CSSP 3.1.5.1.1). */
export function usesHashBinding(clientVersion: number, serverVersion: number): boolean {
  return Math.min(clientVersion, serverVersion) >= CREDSSP_HASH_BINDING_VERSION;
}

function bindingHash(magic: string, clientNonce: Uint8Array, subjectPublicKey: Uint8Array): Uint8Array {
  if (clientNonce.length !== CREDSSP_NONCE_SIZE)
    throw new RangeError(`clientNonce must be ${CREDSSP_NONCE_SIZE} bytes`);
  return new Uint8Array(
    createHash('sha256')
      .update(Buffer.from(magic, 'latin1'))
      .update(clientNonce)
      .update(subjectPublicKey)
      .digest(),
  );
}

/** What the client seals into pubKeyAuth: the key itself (v2-4) or ClientServerHash (v5-6). */
export function clientPubKeyAuthPlain(
  hashBinding: boolean,
  subjectPublicKey: Uint8Array,
  clientNonce?: Uint8Array,
): Uint8Array {
  if (!hashBinding) return subjectPublicKey.slice();
  if (!clientNonce) throw new RangeError('CredSSP 5+ needs a client nonce');
  return bindingHash(CLIENT_SERVER_HASH_MAGIC, clientNonce, subjectPublicKey);
}

/** What the server seals into its answer: the key with its first byte + 1 (v2-4) or ServerClientHash. */
export function serverPubKeyAuthPlain(
  hashBinding: boolean,
  subjectPublicKey: Uint8Array,
  clientNonce?: Uint8Array,
): Uint8Array {
  if (!hashBinding) {
    const answer = subjectPublicKey.slice();
    if (answer.length > 0) answer[0] = (answer[0]! + 1) & 0xff;
    return answer;
  }
  if (!clientNonce) throw new RangeError('CredSSP 5+ needs a client nonce');
  return bindingHash(SERVER_CLIENT_HASH_MAGIC, clientNonce, subjectPublicKey);
}

/** Seals for a TSRequest field: signature then ciphertext. */
export function sealCredsspField(sealing: NtlmSealing, plain: Uint8Array): Uint8Array {
  const { signature, sealed } = sealing.seal(plain);
  const out = new Uint8Array(signature.length + sealed.length);
  out.set(signature);
  out.set(sealed, signature.length);
  return out;
}

/** Unseals a TSRequest field; a short field or a bad signature is a DecodeError. */
export function unsealCredsspField(sealing: NtlmSealing, field: Uint8Array, name: string): Uint8Array {
  if (field.length < NTLM_SIGNATURE_SIZE) {
    throw new DecodeError({
      structure: 'TSRequest',
      kind: 'not-enough-bytes',
      field: name,
      offset: 0,
      detail: `${field.length} bytes, the signature alone is ${NTLM_SIGNATURE_SIZE}`,
    });
  }
  return sealing.unseal(field.subarray(0, NTLM_SIGNATURE_SIZE), field.subarray(NTLM_SIGNATURE_SIZE));
}

/** Constant-time-enough comparison for non-secret binding values. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

// ---- SubjectPublicKey ---------------------------------------------------------------------

/**
 * The SubjectPublicKey CredSSP binds to: the contents of the subjectPublicKey BIT STRING of the
 * TLS certificate (RFC 5280 4.1), without the unused-bits octet. For RSA that is the DER
 * RSAPublicKey.
 *   Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
 *     signature, issuer, validity, subject, subjectPublicKeyInfo SEQUENCE { algorithm, BIT STRING }, ... } ... }
 */
export function subjectPublicKeyFromCertificate(certificateDer: Uint8Array, base = 0): Uint8Array {
  const outer = new ByteReader(certificateDer, 'X509.Certificate', base);
  const certificate = readDer(outer, DerTag.SEQUENCE, 'Certificate');
  const tbs = readDer(certificate, DerTag.SEQUENCE, 'tbsCertificate');
  if (tbs.peekU8('version.tag') === contextTag(0)) readAnyDer(tbs, 'version');
  for (const field of ['serialNumber', 'signature', 'issuer', 'validity', 'subject']) readAnyDer(tbs, field);
  const spki = readDer(tbs, DerTag.SEQUENCE, 'subjectPublicKeyInfo');
  readDer(spki, DerTag.SEQUENCE, 'subjectPublicKeyInfo.algorithm');
  const at = spki.offset;
  const key = readDerBitString(spki, 'subjectPublicKey');
  // A key is whole octets; unused bits mean this is not a key CredSSP could bind.
  if (key.unusedBits !== 0)
    spki.fail('invalid-field', 'subjectPublicKey', `${key.unusedBits} unused bits`, at);
  return key.bytes;
}

// ---- TSCredentials ------------------------------------------------------------------------

/**
 * TSCredentials (MS-CSSP 2.2.1.2) with TSPasswordCreds (2.2.1.2.1):
 *   TSCredentials ::= SEQUENCE { credType [0] INTEGER (1: password), credentials [1] OCTET STRING }
 *   TSPasswordCreds ::= SEQUENCE { domainName [0] OCTET STRING, userName [1] OCTET STRING,
 *                                  password [2] OCTET STRING }      -- all UTF-16LE
 */
export const TS_CREDENTIALS_PASSWORD = 1;

/** A DER tree laid out in one pass into one buffer, so a secret leaf is copied exactly once. */
type DerNode =
  | { readonly tag: number; readonly leaf: Uint8Array }
  | { readonly tag: number; readonly children: DerNode[] };

function contentSize(node: DerNode): number {
  return 'leaf' in node ? node.leaf.length : node.children.reduce((sum, child) => sum + nodeSize(child), 0);
}

function nodeSize(node: DerNode): number {
  const size = contentSize(node);
  return 1 + derLength(size).length + size;
}

function writeNode(node: DerNode, out: Uint8Array, at: number): number {
  out[at++] = node.tag;
  const length = derLength(contentSize(node));
  out.set(length, at);
  at += length.length;
  if ('leaf' in node) {
    out.set(node.leaf, at);
    return at + node.leaf.length;
  }
  for (const child of node.children) at = writeNode(child, out, at);
  return at;
}

const octets = (leaf: Uint8Array): DerNode => ({ tag: DerTag.OCTET_STRING, leaf });
const explicit = (n: number, child: DerNode): DerNode => ({ tag: contextTag(n), children: [child] });

/**
 * Encodes TSCredentials for a password into ONE new Buffer: the password is copied there and
 * nowhere else. The caller seals it and then wipes it (`fill(0)`).
 */
export function encodeTsPasswordCredentials(credentials: {
  readonly domain: Uint8Array;
  readonly userName: Uint8Array;
  readonly password: Uint8Array;
}): Buffer {
  const passwordCreds: DerNode = {
    tag: DerTag.SEQUENCE,
    children: [
      explicit(0, octets(credentials.domain)),
      explicit(1, octets(credentials.userName)),
      explicit(2, octets(credentials.password)),
    ],
  };
  // The OCTET STRING wrapping TSPasswordCreds is its DER nested in place: same bytes, no copy.
  const wrapped: DerNode = { tag: DerTag.OCTET_STRING, children: [passwordCreds] };
  const tree: DerNode = {
    tag: DerTag.SEQUENCE,
    children: [
      explicit(0, { tag: DerTag.INTEGER, leaf: Uint8Array.of(TS_CREDENTIALS_PASSWORD) }),
      explicit(1, wrapped),
    ],
  };
  const out = Buffer.alloc(nodeSize(tree));
  writeNode(tree, out, 0);
  return out;
}

export interface TsPasswordCredentials {
  readonly domain: Uint8Array;
  readonly userName: Uint8Array;
  /** A view into the decoded buffer: wiping that buffer wipes this. */
  readonly password: Uint8Array;
}

export type TsCredentials =
  | { readonly credType: typeof TS_CREDENTIALS_PASSWORD; readonly password: TsPasswordCredentials }
  | { readonly credType: number; readonly raw: Uint8Array };

/** Decodes TSCredentials; the password is a view into `bytes` (the lab wipes `bytes` after use). */
export function decodeTsCredentials(bytes: Uint8Array, base = 0): TsCredentials {
  const outer = new ByteReader(bytes, 'TSCredentials', base);
  const sequence = readDer(outer, DerTag.SEQUENCE, 'TSCredentials');
  outer.expectEnd();
  const credType = readDerInteger(readDer(sequence, contextTag(0), 'credType'), 'credType');
  const credentials = readDer(
    readDer(sequence, contextTag(1), 'credentials'),
    DerTag.OCTET_STRING,
    'credentials',
  );
  sequence.expectEnd();
  if (credType !== TS_CREDENTIALS_PASSWORD) return { credType, raw: credentials.rest().slice() };
  const creds = readDer(credentials, DerTag.SEQUENCE, 'TSPasswordCreds');
  credentials.expectEnd('TSPasswordCreds');
  const field = (n: number, name: string): Uint8Array =>
    readDer(readDer(creds, contextTag(n), name), DerTag.OCTET_STRING, name).rest();
  const domain = field(0, 'domainName');
  const userName = field(1, 'userName');
  const password = field(2, 'password');
  creds.expectEnd('TSPasswordCreds');
  return { credType, password: { domain, userName, password } };
}
