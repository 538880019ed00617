import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  codeCacheDirectory,
  codeCacheFileName,
  decodeCodeCacheFile,
  encodeCodeCacheFile,
  preparePrivateDirectory,
  STALE_CACHE_MS,
  writeCodeCache,
} from '../../src/cli/code-cache.js';

const scratch = mkdtempSync(join(tmpdir(), 'rdp-doctor-code-cache-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('code cache location', () => {
  test("follows each platform's per-user cache directory", () => {
    assert.equal(codeCacheDirectory({}, 'linux', '/home/ada'), '/home/ada/.cache/rdp-doctor');
    assert.equal(
      codeCacheDirectory({ XDG_CACHE_HOME: '/var/cache/ada' }, 'linux', '/home/ada'),
      '/var/cache/ada/rdp-doctor',
    );
    // A relative XDG_CACHE_HOME is invalid by the XDG spec and ignored.
    assert.equal(
      codeCacheDirectory({ XDG_CACHE_HOME: 'cache' }, 'linux', '/home/ada'),
      '/home/ada/.cache/rdp-doctor',
    );
    assert.equal(codeCacheDirectory({}, 'darwin', '/Users/ada'), '/Users/ada/Library/Caches/rdp-doctor');
    assert.match(
      codeCacheDirectory({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32', 'C:\\Users\\ada') ?? '',
      /rdp-doctor.Cache$/,
    );
  });

  test('is off when asked, or when there is no home to keep it in', () => {
    for (const off of ['0', 'off', 'OFF', 'false', 'no'])
      assert.equal(codeCacheDirectory({ RDP_DOCTOR_CODE_CACHE: off }, 'linux', '/home/ada'), undefined);
    assert.equal(codeCacheDirectory({}, 'linux', ''), undefined);
    assert.equal(codeCacheDirectory({}, 'win32', 'C:\\Users\\ada'), undefined);
    assert.equal(codeCacheDirectory({ RDP_DOCTOR_CODE_CACHE: '/srv/cache' }, 'linux', ''), '/srv/cache');
  });

  test('names a file after the bundle, Node and the command family', () => {
    const name = codeCacheFileName('0123456789abcdef', 'diagnose');
    assert.ok(name.startsWith(`0123456789abcdef-node${process.versions.node}-${process.arch}-`));
    assert.ok(name.endsWith('-diagnose.v8cache'));
    // Anything that is not a plain command name shares one file, and cannot reach a path.
    assert.ok(codeCacheFileName('0123456789abcdef', '--version').endsWith('-default.v8cache'));
    assert.ok(codeCacheFileName('0123456789abcdef', '../../etc/x').endsWith('-default.v8cache'));
    assert.ok(codeCacheFileName('0123456789abcdef', undefined).endsWith('-default.v8cache'));
  });
});

describe('code cache safety', () => {
  test(
    'a directory others can write to is refused (its cache would be code we run)',
    { skip: process.platform === 'win32' },
    () => {
      const shared = join(scratch, 'shared');
      assert.equal(preparePrivateDirectory(shared), true);
      chmodSync(shared, 0o777);
      assert.equal(preparePrivateDirectory(shared), false);
      chmodSync(shared, 0o700);
      assert.equal(preparePrivateDirectory(shared), true);
    },
  );

  test('a path that cannot be a directory is refused, without throwing', () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    assert.equal(preparePrivateDirectory(join(file, 'below')), false);
    assert.equal(preparePrivateDirectory(file), false);
  });

  test('writing removes old caches of other bundles, keeps recent ones, and never throws', () => {
    const directory = join(scratch, 'cache');
    preparePrivateDirectory(directory);
    const old = join(directory, 'ffffffffffffffff-node18.0.0-x64-diagnose.v8cache');
    const recent = join(directory, 'eeeeeeeeeeeeeeee-node20.0.0-x64-diagnose.v8cache');
    writeFileSync(old, 'old');
    writeFileSync(recent, 'another install, in use');
    const longAgo = new Date(Date.now() - STALE_CACHE_MS - 60_000);
    utimesSync(old, longAgo, longAgo);
    writeFileSync(join(directory, 'unrelated.txt'), 'keep');
    const current = codeCacheFileName('0123456789abcdef', 'diagnose');
    writeCodeCache(directory, '0123456789abcdef', current, Buffer.from('new'));
    assert.deepEqual(
      readdirSync(directory).sort(),
      [current, 'eeeeeeeeeeeeeeee-node20.0.0-x64-diagnose.v8cache', 'unrelated.txt'].sort(),
    );
    assert.equal(decodeCodeCacheFile(readFileSync(join(directory, current)))?.toString(), 'new');
    // A directory that vanished: silently nothing.
    writeCodeCache(join(scratch, 'missing', 'dir'), '0123456789abcdef', current, Buffer.from('x'));
    assert.equal(existsSync(join(scratch, 'missing')), false);
  });
});

describe('code cache file', () => {
  const payload = Buffer.from(Array.from({ length: 1000 }, (_, index) => (index * 7) & 0xff));

  test("round-trips V8's data", () => {
    assert.deepEqual(decodeCodeCacheFile(encodeCodeCacheFile(payload)), payload);
    assert.deepEqual(decodeCodeCacheFile(encodeCodeCacheFile(Buffer.alloc(0))), Buffer.alloc(0));
  });

  test('refuses damage V8 itself would not notice (release builds skip its checksum)', () => {
    const file = encodeCodeCacheFile(payload);
    for (const offset of [0, 4, 8, 12, 500, file.length - 1]) {
      const damaged = Buffer.from(file);
      damaged[offset]! ^= 0x01;
      assert.equal(decodeCodeCacheFile(damaged), undefined, `a flipped bit at ${offset} was accepted`);
    }
    assert.equal(decodeCodeCacheFile(file.subarray(0, file.length - 1)), undefined, 'truncated');
    assert.equal(decodeCodeCacheFile(Buffer.concat([file, Buffer.of(0)])), undefined, 'extended');
    assert.equal(decodeCodeCacheFile(Buffer.alloc(0)), undefined, 'empty');
    assert.equal(decodeCodeCacheFile(payload), undefined, 'raw V8 data without our header');
  });
});
