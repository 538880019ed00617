/**
 * The logon check's password: from RDP_DOCTOR_PASSWORD or a terminal prompt without echo, never
 * from argv; converted to UTF-16LE without a JavaScript string. The prompt is driven through a
 * real pseudo-terminal (python3's pty module) so raw mode, echo and backspace are the real ones.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../src/cli/errors.js';
import { readPassword, utf8ToUtf16le } from '../../src/cli/password.js';
import { isOneLineUsageError, runCli } from '../helpers/cli.js';

const io = (env: Record<string, string>, typed?: string) => ({
  stdout: () => {},
  stderr: () => {},
  stdoutIsTty: false,
  stderrIsTty: false,
  env,
  ...(typed !== undefined ? { readSecret: async () => Buffer.from(typed, 'utf16le') } : {}),
});

describe('utf8ToUtf16le', () => {
  for (const text of ['', 'Correct-Horse-1', 'pässwörd', '密码', 'emoji 🔑 key', 'a\u0000b']) {
    it(`converts ${JSON.stringify(text)} as Node's own decoder would`, () => {
      assert.deepEqual(utf8ToUtf16le(Buffer.from(text, 'utf8')), Buffer.from(text, 'utf16le'));
    });
  }
  it('turns malformed UTF-8 into U+FFFD, one per bad byte, like a decoder', () => {
    const bad = Uint8Array.of(0x61, 0xc3, 0x62, 0xff, 0xe2, 0x82);
    assert.deepEqual(utf8ToUtf16le(bad), Buffer.from('a\ufffdb\ufffd\ufffd\ufffd', 'utf16le'));
  });
});

describe('readPassword', () => {
  it('takes RDP_DOCTOR_PASSWORD first, as UTF-16LE', async () => {
    const password = await readPassword(io({ RDP_DOCTOR_PASSWORD: 'sécret' }, 'typed'), 'Password: ');
    assert.deepEqual(password, Buffer.from('sécret', 'utf16le'));
  });
  it('prompts when the variable is unset or empty', async () => {
    assert.deepEqual(
      await readPassword(io({ RDP_DOCTOR_PASSWORD: '' }, 'typed'), 'P: '),
      Buffer.from('typed', 'utf16le'),
    );
  });
  it('refuses without a variable and without a terminal', async () => {
    await assert.rejects(readPassword(io({}), 'P: '), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /RDP_DOCTOR_PASSWORD or a terminal/);
      return true;
    });
  });
});

describe('diagnose --user / --logon input errors', () => {
  it('--logon without --user is one line and exit 2', async () => {
    const run = await runCli(['diagnose', '127.0.0.1:1', '--logon']);
    assert.ok(isOneLineUsageError(run), run.stderr);
    assert.match(run.stderr, /--logon needs --user/);
  });
  it('--user without a password source is one line and exit 2, after the lockout warning', async () => {
    const run = await runCli(['diagnose', '127.0.0.1:1', '--user', 'CORP\\alice']);
    assert.equal(run.code, 2);
    const lines = run.stderr.trimEnd().split('\n');
    assert.match(lines[0]!, /counts toward the account's lockout threshold/);
    assert.match(lines.at(-1)!, /RDP_DOCTOR_PASSWORD or a terminal/);
    assert.equal(run.stdout, '');
  });
  for (const bad of ['', 'a\\b\\c', 'CORP\\al:ice', 'x\u0001y']) {
    it(`rejects the user name ${JSON.stringify(bad)}`, async () => {
      const run = await runCli(['diagnose', '127.0.0.1:1', '--user', bad]);
      assert.ok(isOneLineUsageError(run), run.stderr);
    });
  }
  it('there is no option that takes a password on the command line', async () => {
    const run = await runCli(['diagnose', '--help']);
    assert.doesNotMatch(run.stdout, /--pass/);
  });
});

/** Runs readPassword's terminal prompt under a pseudo-terminal, typing `keys`; returns what it read. */
function promptUnderPty(keys: string): { read: string; screen: string } {
  const script = fileURLToPath(new URL('../fixtures/cli/prompt-password.ts', import.meta.url));
  const driver = [
    'import os, pty, sys, time, select',
    'pid, fd = pty.fork()',
    'if pid == 0:',
    `    os.execvp('node', ['node', '--import', 'tsx', ${JSON.stringify(script)}])`,
    'out = b""',
    'def pump(seconds):',
    '    global out',
    '    end = time.time() + seconds',
    '    while time.time() < end:',
    '        r, _, _ = select.select([fd], [], [], 0.05)',
    '        if r:',
    '            try: chunk = os.read(fd, 4096)',
    '            except OSError: return False',
    '            if not chunk: return False',
    '            out += chunk',
    '    return True',
    'while b"Password:" not in out and pump(0.2): pass',
    `os.write(fd, ${JSON.stringify(keys)}.encode("utf-8"))`,
    'pump(3)',
    'os.waitpid(pid, 0)',
    'sys.stdout.write(out.decode("utf-8", "replace"))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', driver], { encoding: 'utf8', timeout: 30_000 });
  const screen = result.stdout;
  const read = /READ:([0-9a-f]*)/.exec(screen)?.[1];
  assert.ok(read !== undefined, `no READ line in: ${screen} ${result.stderr}`);
  return { read: Buffer.from(read, 'hex').toString('utf16le'), screen };
}

describe('the terminal prompt (real pty)', () => {
  it('reads without echo and ends at Enter', () => {
    const { read, screen } = promptUnderPty('Correct-Horse-1\r');
    assert.equal(read, 'Correct-Horse-1');
    assert.doesNotMatch(screen, /Correct-Horse/);
  });
  it('handles backspace over a multi-byte character', () => {
    const { read } = promptUnderPty('päss\u007f\u007fwörd\r');
    assert.equal(read, 'päwörd');
  });
});
