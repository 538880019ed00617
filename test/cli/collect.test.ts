/**
 * `collect` and `fix` hand over the shipped PowerShell: the file written is the script the tests
 * run (stamped with the version), and the commands printed to run it parse in their shells.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { VERSION } from '../../src/cli/version.js';
import { SCRIPTED_FIXES } from '../../src/collect/fix-catalog.js';
import { collectorInstructions, fixInstructions } from '../../src/collect/scripts.js';
import { COLLECT_SCRIPTS } from '../../src/collect/scripts.generated.js';
import { isOneLineUsageError, runCli } from '../helpers/cli.js';
import { findPwsh, parsePowerShell } from '../helpers/powershell.js';

const dir = mkdtempSync(join(tmpdir(), 'rdp-doctor-collect-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const pwsh = findPwsh();

describe('rdp-doctor collect', () => {
  it('writes the server collector with CRLF line ends, stamped with the version, and says how to run it', async () => {
    const file = join(dir, 'collect-server.ps1');
    const run = await runCli(['collect', 'server', '--out', file]);
    assert.equal(run.code, 0, run.stderr);
    const written = readFileSync(file, 'utf8');
    assert.ok(written.includes('\r\n') && !/[^\r]\n/.test(written), 'CRLF only');
    const lf = written.replace(/\r\n/g, '\n');
    assert.ok(lf.includes(`$CollectorVersion = '${VERSION}'`));
    assert.equal(
      lf.replace(`$CollectorVersion = '${VERSION}'`, "$CollectorVersion = 'dev'"),
      COLLECT_SCRIPTS['collect-server.ps1'],
    );
    assert.match(run.stdout, /read-only/);
    assert.match(run.stdout, /-ExecutionPolicy Bypass -File/);
    assert.match(run.stdout, /Invoke-Command -Session \$session -ScriptBlock/);
    assert.match(
      run.stdout,
      /az vm run-command invoke .* --command-id RunPowerShellScript --scripts "& \{ \$\(cat '.*collect-server\.ps1'\) \} -Compact/,
    );
  });

  it("'--out -' prints the script and nothing else", async () => {
    const run = await runCli(['collect', 'client', '--out', '-']);
    assert.equal(run.code, 0);
    assert.ok(run.stdout.startsWith(COLLECT_SCRIPTS['collect-client.ps1']!.slice(0, 40)));
    assert.ok(run.stdout.includes(`$CollectorVersion = '${VERSION}'`));
  });

  it('keeps a different file unless --force, with one line and exit 2', async () => {
    const file = join(dir, 'mine.ps1');
    writeFileSync(file, '# my own edits\n');
    const refused = await runCli(['collect', 'server', '--out', file]);
    assert.ok(isOneLineUsageError(refused), JSON.stringify(refused));
    assert.match(refused.stderr, /exists with other contents/);
    assert.equal(readFileSync(file, 'utf8'), '# my own edits\n');
    const forced = await runCli(['collect', 'server', '--out', file, '--force']);
    assert.equal(forced.code, 0);
    // Writing the same script again needs no --force.
    assert.equal((await runCli(['collect', 'server', '--out', file])).code, 0);
  });

  it('refuses an unknown role and an unwritable path with one line, exit 2', async () => {
    const role = await runCli(['collect', 'laptop']);
    assert.ok(isOneLineUsageError(role), JSON.stringify(role));
    const path = await runCli(['collect', 'server', '--out', join(dir, 'no', 'such', 'dir', 'x.ps1')]);
    assert.ok(isOneLineUsageError(path), JSON.stringify(path));
  });

  it('--json names the file, its hash and the commands', async () => {
    const file = join(dir, 'json.ps1');
    const run = await runCli(['collect', 'client', '--json', '--out', file]);
    const document = JSON.parse(run.stdout) as { script: { path: string; sha256: string }; run: unknown[] };
    assert.equal(document.script.path, file);
    assert.match(document.script.sha256, /^[0-9a-f]{64}$/);
    assert.ok(document.run.length >= 1);
  });
});

describe('rdp-doctor fix', () => {
  it('lists every shipped fix', async () => {
    const run = await runCli(['fix']);
    assert.equal(run.code, 0);
    for (const fix of SCRIPTED_FIXES) assert.ok(run.stdout.includes(fix.title), fix.title);
  });

  it('writes one fix and says to run it with -WhatIf first', async () => {
    const file = join(dir, 'repair.ps1');
    const run = await runCli(['fix', 'repair-machinekeys-acl', '--out', file]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      readFileSync(file, 'utf8').replace(/\r\n/g, '\n'),
      COLLECT_SCRIPTS['fixes/repair-machinekeys-acl.ps1'],
    );
    assert.match(run.stdout, /-WhatIf/);
  });

  it('refuses an unknown fix with one line, exit 2', async () => {
    const run = await runCli(['fix', 'make-it-work']);
    assert.ok(isOneLineUsageError(run), JSON.stringify(run));
  });
});

describe('the Azure Run Command line hands az the script it was written beside', () => {
  it('bash expands it to the script block and its arguments, quotes and all', () => {
    const file = join(dir, "o'brien collect.ps1");
    writeFileSync(file, 'Write-Output \'a "quoted" $value\'\n');
    const line = collectorInstructions('server', file).find((entry) => entry.shell === 'bash')!.lines[0]!;
    // A stand-in az that prints each argument it was given, NUL-separated.
    const run = spawnSync(
      'bash',
      ['-c', `az() { printf '%s\\0' "$@"; }\n${line.replace(/ > run-command\.json$/, '')}`],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 0, run.stderr);
    const args = run.stdout.split('\0');
    const scripts = args[args.indexOf('--scripts') + 1];
    assert.equal(
      scripts,
      '& { Write-Output \'a "quoted" $value\' } -Compact -OutFile C:\\Windows\\Temp\\rdp-doctor-server.json',
    );
  });
});

describe('the printed run commands parse in their shells', () => {
  const instructions = [
    ...collectorInstructions('server', 'collect-server.ps1'),
    ...collectorInstructions('client', "C:\\Users\\o'brien\\collect-client.ps1"),
    ...fixInstructions('enable-tls12.ps1', 'server'),
    ...fixInstructions('refresh-cloud-sign-in.ps1', 'client'),
  ];

  it('bash lines', () => {
    for (const instruction of instructions.filter((entry) => entry.shell === 'bash')) {
      const check = spawnSync('bash', ['-n'], { input: instruction.lines.join('\n'), encoding: 'utf8' });
      assert.equal(check.status, 0, `${check.stderr}\n${instruction.lines.join('\n')}`);
    }
  });

  it('PowerShell lines', { skip: pwsh ? false : 'needs pwsh (scripts/install-powershell.sh)' }, () => {
    const scripts = instructions
      .filter((entry) => entry.shell === 'powershell')
      .map((entry) => entry.lines.join('\n'));
    assert.deepEqual(parsePowerShell(pwsh!, scripts), []);
  });
});
