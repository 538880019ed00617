/**
 * runScan streams: it reads a target only when a slot is free, hands results over as they come,
 * and stops cleanly on abort. The targets are loopback addresses with nothing listening (each
 * probe ends at a refused connect) and a few lab listeners.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type FleetProbeOptions, ProbePool } from '../../src/fleet/pool.js';
import { runScan, ScanTally } from '../../src/fleet/scan.js';
import { hostFactsOf } from '../../src/fleet/host-facts.js';
import type { FleetResult, FleetTarget } from '../../src/fleet/types.js';
import { type LabServer, startLabServer } from '../../src/lab/server.js';
import { addressAllocator } from '../testbed/index.js';

const options: FleetProbeOptions = {
  timeoutMs: 1000,
  deadlineMs: 10_000,
  quick: true,
  version: '0.0.0-test',
};
const labs: LabServer[] = [];
after(async () => Promise.all(labs.map((server) => server.close())));

/** Distinct loopback hosts in 127.78.0.0/16, where nothing listens: every connect is refused. */
function closedHost(index: number): FleetTarget {
  return { host: `127.78.${Math.floor(index / 250)}.${(index % 250) + 1}`, port: 3389 };
}

/** A target stream that counts what was read from it and whether it was closed. */
function countedTargets(count: number, make: (index: number) => FleetTarget = closedHost) {
  const state = { read: 0, closed: false };
  async function* generate(): AsyncGenerator<FleetTarget> {
    try {
      for (let index = 0; index < count; index++) {
        state.read++;
        yield make(index);
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, targets: generate() };
}

describe('runScan', { timeout: 120_000 }, () => {
  it('holds no more targets than the pool runs, and hands over every result once', async () => {
    const pool = new ProbePool({ maxProbes: 6, maxSockets: 64 });
    const { state, targets } = countedTargets(300);
    let delivered = 0;
    let heldPeak = 0;
    const seen = new Set<string>();
    const run = await runScan(targets, { pool, probe: options }, async (result) => {
      // Read but not yet handed over (this one included).
      heldPeak = Math.max(heldPeak, state.read - delivered);
      assert.equal(result.kind, 'diagnosed');
      seen.add(result.target.host);
      // A slow consumer: the scan must wait for it, not read ahead.
      await new Promise((resolve) => setTimeout(resolve, 1));
      delivered++;
    });
    assert.deepEqual(run, { probed: 300, stopped: false });
    assert.equal(seen.size, 300);
    assert.ok(heldPeak <= pool.probeLimit, `${heldPeak} targets held at once`);
    assert.ok(state.closed);
  });

  it('stops new probes on abort; the running ones end and are handed over', async () => {
    const pool = new ProbePool({ maxProbes: 4, maxSockets: 16 });
    const { state, targets } = countedTargets(1000);
    const controller = new AbortController();
    const results: FleetResult[] = [];
    let afterReturn = 0;
    let returned = false;
    const run = await runScan(targets, { pool, probe: options, signal: controller.signal }, (result) => {
      if (returned) afterReturn++;
      results.push(result);
      if (results.length === 20) controller.abort();
    });
    returned = true;
    assert.equal(run.stopped, true);
    assert.equal(run.probed, results.length);
    assert.ok(results.length >= 20 && results.length <= 20 + pool.probeLimit, `${results.length} results`);
    assert.ok(state.read < 1000 && state.closed, 'the target stream was read on or not closed');
    assert.equal(pool.running, 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(afterReturn, 0);
  });

  it('does not start probes queued behind a busy host once aborted', async () => {
    const server = await startLabServer('silent', { host: await addressAllocator.next(), port: 3389 });
    labs.push(server);
    const pool = new ProbePool({ maxProbes: 4, maxSockets: 16 });
    const controller = new AbortController();
    // Four probes of one silent host: one runs (each of its reads waits a timeout), three queue.
    const { targets } = countedTargets(4, () => ({ host: server.host, port: server.port }));
    setTimeout(() => controller.abort(), 100);
    const results: FleetResult[] = [];
    const run = await runScan(
      targets,
      { pool, probe: { ...options, timeoutMs: 300 }, signal: controller.signal },
      (result) => void results.push(result),
    );
    assert.deepEqual(run, { probed: 1, stopped: true });
    assert.equal(results.length, 1);
    assert.equal(pool.queued, 0);
  });

  it('throws what onResult threw, after the running probes ended', async () => {
    const pool = new ProbePool({ maxProbes: 4, maxSockets: 16 });
    const { targets } = countedTargets(50);
    let calls = 0;
    await assert.rejects(
      runScan(targets, { pool, probe: options }, () => {
        calls++;
        if (calls === 5) throw new Error('stdout closed');
      }),
      /stdout closed/,
    );
    assert.equal(calls, 5, 'onResult was called again after it threw');
    assert.equal(pool.running, 0);
  });

  it('tallies hosts by status and finding, keeping rows only as asked', async () => {
    const pool = new ProbePool({ maxProbes: 4, maxSockets: 16 });
    const healthy = await startLabServer('healthy-tls', { host: await addressAllocator.next(), port: 3389 });
    labs.push(healthy);
    const fleet = [{ host: healthy.host, port: 3389 }, closedHost(0), closedHost(1)];
    async function* targets() {
      yield* fleet;
    }
    const tallies = {
      none: new ScanTally('none'),
      problems: new ScanTally('problems'),
      all: new ScanTally('all'),
    };
    await runScan(targets(), { pool, probe: options }, (result) => {
      const facts = hostFactsOf(result);
      for (const tally of Object.values(tallies)) tally.add(facts);
    });
    const tally = tallies.problems;
    assert.equal(tally.probed, 3);
    assert.equal(tally.byStatus.error, 2, JSON.stringify(tally.byStatus));
    assert.equal(tally.failing, 2);
    assert.equal(tally.byStatus.error + tally.byStatus.warning + tally.byStatus.ok, 3);
    // The healthy lab's self-signed certificate is a warning: a problem row too, unless it is ok.
    assert.equal(tally.rows.length, 3 - tally.byStatus.ok);
    assert.ok(tally.rows.every((row) => row.status !== 'ok'));
    assert.equal(tallies.none.rows.length, 0);
    assert.equal(tallies.all.rows.length, 3);
    const refused = tally.findings.find((finding) => finding.hosts === 2 && finding.severity === 'error');
    assert.ok(refused, JSON.stringify(tally.findings));
  });
});
