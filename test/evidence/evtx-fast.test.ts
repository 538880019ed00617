import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  eventRecordFromXml,
  type FastPathStats,
  parseEvtx,
  parseEvtxEvents,
  readEvtxEvents,
} from '../../src/evidence/evtx/index.js';
import type { EventRecord } from '../../src/evidence/types.js';

// The direct path (records reduced from their template instance, no XML tree) against the XML
// tree path (decode, then eventRecordFromXml), record by record: same records, same damage.
const FIXTURES = new URL('../fixtures/evtx/', import.meta.url);
const names = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.evtx'))
  .sort();
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, FIXTURES)));

function viaTree(bytes: Uint8Array) {
  const events: EventRecord[] = [];
  const result = parseEvtx(bytes, (record) => events.push(eventRecordFromXml(record.event, record.recordId)));
  return { events, result };
}

function direct(bytes: Uint8Array, stats?: FastPathStats) {
  const events: EventRecord[] = [];
  const result = parseEvtxEvents(bytes, (event) => events.push(event), stats);
  return { events, result };
}

/** Both paths on `bytes`: equal outcomes (events, damage, counts), or both throw the same error. */
function assertSame(bytes: Uint8Array, label: string, stats?: FastPathStats): void {
  let tree: ReturnType<typeof viaTree> | undefined;
  let treeError: unknown;
  try {
    tree = viaTree(bytes);
  } catch (error) {
    treeError = error;
  }
  if (!tree) {
    assert.throws(
      () => direct(bytes, stats),
      (error: unknown) => String(error) === String(treeError),
      label,
    );
    return;
  }
  const fast = direct(bytes, stats);
  assert.equal(fast.result.records, tree.result.records, `${label}: records`);
  assert.deepEqual(fast.result.damage, tree.result.damage, `${label}: damage`);
  assert.equal(fast.events.length, tree.events.length, `${label}: events`);
  for (let i = 0; i < tree.events.length; i++)
    assert.deepStrictEqual(fast.events[i], tree.events[i], `${label}: record ${i}`);
}

describe('EVTX direct event path equals the XML tree path', () => {
  it('holds the fixtures', () => assert.ok(names.length >= 7));

  const total: FastPathStats = { direct: 0, viaTree: 0 };
  for (const name of names) {
    it(name, () => assertSame(fixture(name), name, total));
  }

  it('reduces most fixture records directly; template-less ones go through the tree', () => {
    assert.ok(total.direct > 300, `direct ${total.direct}, via tree ${total.viaTree}`);
    assert.ok(total.viaTree > 0, 'issue_201 and the forwarded records are template-less');
  });

  it('streams and reads in memory alike', async () => {
    for (const name of names) {
      const path = fileURLToPath(new URL(name, FIXTURES));
      const streamed: EventRecord[] = [];
      const result = await readEvtxEvents(path, (event) => streamed.push(event));
      const inMemory = direct(fixture(name));
      assert.deepStrictEqual(streamed, inMemory.events, name);
      assert.deepEqual(result.damage, inMemory.result.damage, name);
      assert.equal(result.records, inMemory.result.records, name);
    }
  });

  it('damaged files (flipped bytes): the same records, values and damage (property test)', () => {
    const bases = [
      fixture('omerbenamram-Security_short_selected.evtx'),
      fixture('evtx2mitre-ID4625-failed_login_with_denied_access_due_to_account_restriction.evtx'),
      fixture('omerbenamram-Application_no_crc32.evtx'),
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bases.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }),
        (which, flips) => {
          const bytes = Uint8Array.from(bases[which]!);
          // Flips land in the records (past the file and chunk headers) most of the time.
          for (const [at, mask] of flips) bytes[4096 + 512 + (at % (bytes.length - 4096 - 512))]! ^= mask;
          assertSame(bytes, `flips ${JSON.stringify(flips)}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every byte of the first records set to a value type: the same records, values and damage', () => {
    // Hits value descriptors: a fixed-size type with too few bytes, a SID or size_t of the wrong
    // size must make both paths report the record unreadable.
    const base = fixture('omerbenamram-Security_short_selected.evtx');
    for (let at = 4096 + 512; at < 4096 + 512 + 3000; at++) {
      for (const type of [0x10, 0x11, 0x13, 0x8f]) {
        if (base[at] === type) continue;
        const bytes = Uint8Array.from(base);
        bytes[at] = type;
        assertSame(bytes, `byte ${at} = 0x${type.toString(16)}`);
      }
    }
  });

  it('truncated files: the same records at every cut (property test)', () => {
    const big = fixture('plaso-System2-truncated.evtx');
    fc.assert(
      fc.property(fc.integer({ min: 4096, max: big.length }), (cut) =>
        assertSame(big.subarray(0, cut), `cut at ${cut}`),
      ),
      { numRuns: 40 },
    );
  });
});
