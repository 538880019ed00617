/**
 * The FreeRDP errors rdp-doctor predicts, checked against what the real xfreerdp prints. Each row
 * of src/data/freerdp-observed.ts is made again (a refused port, lab scenarios, xrdp), xfreerdp
 * runs against it, and the ERRCONNECT_* it sets must be the row's; the rules that cite a row must
 * predict the same. Also: FreeRDP 2 against TLS 1.0/1.1-only xrdp (the build-dependent verdict)
 * and a 1024-bit RSA certificate (which xfreerdp accepts, so no FreeRDP failure is predicted).
 * And the Windows release a FreeRDP server claims in NTLM (6.1.7601), which its TLS 1.3 contradicts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { findClientProfile } from '../../src/data/clients/index.js';
import {
  FREERDP_OBSERVATIONS,
  type FreerdpSituation,
  freerdpObservation,
} from '../../src/data/freerdp-observed.js';
import { diagnose } from '../../src/diagnosis.js';
import { rule as listenerClosedEarly } from '../../src/rules/diagnose/listener-closed-early.js';
import { clientVerdicts } from '../../src/rules/diagnose/client-incompatible.js';
import { rule as tcpRefused } from '../../src/rules/diagnose/tcp-refused.js';
import { rule as tlsCertWeakKey } from '../../src/rules/diagnose/tls-cert-weak-key.js';
import {
  addressAllocator,
  missingBinaries,
  type RunningServer,
  startFreerdpShadow,
  startLab,
  startXrdp,
  startXvfb,
  type XDisplay,
  serverTracker,
} from '../testbed/index.js';
import { makeWorkDir, removeDir } from '../testbed/process.js';

/** How long a row without an error is watched: xfreerdp was seen still waiting after 150 s. */
const WAIT_WATCH_MS = 6000;

interface XfreerdpRun {
  readonly output: string;
  /** The first ERRCONNECT_* xfreerdp set (its verdict), if any. */
  readonly error?: string;
  /** Still running when the watch ended. */
  readonly stillWaiting: boolean;
  /** `+auth-only` exits 0 when the connection got as far as authentication. */
  readonly exitedOk: boolean;
}

function runXfreerdp(server: RunningServer, display: string, home: string, timeoutMs: number) {
  return new Promise<XfreerdpRun>((resolve) => {
    execFile(
      'xfreerdp',
      [`/v:${server.host}:${server.port}`, '+auth-only', '/u:x', '/p:y', '/cert:ignore', '/log-level:INFO'],
      { env: { ...process.env, DISPLAY: display, HOME: home }, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        const error_ = /set_last_error_ex (ERRCONNECT_\w+)/.exec(output)?.[1];
        resolve({
          output,
          ...(error_ ? { error: error_ } : {}),
          stillWaiting: error?.killed === true,
          exitedOk: /Authentication only, exit status 0/.test(output),
        });
      },
    );
  });
}

/** A server in each situation the table records (a refused port is an address nothing listens on). */
async function serverFor(situation: FreerdpSituation): Promise<RunningServer> {
  const address = await addressAllocator.next();
  const lab = (scenario: string) => startLab(scenario, address);
  switch (situation) {
    case 'tcp-refused':
      return { host: address, port: 3389, stop: async () => {} };
    case 'listener-closes':
      return lab('closes-immediately');
    case 'listener-resets':
      return lab('resets-immediately');
    case 'listener-silent':
      return lab('silent');
    case 'answers-garbage':
      return lab('garbage');
    case 'answers-http':
      return lab('http');
    case 'answers-ssh-banner':
      return lab('ssh');
    case 'tls-aborted':
      return lab('tls-handshake-aborted');
    case 'tls-alert':
      return lab('tls-alert');
    case 'tls-legacy-only':
      return startXrdp({ address, sslProtocols: 'TLSv1', tlsCiphers: 'DEFAULT@SECLEVEL=0' });
  }
}

/** The finding diagnose raises in a situation, whose FreeRDP prediction rests on the row. */
const FINDING_FOR: Partial<Record<FreerdpSituation, string>> = {
  'tcp-refused': tcpRefused.meta.id,
  'listener-closes': listenerClosedEarly.meta.id,
  'listener-resets': listenerClosedEarly.meta.id,
  'tls-aborted': 'tls-handshake-aborted',
};

describe(
  'FreeRDP error predictions against the real xfreerdp',
  { skip: missingBinaries('xfreerdp', 'Xvfb', 'xrdp') },
  () => {
    let display: XDisplay;
    let home: string;
    const track = serverTracker();
    before(async () => {
      display = await startXvfb();
      home = makeWorkDir('xfreerdp-home');
    });
    after(async () => {
      await display?.stop();
      removeDir(home);
    });

    for (const row of FREERDP_OBSERVATIONS) {
      const expected = row.errors.length > 0 ? row.errors.join(' or ') : 'no error and keeps waiting';
      it(`${row.situation}: xfreerdp prints ${expected}`, async () => {
        const server = await track(serverFor(row.situation));
        const waits = row.errors.length === 0;
        const run = await runXfreerdp(server, display.display, home, waits ? WAIT_WATCH_MS : 30_000);
        if (waits) {
          assert.equal(run.error, undefined, run.output);
          assert.ok(run.stillWaiting, `xfreerdp ended within ${WAIT_WATCH_MS} ms:\n${run.output}`);
        } else {
          assert.ok(run.error !== undefined && row.errors.includes(run.error), run.output);
          assert.ok(run.output.includes(row.printed), `expected "${row.printed}" in\n${run.output}`);
        }
        const findingId = FINDING_FOR[row.situation];
        if (!findingId) return;
        const diagnosis = await diagnose({ host: server.host, port: server.port }, { timeoutMs: 3000 });
        const finding = diagnosis.document.findings.find((each) => each.id === findingId);
        assert.ok(
          finding,
          `${findingId} in ${diagnosis.document.findings.map((each) => each.id).join(', ')}`,
        );
        const predicted = finding.clientErrors.filter((error) => error.client === 'freerdp');
        assert.deepEqual(
          predicted.map((error) => error.code),
          row.errors,
          `${findingId} predicts what xfreerdp printed`,
        );
      });
    }

    for (const sslProtocols of ['TLSv1', 'TLSv1.1']) {
      it(`FreeRDP 2 against ${sslProtocols}-only xrdp: this OpenSSL 3 build fails as the verdict says it may`, async () => {
        const server = await track(
          startXrdp({
            address: await addressAllocator.next(),
            sslProtocols,
            tlsCiphers: 'DEFAULT@SECLEVEL=0',
          }),
        );
        const run = await runXfreerdp(server, display.display, home, 30_000);
        const dependent = findClientProfile('freerdp-2')!.tls.buildDependent!;
        assert.equal(run.error, dependent.failingError, run.output);
        assert.deepEqual([run.error], freerdpObservation('tls-legacy-only').errors);

        const diagnosis = await diagnose({ host: server.host, port: server.port }, { timeoutMs: 3000 });
        const verdict = clientVerdicts(diagnosis.observations)?.find((each) => each.profile === 'freerdp-2');
        assert.equal(verdict?.compatible, undefined, JSON.stringify(verdict));
        assert.equal(verdict?.predictedError, run.error);
        assert.match(verdict?.reason ?? '', /fails on OpenSSL 3 builds/);
      });
    }

    it('a 1024-bit RSA certificate: xfreerdp connects, and tls-cert-weak-key predicts no FreeRDP failure', async () => {
      const server = await track(
        startXrdp({
          address: await addressAllocator.next(),
          certificateProfile: 'weak-key',
          tlsCiphers: 'DEFAULT@SECLEVEL=0',
        }),
      );
      const run = await runXfreerdp(server, display.display, home, 30_000);
      assert.ok(run.exitedOk, run.output);
      assert.deepEqual(
        tlsCertWeakKey.meta.clientErrors.filter((error) => error.client === 'freerdp'),
        [],
      );
      const diagnosis = await diagnose({ host: server.host, port: server.port }, { timeoutMs: 3000 });
      const finding = diagnosis.document.findings.find((each) => each.id === 'tls-cert-weak-key');
      assert.equal(finding?.severity, 'warning', JSON.stringify(finding));
      assert.ok(!finding?.clientErrors.some((error) => error.client === 'freerdp'));
    });

    it(
      'a FreeRDP shadow server claims Windows 7 / 2008 R2 in NTLM, and its TLS 1.3 says otherwise',
      {
        skip: missingBinaries('freerdp-shadow-cli'),
      },
      async () => {
        const server = await track(
          startFreerdpShadow({ address: await addressAllocator.next(), sec: 'nla' }),
        );
        const diagnosis = await diagnose({ host: server.host, port: server.port }, { timeoutMs: 3000 });
        const finding = diagnosis.document.findings.find((each) => each.id === 'os-end-of-life');
        assert.equal(
          finding?.severity,
          'info',
          JSON.stringify(diagnosis.document.findings.map((each) => each.id)),
        );
        assert.match(
          finding?.title ?? '',
          /^The server claims Windows 7 SP1 \/ Server 2008 R2 SP1 .*TLS 1\.3/,
        );
        assert.match(finding?.title ?? '', /likely (FreeRDP, not Windows|not Windows)/);
      },
    );
  },
);
