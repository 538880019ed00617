import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type BinProcess, runBin, STALLED_RUN_MESSAGE } from '../../src/cli/run-bin.js';

const root = join(import.meta.dirname, '..', '..');

/** A stand-in for `process`: its 'beforeExit' is emitted by the test. */
function fakeProcess(): BinProcess & { emitter: EventEmitter; written: string[] } {
  const emitter = new EventEmitter();
  const written: string[] = [];
  return {
    emitter,
    written,
    exitCode: undefined,
    once: (event, listener) => emitter.once(event, listener),
    stderr: { write: (text: string) => written.push(text) },
  };
}

describe('runBin (the bin around main)', () => {
  it('a run still pending when the event loop drains: one line on stderr, exit 3', () => {
    const proc = fakeProcess();
    void runBin(() => new Promise<number>(() => {}), proc);
    proc.emitter.emit('beforeExit', 0);
    assert.equal(proc.exitCode, 3);
    assert.deepEqual(proc.written, [STALLED_RUN_MESSAGE]);
    assert.equal(STALLED_RUN_MESSAGE.trimEnd().split('\n').length, 1);
  });

  it('a run that finished: its exit code, nothing added', async () => {
    const proc = fakeProcess();
    await runBin(async () => 1, proc);
    proc.emitter.emit('beforeExit', 1);
    assert.equal(proc.exitCode, 1);
    assert.deepEqual(proc.written, []);
  });

  it('a run that rejects: one line naming the error, exit 3', async () => {
    const proc = fakeProcess();
    await runBin(() => Promise.reject(new Error('boom\n    at somewhere (file.ts:1:1)')), proc);
    assert.equal(proc.exitCode, 3);
    assert.deepEqual(proc.written, ['rdp-doctor: internal error: boom\n']);
  });

  it('in a real process: a never-settled run exits 3 with one line, not 0 with nothing', () => {
    // An awaited promise nothing settles, as a deadlocked probe leaves: the loop drains.
    const script = `import { runBin } from ${JSON.stringify(join(root, 'src/cli/run-bin.ts'))};
      void runBin(() => new Promise(() => { setTimeout(() => {}, 50); }));`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(result.status, 3, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, STALLED_RUN_MESSAGE);
  });
});
