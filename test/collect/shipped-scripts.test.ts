/**
 * scripts/gen-collect-scripts.mjs: what users get (COLLECT_SCRIPTS) is each script with its
 * `#include common/NAME.ps1` lines replaced by those files, and the common/ files are no scripts of
 * their own. A bad include stops the build with one line, run on a copy of src/collect/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { COLLECT_SCRIPTS } from '../../src/collect/scripts.generated.js';

const root = join(import.meta.dirname, '..', '..');
const collectDir = join(root, 'src', 'collect');
const commonDir = join(collectDir, 'common');
const work = mkdtempSync(join(tmpdir(), 'rdp-doctor-gen-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the generator and src/collect/, with `change` applied; the generator's exit and stderr. */
function generateCopy(name: string, change: (copyCollectDir: string) => void) {
  const copy = join(work, name);
  mkdirSync(join(copy, 'scripts'), { recursive: true });
  cpSync(join(root, 'scripts', 'gen-collect-scripts.mjs'), join(copy, 'scripts', 'gen-collect-scripts.mjs'));
  cpSync(collectDir, join(copy, 'src', 'collect'), { recursive: true });
  change(join(copy, 'src', 'collect'));
  const run = spawnSync(process.execPath, [join(copy, 'scripts', 'gen-collect-scripts.mjs')], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, stderr: run.stderr };
}

describe('the shipped PowerShell is one file per script', () => {
  test('no include line is left, each included file is there whole, common/ is no entry', () => {
    const names = Object.keys(COLLECT_SCRIPTS);
    assert.ok(names.includes('collect-server.ps1') && names.includes('fixes/require-nla.ps1'), names.join());
    assert.deepEqual(
      names.filter((name) => name.startsWith('common/')),
      [],
    );
    const commons = readdirSync(commonDir).filter((file) => file.endsWith('.ps1'));
    assert.ok(commons.length >= 2, commons.join());
    for (const [name, text] of Object.entries(COLLECT_SCRIPTS)) {
      assert.doesNotMatch(text, /^#include\b/m, name);
      const source = readFileSync(join(collectDir, ...name.split('/')), 'utf8');
      for (const [, target] of source.matchAll(/^#include[ \t]+(\S+)[ \t]*$/gm)) {
        const included = readFileSync(join(collectDir, target!), 'utf8').replace(/\n$/, '');
        assert.ok(text.includes(included), `${name} holds ${target}`);
      }
    }
    for (const common of commons) {
      const users = Object.keys(COLLECT_SCRIPTS).filter((name) =>
        readFileSync(join(collectDir, ...name.split('/')), 'utf8').includes(`#include common/${common}\n`),
      );
      assert.ok(users.length >= 2, `common/${common} is shared (by ${users.join(', ')})`);
    }
  });

  test('an include of a missing file, or of one outside common/, or a nested one, stops the build', () => {
    const cases: readonly (readonly [string, (dir: string) => void, RegExp])[] = [
      [
        'missing',
        (dir) => appendFileSync(join(dir, 'fixes', 'require-nla.ps1'), '#include common/nope.ps1\n'),
        /^gen-collect-scripts: fixes\/require-nla\.ps1: #include common\/nope\.ps1: no such file/,
      ],
      [
        'outside',
        (dir) => appendFileSync(join(dir, 'collect-server.ps1'), '#include ../../package.json\n'),
        /^gen-collect-scripts: collect-server\.ps1: #include \.\.\/\.\.\/package\.json: only common\/NAME\.ps1/,
      ],
      [
        'nested',
        (dir) =>
          appendFileSync(join(dir, 'common', 'fix-helpers.ps1'), '#include common/collector-helpers.ps1\n'),
        /^gen-collect-scripts: common\/fix-helpers\.ps1 includes another file/,
      ],
    ];
    for (const [name, change, message] of cases) {
      const result = generateCopy(name, change);
      assert.equal(result.status, 2, name);
      assert.match(result.stderr, message, name);
      assert.equal(result.stderr.trim().split('\n').length, 1, `${name}: one line, no stack`);
    }
  });

  test('the copy, unchanged, renders the file in the tree (the check passes)', () => {
    const result = generateCopy('unchanged', () => {});
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      readFileSync(join(work, 'unchanged', 'src', 'collect', 'scripts.generated.ts'), 'utf8'),
      readFileSync(join(collectDir, 'scripts.generated.ts'), 'utf8'),
    );
  });
});
