import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Limiter } from '../../src/probe/limiter.js';

describe('Limiter', () => {
  it('a slot released to a waiter is not taken by an acquire arriving in between', async () => {
    const limiter = new Limiter(1);
    const first = await limiter.acquire();
    let holders = 1;
    let most = 1;
    const waiter = limiter.acquire().then((release) => {
      most = Math.max(most, ++holders);
      return release;
    });
    first();
    holders--;
    // Arrives after the release, before the waiter has run: must wait its turn.
    const late = limiter.acquire().then((release) => {
      most = Math.max(most, ++holders);
      return release;
    });
    const release = await waiter;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(most, 1);
    holders--;
    release();
    (await late)();
    assert.equal(most, 1);
  });

  it('urgent waiters go first', async () => {
    const limiter = new Limiter(1);
    const release = await limiter.acquire();
    const order: string[] = [];
    const plain = limiter.run(async () => void order.push('plain'));
    const urgent = limiter.run(async () => void order.push('urgent'), true);
    release();
    await Promise.all([plain, urgent]);
    assert.deepEqual(order, ['urgent', 'plain']);
  });

  it('never runs more than its limit, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 3 }), urgent: fc.boolean() }), {
          maxLength: 30,
        }),
        async (limit, tasks) => {
          const limiter = new Limiter(limit);
          let running = 0;
          let most = 0;
          await Promise.all(
            tasks.map(({ delay, urgent }) =>
              limiter.run(async () => {
                most = Math.max(most, ++running);
                for (let tick = 0; tick < delay; tick++)
                  await new Promise((resolve) => setImmediate(resolve));
                running--;
              }, urgent),
            ),
          );
          assert.ok(most <= limit, `${most} at once with a limit of ${limit}`);
          // All slots are free again.
          const releases = await Promise.all(Array.from({ length: limit }, () => limiter.acquire()));
          releases.forEach((release) => release());
        },
      ),
      { numRuns: 200 },
    );
  });
});
