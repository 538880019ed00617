import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { parseHostPort, parseMilliseconds, parsePort } from '../../src/cli/validate.js';
import { isOneLineUsageError, runCli } from '../helpers/cli.js';

describe('global CLI conventions', () => {
  it('prints help with no arguments and with --help, exit 0', async () => {
    for (const argv of [[], ['--help'], ['-h']]) {
      const run = await runCli(argv);
      assert.equal(run.code, 0);
      assert.match(run.stdout, /Usage: rdp-doctor/);
      assert.match(run.stdout, /Exit codes: 0 healthy/);
    }
  });

  it('prints the package version', async () => {
    const run = await runCli(['--version']);
    assert.equal(run.code, 0);
    assert.match(run.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown command with one line and exit 2', async () => {
    const run = await runCli(['frobnicate']);
    assert.ok(isOneLineUsageError(run), JSON.stringify(run));
    assert.match(run.stderr, /unknown command 'frobnicate'/);
  });

  it('rejects an unknown global flag with one line and exit 2', async () => {
    const run = await runCli(['--frob']);
    assert.ok(isOneLineUsageError(run), JSON.stringify(run));
  });
});

describe('help text', () => {
  /**
   * Every command summary and option description is one imperative phrase: lower-case, verb first,
   * no full stop (the README adds the capital and the stop). A new verb joins this list on purpose.
   */
  const IMPERATIVE_VERBS = new Set([
    'add',
    'check',
    'connect',
    'explain',
    'focus',
    'list',
    'listen',
    'log',
    'print',
    'probe',
    'rank',
    'read',
    'run',
    'serve',
    'show',
    'skip',
    'start',
    'wait',
    'write',
    'overwrite',
  ]);
  const phrases = COMMANDS.flatMap((spec) => [
    [`${spec.name}: summary`, spec.summary] as const,
    ...spec.options.map((option) => [`${spec.name} --${option.name}`, option.description] as const),
  ]);
  for (const [where, phrase] of phrases) {
    it(`${where} is an imperative phrase`, () => {
      const verb = phrase.split(/[\s:]/)[0]!;
      assert.ok(IMPERATIVE_VERBS.has(verb), `'${phrase}' starts with '${verb}', not an imperative verb`);
      assert.doesNotMatch(phrase, /\.$/);
    });
  }
});

describe('target and number parsing', () => {
  const good: Array<[string, string, number]> = [
    ['rdp01.corp.example', 'rdp01.corp.example', 3389],
    ['rdp01:3390', 'rdp01', 3390],
    ['127.0.0.2', '127.0.0.2', 3389],
    ['127.0.0.2:65535', '127.0.0.2', 65535],
    ['::1', '::1', 3389],
    ['[::1]:3391', '::1', 3391],
    ['host.example.', 'host.example.', 3389],
  ];
  for (const [raw, host, port] of good) {
    it(`parses ${raw}`, () => assert.deepEqual(parseHostPort(raw), { host, port }));
  }
  const bad = [
    '',
    'bad host',
    'host:0',
    'host:65536',
    'host:abc',
    'host:',
    '[::1',
    '[nothex]:1',
    'a..b',
    '-a.com',
    ':3389',
    'x'.repeat(64),
  ];
  for (const raw of bad) {
    it(`rejects host '${raw}'`, () => assert.throws(() => parseHostPort(raw), { name: 'UsageError' }));
  }
  it('rejects ports outside 1..65535', () => {
    for (const raw of ['0', '65536', '-1', '1.5', ''])
      assert.throws(() => parsePort(raw), { name: 'UsageError' });
  });
  it('rejects negative, zero, huge and non-numeric timeouts', () => {
    for (const raw of ['-1', 'abc', '1.5', '', '1e3', '0', '600001']) {
      assert.throws(() => parseMilliseconds(raw), { name: 'UsageError' });
    }
    assert.equal(parseMilliseconds('1'), 1);
    assert.equal(parseMilliseconds('2500'), 2500);
  });
});
