/**
 * The client matrix computed from the server's choice rule (src/probe/stages/tls-choice.ts) must be
 * the one real hellos give: on every real server of the test suite and every lab scenario that
 * reaches TLS, the posture runs twice, computing the answers it can and sending every profile's
 * hello, and each profile's outcome, version, suite, group and alert must agree. xrdp runs as
 * Debian ships it (a process per connection): its one-process test mode answers one connection at
 * a time, and the reference run's extra hellos would then strain the posture's budget.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLIENT_PROFILES } from '../../src/data/clients/index.js';
import { LAB_SCENARIOS } from '../../src/lab/scenarios.js';
import { runProbe } from '../../src/probe/run-probe.js';
import { helloProfileOf } from '../../src/probe/stages/tls-posture.js';
import type { ClientHelloAnswer, TlsPostureObservation } from '../../src/probe/types.js';
import {
  addressAllocator,
  missingBinaries,
  type RunningServer,
  startFreerdpShadow,
  startLab,
  startXrdp,
} from '../testbed/index.js';

const CLIENTS = CLIENT_PROFILES.map(helloProfileOf);

async function posture(server: RunningServer, sendEveryClientHello: boolean): Promise<TlsPostureObservation> {
  const observations = await runProbe(
    { host: server.host, port: server.port },
    // A generous step timeout: the posture's budget is two of them, and the reference run sends
    // every profile's hello after the enumeration.
    { tlsPosture: { clients: CLIENTS, sendEveryClientHello }, timeoutMs: 10_000 },
  );
  const attempt = observations.tlsPosture;
  assert.equal(attempt?.status, 'ok', `posture stage: ${JSON.stringify(attempt)}`);
  return attempt!.observation!;
}

/** What a verdict reads of one answer (the detail of a non-TLS answer is random on some servers). */
function choiceOf(answer: ClientHelloAnswer) {
  return {
    profile: answer.profile,
    outcome: answer.outcome,
    version: answer.version,
    cipher: answer.cipher,
    group: answer.group,
    helloRetryRequest: answer.helloRetryRequest,
    alert: answer.alert?.code,
  };
}

interface Comparison {
  readonly computed: TlsPostureObservation;
  readonly sent: TlsPostureObservation;
}

async function compare(server: RunningServer): Promise<Comparison> {
  const computed = await posture(server, false);
  const sent = await posture(server, true);
  assert.deepEqual(computed.clients!.map(choiceOf), sent.clients!.map(choiceOf));
  assert.ok(sent.clients!.every((answer) => !answer.computed));
  return { computed, sent };
}

const REAL_SERVERS: readonly {
  readonly name: string;
  readonly missing: string | false;
  readonly start: (address: string) => Promise<RunningServer>;
}[] = [
  {
    name: 'default xrdp (TLS 1.2 + 1.3)',
    missing: missingBinaries('xrdp'),
    start: (address) => startXrdp({ address, fork: true }),
  },
  {
    name: 'TLS 1.0-only xrdp',
    missing: missingBinaries('xrdp'),
    start: (address) =>
      startXrdp({ address, fork: true, sslProtocols: 'TLSv1', tlsCiphers: 'DEFAULT@SECLEVEL=0' }),
  },
  {
    name: 'xrdp, TLS 1.0-1.2 with a short legacy cipher list',
    missing: missingBinaries('xrdp'),
    start: (address) =>
      startXrdp({
        address,
        fork: true,
        sslProtocols: 'TLSv1, TLSv1.1, TLSv1.2',
        tlsCiphers: 'ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA:DES-CBC3-SHA:@SECLEVEL=0',
      }),
  },
  {
    name: 'FreeRDP shadow server (NLA)',
    missing: missingBinaries('freerdp-shadow-cli', 'Xvfb'),
    start: (address) => startFreerdpShadow({ address, sec: 'nla' }),
  },
];

describe('computed client matrix = real hellos, on real servers', () => {
  for (const testCase of REAL_SERVERS) {
    describe(testCase.name, { skip: testCase.missing }, () => {
      let server: RunningServer;
      let result: Comparison;
      before(async () => {
        server = await testCase.start(await addressAllocator.next());
        result = await compare(server);
      });
      after(() => server?.stop());

      it('gives every profile the answer its own hello gets', () => {
        assert.equal(result.computed.clients!.length, CLIENTS.length);
      });

      it('computes every profile (no hello beyond the enumeration) and keeps the enumeration', () => {
        const sentFor = result.computed
          .clients!.filter((answer) => !answer.computed)
          .map((answer) => answer.profile);
        assert.deepEqual(sentFor, []);
        assert.ok(result.computed.hellosSent! < result.sent.hellosSent!);
        assert.deepEqual(result.computed.ciphers, result.sent.ciphers);
        assert.deepEqual(result.computed.groups, result.sent.groups);
        assert.deepEqual(result.computed.versions, result.sent.versions);
      });
    });
  }
});

/** Lab scenarios whose server answers a ClientHello (with a handshake, an alert, garbage, a close). */
const TLS_SCENARIOS = LAB_SCENARIOS.filter(
  (scenario) =>
    scenario.behaviour.kind === 'negotiate' &&
    scenario.behaviour.tls !== undefined &&
    // A server slowed to a crawl spends the posture's budget: its answers are timeouts, not choices.
    scenario.behaviour.trickleMs === undefined &&
    scenario.behaviour.drip === undefined,
);

describe('computed client matrix = real hellos, on every lab scenario that reaches TLS', () => {
  it('there are such scenarios', () => assert.ok(TLS_SCENARIOS.length >= 10));
  for (const scenario of TLS_SCENARIOS) {
    it(scenario.id, async () => {
      const lab = await startLab(scenario.id, await addressAllocator.next());
      try {
        await compare(lab);
      } finally {
        await lab.stop();
      }
    });
  }
});
