import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import yauzl from 'yauzl';
import { readCollectBundle } from '../../src/evidence/collect-bundle.js';
import { EvidenceFileError, loadEvidence } from '../../src/evidence/load.js';
import {
  CollectFormatError,
  jsonSchemaOf,
  readCollectDocument,
} from '../../src/evidence/state/read-collect.js';
import { extractZip, ZipSafetyError } from '../../src/evidence/zip.js';
import { runCli } from '../helpers/cli.js';
import { buildZip } from '../helpers/zip-builder.js';

const BUNDLE = new URL('../fixtures/collect/bundle/', import.meta.url).pathname;
const DOCUMENT_PATH = join(BUNDLE, 'rdp-doctor-server-SRV01-20260101120000.json');
const ZIP_PATH = join(BUNDLE, 'rdp-doctor-server-SRV01-20260101120000.zip');
const documentText = readFileSync(DOCUMENT_PATH, 'utf8');
const documentJson = () => JSON.parse(documentText) as Record<string, unknown>;
const EVTX = new URL(
  '../fixtures/evtx/evtx2mitre-ID4825-Denied_RDP_connection_with_valid_credentials.evtx',
  import.meta.url,
).pathname;

const TS = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server';

let scratch: string | undefined;
function scratchFile(name: string, content: string | Uint8Array): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'rdp-doctor-collect-'));
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}
after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const read = (document: unknown) => readCollectDocument(JSON.stringify(document), 'doc.json');

describe('collector document reader', () => {
  it('the fixture document: typed, its registry as state records, its events as event records', () => {
    const result = readCollectDocument(documentText, 'doc.json');
    assert.deepEqual(result.damage, []);
    assert.equal(result.document.role, 'server');
    assert.equal(result.document.computer.name, 'SRV01');
    assert.deepEqual(result.document.skipped, [
      { check: 'tlsCipherSuites', reason: 'cmdlet-missing', detail: 'Get-TlsCipherSuite is not available' },
    ]);
    assert.equal(result.document.tlsCipherSuites, null);
    assert.equal(result.document.licensing, undefined);
    assert.deepEqual(result.registry[0], {
      key: TS,
      exists: true,
      values: [
        { name: 'fDenyTSConnections', type: 'REG_DWORD', value: 0 },
        { name: 'MaxOutstandingConnections', type: 'REG_DWORD', value: 3000 },
      ],
      source: 'doc.json',
    });
    assert.deepEqual(
      result.registry.map((key) => key.exists),
      [true, true, false, false],
    );
    assert.deepEqual(result.events[0], {
      eventId: 36870,
      provider: 'Schannel',
      channel: 'System',
      time: '2025-12-31T23:10:00.0000000Z',
      recordId: 4711,
      computer: 'SRV01.contoso.test',
      data: { Type: 'server', ErrorCode: '0x8009030D', ErrorStatus: '10001' },
    });
  });

  it('a newer schemaVersion is a one-line error naming the version this reads', () => {
    assert.throws(
      () => read({ ...documentJson(), schemaVersion: 2 }),
      (error: unknown) =>
        error instanceof CollectFormatError &&
        error.code === 'unsupported-version' &&
        error.message ===
          'collector document schemaVersion 2 is newer than this rdp-doctor reads (1): update rdp-doctor',
    );
  });

  const headerCases: [string, Record<string, unknown>, RegExp][] = [
    ['schemaVersion 0', { schemaVersion: 0 }, /schemaVersion must be 1, got 0/],
    ['schemaVersion as a string', { schemaVersion: '1' }, /schemaVersion must be 1, got "1"/],
    ['role missing', { role: undefined }, /^collector document: role: expected 'server' or 'client'/],
    [
      'computer.name a number',
      { computer: { name: 7 } },
      /^collector document: computer\.name: expected a string, got number$/,
    ],
    ['collector absent', { collector: undefined }, /collector: expected an object, got undefined/],
    ['another schema', { schema: 'rdp-doctor/diagnose' }, /not a collector document/],
  ];
  for (const [name, change, message] of headerCases) {
    it(`what identifies it is strict: ${name} -> not-collect`, () => {
      assert.throws(
        () => read({ ...documentJson(), ...change }),
        (error: unknown) =>
          error instanceof CollectFormatError && error.code === 'not-collect' && message.test(error.message),
      );
    });
  }

  it('malformed JSON is a not-collect error, not a SyntaxError', () => {
    assert.throws(
      () => readCollectDocument('{"schema": "rdp-doctor/collect", ', 'doc.json'),
      (error: unknown) => error instanceof CollectFormatError && /^malformed JSON/.test(error.message),
    );
  });

  it('unknown fields are ignored, at the top and inside sections', () => {
    const document = documentJson();
    document.futureSection = { anything: true };
    (document.services as Record<string, unknown>[])[0]!.pid = 1234;
    const result = read(document);
    assert.deepEqual(result.damage, []);
    assert.equal('futureSection' in result.document, false);
    assert.deepEqual(result.document.services?.[0], {
      name: 'TermService',
      status: 'Running',
      startType: 'Manual',
    });
  });

  it('a section of the wrong shape is dropped with a damage note; the others are read', () => {
    const document = documentJson();
    (document.certificates as Record<string, unknown>[])[0]!.hasPrivateKey = 'yes';
    document.firewall = 'off';
    const result = read(document);
    assert.deepEqual(
      result.damage.map((damage) => [damage.kind, damage.detail]),
      [
        [
          'damaged-section',
          'certificates[0].hasPrivateKey: expected true or false, got string (section dropped)',
        ],
        ['damaged-section', 'firewall: expected an object, got string (section dropped)'],
      ],
    );
    assert.equal(result.document.certificates, undefined);
    assert.equal(result.document.firewall, undefined);
    assert.equal(result.document.services?.length, 3);
    assert.equal(result.registry.length, 4);
  });

  it('a wrong events section drops the events, not the file', () => {
    const document = documentJson();
    (document.events as Record<string, unknown>[])[1]!.recordId = 'x';
    const result = read(document);
    assert.equal(result.document.events, undefined);
    assert.deepEqual(result.events, []);
    assert.match(result.damage[0]!.detail, /^events\[1\]\.recordId: expected an integer/);
  });

  it('registry: a bad key is dropped alone (unlisted = unknown); PowerShell forms are read', () => {
    const document = documentJson();
    document.registry = [
      {
        key: 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\',
        exists: true,
        values: [
          // Get-ItemProperty gives 0xffffffff as Int32 -1.
          { name: 'Minus', type: 'REG_DWORD', value: -1 },
          { name: 'Kind', type: 'DWord', value: 5 },
          { name: 'Bytes', type: 'REG_BINARY', value: [1, 171, 255] },
          { name: 'Hex', type: 'Binary', value: 'ABCD' },
          { name: 'One', type: 'REG_MULTI_SZ', value: 'unrolled' },
          { name: 'Big', type: 'REG_QWORD', value: '18446744073709551615' },
        ],
      },
      { key: 'NotAHive\\x', exists: true, values: [] },
      {
        key: `${TS}\\WinStations\\RDP-Tcp`,
        exists: true,
        values: [{ name: 'PortNumber', type: 'REG_DWORD', value: 'x' }],
      },
      { key: `${TS}\\RCM\\Licensing Core`, exists: false, values: [] },
    ];
    const result = read(document);
    assert.deepEqual(
      result.registry.map((key) => key.key),
      [TS, `${TS}\\RCM\\Licensing Core`],
    );
    assert.deepEqual(
      result.registry[0]!.values.map((value) => [value.name, value.type, value.value]),
      [
        ['Minus', 'REG_DWORD', 0xffffffff],
        ['Kind', 'REG_DWORD', 5],
        ['Bytes', 'REG_BINARY', '01abff'],
        ['Hex', 'REG_BINARY', 'abcd'],
        ['One', 'REG_MULTI_SZ', ['unrolled']],
        ['Big', 'REG_QWORD', '18446744073709551615'],
      ],
    );
    assert.deepEqual(
      result.damage.map((damage) => damage.detail),
      [
        'registry[1].key: expected a key starting with a hive (HKEY_LOCAL_MACHINE...), got string (key dropped)',
        'registry[2].values[0].value: expected an integer, got string (key dropped)',
      ],
    );
  });

  it('Windows PowerShell 5.1 forms: one-element arrays unrolled, empty ones null', () => {
    const document = documentJson();
    const certificate = (document.certificates as Record<string, unknown>[])[0]!;
    certificate.dnsNames = 'SRV01.contoso.test';
    certificate.enhancedKeyUsages = null;
    const result = read(document);
    assert.deepEqual(result.damage, []);
    assert.deepEqual(result.document.certificates?.[0]?.dnsNames, ['SRV01.contoso.test']);
    assert.deepEqual(result.document.certificates?.[0]?.enhancedKeyUsages, []);
  });

  it('jsonSchemaOf tells a collector document from a Get-WinEvent export', () => {
    assert.equal(jsonSchemaOf(documentJson()), 'rdp-doctor/collect');
    assert.equal(jsonSchemaOf({ Id: 4625, ProviderName: 'Microsoft-Windows-Security-Auditing' }), undefined);
    assert.equal(jsonSchemaOf([{ schema: 'rdp-doctor/collect' }]), undefined);
    assert.equal(jsonSchemaOf(null), undefined);
  });

  it('loadEvidence sniffs .json: collector document (kind collect) or Get-WinEvent export', async () => {
    const collect = await loadEvidence(DOCUMENT_PATH);
    assert.deepEqual(
      collect.files.map((file) => [file.kind, file.records]),
      [['collect', 2]],
    );
    assert.deepEqual(collect.state?.source, {
      path: DOCUMENT_PATH,
      kind: 'collect',
      role: 'server',
      registryRoots: collect.state?.registry.map((key) => key.key),
    });
    const exported = await loadEvidence(
      scratchFile(
        'export.json',
        JSON.stringify({ Id: 4625, ProviderName: 'Microsoft-Windows-Security-Auditing', Properties: [] }),
      ),
    );
    assert.deepEqual(
      exported.files.map((file) => file.kind),
      ['json-export'],
    );
    assert.equal(exported.state, undefined);
    await assert.rejects(
      loadEvidence(scratchFile('summary.json', JSON.stringify({ schema: 'rdp-doctor/collect-summary' }))),
      (error: unknown) =>
        error instanceof EvidenceFileError && error.code === 'not-collect' && /-Compact/.test(error.message),
    );
  });
});

describe('collector document reader: fuzz', () => {
  const onlyFormatErrors = (document: unknown) => {
    try {
      const result = read(document);
      for (const key of result.registry) assert.ok(key.key.startsWith('HKEY_'));
    } catch (error) {
      if (!(error instanceof CollectFormatError)) throw error;
    }
  };

  it('any field replaced by any JSON value: a result or a CollectFormatError', () => {
    const fields = Object.keys(documentJson());
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...fields), fc.jsonValue()), { maxLength: 4 }),
        (changes) => {
          const document = documentJson();
          for (const [field, value] of changes) document[field] = value;
          onlyFormatErrors(document);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random JSON and cut text: a result or a CollectFormatError', () => {
    fc.assert(fc.property(fc.jsonValue(), onlyFormatErrors), { numRuns: 300 });
    fc.assert(
      fc.property(fc.nat({ max: documentText.length }), (cut) => {
        try {
          readCollectDocument(documentText.slice(0, cut), 'doc.json');
        } catch (error) {
          if (!(error instanceof CollectFormatError)) throw error;
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('collector bundles (zip)', () => {
  it('the Compress-Archive fixture holds the document beside it', async () => {
    const zip = await yauzl.openPromise(ZIP_PATH, { lazyEntries: true });
    const names: string[] = [];
    for await (const entry of zip.eachEntry()) {
      names.push(entry.fileName);
      if (entry.fileName.endsWith('.json')) {
        const chunks: Buffer[] = [];
        for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
        assert.equal(Buffer.concat(chunks).toString('utf8'), documentText);
      }
    }
    zip.close();
    assert.deepEqual(names.sort(), ['logs/Security.evtx', 'rdp-doctor-server-SRV01-20260101120000.json']);
  });

  it('reads the document and the logs; the logged channel is not counted twice', async () => {
    const loaded = await readCollectBundle(ZIP_PATH);
    assert.deepEqual(
      loaded.files.map((file) => [file.path, file.kind, file.records, file.damaged]),
      [
        [ZIP_PATH, 'collect-zip', 1, false],
        [`${ZIP_PATH}!logs/Security.evtx`, 'evtx', 2, false],
      ],
    );
    // The document's own Security event is in Security.evtx too: only its System event is kept.
    assert.deepEqual(
      loaded.events.map((event) => [event.channel, event.eventId]),
      [
        ['System', 36870],
        ['Security', 4825],
        ['Security', 4825],
      ],
    );
    assert.equal(loaded.state?.source.path, `${ZIP_PATH}!rdp-doctor-server-SRV01-20260101120000.json`);
    assert.equal(loaded.state?.document?.computer.name, 'SRV01');
  });

  const documentEntry = { name: 'bundle.json', data: Buffer.from(documentText) };

  it('a log that is not an EVTX file, and a listed log that is missing, are damage notes', async () => {
    const document = { ...documentJson(), exportedLogs: ['logs/System.evtx', 'logs/Application.evtx'] };
    const path = scratchFile(
      'bundle.zip',
      buildZip([
        { name: 'bundle.json', data: Buffer.from(JSON.stringify(document)) },
        { name: 'logs/System.evtx', data: Buffer.from('not a log') },
      ]),
    );
    const loaded = await readCollectBundle(path);
    assert.deepEqual(
      loaded.files[0]!.damage.map((damage) => [damage.kind, damage.detail]),
      [
        ['unreadable-entry', 'logs/System.evtx: not an EVTX file'],
        ['unreadable-entry', 'logs/Application.evtx: listed in exportedLogs, not in the zip'],
      ],
    );
    assert.equal(loaded.files.length, 1);
  });

  it('PowerShell 5.1 backslash names (logs\\Security.evtx) are read', async () => {
    const path = scratchFile(
      'ps51.zip',
      buildZip([documentEntry, { name: 'logs\\Security.evtx', data: readFileSync(EVTX), deflate: true }]),
    );
    const loaded = await readCollectBundle(path);
    assert.deepEqual(
      loaded.files.map((file) => file.path),
      [path, `${path}!logs/Security.evtx`],
    );
  });

  it('a zip without a document at its root is refused', async () => {
    const path = scratchFile('nodoc.zip', buildZip([{ name: 'logs/System.evtx', data: readFileSync(EVTX) }]));
    await assert.rejects(
      loadEvidence(path),
      (error: unknown) =>
        error instanceof EvidenceFileError &&
        error.code === 'not-collect' &&
        /no collector document/.test(error.message),
    );
  });

  it('a file that is not a zip is not-zip', async () => {
    await assert.rejects(
      loadEvidence(scratchFile('text.zip', 'hello')),
      (error: unknown) => error instanceof EvidenceFileError && error.code === 'not-zip',
    );
  });

  const refusals: [string, () => Buffer, ZipSafetyError['code'], RegExp][] = [
    [
      'a path leaving the archive',
      () => buildZip([documentEntry, { name: 'logs/../../../evil.evtx', data: Buffer.from('x') }]),
      'unsafe-name',
      /entry 'logs\/\.\.\/\.\.\/\.\.\/evil\.evtx' points outside the archive/,
    ],
    [
      'an absolute path',
      () => buildZip([documentEntry, { name: '/etc/cron.d/evil', data: Buffer.from('x') }]),
      'unsafe-name',
      /'\/etc\/cron\.d\/evil'/,
    ],
    [
      'a drive path (backslashes)',
      () => buildZip([documentEntry, { name: 'C:\\Windows\\evil.evtx', data: Buffer.from('x') }]),
      'unsafe-name',
      /'C:\/Windows\/evil\.evtx'/,
    ],
    [
      'a zip bomb (8 MiB of zeros deflated ~1000:1)',
      () =>
        buildZip([
          documentEntry,
          { name: 'logs/System.evtx', data: Buffer.alloc(8 * 1024 * 1024), deflate: true },
        ]),
      'ratio-too-high',
      /refused as a zip bomb: entry 'logs\/System\.evtx' expands \d+:1 \(the limit is 200:1\)/,
    ],
    [
      'too many entries',
      () =>
        buildZip([
          documentEntry,
          ...Array.from({ length: 64 }, (_, index) => ({
            name: `logs/${index}.evtx`,
            data: Buffer.from('x'),
          })),
        ]),
      'too-many-entries',
      /65 entries \(the limit is 64\)/,
    ],
  ];
  for (const [name, build, code, message] of refusals) {
    it(`refused whole: ${name}`, async () => {
      const path = scratchFile(`${code}.zip`, build());
      await assert.rejects(readCollectBundle(path), (error: unknown) => {
        assert.ok(error instanceof ZipSafetyError, String(error));
        assert.equal(error.code, code);
        assert.match(error.message, message);
        return true;
      });
      await assert.rejects(
        loadEvidence(path),
        (error: unknown) => error instanceof EvidenceFileError && error.code === 'unsafe-zip',
      );
    });
  }

  it('an entry whose data expands past its declared size is cut off and not read', async () => {
    const path = scratchFile(
      'liar.zip',
      buildZip([
        documentEntry,
        // Declares 1,000 bytes (ratio ~1:8, passes), inflates to 8 MiB.
        { name: 'logs/System.evtx', data: Buffer.alloc(8 * 1024 * 1024), deflate: true, declaredSize: 1000 },
      ]),
    );
    const loaded = await readCollectBundle(path);
    assert.deepEqual(
      loaded.files.map((file) => file.kind),
      ['collect-zip'],
    );
    assert.match(loaded.files[0]!.damage[0]!.detail, /^logs\/System\.evtx: not read \(/);
  });

  it('a log whose entry lies about its size partway: the records before stay read, the cut is damage', async () => {
    // A real log of several chunks, declared one chunk and a half long: the stream fails after
    // the first chunk was read (the size check comes as the bytes pass), not when it is opened.
    const log = readFileSync(new URL('../fixtures/evtx/omerbenamram-security.evtx', import.meta.url));
    const declaredSize = 4096 + 65536 + 32768;
    const path = scratchFile(
      'liar-partway.zip',
      buildZip([documentEntry, { name: 'logs/Security.evtx', data: log, deflate: true, declaredSize }]),
    );
    const loaded = await readCollectBundle(path);
    assert.deepEqual(
      loaded.files.map((file) => file.kind),
      ['collect-zip', 'evtx'],
    );
    const [bundle, security] = loaded.files;
    assert.ok(security!.records > 0, 'the first chunk was read');
    assert.ok(bundle!.damaged);
    assert.ok(
      bundle!.damage.some((damage) => /^logs\/Security\.evtx: cut off \(/.test(damage.detail)),
      JSON.stringify(bundle!.damage),
    );
    const run = await runCli(['analyze', '--json', path]);
    assert.notEqual(run.code, 2, run.stderr);
  });

  it('mutated and cut bundle bytes: a report or an EvidenceFileError, nothing else', async () => {
    const base = readFileSync(ZIP_PATH);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          maxLength: 6,
        }),
        fc.integer({ min: 22, max: base.length }),
        async (flips, cut) => {
          const bytes = Buffer.from(base);
          for (const [offset, value] of flips) bytes[offset] = value;
          const path = scratchFile('mutated.zip', bytes.subarray(0, cut));
          try {
            await loadEvidence(path);
          } catch (error) {
            if (!(error instanceof EvidenceFileError)) throw error;
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('entry and total size caps, with small limits', async () => {
    const limits = {
      maxEntries: 10,
      maxEntryBytes: 100,
      maxTotalBytes: 150,
      maxRatio: 200,
      ratioFloorBytes: 1 << 20,
    };
    const target = mkdtempSync(join(tmpdir(), 'rdp-doctor-zip-test-'));
    try {
      const big = scratchFile('big.zip', buildZip([{ name: 'a', data: Buffer.alloc(101, 1) }]));
      await assert.rejects(
        extractZip(big, () => true, target, limits),
        (error: unknown) => {
          return error instanceof ZipSafetyError && error.code === 'entry-too-large' && error.entry === 'a';
        },
      );
      const many = scratchFile(
        'total.zip',
        buildZip([
          { name: 'a', data: Buffer.alloc(80, 1) },
          { name: 'b', data: Buffer.alloc(80, 2) },
        ]),
      );
      await assert.rejects(
        extractZip(many, () => true, target, limits),
        (error: unknown) => error instanceof ZipSafetyError && error.code === 'archive-too-large',
      );
      const fine = scratchFile(
        'fine.zip',
        buildZip([
          { name: 'a', data: Buffer.alloc(80, 1) },
          { name: 'b', data: Buffer.alloc(60, 2) },
        ]),
      );
      const extraction = await extractZip(fine, (name) => name === 'b', target, limits);
      assert.deepEqual(
        extraction.extracted.map((entry) => [entry.name, entry.bytes]),
        [['b', 60]],
      );
      assert.deepEqual(readFileSync(extraction.extracted[0]!.file), Buffer.alloc(60, 2));
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });
});
