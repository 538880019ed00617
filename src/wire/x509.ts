import {
  contextTag,
  DerTag,
  peekDerTag,
  readAnyDer,
  readDer,
  readDerBitString,
  readDerBoolean,
  readDerObjectIdentifier,
} from './der.js';
import { ByteReader } from './reader.js';

/**
 * The parts of an X.509 certificate (RFC 5280 4.1) that Node 20's X509Certificate does not give:
 * the signature algorithm, the KeyUsage bits and the extended key usages. OpenSSL (node:crypto)
 * reads everything else; this walk costs nothing to load, where an ASN.1 schema library added
 * about 20 ms to every diagnosis.
 *
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signature BIT STRING }
 *   tbsCertificate: [0] version, serial, signature, issuer, validity, subject, key, [1], [2], [3] extensions
 *   Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
 */
export interface CertificateExtras {
  /** The outer signatureAlgorithm's OID. */
  readonly signatureAlgorithm: string;
  /** KeyUsage as a number, bit i set for named bit i (digitalSignature = 1), when present. */
  readonly keyUsage?: number;
  /** ExtendedKeyUsage purposes (OIDs), when present. */
  readonly extendedKeyUsage?: readonly string[];
}

export const OID_KEY_USAGE = '2.5.29.15';
export const OID_EXTENDED_KEY_USAGE = '2.5.29.37';

/** Named bits of a BIT STRING as a number: bit i is the i-th bit from the most significant of the first octet. */
export function namedBits(bytes: Uint8Array): number {
  let value = 0;
  // KeyUsage names 9 bits; later ones are ignored.
  for (let bit = 0; bit < Math.min(bytes.length * 8, 16); bit++) {
    if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) value |= 1 << bit;
  }
  return value;
}

/** Decodes what CertificateExtras holds; throws a DecodeError (with its offset) on malformed DER. */
export function decodeCertificateExtras(der: Uint8Array): CertificateExtras {
  const certificate = readDer(new ByteReader(der, 'Certificate'), DerTag.SEQUENCE, 'certificate');
  const tbs = readDer(certificate, DerTag.SEQUENCE, 'tbsCertificate');
  const algorithm = readDer(certificate, DerTag.SEQUENCE, 'signatureAlgorithm');
  const signatureAlgorithm = readDerObjectIdentifier(algorithm, 'signatureAlgorithm.algorithm');
  let keyUsage: number | undefined;
  let extendedKeyUsage: string[] | undefined;
  while (tbs.remaining > 0) {
    const field = readAnyDer(tbs, 'tbsCertificate.field');
    if (field.tag !== contextTag(3)) continue;
    const extensions = readDer(field.contents, DerTag.SEQUENCE, 'extensions');
    while (extensions.remaining > 0) {
      const extension = readDer(extensions, DerTag.SEQUENCE, 'extension');
      const id = readDerObjectIdentifier(extension, 'extension.extnID');
      if (peekDerTag(extension, 'extension.critical') === DerTag.BOOLEAN)
        readDerBoolean(extension, 'extension.critical');
      const value = readDer(extension, DerTag.OCTET_STRING, 'extension.extnValue');
      if (id === OID_KEY_USAGE) {
        keyUsage = namedBits(readDerBitString(value, 'keyUsage').bytes);
      } else if (id === OID_EXTENDED_KEY_USAGE) {
        const purposes = readDer(value, DerTag.SEQUENCE, 'extKeyUsage');
        extendedKeyUsage = [];
        while (purposes.remaining > 0)
          extendedKeyUsage.push(readDerObjectIdentifier(purposes, 'extKeyUsage.purpose'));
      }
    }
  }
  return {
    signatureAlgorithm,
    ...(keyUsage !== undefined ? { keyUsage } : {}),
    ...(extendedKeyUsage !== undefined ? { extendedKeyUsage } : {}),
  };
}
