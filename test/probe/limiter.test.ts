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

describe('Limiter with slots reserved for urgent tasks', () => {
  it('keeps the reserved slots from plain tasks and gives them to urgent ones', async () => {
    const limiter = new Limiter(3, 1);
    const plain = [await limiter.acquire(), await limiter.acquire()];
    let thirdPlain = false;
    const third = limiter.acquire().then((release) => {
      thirdPlain = true;
      return release;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(thirdPlain, false, 'a plain task took the reserved slot');
    // The reserved slot is free at once for an urgent task.
    const urgent = await limiter.acquire(true);
    plain[0]!();
    (await third)();
    urgent();
    plain[1]!();
  });

  it('hands a released slot to an urgent waiter before a plain one', async () => {
    const limiter = new Limiter(2, 1);
    const holders = [await limiter.acquire(), await limiter.acquire(true)];
    const order: string[] = [];
    const plain = limiter.run(async () => void order.push('plain'));
    const urgent = limiter.run(async () => void order.push('urgent'), true);
    holders[1]!();
    await urgent;
    holders[0]!();
    await plain;
    assert.deepEqual(order, ['urgent', 'plain']);
  });

  it('refuses to reserve every slot', () => {
    assert.throws(() => new Limiter(2, 2), RangeError);
  });

  it('never runs more than its limit, nor plain tasks in the reserved slots', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }),
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 3 }), urgent: fc.boolean() }), {
          maxLength: 30,
        }),
        async (limit, tasks) => {
          const limiter = new Limiter(limit, 1);
          let running = 0;
          let plainRunning = 0;
          let most = 0;
          let mostPlain = 0;
          await Promise.all(
            tasks.map(({ delay, urgent }) =>
              limiter.run(async () => {
                most = Math.max(most, ++running);
                if (!urgent) mostPlain = Math.max(mostPlain, ++plainRunning);
                for (let tick = 0; tick < delay; tick++)
                  await new Promise((resolve) => setImmediate(resolve));
                running--;
                if (!urgent) plainRunning--;
              }, urgent),
            ),
          );
          assert.ok(most <= limit, `${most} at once with a limit of ${limit}`);
          assert.ok(mostPlain <= limit - 1, `${mostPlain} plain tasks with one of ${limit} reserved`);
          const releases = await Promise.all(Array.from({ length: limit }, () => limiter.acquire(true)));
          releases.forEach((release) => release());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a request given up leaves the queue; one already granted must be released', async () => {
    const limiter = new Limiter(1);
    const release = await limiter.acquire();
    const givenUp = limiter.request();
    const next = limiter.request();
    assert.equal(givenUp.cancel(), true);
    release();
    // The slot went to the next request, not the cancelled one.
    const nextRelease = await next.slot;
    assert.equal(next.cancel(), false);
    nextRelease();
    const immediate = limiter.request();
    assert.equal(immediate.cancel(), false);
    (await immediate.slot)();
  });

  it('an urgent request given up no longer goes before the plain waiters', async () => {
    const limiter = new Limiter(1);
    const held = await limiter.acquire();
    const urgent = limiter.request(true);
    let plainIn = false;
    const plain = limiter.acquire().then((release) => {
      plainIn = true;
      return release;
    });
    assert.equal(urgent.cancel(), true);
    held();
    (await plain)();
    assert.equal(plainIn, true);
  });
});
