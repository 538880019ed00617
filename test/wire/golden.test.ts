import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readCapture, tcpStreams, udpDatagrams } from '../../src/evidence/pcap.js';
import { readAnyDer, readDer } from '../../src/wire/der.js';
import { DecodeError } from '../../src/wire/errors.js';
import { decodeClientConnectInitial, decodeServerConnectResponse } from '../../src/wire/mcs.js';
import { decodeRdpUdpSyn } from '../../src/wire/rdpeudp.js';
import { ByteReader } from '../../src/wire/reader.js';
import { TpktFramer } from '../../src/wire/tpkt-framer.js';
import { decodeConnectionConfirm, decodeConnectionRequest } from '../../src/wire/x224.js';

/**
 * Golden vectors: real captures (BSD / MIT, see test/fixtures/pcap/SOURCES.md) decoded by our
 * codecs. Every expected value is a fact tshark 4.0.17 or Zeek's own baseline states for the file
 * (../shared/corpus/expected/pcap), not something our decoder printed.
 */
const FIXTURES = new URL('../fixtures/pcap/', import.meta.url);

interface Conversation {
  readonly client: Uint8Array[];
  readonly server: Uint8Array[];
}

/** The TPKT PDUs of each RDP connection's two directions, up to the first non-TPKT byte. */
function conversations(file: string): Conversation[] {
  const capture = readCapture(readFileSync(new URL(file, FIXTURES)));
  return tcpStreams(capture, 3389).map((connection) => ({
    client: tpktPdus(connection.clientToServer.bytes),
    server: tpktPdus(connection.serverToClient.bytes),
  }));
}

function tpktPdus(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const event of new TpktFramer().push(stream)) {
    if (event.kind !== 'pdu') break;
    out.push(event.bytes);
  }
  return out;
}

test('golden: zeek-rdp-proprietary-encryption (failure code 2, then Standard RDP Security)', () => {
  const [first, second] = conversations('zeek-rdp-proprietary-encryption.pcap');
  assert.ok(first && second);
  // Frames 4/5: CR requestedProtocols 0x1 -> RDP_NEG_FAILURE failureCode 2.
  const cr1 = decodeConnectionRequest(first.client[0]!);
  assert.deepEqual(cr1.routing, { kind: 'cookie', value: 'FTBCO\\A70' });
  assert.equal(cr1.negotiation?.requestedProtocols, 0x1);
  const cc1 = decodeConnectionConfirm(first.server[0]!);
  assert.deepEqual(cc1.negotiation, { type: 'failure', flags: 0, failureCode: 2 });
  // Frames 12/13: requestedProtocols 0 -> selectedProtocol 0, negRsp flags 0.
  assert.equal(decodeConnectionRequest(second.client[0]!).negotiation?.requestedProtocols, 0);
  assert.deepEqual(decodeConnectionConfirm(second.server[0]!).negotiation, {
    type: 'response',
    flags: 0,
    selectedProtocol: 0,
  });
  // Frame 14: client core data.
  const initial = decodeClientConnectInitial(second.client[1]!);
  const core = initial.clientData.core;
  assert.equal(core.clientName, 'FROG-POND');
  assert.equal(core.clientBuild, 6000);
  assert.equal(core.version, 0x00080004);
  assert.equal(core.desktopWidth, 1152);
  assert.equal(core.desktopHeight, 864);
  assert.equal(initial.clientData.security?.encryptionMethods, 0x1b);
  assert.deepEqual(
    initial.clientData.channels?.map((channel) => channel.name),
    ['rdpdr', 'rdpsnd', 'drdynvc', 'cliprdr'],
  );
  assert.ok(initial.clientData.cluster, 'client cluster data present');
  // Frame 15: server security data with a 184-byte proprietary certificate.
  const response = decodeServerConnectResponse(second.server[1]!);
  assert.equal(response.mcs.result, 0);
  const server = response.conference!.serverData;
  assert.equal(server.core.version, 0x00080004);
  assert.equal(server.core.clientRequestedProtocols, 0);
  const security = server.security!;
  assert.equal(security.encryptionMethod, 0x2);
  assert.equal(security.encryptionLevel, 3);
  assert.equal(security.serverRandom?.length, 32);
  const certificate = security.certificate;
  assert.equal(certificate?.kind, 'proprietary');
  if (certificate?.kind !== 'proprietary') return;
  // 184 = 4 version + 4 + 4 algorithm ids + 2 + 2 blob header + 92 key blob + 2 + 2 + 72 signature.
  assert.equal(12 + 4 + 20 + certificate.publicKey.modulus.length + 4 + certificate.signature.length, 184);
  assert.equal(certificate.publicKey.magic, 0x31415352);
  // Zeek: cert_permanent T (the temporary bit is clear).
  assert.equal(certificate.version & 0x80000000, 0);
});

test('golden: zeek-rdp-x509 (X.509 chain of 2, Client Compatible, CN SERVR 512-bit)', () => {
  const [conversation] = conversations('zeek-rdp-x509.pcap');
  assert.ok(conversation);
  assert.deepEqual(decodeConnectionRequest(conversation.client[0]!).routing, {
    kind: 'cookie',
    value: 'JOHN-PC  ',
  });
  const initial = decodeClientConnectInitial(conversation.client[1]!);
  assert.equal(initial.clientData.core.clientName, 'JOHN-PC-LAPTOP');
  assert.equal(initial.clientData.core.clientBuild, 9600);
  assert.equal(initial.clientData.core.clientDigProductId?.slice(0, 31), '3c571ed0-3415-474b-ae94-74e151b');
  const security = decodeServerConnectResponse(conversation.server[1]!).conference!.serverData.security!;
  assert.equal(security.encryptionMethod, 0x2);
  assert.equal(security.encryptionLevel, 2);
  assert.equal(security.serverRandom?.length, 32);
  const chain = security.certificate;
  assert.equal(chain?.kind, 'x509');
  if (chain?.kind !== 'x509') return;
  assert.equal(chain.certificates.length, 2);
  // Zeek: cert_permanent F (the temporary bit is set).
  assert.notEqual(chain.version & 0x80000000, 0);
  // Zeek x509.log: the first is self-issued by CN=SERVR, the second (CN=ncalrpc:SERVR) is issued
  // by it; both carry 512-bit RSA keys with exponent 65537.
  const [root, leaf] = chain.certificates.map((der) => new X509Certificate(der));
  assert.ok(root?.subject.includes('CN=SERVR') && root.subject.includes('L=TURNBKL'));
  assert.ok(leaf?.subject.includes('CN=ncalrpc:SERVR'));
  for (const parsed of [root, leaf]) assert.ok(parsed?.issuer.includes('CN=SERVR'));
  // OpenSSL 3 refuses to load 512-bit keys, so the key size is read from the DER directly.
  for (const der of chain.certificates) assert.equal(rsaModulusBits(der), 512);
});

test('golden: zeek-rdp-invalid-length gives a DecodeError, never a crash', () => {
  const errors: DecodeError[] = [];
  const capture = readCapture(readFileSync(new URL('zeek-rdp-invalid-length.pcap', FIXTURES)));
  for (const connection of tcpStreams(capture, 3389)) {
    for (const [stream, decoders] of [
      [connection.clientToServer.bytes, [decodeConnectionRequest, decodeClientConnectInitial]],
      [connection.serverToClient.bytes, [decodeConnectionConfirm, decodeServerConnectResponse]],
    ] as const) {
      const framer = new TpktFramer();
      const events = [...framer.push(stream), framer.end()];
      events.forEach((event, index) => {
        if (!event) return;
        if (event.kind === 'malformed') {
          errors.push(event.error);
          return;
        }
        const decode = decoders[Math.min(index, 1)]!;
        try {
          decode(event.bytes);
        } catch (error) {
          assert.ok(error instanceof DecodeError, `not a DecodeError: ${String(error)}`);
          errors.push(error);
        }
      });
    }
  }
  // Zeek's baseline: "&enforce violation : RDP_Negotiation_Response:length" on the CC.
  assert.deepEqual(errors.find((error) => error.structure.startsWith('X224'))?.toJSON(), {
    structure: 'X224.ConnectionConfirm',
    kind: 'invalid-field',
    field: 'length',
    offset: 13,
    detail: 'expected 8, got 0',
  });
});

test('golden: zeek-rdp-no-cookie-mstshash (req 0xb -> HYBRID_EX, flags 0x1f)', () => {
  const [conversation] = conversations('zeek-rdp-no-cookie-mstshash.pcap');
  assert.ok(conversation);
  const request = decodeConnectionRequest(conversation.client[0]!);
  assert.deepEqual(request.routing, { kind: 'none' });
  assert.equal(request.negotiation?.requestedProtocols, 0xb);
  assert.deepEqual(decodeConnectionConfirm(conversation.server[0]!).negotiation, {
    type: 'response',
    flags: 0x1f,
    selectedProtocol: 0x8,
  });
});

test('golden: suricata-verify RDP-003 (no RDP_NEG_REQ, cookie A70067, 56-bit, level 2)', () => {
  const [conversation] = conversations('suricata-verify-RDP-003.pcap');
  assert.ok(conversation);
  const request = decodeConnectionRequest(conversation.client[0]!);
  assert.deepEqual(request.routing, { kind: 'cookie', value: 'A70067' });
  assert.equal(request.negotiation, undefined);
  assert.equal(decodeConnectionConfirm(conversation.server[0]!).negotiation, undefined);
  const initial = decodeClientConnectInitial(conversation.client[1]!);
  assert.equal(initial.clientData.core.clientName, 'ISD2-KM84178');
  assert.equal(initial.clientData.core.clientBuild, 2600);
  assert.equal(initial.clientData.security?.encryptionMethods, 0x0b);
  assert.deepEqual(
    initial.clientData.channels?.map((channel) => channel.name),
    ['rdpdr', 'cliprdr', 'rdpsnd'],
  );
  const security = decodeServerConnectResponse(conversation.server[1]!).conference!.serverData.security!;
  assert.equal(security.encryptionMethod, 0x8);
  assert.equal(security.encryptionLevel, 2);
  assert.equal(security.serverRandom?.length, 32);
  assert.equal(security.certificate?.kind, 'proprietary');
});

test('golden: zeek-rdpeudp-handshake-success SYN and SYN+ACK', () => {
  const capture = readCapture(readFileSync(new URL('zeek-rdpeudp-handshake-success.pcap', FIXTURES)));
  const [syn, synAck] = udpDatagrams(capture, 3389);
  assert.ok(syn && synAck);
  const client = decodeRdpUdpSyn(syn.payload);
  assert.equal(client.flags, 0x1801);
  assert.equal(client.initialSequenceNumber, 0x0b127f15);
  assert.equal(client.upstreamMtu, 1232);
  assert.equal(client.downstreamMtu, 1232);
  assert.equal(client.synEx?.version, 0x0003);
  assert.equal(syn.payload.length + 8, 1240);
  const server = decodeRdpUdpSyn(synAck.payload);
  assert.equal(server.flags, 0x1005);
  assert.equal(server.initialSequenceNumber, 0x0f94ea0b);
  assert.equal(server.upstreamMtu, 1232);
  assert.equal(server.downstreamMtu, 1232);
  assert.equal(server.synEx?.version, 0x0002);
  // The SYN+ACK acknowledges the client's initial sequence number.
  assert.equal(server.snSourceAck, client.initialSequenceNumber);
});

/** Certificate -> tbsCertificate -> subjectPublicKeyInfo -> BIT STRING -> RSAPublicKey.modulus. */
function rsaModulusBits(der: Uint8Array): number {
  const tbs = readDer(readDer(new ByteReader(der, 'X509'), 0x30, 'Certificate'), 0x30, 'tbsCertificate');
  if (tbs.peekU8('version') === 0xa0) readAnyDer(tbs, 'version');
  for (const field of ['serialNumber', 'signature', 'issuer', 'validity', 'subject']) readAnyDer(tbs, field);
  const spki = readDer(tbs, 0x30, 'subjectPublicKeyInfo');
  readAnyDer(spki, 'algorithm');
  const bits = readDer(spki, 0x03, 'subjectPublicKey');
  bits.u8('unusedBits');
  const modulus = readDer(readDer(bits, 0x30, 'RSAPublicKey'), 0x02, 'modulus').rest();
  return (modulus[0] === 0 ? modulus.length - 1 : modulus.length) * 8;
}
