import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  Certificate,
  ExtendedKeyUsage,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  KeyUsage,
} from '@peculiar/asn1-x509';
import fc from 'fast-check';
import { readCapture, tcpStreams } from '../../src/evidence/pcap.js';
import { type CertificateProfile, labCertificate } from '../../src/lab/certificates.js';
import {
  derBitString,
  derObjectIdentifier,
  readDerBitString,
  readDerObjectIdentifier,
} from '../../src/wire/der.js';
import { isDecodeError } from '../../src/wire/errors.js';
import { ByteReader } from '../../src/wire/reader.js';
import { tlsRecordFrameLength } from '../../src/wire/tls-record.js';
import { readServerFlight } from '../../src/wire/tls-server-flight.js';
import { tpktFrameLength } from '../../src/wire/tpkt.js';
import { decodeCertificateExtras, namedBits } from '../../src/wire/x509.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const reader = (bytes: Uint8Array) => new ByteReader(bytes, 'test');

describe('DER OBJECT IDENTIFIER and BIT STRING', () => {
  it('encodes and decodes known vectors (X.690 8.19)', () => {
    // sha256WithRSAEncryption, as every certificate signed with it carries it.
    assert.equal(hex(derObjectIdentifier('1.2.840.113549.1.1.11')), '06092a864886f70d01010b');
    assert.equal(
      readDerObjectIdentifier(reader(Buffer.from('06092a864886f70d01010b', 'hex')), 'oid'),
      '1.2.840.113549.1.1.11',
    );
    // First arc 2 with a second arc above 39 (2.999 -> 1079 = 0x88 0x37).
    assert.equal(hex(derObjectIdentifier('2.999.3')), '0603883703');
    assert.equal(readDerObjectIdentifier(reader(Buffer.from('0603883703', 'hex')), 'oid'), '2.999.3');
    assert.equal(hex(derBitString(Uint8Array.of(0xa0), 5)), '030205a0');
  });

  it('round-trips any OID and BIT STRING', () => {
    const oid = fc
      .tuple(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 39 }),
        fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { maxLength: 12 }),
      )
      .map(([first, second, rest]) => [first, second, ...rest].join('.'));
    fc.assert(
      fc.property(oid, (text) => {
        assert.equal(readDerObjectIdentifier(reader(derObjectIdentifier(text)), 'oid'), text);
      }),
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 7 }),
        (bytes, unused) => {
          const decoded = readDerBitString(reader(derBitString(bytes, unused)), 'bits');
          assert.equal(decoded.unusedBits, unused);
          assert.deepEqual([...decoded.bytes], [...bytes]);
        },
      ),
    );
  });

  it('refuses what is not DER with a typed error and its offset', () => {
    const cases: [string, string][] = [
      ['0600', 'empty'],
      ['060380862a', 'padded arc'],
      ['06022a86', 'unterminated arc'],
      ['030108', 'unused bits'],
      ['030201', 'unused bits without octets'],
    ];
    for (const [bytes, why] of cases) {
      assert.throws(
        () => {
          const input = reader(Buffer.from(bytes, 'hex'));
          if (bytes.startsWith('06')) readDerObjectIdentifier(input, 'oid');
          else readDerBitString(input, 'bits');
        },
        (error: unknown) => isDecodeError(error) && typeof error.offset === 'number',
        why,
      );
    }
    assert.throws(() => derObjectIdentifier('3.1'), RangeError);
    assert.throws(() => derObjectIdentifier('1.40'), RangeError);
    assert.throws(() => derObjectIdentifier('1'), RangeError);
  });
});

/** What @peculiar/asn1-x509 (an independent ASN.1 schema parser) reads from the same certificate. */
function independentExtras(der: Uint8Array) {
  const certificate = AsnConvert.parse(der, Certificate);
  const extensions = certificate.tbsCertificate.extensions ?? [];
  const keyUsage = extensions.find((extension) => extension.extnID === id_ce_keyUsage);
  const eku = extensions.find((extension) => extension.extnID === id_ce_extKeyUsage);
  return {
    signatureAlgorithm: certificate.signatureAlgorithm.algorithm,
    ...(keyUsage ? { keyUsage: AsnConvert.parse(keyUsage.extnValue, KeyUsage).toNumber() } : {}),
    ...(eku ? { extendedKeyUsage: [...AsnConvert.parse(eku.extnValue, ExtendedKeyUsage)] } : {}),
  };
}

/** The server certificates in a capture's TLS flight. */
function capturedCertificates(file: string): Uint8Array[] {
  const bytes = new Uint8Array(readFileSync(new URL(`../fixtures/pcap/${file}`, import.meta.url)));
  const [connection] = tcpStreams(readCapture(bytes), 3389);
  const server = connection!.serverToClient.bytes;
  const frame = tpktFrameLength(server);
  assert.equal(frame.kind, 'length');
  const flight = server.subarray(frame.kind === 'length' ? frame.length : 0);
  assert.equal(tlsRecordFrameLength(flight).kind, 'length');
  return [...(readServerFlight(flight).certificates?.certificates ?? [])];
}

function derOfPem(pem: string): Uint8Array {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

describe('decodeCertificateExtras', () => {
  it('agrees with an independent ASN.1 parser on real servers’ certificates (captures)', () => {
    const certificates = ['zeek-rdp-no-cookie-mstshash.pcap', 'zeek-rdp-to-ssl.pcap'].flatMap(
      capturedCertificates,
    );
    assert.ok(certificates.length >= 2);
    for (const der of certificates) assert.deepEqual(decodeCertificateExtras(der), independentExtras(der));
  });

  it('agrees on every lab certificate profile (EKU missing, SHA-1, weak key ...)', async () => {
    const profiles: CertificateProfile[] = [
      'good',
      'expired',
      'wrong-name',
      'weak-key',
      'sha1',
      'no-server-auth-eku',
    ];
    const seen = new Set<string>();
    for (const profile of profiles) {
      const der = derOfPem((await labCertificate(profile, ['127.0.0.1', 'localhost'])).certificatePem);
      const extras = decodeCertificateExtras(der);
      assert.deepEqual(extras, independentExtras(der), profile);
      for (const key of Object.keys(extras))
        seen.add(`${key}:${JSON.stringify(extras[key as keyof typeof extras])}`);
    }
    // The profiles differ in what is compared: SHA-1 and SHA-256 signatures, EKU with and without serverAuth.
    assert.ok(seen.has('signatureAlgorithm:"1.2.840.113549.1.1.5"'), [...seen].join(' '));
    assert.ok(seen.has('signatureAlgorithm:"1.2.840.113549.1.1.11"'));
    assert.ok(
      [...seen].filter((entry) => entry.startsWith('extendedKeyUsage')).length >= 2,
      [...seen].join(' '),
    );
    assert.ok(
      [...seen].some((entry) => entry.startsWith('keyUsage')),
      [...seen].join(' '),
    );
  });

  it('names KeyUsage bits from the most significant bit of the first octet', () => {
    // digitalSignature (0) and keyEncipherment (2): 1010 0000.
    assert.equal(namedBits(Uint8Array.of(0xa0)), 0b101);
    // decipherOnly is bit 8, in the second octet.
    assert.equal(namedBits(Uint8Array.of(0x00, 0x80)), 1 << 8);
  });

  it('throws only DecodeErrors on mutated certificates, never loops', () => {
    const [der] = capturedCertificates('zeek-rdp-to-ssl.pcap');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: der!.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(der!.length),
        (at, value, cut) => {
          const mutated = Uint8Array.from(der!);
          mutated[at] = value;
          for (const input of [mutated, mutated.subarray(0, cut)]) {
            try {
              decodeCertificateExtras(input);
            } catch (error) {
              assert.ok(isDecodeError(error), String(error));
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
