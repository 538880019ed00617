/**
 * planTargets: arguments, target files, stdin, CIDR ranges (IPv4 and IPv6) and .rdp files
 * become one deduplicated stream, validated before anything is probed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  MAX_RANGE_WITHOUT_FORCE,
  planTargets,
  TargetError,
  type TargetSourceOptions,
} from '../../src/fleet/targets.js';
import type { FleetTarget } from '../../src/fleet/types.js';

const scratch = mkdtempSync(join(tmpdir(), 'rdp-doctor-targets-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'rdp-files');
const defaults: TargetSourceOptions = { defaultPort: 3389, force: false };

function file(name: string, text: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

async function list(plan: { targets(): AsyncIterable<FleetTarget> }): Promise<string[]> {
  const out: string[] = [];
  for await (const { host, port } of plan.targets()) out.push(`${host}:${port}`);
  return out;
}

async function refused(args: string[], files: string[], pattern: RegExp, options = defaults) {
  await assert.rejects(planTargets(args, files, options), (error: unknown) => {
    assert.ok(error instanceof TargetError, String(error));
    assert.equal(error.message.split('\n').length, 1);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('planTargets', () => {
  it('reads arguments and files with comments and blank lines, each target once', async () => {
    const path = file(
      'hosts.txt',
      '# servers\n\nrdp01.corp.example\nRDP01.corp.example   # the same host\r\n10.0.0.5:3390\n[::1]:3391\n10.0.0.5:3390\n',
    );
    const plan = await planTargets(['rdp02.corp.example:3392', 'rdp01.corp.example'], [path], defaults);
    const targets = await list(plan);
    assert.deepEqual(targets, [
      'rdp02.corp.example:3392',
      'rdp01.corp.example:3389',
      '10.0.0.5:3390',
      '::1:3391',
    ]);
    assert.equal(plan.total, targets.length);
    assert.equal(plan.hasRanges, false);
  });

  it('expands IPv4 ranges without their network and broadcast addresses, IPv6 ranges whole', async () => {
    const plan = await planTargets(['192.0.2.0/30', '2001:db8::/126', '192.0.2.8/31'], [], defaults);
    assert.deepEqual(await list(plan), [
      '192.0.2.1:3389',
      '192.0.2.2:3389',
      '192.0.2.8:3389',
      '192.0.2.9:3389',
      '2001:db8:::3389',
      '2001:db8::1:3389',
      '2001:db8::2:3389',
      '2001:db8::3:3389',
    ]);
    assert.equal(plan.total, 8);
    assert.equal(plan.hasRanges, true);
  });

  it('merges overlapping ranges and drops addresses a range covers', async () => {
    const plan = await planTargets(
      ['10.1.0.0/24', '10.1.0.128/25', '10.1.0.7', '10.1.0.7:3390', '10.1.1.0/24:3390'],
      [],
      defaults,
    );
    const targets = await list(plan);
    assert.equal(new Set(targets).size, targets.length);
    assert.equal(plan.total, targets.length);
    assert.equal(targets.length, 1 + 254 + 254);
    assert.equal(targets[0], '10.1.0.7:3390');
  });

  it('streams a /16 without holding it (the total is known up front)', async () => {
    const plan = await planTargets(['10.2.0.0/16'], [], defaults);
    assert.equal(plan.total, MAX_RANGE_WITHOUT_FORCE - 2);
    let count = 0;
    let last = '';
    for await (const target of plan.targets()) {
      count++;
      last = target.host;
    }
    assert.equal(count, plan.total);
    assert.equal(last, '10.2.255.254');
  });

  it('needs --force beyond 65,536 addresses, and refuses more than a /8 even then', async () => {
    await refused(['10.0.0.0/15'], [], /131072 addresses, more than 65536: give --force/);
    assert.equal((await planTargets(['2001:db8::/112'], [], defaults)).total, 65_536);
    await refused(['2001:db8::/111'], [], /give --force/);
    const plan = await planTargets(['10.0.0.0/15'], [], { ...defaults, force: true });
    assert.equal(plan.total, 131_070);
    await refused(['10.0.0.0/7'], [], /refused even with --force/, { ...defaults, force: true });
    await refused(['2001:db8::/64'], [], /refused even with --force/, { ...defaults, force: true });
  });

  it('takes .rdp files (the address mstsc connects to) as arguments and with -f', async () => {
    const own = file('own.rdp', 'full address:s:rdp09.corp.example\r\nserver port:i:3399\r\n');
    const plan = await planTargets(
      [join(fixtures, 'freerdp-testRdpFileUTF16.rdp'), own],
      [join(fixtures, 'freerdp-testRdpFileUTF8.rdp')],
      defaults,
    );
    assert.deepEqual(await list(plan), [
      'LAB1-W7-DM-01.lab1.awake.local:3389',
      'rdp09.corp.example:3399',
      'LAB1-W7-DM-01.lab1.awake.global:3389',
    ]);
  });

  it('reads stdin once for -f -', async () => {
    const readStdin = async function* () {
      yield '10.3.0.1\n10.3';
      yield '.0.2:3390\n';
    };
    const plan = await planTargets([], ['-'], { ...defaults, readStdin });
    assert.deepEqual(await list(plan), ['10.3.0.1:3389', '10.3.0.2:3390']);
    await refused([], ['-', '-'], /stdin can be read once/, { ...defaults, readStdin });
  });

  it('refuses bad input with one line naming the file and line', async () => {
    const bad = file('bad.txt', 'rdp01\n\nnot a host!\n');
    await refused([], [bad], /bad\.txt:3: invalid host 'not'|bad\.txt:3: /);
    await refused([], [join(scratch, 'missing.txt')], /cannot read .*missing\.txt: no such file/);
    await refused([], [scratch], /is a directory/);
    await refused(['10.0.0.0/33'], [], /invalid range '10\.0\.0\.0\/33'/);
    await refused(['10.0.0/24'], [], /invalid range '10\.0\.0\/24'/);
    await refused(['10.0.0.0/24:0'], [], /invalid port '0'/);
    await refused(['host:99999'], [], /invalid port/);
    await refused([file('empty.rdp', 'screen mode id:i:2\n')], [], /no 'full address'/);
    await refused([file('bin.rdp', Buffer.from([0xff, 0xfe, 0x41]))], [], /bin\.rdp: not an \.rdp file/);
    await refused([], [file('nul.txt', Buffer.from('a\0b'))], /not a text file/);
  });
});
