/**
 * A fleet's facts are read from real diagnoses: each lab scenario is probed as diagnose probes it,
 * and its facts must say what the diagnosis says (never re-judged, never guessed).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnosis.js';
import {
  compareWorstFirst,
  type HostFacts,
  hostFactsOf,
  tlsVersionLabel,
} from '../../src/fleet/host-facts.js';
import { scanRowOf } from '../../src/report/scan-text.js';
import type { FleetResult } from '../../src/fleet/types.js';
import { freePort } from '../helpers/free-port.js';
import { addressAllocator, serverTracker, startLab } from '../testbed/index.js';

const track = serverTracker();

async function factsOf(
  target: { host: string; port: number },
  quick = false,
): Promise<{ facts: HostFacts; result: FleetResult }> {
  const started = performance.now();
  const diagnosis = await diagnose(target, { timeoutMs: 2000, quick, version: 'test' });
  const result: FleetResult = {
    kind: 'diagnosed',
    target,
    document: diagnosis.document,
    ms: performance.now() - started,
  };
  return { facts: hostFactsOf(result), result };
}

async function labFacts(scenario: string, quick = false): Promise<HostFacts> {
  const server = await track(startLab(scenario, await addressAllocator.next()));
  return (await factsOf({ host: server.host, port: server.port }, quick)).facts;
}

describe('hostFactsOf on real diagnoses', () => {
  it('a healthy TLS listener: success, TLS facts, NLA admitted without CredSSP', async () => {
    const facts = await labFacts('healthy-tls');
    assert.equal(facts.success, true);
    assert.equal(facts.verdict.length > 0, true);
    assert.ok(facts.tlsVersion?.startsWith('TLS 1.'), `TLS version: ${facts.tlsVersion}`);
    assert.ok(facts.tlsVersionsAccepted && facts.tlsVersionsAccepted.length > 0, 'full probe enumerates');
    assert.ok(facts.certificate, 'certificate facts');
    assert.match(facts.certificate.sha256Fingerprint, /^[0-9A-F]{64}$/);
    assert.ok(facts.certificate.daysLeft > 0);
    assert.equal(facts.failingStage, undefined);
    // Whatever the scenario's NLA stance, the fact agrees with the rule.
    const admitted = facts.findings.some((finding) => finding.id === 'nla-not-required');
    if (admitted) assert.equal(facts.nlaRequired, false);
    assert.ok(facts.stages.some((stage) => stage.name === 'tls' && stage.status === 'ok'));
  });

  it('an expired certificate: the expiry is in the past and the finding is listed', async () => {
    const facts = await labFacts('tls-cert-expired');
    assert.ok(facts.certificate && facts.certificate.daysLeft < 0, 'days left negative');
    assert.ok(facts.certificate.notAfterUnix * 1000 < Date.now());
    assert.ok(facts.findings.some((finding) => finding.id === 'tls-cert-expired'));
    const severities = facts.findings.map((finding) => finding.severity);
    assert.deepEqual(
      severities,
      [...severities].sort(
        (a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b),
      ),
      'most severe first',
    );
  });

  it('a TLS 1.0-only listener: only TLS 1.0 accepted', async () => {
    const facts = await labFacts('tls10-only');
    assert.deepEqual(facts.tlsVersionsAccepted, ['TLS 1.0']);
    assert.ok(facts.findings.some((finding) => finding.id === 'tls-legacy-only'));
    // Every stage of ours succeeded; current clients break at TLS, as the verdict says.
    assert.ok(facts.stages.every((stage) => stage.status !== 'failed'));
    assert.equal(facts.failingStage, 'tls');
  });

  it('a server that requires NLA (HYBRID_REQUIRED_BY_SERVER to a TLS-only request)', async () => {
    const facts = await labFacts('nla-required');
    assert.equal(facts.nlaRequired, true);
  });

  it('a closed port: failure at tcp, no TLS facts, not a success', async () => {
    const host = '127.0.0.1';
    const { facts } = await factsOf({ host, port: await freePort(host) }, true);
    assert.equal(facts.success, false);
    assert.equal(facts.status, 'error');
    assert.equal(facts.failingStage, 'tcp');
    assert.equal(facts.tlsVersion, undefined);
    assert.equal(facts.certificate, undefined);
    assert.equal(facts.nlaRequired, undefined);
  });

  it('quick probes say nothing of the versions they did not enumerate', async () => {
    const facts = await labFacts('healthy-tls', true);
    assert.equal(facts.tlsVersionsAccepted, undefined);
    assert.ok(facts.tlsVersion);
  });
});

describe('hostFactsOf without a verdict', () => {
  it('a deadline is no verdict, never a success', () => {
    const facts = hostFactsOf({
      kind: 'deadline',
      target: { host: '::1', port: 3390 },
      ms: 20000,
      message: 'no verdict within 20000 ms',
      startedAt: new Date().toISOString(),
    });
    assert.equal(facts.target, '[::1]:3390');
    assert.equal(facts.status, 'no-verdict');
    assert.equal(facts.success, false);
    assert.equal(facts.verdict, 'no verdict within 20000 ms');
  });
});

describe('the fleet order (compareWorstFirst)', () => {
  it('lists errors, then no verdict, then warnings, then healthy hosts', () => {
    const base = {
      port: 3389,
      success: true,
      verdict: '',
      addresses: [],
      durationMs: 1,
      stages: [],
      clients: [],
    };
    const hosts: HostFacts[] = (['ok', 'warning', 'no-verdict', 'error'] as const).map((status, index) => ({
      ...base,
      host: `h${index}`,
      target: `h${index}:3389`,
      status,
      findings: [],
    }));
    assert.deepEqual(
      hosts
        .map(scanRowOf)
        .sort(compareWorstFirst)
        .map((row) => row.status),
      ['error', 'no-verdict', 'warning', 'ok'],
    );
  });

  it('spells versions as blackbox_exporter does', () => {
    assert.equal(tlsVersionLabel('TLSv1'), 'TLS 1.0');
    assert.equal(tlsVersionLabel('TLSv1.3'), 'TLS 1.3');
  });
});
