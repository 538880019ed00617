import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { X509Certificate } from '@peculiar/x509';
import { readCapture, tcpStreams } from '../../src/evidence/pcap.js';
import { decodeClientHello, summarizeClientHello } from '../../src/wire/tls-client-hello.js';
import { decodeHandshake } from '../../src/wire/tls-handshake.js';
import { splitTlsRecords } from '../../src/wire/tls-record.js';
import { readServerFlight } from '../../src/wire/tls-server-flight.js';
import { tpktFrameLength } from '../../src/wire/tpkt.js';

/** The TLS bytes of each direction: after the X.224 request / confirm TPKT that opens the connection. */
function tlsAfterNegotiation(file: string) {
  const bytes = new Uint8Array(readFileSync(new URL(`../fixtures/pcap/${file}`, import.meta.url)));
  const [connection] = tcpStreams(readCapture(bytes), 3389);
  assert.ok(connection);
  const skip = (stream: Uint8Array) => {
    const frame = tpktFrameLength(stream);
    assert.equal(frame.kind, 'length');
    return stream.subarray(frame.kind === 'length' ? frame.length : 0);
  };
  return { client: skip(connection.clientToServer.bytes), server: skip(connection.serverToClient.bytes) };
}

function commonName(der: Uint8Array): string | undefined {
  return new X509Certificate(der).subjectName.getField('CN')[0];
}

// Expected values: ../shared/corpus/expected/pcap/<file>.tshark-facts.txt (tshark 4.0.17, decode-as TLS).
const CASES = [
  {
    file: 'zeek-rdp-no-cookie-mstshash.pcap',
    recordVersion: 0x0303,
    helloVersion: 0x0303,
    offered: [
      0xc02c, 0xc02b, 0xc030, 0xc02f, 0x009f, 0x009e, 0xc024, 0xc023, 0xc028, 0xc027, 0xc00a, 0xc009, 0xc014,
      0xc013, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x000a,
    ],
    serverName: undefined,
    chosen: 0x009d,
    serverTypes: [2, 11, 14],
    cn: 'CLK-456040-D.one.phoenix.gov',
  },
  {
    file: 'zeek-rdp-to-ssl.pcap',
    recordVersion: 0x0301,
    helloVersion: 0x0301,
    // tshark lists the first 12 offered suites.
    offered: [0x002f, 0x0035, 0x0005, 0x000a, 0xc013, 0xc014, 0xc009, 0xc00a, 0x0032, 0x0038, 0x0013, 0x0004],
    serverName: '192.168.1.150',
    chosen: 0x002f,
    serverTypes: [2, 11, 14],
    cn: 'WIN2K8R2.awakecoding.ath.cx',
  },
];

describe('TLS golden vectors from captures', () => {
  for (const expected of CASES) {
    it(`${expected.file}: ClientHello, ServerHello, Certificate`, () => {
      const { client, server } = tlsAfterNegotiation(expected.file);
      const [record] = splitTlsRecords(client).records;
      assert.equal(record?.contentType, 22);
      assert.equal(record?.version, expected.recordVersion);
      const handshake = decodeHandshake(record!.fragment);
      assert.equal(handshake.type, 1);
      const hello = decodeClientHello(handshake.body);
      assert.equal(hello.legacyVersion, expected.helloVersion);
      assert.deepEqual(hello.cipherSuites.slice(0, expected.offered.length), expected.offered);
      assert.equal(summarizeClientHello(hello).serverName, expected.serverName);

      const flight = readServerFlight(server);
      assert.equal(flight.error, undefined);
      assert.equal(flight.recordVersion, expected.recordVersion);
      assert.equal(flight.serverHello?.legacyVersion, expected.helloVersion);
      assert.equal(flight.serverHello?.cipherSuite, expected.chosen);
      assert.equal(flight.serverHelloSummary?.version, expected.helloVersion);
      assert.deepEqual(flight.handshakeTypes, expected.serverTypes);
      assert.equal(flight.serverHelloDone, true);
      assert.equal(flight.complete, true);
      const certificates = flight.certificates?.certificates ?? [];
      assert.ok(certificates.length >= 1);
      assert.equal(commonName(certificates[0]!), expected.cn);
    });
  }
});
