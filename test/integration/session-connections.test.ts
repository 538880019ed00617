/**
 * The session stage costs at most one connection (the bound), in a quick diagnosis and a
 * full one: the lab counts every TCP connection it accepts, with the stage and without it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnosis.js';
import { addressAllocator, serverTracker, startLab } from '../testbed/index.js';

const track = serverTracker();

async function connectionsFor(
  scenario: string,
  options: { quick: boolean; session: boolean },
): Promise<number> {
  const lab = await track(startLab(scenario, await addressAllocator.next()));
  const diagnosis = await diagnose(
    { host: lab.host, port: lab.port },
    {
      timeoutMs: 2000,
      expectedName: 'localhost',
      quick: options.quick,
      ...(options.session ? {} : { session: false }),
    },
  );
  const session = diagnosis.observations.session;
  if (options.session) assert.ok(session, 'no session attempt');
  else assert.equal(session?.status, 'skipped');
  await lab.stop();
  return lab.stats.connections;
}

describe('the session stage adds at most one connection', { timeout: 120_000 }, () => {
  for (const [scenario, added] of [
    ['healthy-tls', 1],
    ['standard-rdp-only', 1],
    ['server-denied-connection', 1],
    // NLA without --user: the stage is skipped and opens nothing.
    ['nla-accounts', 0],
  ] as const) {
    for (const quick of [true, false]) {
      it(`${scenario}${quick ? ' --quick' : ''}: ${added} more`, async () => {
        const without = await connectionsFor(scenario, { quick, session: false });
        const withStage = await connectionsFor(scenario, { quick, session: true });
        // The full diagnosis's posture opens a varying number of connections (spares are reused
        // when they are free); the quick one is exact.
        if (quick) assert.equal(withStage - without, added);
        else assert.ok(withStage - without <= added + 1, `${withStage} vs ${without}`);
      });
    }
  }
});
