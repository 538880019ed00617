import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Conversation } from '../../src/probe/conversation.js';
import { type Spare, SparePool } from '../../src/probe/spare-pool.js';

/** A spare whose connection and slot record how they were let go. */
function spare(name: string, log: string[]): Spare {
  return {
    conversation: { close: () => log.push(`${name} closed`) } as unknown as Conversation,
    release: () => log.push(`${name} released`),
  };
}

describe('SparePool', () => {
  it('a spare offered goes to the longest-waiting hello at once', async () => {
    const pool = new SparePool();
    const log: string[] = [];
    const first = pool.wait();
    const second = pool.wait();
    const a = spare('a', log);
    pool.offer(a);
    assert.equal(await first.spare, a);
    assert.equal(pool.idleCount, 0);
    second.cancel();
    pool.offer(spare('b', log));
    // No one waits any more: kept for the next hello.
    assert.equal(pool.idleCount, 1);
    assert.deepEqual(log, []);
  });

  it('a wait given up after its spare came hands the spare back', async () => {
    const pool = new SparePool();
    const wait = pool.wait();
    const a = spare('a', []);
    pool.offer(a);
    await wait.spare;
    wait.cancel();
    assert.equal(pool.take(), a);
  });

  it('closed: idle spares and later offers are closed and their slots freed', () => {
    const pool = new SparePool();
    const log: string[] = [];
    pool.offer(spare('a', log));
    pool.close();
    pool.offer(spare('b', log));
    assert.deepEqual(log, ['a closed', 'a released', 'b closed', 'b released']);
    assert.equal(pool.take(), undefined);
  });
});
