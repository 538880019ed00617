import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const root = new URL('../../', import.meta.url);
const packageJson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { license: string };

describe('the published package', () => {
  it('carries the MIT licence text the license field names', () => {
    assert.equal(packageJson.license, 'MIT');
    const license = readFileSync(new URL('LICENSE', root), 'utf8');
    assert.match(license, /^MIT License\n\nCopyright \(c\) 2026 rdp-doctor contributors\n/);
    assert.match(license, /THE SOFTWARE IS PROVIDED "AS IS"/);
  });

  it('ships LICENSE, README.md, the docs and the bundled collector scripts (npm pack --dry-run)', () => {
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(pack.status, 0, pack.stderr);
    const [{ files }] = JSON.parse(pack.stdout) as [{ files: { path: string }[] }];
    const paths = files.map((file) => file.path);
    for (const path of [
      'LICENSE',
      'README.md',
      'docs/findings.md',
      'docs/collect.md',
      'package.json',
      'dist/bin/collect-scripts.js',
    ])
      assert.ok(
        paths.includes(path),
        `${path} is not in the package: ${paths.filter((p) => !p.startsWith('dist/')).join(', ')}`,
      );
  });
});
