import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { cipherSuiteByName } from '../../src/data/tls-cipher-suites.js';
import { type Diagnosis, diagnose } from '../../src/diagnosis.js';
import type { TlsPostureObservation } from '../../src/probe/types.js';
import { clientVerdicts } from '../../src/rules/diagnose/client-incompatible.js';
import { addressAllocator, missingBinaries, startLab, startXrdp } from '../testbed/index.js';
import { runPeer } from '../testbed/peers.js';

/**
 * The TLS posture enumeration against real xrdp servers, checked against `sslscan --rdp` on the
 * same server: the same versions, and per version the same set of cipher suites.
 */

interface Scan {
  readonly versions: Set<string>;
  /** version -> IANA code points */
  readonly ciphers: Map<string, Set<number>>;
}

const SSLSCAN_VERSION: Readonly<Record<string, string>> = {
  SSLv3: 'SSLv3',
  'TLSv1.0': 'TLSv1',
  'TLSv1.1': 'TLSv1.1',
  'TLSv1.2': 'TLSv1.2',
  'TLSv1.3': 'TLSv1.3',
};

/** Reads sslscan's protocol table and its "Accepted/Preferred" cipher lines (OpenSSL names -> IANA codes). */
function parseSslscan(output: string): Scan {
  const versions = new Set<string>();
  const ciphers = new Map<string, Set<number>>();
  for (const line of output.split('\n')) {
    const protocol = /^(SSLv3|TLSv1\.[0-3])\s+enabled/.exec(line);
    if (protocol) versions.add(SSLSCAN_VERSION[protocol[1]!]!);
    const cipher = /^(?:Preferred|Accepted)\s+(SSLv3|TLSv1\.[0-3])\s+\d+ bits\s+(\S+)/.exec(line);
    if (cipher) {
      const version = SSLSCAN_VERSION[cipher[1]!]!;
      const suite = cipherSuiteByName(cipher[2]!);
      assert.ok(suite, `sslscan names a suite our table lacks: ${cipher[2]}`);
      if (!ciphers.has(version)) ciphers.set(version, new Set());
      ciphers.get(version)!.add(suite.code);
    }
  }
  return { versions, ciphers };
}

function ourScan(posture: TlsPostureObservation): Scan {
  const ciphers = new Map<string, Set<number>>();
  for (const cipher of posture.ciphers) {
    if (!ciphers.has(cipher.version)) ciphers.set(cipher.version, new Set());
    ciphers.get(cipher.version)!.add(cipher.code);
  }
  return {
    versions: new Set(posture.versions.filter((entry) => entry.accepted).map((entry) => entry.version)),
    ciphers,
  };
}

function sorted(scan: Scan) {
  return {
    versions: [...scan.versions].sort(),
    ciphers: Object.fromEntries(
      [...scan.ciphers.entries()]
        .sort()
        .map(([version, codes]) => [version, [...codes].sort((a, b) => a - b)]),
    ),
  };
}

function postureOf(diagnosis: Diagnosis): TlsPostureObservation {
  const attempt = diagnosis.observations.tlsPosture;
  assert.equal(attempt?.status, 'ok', `posture stage: ${JSON.stringify(attempt)}`);
  return attempt!.observation!;
}

/**
 * The fewest hellos this answer could have cost with the peeling algorithm: one per accepted suite
 * and group, one closing hello per version and per group list, one order check per version with two
 * suites or more, one per distinct client hello. The enumeration must not exceed it.
 */
function helloBudget(posture: TlsPostureObservation): number {
  const perVersion = posture.versions.length;
  const orderChecks = posture.versions.filter(
    (entry) => posture.ciphers.filter((cipher) => cipher.version === entry.version).length >= 2,
  ).length;
  // Groups are peeled under one version; a server without TLS 1.3 costs one extra closing hello.
  const groupLists = posture.versions.some((entry) => entry.version === 'TLSv1.3' && entry.accepted) ? 1 : 2;
  const clientHellos = new Set((posture.clients ?? []).map((client) => client.profile)).size;
  return (
    posture.ciphers.length +
    perVersion +
    orderChecks +
    (posture.groups?.length ?? 0) +
    groupLists +
    clientHellos
  );
}

const XRDP_CASES = [
  { name: 'default modern xrdp (TLS 1.2 + 1.3)', sslProtocols: 'TLSv1.2, TLSv1.3' },
  { name: 'TLS 1.0 only', sslProtocols: 'TLSv1', tlsCiphers: 'DEFAULT@SECLEVEL=0' },
  {
    name: 'TLS 1.0-1.2 with a short legacy cipher list',
    sslProtocols: 'TLSv1, TLSv1.1, TLSv1.2',
    tlsCiphers: 'ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA:DES-CBC3-SHA:@SECLEVEL=0',
  },
] as const;

describe(
  'TLS posture against xrdp, compared with sslscan --rdp',
  {
    skip: missingBinaries('xrdp', 'sslscan'),
  },
  () => {
    for (const testCase of XRDP_CASES) {
      describe(testCase.name, () => {
        let server: Awaited<ReturnType<typeof startXrdp>>;
        let diagnosis: Diagnosis;
        before(async () => {
          server = await startXrdp({
            address: await addressAllocator.next(),
            sslProtocols: testCase.sslProtocols,
            ...('tlsCiphers' in testCase ? { tlsCiphers: testCase.tlsCiphers } : {}),
          });
          diagnosis = await diagnose({ host: server.host, port: server.port });
        });
        after(() => server?.stop());

        it('finds the versions and, per version, the cipher suites sslscan finds', async () => {
          const sslscan = parseSslscan(
            await runPeer('sslscan', ['--rdp', '--no-colour', `${server.host}:${server.port}`]),
          );
          assert.ok(sslscan.versions.size > 0, 'sslscan found no version: the comparison would be empty');
          assert.deepEqual(sorted(ourScan(postureOf(diagnosis))), sorted(sslscan));
        });

        it('stays within the hello budget of the peeling algorithm, one connection per hello', () => {
          const posture = postureOf(diagnosis);
          assert.ok(
            posture.hellosSent! <= helloBudget(posture),
            `${posture.hellosSent} > ${helloBudget(posture)}`,
          );
          // xrdp answers both the modern and the SSL-only request with TLS: the handshake takes
          // the first, the posture's first hello the second, instead of a new connection.
          assert.equal(posture.connectionsReused, 1);
          assert.equal(posture.connectionsOpened! + posture.connectionsReused!, posture.hellosSent);
        });
      });
    }

    it('on a TLS 1.0-only server Windows 11 24H2 is incompatible (error) and Windows 7 / 10 are not', async () => {
      const server = await startXrdp({
        address: await addressAllocator.next(),
        sslProtocols: 'TLSv1',
        tlsCiphers: 'DEFAULT@SECLEVEL=0',
      });
      try {
        const diagnosis = await diagnose({ host: server.host, port: server.port });
        const verdicts = new Map(
          clientVerdicts(diagnosis.observations)!.map((verdict) => [verdict.profile, verdict]),
        );
        assert.equal(verdicts.get('windows-11-24h2')?.compatible, false);
        assert.match(verdicts.get('windows-11-24h2')!.reason!, /only speaks TLS 1\.0/);
        assert.equal(verdicts.get('windows-11-24h2')!.predictedError, '0x904 / extended 0x7');
        for (const older of ['windows-7-sp1', 'windows-10-22h2', 'windows-11-23h2']) {
          assert.equal(verdicts.get(older)?.compatible, true, older);
          assert.equal(verdicts.get(older)?.version, 'TLSv1', older);
        }
        const finding = diagnosis.evaluation.findings.find(
          (entry) =>
            entry.id === 'client-incompatible' &&
            ((entry.data?.profiles as string[] | undefined) ?? []).includes('windows-11-24h2'),
        );
        assert.equal(finding?.severity, 'error');
        assert.match(
          finding!.title,
          /^Windows 11 24H2.* clients fail with 0x904\/0x7: the server only speaks TLS 1\.0/,
        );
      } finally {
        await server.stop();
      }
    });

    it('on a default modern xrdp every current Windows profile is compatible', async () => {
      const server = await startXrdp({ address: await addressAllocator.next() });
      try {
        const diagnosis = await diagnose({ host: server.host, port: server.port });
        const verdicts = clientVerdicts(diagnosis.observations)!;
        const currentWindows = verdicts.filter(
          (verdict) => verdict.current && verdict.profile.startsWith('windows'),
        );
        assert.ok(currentWindows.length > 0);
        for (const verdict of currentWindows) assert.equal(verdict.compatible, true, JSON.stringify(verdict));
        assert.ok(!diagnosis.evaluation.findings.some((finding) => finding.severity === 'error'));
      } finally {
        await server.stop();
      }
    });
  },
);

describe('TLS posture where sslscan gets nothing', { skip: missingBinaries('sslscan') }, () => {
  it('a server that refuses TLS: the enumeration is skipped with the reason, not a failure', async () => {
    const lab = await startLab('standard-rdp-only', await addressAllocator.next());
    try {
      const sslscan = parseSslscan(
        await runPeer('sslscan', ['--rdp', '--no-colour', `${lab.host}:${lab.port}`]),
      );
      assert.equal(sslscan.versions.size, 0);
      const diagnosis = await diagnose({ host: lab.host, port: lab.port });
      assert.equal(diagnosis.observations.tlsPosture?.status, 'skipped');
      assert.match(diagnosis.observations.tlsPosture!.skippedBecause!, /selected no TLS-based protocol/);
      assert.ok(diagnosis.evaluation.findings.some((finding) => finding.id === 'standard-rdp-security-only'));
      assert.equal(lab.stats.tlsClientHellos, 0);
    } finally {
      await lab.stop();
    }
  });
});

/**
 * A relay that delivers the server's Connection Confirm in two pieces (the TPKT header, then the
 * rest after `gapMs`), as a segmenting middlebox would: the hello may only go once the whole
 * negotiation answer is read.
 */
async function splitConfirmRelay(address: string, target: { host: string; port: number }, gapMs: number) {
  const relay = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    let first = true;
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (!first) return void client.write(chunk);
      first = false;
      upstream.pause();
      client.write(chunk.subarray(0, 4));
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk.subarray(4));
        upstream.resume();
      }, gapMs);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('close', end);
      socket.on('error', end);
    }
  });
  await new Promise<void>((resolve) => relay.listen(3389, address, resolve));
  return {
    host: address,
    port: 3389,
    close: () => new Promise<void>((resolve) => relay.close(() => resolve())),
  };
}

describe('TLS posture reads the whole negotiation answer first', { skip: missingBinaries('xrdp') }, () => {
  it('gives the same result through a relay that splits the Connection Confirm', async () => {
    const server = await startXrdp({ address: await addressAllocator.next(), sslProtocols: 'TLSv1.2' });
    const relay = await splitConfirmRelay(await addressAllocator.next(), server, 100);
    try {
      const direct = await diagnose({ host: server.host, port: server.port });
      const relayed = await diagnose({ host: relay.host, port: relay.port });
      assert.deepEqual(sorted(ourScan(postureOf(relayed))), sorted(ourScan(postureOf(direct))));
      assert.ok(postureOf(relayed).ciphers.length > 0);
    } finally {
      await relay.close();
      await server.stop();
    }
  });
});
