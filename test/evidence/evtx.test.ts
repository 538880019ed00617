import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ChunkBinXmlDecoder } from '../../src/evidence/evtx/binxml.js';
import { crc32, crc32Table } from '../../src/evidence/evtx/crc32.js';
import {
  CHUNK_SIZE,
  eventRecordFromXml,
  parseEvtx,
  readEvtxFile,
  renderXml,
} from '../../src/evidence/evtx/index.js';
import type { EventRecord } from '../../src/evidence/types.js';
import { DecodeError } from '../../src/wire/errors.js';

const FIXTURES = new URL('../fixtures/evtx/', import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, FIXTURES)));

function eventsOf(bytes: Uint8Array): { events: EventRecord[]; result: ReturnType<typeof parseEvtx> } {
  const events: EventRecord[] = [];
  const result = parseEvtx(bytes, (record) => events.push(eventRecordFromXml(record.event, record.recordId)));
  return { events, result };
}

describe('crc32', () => {
  it('matches the standard check value and the table fallback', () => {
    const check = new TextEncoder().encode('123456789');
    assert.equal(crc32Table(check), 0xcbf43926);
    assert.equal(crc32(check), 0xcbf43926);
    assert.equal(crc32(check.subarray(4), crc32(check.subarray(0, 4))), 0xcbf43926);
  });
});

describe('EVTX fixtures (values from evtxexport, see ../shared/corpus/expected/evtx)', () => {
  it('Security_short_selected: 7 records, the 4625 LogonType 10 decoded field by field', () => {
    const { events, result } = eventsOf(fixture('omerbenamram-Security_short_selected.evtx'));
    assert.equal(result.records, 7);
    assert.deepEqual(result.damage, []);
    const failed = events.find((e) => e.eventId === 4625)!;
    assert.equal(failed.recordId, 319457832);
    assert.equal(failed.provider, 'Microsoft-Windows-Security-Auditing');
    assert.equal(failed.channel, 'Security');
    assert.equal(failed.computer, 'temporal');
    assert.equal(failed.time, '2016-06-29T15:24:36.6860000Z');
    assert.deepEqual(
      { ...failed.data },
      {
        SubjectUserSid: 'S-1-5-18',
        SubjectUserName: 'TEMPORAL$',
        SubjectDomainName: 'WORKGROUP',
        SubjectLogonId: '0x00000000000003e7',
        TargetUserSid: 'S-1-0-0',
        TargetUserName: 'Administrator',
        TargetDomainName: 'TEMPORAL',
        Status: '0xc000006d',
        FailureReason: '%%2313',
        SubStatus: '0xc000006a',
        LogonType: '10',
        LogonProcessName: 'User32 ',
        AuthenticationPackageName: 'Negotiate',
        WorkstationName: 'TEMPORAL',
        TransmittedServices: '-',
        LmPackageName: '-',
        KeyLength: '0',
        ProcessId: '0x0000000000000c38',
        ProcessName: 'C:\\Windows\\System32\\winlogon.exe',
        IpAddress: '23.94.153.202',
        IpPort: '60167',
      },
    );
  });

  it('renders the System element as Event Viewer does (optional attributes dropped)', async () => {
    let xml = '';
    await readEvtxFile(new URL('omerbenamram-Security_short_selected.evtx', FIXTURES).pathname, (record) => {
      if (eventRecordFromXml(record.event).recordId === 319457832) xml = renderXml(record.event);
    });
    assert.match(xml, /<Keywords>0x8010000000000000<\/Keywords>/);
    assert.match(xml, /<Correlation\/>/);
    assert.match(xml, /<Execution ProcessID="768" ThreadID="2764"\/>/);
    assert.match(
      xml,
      /<Provider Name="Microsoft-Windows-Security-Auditing" Guid="\{54849625-5478-4994-A5BA-3E3B0328C30D\}"\/>/,
    );
  });

  it('template-less forwarded records (evtxexport and python-evtx fail on these) decode with inline names', () => {
    const { events, result } = eventsOf(
      fixture('evtx2mitre-ID1149-RDP_success_logins_to_multiple_hosts.evtx'),
    );
    assert.equal(result.records, 11);
    assert.ok(
      events.every(
        (e) =>
          e.eventId === 1149 && e.provider === 'Microsoft-Windows-TerminalServices-RemoteConnectionManager',
      ),
    );
    // Helper rendering (NOT independent) shows record 6433 from rootdc1.offsec.lan, user admmig from 10.23.123.11.
    const first = events[0]!;
    assert.equal(first.recordId, 6433);
    assert.equal(first.computer, 'rootdc1.offsec.lan');
    assert.equal(first.data.Param3, '10.23.123.11');
  });

  it('issue_201: one template-less MSExchange CmdletLogs event with empty Data nodes', () => {
    const { events } = eventsOf(fixture('omerbenamram-issue_201.evtx'));
    assert.equal(events.length, 1);
    assert.equal(events[0]!.eventId, 1);
    assert.equal(events[0]!.provider, 'MSExchange CmdletLogs');
  });

  it('no-CRC32 chunk: 17 records; only the file header checksum is reported', () => {
    const { result } = eventsOf(fixture('omerbenamram-Application_no_crc32.evtx'));
    assert.equal(result.records, 17);
    assert.deepEqual(
      result.damage.map((d) => d.kind),
      ['bad-header-checksum'],
    );
  });

  it('truncated file: the 194 records of the whole chunks, plus the complete records of the cut chunk', () => {
    // libevtx, python-evtx and plaso count 194: they drop the partial third chunk. Its first 89
    // records are complete (signature, both size fields) and decode, so we return them and report
    // the truncation; the record cut in half is reported as bad.
    const { result } = eventsOf(fixture('plaso-System2-truncated.evtx'));
    assert.equal(result.records, 194 + 89);
    assert.deepEqual([...new Set(result.damage.map((d) => d.kind))].sort(), [
      'bad-record',
      'truncated-chunk',
    ]);
  });

  it('streams and reads in memory alike', async () => {
    const path = new URL('evtx2mitre-ID4825-Denied_RDP_connection_with_valid_credentials.evtx', FIXTURES)
      .pathname;
    const streamed: number[] = [];
    await readEvtxFile(path, (record) => streamed.push(record.recordId));
    const inMemory: number[] = [];
    parseEvtx(fixture('evtx2mitre-ID4825-Denied_RDP_connection_with_valid_credentials.evtx'), (r) =>
      inMemory.push(r.recordId),
    );
    assert.deepEqual(streamed, inMemory);
  });

  it('rejects a file that is not EVTX with a structured error', () => {
    assert.throws(
      () => parseEvtx(new TextEncoder().encode('MZ'.padEnd(200, 'x')), () => {}),
      (error: unknown) =>
        error instanceof DecodeError &&
        error.structure === 'EvtxFileHeader' &&
        error.field === 'signature' &&
        error.offset === 0,
    );
  });
});

/** Test-only BinXML builder: names inline, one element with a value text. */
function utf16(text: string): number[] {
  return [...Buffer.from(text, 'utf16le')];
}
function u16(n: number): number[] {
  return [n & 0xff, n >> 8];
}
function u32(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
}

describe('BinXML tokens (hand-written bytes)', () => {
  it('decodes a template-less element with an attribute and text', () => {
    // <Data Name="IP">10.0.0.1</Data>, no dependency id (outside a template).
    const bytes: number[] = [];
    bytes.push(0x0f, 0x01, 0x01, 0x00); // fragment header
    const elementAt = bytes.length;
    bytes.push(0x41, ...u32(0)); // open start element with attributes, data size (unused)
    bytes.push(...u32(elementAt + 9)); // name offset: inline, right here
    bytes.push(...u32(0), ...u16(0), ...u16(4), ...utf16('Data'), 0, 0); // name
    const listSizeAt = bytes.length;
    bytes.push(...u32(0)); // attribute list size, patched below
    const listStart = bytes.length;
    bytes.push(0x06, ...u32(bytes.length + 5)); // attribute, inline name
    bytes.push(...u32(0), ...u16(0), ...u16(4), ...utf16('Name'), 0, 0);
    bytes.push(0x05, 0x01, ...u16(2), ...utf16('IP')); // value text
    bytes.splice(listSizeAt, 4, ...u32(bytes.length - listStart));
    bytes.push(0x02); // close start element
    bytes.push(0x05, 0x01, ...u16(8), ...utf16('10.0.0.1'));
    bytes.push(0x04, 0x00); // end element, end of fragment
    const decoder = new ChunkBinXmlDecoder(Uint8Array.from(bytes), 0);
    const [element] = decoder.decode(0, bytes.length);
    assert.equal(renderXml(element as never), '<Data Name="IP">10.0.0.1</Data>');
  });

  it('reports an unknown token with its offset', () => {
    const decoder = new ChunkBinXmlDecoder(Uint8Array.from([0x0f, 1, 1, 0, 0x3f]), 4096);
    assert.throws(
      () => decoder.decode(0, 5),
      (error: unknown) =>
        error instanceof DecodeError && error.kind === 'unexpected-type' && error.offset === 4096 + 4,
    );
  });
});

describe('damaged files (property tests)', () => {
  const base = fixture('omerbenamram-Security_short_selected.evtx');
  const clean = eventsOf(base).events.map((e) => e.recordId);

  it('flipped bytes never crash the parser, and undamaged records still come back', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: base.length - 1 }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (flips) => {
          const bytes = Uint8Array.from(base);
          for (const [offset, mask] of flips) bytes[offset]! ^= mask;
          let ids: number[] = [];
          try {
            ids = eventsOf(bytes).events.map((e) => e.recordId);
          } catch (error) {
            // Only a broken file signature may stop the whole file.
            assert.ok(error instanceof DecodeError && error.structure === 'EvtxFileHeader', String(error));
            return;
          }
          assert.ok(ids.length <= clean.length + 16);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('cut at every chunk boundary and at random offsets: a prefix of the records, no crash', () => {
    const big = fixture('plaso-System2-truncated.evtx');
    const all = eventsOf(big).events.map((e) => e.recordId);
    const cuts = [4096, 4096 + CHUNK_SIZE, 4096 + 2 * CHUNK_SIZE, big.length];
    for (const cut of cuts) {
      const ids = eventsOf(big.subarray(0, cut)).events.map((e) => e.recordId);
      assert.deepEqual(ids, all.slice(0, ids.length), `cut at ${cut}`);
    }
    fc.assert(
      fc.property(fc.integer({ min: 128, max: big.length }), (cut) => {
        const ids = eventsOf(big.subarray(0, cut)).events.map((e) => e.recordId);
        assert.deepEqual(ids, all.slice(0, ids.length));
      }),
      { numRuns: 60 },
    );
  });
});
