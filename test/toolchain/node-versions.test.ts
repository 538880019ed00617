import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

/**
 * `engines` stays honest: it admits each Node the suite runs on (CI runs it on Node 20 and on the
 * Node 24 that scripts/install-node24.sh pins), and the README's Install section names its majors.
 */
const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };

type Version = readonly [number, number, number];

function parseVersion(text: string): Version {
  const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(text);
  assert.ok(match, `not a version: ${text}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** The lowest version of each major the range admits; only `^x.y.z || ...` is written there. */
function caretFloors(range: string): Version[] {
  return range.split('||').map((part) => {
    const caret = /^\^(\S+)$/.exec(part.trim());
    assert.ok(caret, `engines.node part "${part.trim()}" is not ^x.y.z (extend this test for it)`);
    return parseVersion(caret[1]!);
  });
}

function admits(range: string, version: Version): boolean {
  return caretFloors(range).some(
    (floor) =>
      floor[0] === version[0] &&
      (version[1] > floor[1] || (version[1] === floor[1] && version[2] >= floor[2])),
  );
}

describe('supported Node versions', () => {
  const range = pkg.engines.node;

  test(`engines (${range}) admits the Node running this suite (${process.version})`, () => {
    assert.ok(admits(range, parseVersion(process.versions.node)));
  });

  test('engines admits the Node 24 that CI installs', () => {
    const script = readFileSync(join(root, 'scripts', 'install-node24.sh'), 'utf8');
    const pinned = /^NODE24_VERSION=(\S+)$/m.exec(script)?.[1];
    assert.ok(pinned, 'scripts/install-node24.sh pins no NODE24_VERSION');
    assert.equal(parseVersion(pinned)[0], 24);
    assert.ok(admits(range, parseVersion(pinned)), `${pinned} is outside ${range}`);
  });

  test("the README's Install section names every major engines admits, and what CI runs", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const install = /^## Install\n([\s\S]*?)^## /m.exec(readme)?.[1];
    assert.ok(install, 'README.md has no Install section');
    for (const [major] of caretFloors(range))
      assert.match(install, new RegExp(`\\b${major}\\b`), `Install does not name Node ${major}`);
    assert.match(install, /CI runs the whole test\s+suite on Node 20 and on Node 24/);
  });
});
