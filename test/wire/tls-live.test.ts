import 'reflect-metadata';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { X509Certificate } from '@peculiar/x509';
import { type ClientHelloOptions, clientHelloRecord } from '../../src/wire/tls-client-hello.js';
import { readServerFlight, type ServerFlight } from '../../src/wire/tls-server-flight.js';

// Cross-check against Node's own TLS server on loopback: our ClientHello must be accepted and what
// we decode must match what Node says it negotiated.

let server: Server;
let port = 0;
let certificateDer: Uint8Array;
const negotiated: { protocol: string | null; cipher: string }[] = [];
let directory = '';

before(() => {
  directory = mkdtempSync(join(tmpdir(), 'rdp-doctor-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=rdp-doctor.test',
      '-keyout',
      join(directory, 'key.pem'),
      '-out',
      join(directory, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const certPem = readFileSync(join(directory, 'cert.pem'), 'utf8');
  certificateDer = new Uint8Array(new X509Certificate(certPem).rawData);
  server = createServer(
    { key: readFileSync(join(directory, 'key.pem')), cert: certPem, minVersion: 'TLSv1.2' },
    (socket: TLSSocket) => {
      negotiated.push({ protocol: socket.getProtocol(), cipher: socket.getCipher().standardName });
      socket.destroy();
    },
  );
  server.on('tlsClientError', () => {});
  return new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });
});

after(() => {
  server.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Sends our hello and collects the server's bytes until a flight is complete, it closes or 3 s pass. */
function exchange(options: ClientHelloOptions): Promise<ServerFlight> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = new Uint8Array(0);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(readServerFlight(received));
    };
    const timer = setTimeout(finish, 3000);
    socket.on('connect', () => socket.write(clientHelloRecord(options)));
    socket.on('data', (chunk) => {
      received = new Uint8Array([...received, ...chunk]);
      if (readServerFlight(received).complete) finish();
    });
    socket.on('close', finish);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

describe('live cross-check with node:tls on loopback', () => {
  it('TLS 1.2: ServerHello picks an offered suite, Certificate is the one we generated', async () => {
    const flight = await exchange({
      versions: [0x0301, 0x0302, 0x0303],
      cipherSuites: [0xc030, 0x009c],
      serverName: 'rdp-doctor.test',
    });
    assert.equal(flight.error, undefined);
    assert.equal(flight.alert, undefined);
    assert.equal(flight.serverHelloSummary?.version, 0x0303);
    assert.equal(flight.serverHello?.cipherSuite, 0xc030);
    assert.deepEqual(flight.certificates?.certificates[0], certificateDer);
    assert.equal(flight.serverKeyExchange?.kind, 'ecdhe');
    assert.equal(flight.serverHelloDone, true);
  });

  it('TLS 1.3: supported_versions and key_share decode to what Node negotiated', async () => {
    const before = negotiated.length;
    const flight = await exchange({
      versions: [0x0303, 0x0304],
      cipherSuites: [0x1302],
      serverName: 'rdp-doctor.test',
    });
    assert.equal(flight.error, undefined);
    assert.equal(flight.serverHelloSummary?.version, 0x0304);
    assert.equal(flight.serverHelloSummary?.helloRetryRequest, false);
    assert.equal(flight.serverHelloSummary?.keyShareGroup, 29);
    assert.equal(flight.serverHello?.cipherSuite, 0x1302);
    // Node finishes its side only if the client continues; when it logged the session, it must agree.
    for (const entry of negotiated.slice(before)) assert.equal(entry.cipher, 'TLS_AES_256_GCM_SHA384');
  });

  it('TLS 1.3 offering only a secp256r1 share slot gets a HelloRetryRequest', async () => {
    const flight = await exchange({
      versions: [0x0304],
      cipherSuites: [0x1301],
      groups: [23],
      keyShareGroups: [23],
    });
    assert.equal(flight.serverHelloSummary?.helloRetryRequest, true);
    assert.equal(flight.serverHelloSummary?.keyShareGroup, 23);
  });

  it('only RC4, 3DES, EXPORT and NULL suites: the server answers a handshake_failure alert', async () => {
    const flight = await exchange({ versions: [0x0303], cipherSuites: [0x0005, 0x000a, 0x0003, 0x0002] });
    assert.deepEqual(flight.alert, { level: 2, description: 40 });
    assert.equal(flight.serverHello, undefined);
  });

  it('a version the server refuses (TLS 1.0 only) gives a protocol_version alert', async () => {
    const flight = await exchange({ versions: [0x0301], cipherSuites: [0x002f, 0xc013] });
    assert.deepEqual(flight.alert, { level: 2, description: 70 });
  });
});
