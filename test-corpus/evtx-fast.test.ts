import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eventRecordFromXml, parseEvtx, parseEvtxEvents } from '../src/evidence/evtx/index.js';
import type { EventRecord } from '../src/evidence/types.js';

// Every corpus file through both paths: the direct event path (no XML tree, what `analyze`
// uses) gives record for record what the XML tree path gives, with the same damage.
const EVTX = join(process.cwd(), '../shared/corpus/evtx');
const files = existsSync(EVTX)
  ? readdirSync(EVTX)
      .filter((name) => name.endsWith('.evtx'))
      .sort()
  : [];

describe(
  'EVTX corpus: direct event path equals the XML tree path',
  {
    skip: files.length === 0 ? 'no ../shared/corpus' : false,
  },
  () => {
    const stats = { direct: 0, viaTree: 0 };
    for (const name of files) {
      it(name, () => {
        const bytes = new Uint8Array(readFileSync(join(EVTX, name)));
        const tree: EventRecord[] = [];
        const treeResult = parseEvtx(bytes, (record) =>
          tree.push(eventRecordFromXml(record.event, record.recordId)),
        );
        const fast: EventRecord[] = [];
        const fastResult = parseEvtxEvents(bytes, (event) => fast.push(event), stats);
        assert.equal(fastResult.records, treeResult.records);
        assert.deepEqual(fastResult.damage, treeResult.damage);
        assert.equal(fast.length, tree.length);
        for (let i = 0; i < tree.length; i++) assert.deepStrictEqual(fast[i], tree[i], `record ${i}`);
      });
    }

    it('reduces most records directly', () => {
      assert.ok(stats.direct > 9000, `direct ${stats.direct}, via tree ${stats.viaTree}`);
    });
  },
);
