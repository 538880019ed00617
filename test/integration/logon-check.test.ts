/**
 * The opt-in logon check end to end, through the CLI, against the lab's NLA server: each account
 * state gives its own finding with its fix, the right password the "accepted" verdict; the
 * password (from RDP_DOCTOR_PASSWORD, never argv) appears nowhere in what rdp-doctor prints, and
 * the lockout warning comes first.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LAB_ACCOUNT_PASSWORD } from '../../src/lab/scenarios.js';
import { runCli } from '../helpers/cli.js';
import { addressAllocator, startLab } from '../testbed/index.js';

type Lab = Awaited<ReturnType<typeof startLab>>;

/** Lab account -> the finding the logon check raises (null: the logon goes through). */
const EXPECTED: ReadonlyArray<readonly [string, string | null]> = [
  ['good', null],
  ['locked', 'account-locked-out'],
  ['disabled', 'account-disabled'],
  ['expired', 'account-expired'],
  ['password-expired', 'password-expired'],
  ['must-change', 'password-must-change'],
  ['logon-type-not-granted', 'logon-right-missing'],
  ['denied-after-logon', 'server-denied-connection'],
  ['not-in-rdu', 'not-in-remote-desktop-users'],
  ['fresh-credentials', 'fresh-credentials-required'],
  ['early-denied', 'not-in-remote-desktop-users'],
  ['nobody', 'logon-failed'],
];

/** Every form the password could leak in: as typed, UTF-16LE, hex and base64 of both. */
function leakForms(password: string): string[] {
  const utf16 = Buffer.from(password, 'utf16le');
  const utf8 = Buffer.from(password, 'utf8');
  return [
    password,
    utf8.toString('hex'),
    utf16.toString('hex'),
    utf8.toString('base64'),
    utf16.toString('base64'),
    utf16.toString('latin1'),
  ];
}

describe('diagnose --user against the lab NLA server', { timeout: 120_000 }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab('nla-accounts', await addressAllocator.next());
  });
  after(() => lab?.stop());

  const check = (user: string, password: string, extra: string[] = []) =>
    runCli(
      ['diagnose', `${lab.host}:${lab.port}`, '--quick', '--json', '-t', '3000', '--user', user, ...extra],
      {
        RDP_DOCTOR_PASSWORD: password,
      },
    );

  for (const [user, finding] of EXPECTED) {
    it(`${user} -> ${finding ?? 'the password is accepted'}`, async () => {
      const run = await check(user, LAB_ACCOUNT_PASSWORD);
      const document = JSON.parse(run.stdout);
      const errors = document.findings.filter((f: { severity: string }) => f.severity === 'error');
      if (finding === null) {
        assert.equal(run.code, 0, document.verdict);
        assert.match(document.verdict, /accepted the password of good/);
        assert.equal(document.server.session.outcome, 'credentials-accepted');
      } else {
        assert.equal(run.code, 1, run.stderr);
        assert.deepEqual(
          errors.map((f: { id: string }) => f.id),
          [finding],
          document.verdict,
        );
        assert.ok(errors[0].fixes.length > 0, 'a fix comes with it');
      }
      assert.match(run.stderr.split('\n')[0]!, /one attempt, never retried.*lockout/);
      for (const form of leakForms(LAB_ACCOUNT_PASSWORD)) {
        assert.ok(!run.stdout.includes(form), `stdout carries the password (${form})`);
        assert.ok(!run.stderr.includes(form), `stderr carries the password (${form})`);
      }
    });
  }

  it('a wrong password is logon-failed (SEC_E_LOGON_DENIED), and the text names neither password', async () => {
    const wrong = 'Wrong-Horse-2';
    const run = await runCli(
      ['diagnose', `${lab.host}:${lab.port}`, '--quick', '-t', '3000', '--user', 'LAB\\good'],
      {
        RDP_DOCTOR_PASSWORD: wrong,
      },
    );
    assert.equal(run.code, 1);
    assert.match(run.stdout, /SEC_E_LOGON_DENIED/);
    assert.match(run.stdout, /\[logon-failed\]/);
    for (const form of [...leakForms(wrong), ...leakForms(LAB_ACCOUNT_PASSWORD)])
      assert.ok(!`${run.stdout}${run.stderr}`.includes(form), `output carries a password (${form})`);
  });

  it('--logon goes on to the logon notification and says it leaves a session behind', async () => {
    const run = await check('good', LAB_ACCOUNT_PASSWORD, ['--logon']);
    const document = JSON.parse(run.stdout);
    assert.equal(run.code, 0, document.verdict);
    assert.equal(document.server.session.outcome, 'logged-on');
    assert.match(run.stderr, /leaves it disconnected/);
    assert.match(document.verdict, /logged on/);
  });

  it('no-permission with --logon: the Save Session Info logon error is named', async () => {
    const run = await check('no-permission', LAB_ACCOUNT_PASSWORD, ['--logon']);
    const document = JSON.parse(run.stdout);
    assert.equal(run.code, 1, document.verdict);
    assert.deepEqual(
      document.findings
        .filter((f: { severity: string }) => f.severity === 'error')
        .map((f: { id: string }) => f.id),
      ['logon-error'],
    );
  });
});
