import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readEvtxEvents } from '../../src/evidence/evtx/index.js';
import type { EventRecord } from '../../src/evidence/types.js';
import { MAX_BIG_EVTX_CHUNKS, writeBigEvtx } from '../helpers/big-evtx.js';

const SOURCE = fileURLToPath(new URL('../fixtures/evtx/omerbenamram-security.evtx', import.meta.url));
/** The source's chunks in use (its header's count); all 26 are valid. */
const SOURCE_CHUNKS = 26;
const SOURCE_RECORDS = 2261;
const SHARED_TOOL = fileURLToPath(new URL('../../../shared/tools/make-big-evtx.py', import.meta.url));

const scratch = mkdtempSync(join(tmpdir(), 'rdp-doctor-big-evtx-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function readBack(path: string) {
  const events: EventRecord[] = [];
  const result = await readEvtxEvents(path, (event) => events.push(event));
  return { events, result };
}

describe('writeBigEvtx', () => {
  // Twice round the source and a few chunks more, so ids must keep rising across copies.
  const chunks = SOURCE_CHUNKS * 2 + 3;
  const out = join(scratch, 'big.evtx');
  let written = 0;
  before(() => {
    written = writeBigEvtx(SOURCE, chunks, out);
  });

  it('writes a file that reads back without damage, every record counted', async () => {
    const { events, result } = await readBack(out);
    assert.deepEqual(result.damage, []);
    assert.equal(result.records, written);
    assert.equal(events.length, written);
    assert.equal(result.header.chunkCount, chunks);
    assert.equal(result.header.checksumValid, true);
    assert.equal(result.header.dirty, false);
    assert.equal(readFileSync(out).length, 4096 + chunks * 65536);
    // Two whole copies of the source plus its first three chunks.
    const source = await readBack(SOURCE);
    assert.equal(source.result.records, SOURCE_RECORDS);
    assert.ok(written > 2 * SOURCE_RECORDS && written < 3 * SOURCE_RECORDS, String(written));
  });

  it('record ids are unique and increasing, and the header names the next one', async () => {
    const { events, result } = await readBack(out);
    for (let i = 1; i < events.length; i++)
      assert.ok(events[i]!.recordId > events[i - 1]!.recordId, `record ${i}: ${events[i]!.recordId}`);
    assert.equal(result.header.nextRecordId, BigInt(events.at(-1)!.recordId) + 1n);
  });

  it('changes nothing but the ids: each copy holds the source events', async () => {
    const { events } = await readBack(out);
    const source = await readBack(SOURCE);
    const withoutId = ({ recordId: _recordId, ...rest }: EventRecord) => rest;
    for (const copy of [0, 1])
      for (let i = 0; i < SOURCE_RECORDS; i++)
        assert.deepStrictEqual(
          withoutId(events[copy * SOURCE_RECORDS + i]!),
          withoutId(source.events[i]!),
          `copy ${copy}, record ${i}`,
        );
  });

  it('refuses chunk counts the 16-bit header cannot hold, before writing anything', () => {
    for (const count of [0, MAX_BIG_EVTX_CHUNKS + 1, 1.5]) {
      const path = join(scratch, `refused-${count}.evtx`);
      assert.throws(() => writeBigEvtx(SOURCE, count, path), RangeError);
      assert.equal(existsSync(path), false);
    }
  });

  it('counts what ../shared/tools/make-big-evtx.py counts (the bench builds its logs with it)', (context) => {
    if (!existsSync(SHARED_TOOL) || spawnSync('python3', ['--version']).status !== 0) {
      context.skip('needs python3 and ../shared/tools/make-big-evtx.py');
      return;
    }
    const theirs = join(scratch, 'python.evtx');
    const run = spawnSync('python3', [SHARED_TOOL, SOURCE, String(chunks), theirs], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(`: ${chunks} chunks, ${written} records, ${4096 + chunks * 65536} bytes,`),
    );
  });
});
