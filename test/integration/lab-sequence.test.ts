import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { LAB_ACCOUNT_PASSWORD } from '../../src/lab/scenarios.js';
import {
  addressAllocator,
  missingBinaries,
  type RunningServer,
  serverTracker,
  startLab,
  startXvfb,
  type XDisplay,
} from '../testbed/index.js';
import { makeWorkDir, removeDir } from '../testbed/process.js';

/**
 * A real client against the lab's server side of the connection sequence: xfreerdp must walk
 * each healthy scenario to CONNECTION_STATE_ACTIVE and name each denial as it would a Windows
 * server's (its ERRINFO_* / ERRCONNECT_* / NTSTATUS names). This is what makes the lab's PDUs
 * evidence rather than our own codecs agreeing with themselves.
 */

const track = serverTracker();
/** A client that neither fails nor gets active by then is stopped (its log says how far it got). */
const CLIENT_RUN_MS = 6000;

const ACTIVE = /CONNECTION_STATE_FINALIZATION --> CONNECTION_STATE_ACTIVE/;

/**
 * Runs xfreerdp with the connection state machine at DEBUG until it exits, reaches the active
 * state (then it is stopped: it would stay connected) or CLIENT_RUN_MS pass. stdbuf unbuffers its
 * output: a client stopped while active would otherwise lose its last lines.
 */
function xfreerdp(
  server: RunningServer,
  display: string,
  home: string,
  args: readonly string[],
): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(
      'stdbuf',
      [
        '-o0',
        '-e0',
        'xfreerdp',
        `/v:${server.host}:${server.port}`,
        '/cert:ignore',
        '/log-level:DEBUG',
        ...args,
      ],
      { env: { ...process.env, DISPLAY: display, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), CLIENT_RUN_MS);
    const onOutput = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (ACTIVE.test(output)) child.kill('SIGTERM');
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

describe(
  'xfreerdp against the lab connection sequence',
  { skip: missingBinaries('xfreerdp', 'Xvfb', 'stdbuf') },
  () => {
    let display: XDisplay;
    let home: string;
    before(async () => {
      display = await startXvfb();
      home = makeWorkDir('xfreerdp-home');
    });
    after(async () => {
      await display?.stop();
      if (home) removeDir(home);
    });

    const run = async (scenario: string, args: readonly string[]) => {
      const server = await track(startLab(scenario, await addressAllocator.next()));
      const output = await xfreerdp(server, display.display, home, args);
      return { server, output };
    };

    for (const [scenario, sec] of [
      ['healthy-tls', 'tls'],
      ['standard-rdp-only', 'rdp'],
      ['standard-rdp-fips', 'rdp'],
      ['licensing-full-exchange', 'tls'],
    ] as const) {
      it(`${scenario} (/sec:${sec}): xfreerdp reaches CONNECTION_STATE_ACTIVE`, async () => {
        const { server, output } = await run(scenario, [`/sec:${sec}`]);
        assert.match(output, ACTIVE, output.slice(-4000));
        assert.equal(server.stats.demandActives, 1);
      });
    }

    for (const [scenario, name] of [
      ['server-denied-connection', 'ERRINFO_SERVER_DENIED_CONNECTION'],
      ['session-limit', 'ERRINFO_LOGON_TIMEOUT'],
      ['errinfo-license-no-license-server', 'ERRINFO_LICENSE_NO_LICENSE_SERVER'],
    ] as const) {
      it(`${scenario}: xfreerdp names ${name}`, async () => {
        const { output } = await run(scenario, ['/sec:tls']);
        assert.match(output, new RegExp(`${name} \\(0x0000`), output.slice(-4000));
        assert.doesNotMatch(output, ACTIVE);
      });
    }

    it('nla-accounts: the right password logs on, a wrong one is SEC_E_LOGON_DENIED, each state its NTSTATUS', async () => {
      const server = await track(startLab('nla-accounts', await addressAllocator.next()));
      const logon = (user: string, password: string) =>
        xfreerdp(server, display.display, home, ['/sec:nla', `/u:${user}`, `/p:${password}`]);
      const good = await logon('good', LAB_ACCOUNT_PASSWORD);
      assert.match(good, ACTIVE, good.slice(-4000));
      assert.match(await logon('good', 'not-the-password'), /SEC_E_LOGON_DENIED \[0x8009030C\]/);
      assert.match(await logon('locked', LAB_ACCOUNT_PASSWORD), /STATUS_ACCOUNT_LOCKED_OUT \[0xC0000234\]/);
      assert.match(await logon('disabled', LAB_ACCOUNT_PASSWORD), /STATUS_ACCOUNT_DISABLED \[0xC0000072\]/);
      assert.match(
        await logon('not-in-rdu', LAB_ACCOUNT_PASSWORD),
        /ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES \(0x00000009\)/,
      );
      assert.match(
        await logon('denied-after-logon', LAB_ACCOUNT_PASSWORD),
        /ERRINFO_SERVER_DENIED_CONNECTION \(0x00000007\)/,
      );
      assert.equal(server.stats.ntlmAuthenticates, 6);
    });
  },
);
