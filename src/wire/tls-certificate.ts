import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * Certificate message body for SSL 3.0 - TLS 1.2 (RFC 5246 7.4.2), after the handshake header.
 * (TLS 1.3's form has a request context and per-entry extensions, and travels encrypted.)
 *
 *   certificate_list u24 { ASN.1Cert u24<1..2^24-1> } <0..2^24-1>
 */
export const MAX_CERTIFICATES = 64;

export interface CertificateMessage {
  /** DER certificates, the server's own first. */
  readonly certificates: readonly Uint8Array[];
}

export function encodeCertificateMessage(message: CertificateMessage): Uint8Array {
  const writer = new ByteWriter();
  writer.u24be(message.certificates.reduce((sum, der) => sum + 3 + der.length, 0));
  for (const der of message.certificates) writer.u24be(der.length).bytes(der);
  return writer.finish();
}

export function decodeCertificateMessage(bytes: Uint8Array, base = 0): CertificateMessage {
  const reader = new ByteReader(bytes, 'Certificate', base);
  const list = reader.sub(reader.u24be('certificateListLength'), 'certificateList');
  reader.expectEnd();
  const certificates: Uint8Array[] = [];
  while (list.remaining > 0) {
    if (certificates.length >= MAX_CERTIFICATES)
      list.fail('too-large', 'certificateList', `more than ${MAX_CERTIFICATES}`);
    const length = list.u24be('certificateLength');
    if (length === 0)
      list.fail('invalid-field', 'certificateLength', 'an ASN.1Cert is at least 1 byte', list.offset - 3);
    certificates.push(list.bytesView(length, 'certificate'));
  }
  return { certificates };
}
