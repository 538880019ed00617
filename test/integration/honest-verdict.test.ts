/**
 * The verdict is honest: a step every client takes that fails is never reported as healthy, and
 * what was seen is named. Real servers (xrdp, a firewall in a namespace of our own, a delaying
 * proxy) where they can show a case, the lab where they cannot. The CLI is run in-process, as a
 * user runs it, and its exit code is checked against the stages it reported.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LAB_SCENARIOS } from '../../src/lab/scenarios.js';
import type { Attempt, NegotiationObservation, ProbeObservations, StageName } from '../../src/probe/types.js';
import type { DiagnoseDocument } from '../../src/report/diagnose-json.js';
import { failuresOnClientPath } from '../../src/rules/diagnose/helpers.js';
import { runCli } from '../helpers/cli.js';
import { findPwsh, parsePowerShell } from '../helpers/powershell.js';
import {
  addressAllocator,
  firewallUnsupported,
  missingBinaries,
  type RunningServer,
  startDelayProxy,
  startFirewalledPort,
  startLab,
  startXrdp,
  startXvfb,
  type XDisplay,
  serverTracker,
} from '../testbed/index.js';
import { xfreerdpAuthOnly } from '../testbed/peers.js';
import { makeWorkDir, removeDir } from '../testbed/process.js';

const track = serverTracker();

interface Run {
  readonly code: number;
  readonly document: DiagnoseDocument;
  readonly text: string;
}

/** Every PowerShell script the runs below handed over, parsed at the end. */
const handedOver = new Set<string>();

/** One diagnosis as JSON and one as text, both through the CLI. */
async function diagnoseCli(server: RunningServer, args: string[] = []): Promise<Run> {
  const target = `${server.host}:${server.port}`;
  const json = await runCli(['diagnose', target, '--json', ...args]);
  assert.equal(json.stderr, '', json.stderr);
  const text = await runCli(['diagnose', target, ...args]);
  for (const finding of (JSON.parse(json.stdout) as DiagnoseDocument).findings) {
    for (const fix of finding.fixes) {
      if (fix.script && (fix.script.language === 'powershell' || fix.script.language === 'cmd'))
        handedOver.add(fix.script.code);
    }
  }
  return { code: json.code, document: JSON.parse(json.stdout) as DiagnoseDocument, text: text.stdout };
}

/**
 * The stages as the document reports them, rebuilt into observations so the path check runs on
 * what the user was shown, not on the probe's internals.
 */
function reportedObservations(document: DiagnoseDocument): ProbeObservations {
  const attempt = (name: StageName): Attempt<unknown> | undefined => {
    const stage = document.stages.find((entry) => entry.name === name);
    if (!stage) return undefined;
    return {
      stage: name,
      status: stage.status,
      ms: stage.ms,
      summary: stage.summary,
      ...(stage.reason ? { reason: stage.reason as never } : {}),
      ...(name === 'negotiation' && document.server.negotiation
        ? { observation: document.server.negotiation as NegotiationObservation }
        : {}),
    };
  };
  return {
    target: {
      host: document.target.host,
      port: document.target.port,
      expectedName: document.target.expectedName,
    },
    startedAt: document.startedAt,
    dns: attempt('dns') as never,
    tcp: attempt('tcp') as never,
    negotiation: attempt('negotiation') as never,
    tls: attempt('tls') as never,
    certificate: attempt('certificate') as never,
    credssp: attempt('credssp') as never,
    rdpSecurity: attempt('rdp-security') as never,
  };
}

const ids = (run: Run) => run.document.findings.map((finding) => finding.id);
const HEALTHY_WORDS = /should work|No problems found/;

/** The invariant of this issue, checked on every run below. */
function assertHonest(run: Run): void {
  const failures = failuresOnClientPath(reportedObservations(run.document));
  const context = JSON.stringify(
    { verdict: run.document.verdict, stages: run.document.stages, ids: ids(run) },
    null,
    1,
  );
  if (failures.length > 0) {
    assert.notEqual(run.code, 0, `a failed step on the client path ended in exit 0\n${context}`);
    assert.doesNotMatch(run.document.verdict, HEALTHY_WORDS, context);
    assert.ok(
      run.document.findings.some((finding) => finding.severity === 'error'),
      `no error finding for a failed step\n${context}`,
    );
  }
  assert.match(run.text, /Verdict: /);
  // Two runs: timings in the sentence may differ by a millisecond.
  const digitless = (text: string) => text.replace(/\d+/g, '#');
  assert.ok(
    digitless(run.text).includes(digitless(run.document.verdict)),
    `the text shows the same verdict as the JSON\n${run.document.verdict}\n${run.text}`,
  );
}

describe('honest verdict: every lab scenario', () => {
  for (const scenario of LAB_SCENARIOS) {
    // The drip scenario takes the full timeout by design; it has its own test below.
    if (scenario.id === 'drip' || scenario.id === 'trickle') continue;
    it(`${scenario.id}: exit code and verdict match the stages`, async () => {
      const server = await track(startLab(scenario.id, await addressAllocator.next()));
      const run = await diagnoseCli(server, ['-t', '1500']);
      assertHonest(run);
      if (scenario.expectedFinding) {
        assert.ok(
          ids(run).includes(scenario.expectedFinding),
          `expected ${scenario.expectedFinding}: ${ids(run).join(', ')}`,
        );
      }
    });
  }

  it('a listener that never answers is silent, not closed', async () => {
    const server = await track(startLab('silent', await addressAllocator.next()));
    const run = await diagnoseCli(server, ['-t', '1000', '--quick']);
    assertHonest(run);
    assert.equal(run.code, 1);
    assert.ok(ids(run).includes('listener-silent'), ids(run).join());
    assert.ok(!ids(run).includes('listener-closed-early'), ids(run).join());
    assert.match(run.document.verdict, /never answers/);
  });

  it('a server whose answers drip at 20 bytes/s is slow, not broken, and the fix names --timeout', async () => {
    const server = await track(startLab('drip', await addressAllocator.next()));
    const run = await diagnoseCli(server, ['-t', '1500', '--quick']);
    assertHonest(run);
    assert.equal(run.code, 1);
    assert.ok(ids(run).includes('answers-too-slowly'), ids(run).join());
    assert.ok(!ids(run).includes('not-rdp'), `a slow answer is not "does not decode": ${ids(run).join()}`);
    assert.match(run.text, /--timeout \d+/);
  });

  it('a server that selects TLS and then sends garbage', async () => {
    const server = await track(startLab('tls-garbage', await addressAllocator.next()));
    const run = await diagnoseCli(server, ['-t', '1500']);
    assertHonest(run);
    assert.equal(run.code, 1);
    assert.match(run.document.verdict, /at the TLS step/);
    assert.doesNotMatch(
      run.text,
      /TLSRecord|ssl3_get_record|SSL routines/,
      'no decoder or OpenSSL strings in the text',
    );
  });

  it('Standard RDP Security only, closed at the MCS Connect Initial: the step that broke is named', async () => {
    const server = await track(startLab('standard-rdp-closed-at-mcs', await addressAllocator.next()));
    const run = await diagnoseCli(server, ['-t', '1500']);
    assertHonest(run);
    assert.equal(run.code, 1);
    assert.match(run.document.verdict, /Standard RDP Security/);
  });
});

describe('honest verdict against real xrdp', { skip: missingBinaries('xrdp') }, () => {
  it('xrdp with a 1024-bit key at OpenSSL SECLEVEL 2: selected TLS but cannot do TLS', async () => {
    const server = await track(
      startXrdp({ address: await addressAllocator.next(), certificateProfile: 'weak-key' }),
    );
    const run = await diagnoseCli(server);
    assertHonest(run);
    assert.equal(run.code, 1);
    assert.ok(ids(run).includes('tls-not-served'), ids(run).join());
    const finding = run.document.findings.find((entry) => entry.id === 'tls-not-served')!;
    assert.match(finding.title, /plain RDP/);
    assert.match(run.document.verdict, /^Connections fail at the TLS step with 0x904\/0x7/);
    // One line for every client, not twenty-one.
    const failLines = run.text
      .split('\n')
      .filter((line) => /^\s+fail\s{2}/.test(line) && !/^\s+fail\s{2}\S+\s{2,}\d/.test(line));
    assert.ok(failLines.length <= 3, run.text);
    assert.doesNotMatch(run.text, /TLSRecord|ssl3_get_record|SSL routines/);
  });

  it('TLS 1.3-only xrdp: the clients without TLS 1.3 are named, the others connect', async () => {
    const server = await track(
      startXrdp({ address: await addressAllocator.next(), sslProtocols: 'TLSv1.3' }),
    );
    const run = await diagnoseCli(server);
    assertHonest(run);
    const clients = run.document.clients ?? [];
    const failing = clients.filter((client) => client.compatible === false).map((client) => client.profile);
    const passing = clients.filter((client) => client.compatible === true).map((client) => client.profile);
    assert.ok(failing.includes('windows-10-22h2'), `Windows 10 has no TLS 1.3: ${failing.join()}`);
    assert.ok(passing.includes('windows-11-24h2'), `Windows 11 speaks TLS 1.3: ${passing.join()}`);
    assert.equal(run.code, 1, 'current Windows 10 clients fail: an error');
    assert.match(run.document.verdict, /Windows 10/);
    assert.match(run.document.verdict, /the other \d+ simulated client profiles? connect/);
  });

  it('ChaCha20-only xrdp: every Windows client fails, said once', async () => {
    const server = await track(
      startXrdp({
        address: await addressAllocator.next(),
        sslProtocols: 'TLSv1.2',
        tlsCiphers: 'ECDHE-RSA-CHACHA20-POLY1305',
      }),
    );
    const run = await diagnoseCli(server);
    assertHonest(run);
    assert.equal(run.code, 1);
    assert.match(run.document.verdict, /^Every Windows client fails/);
    assert.match(run.document.verdict, /accepts only TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256/);
    // Profiles refused for the same reason are one finding: the ChaCha one covers every Windows
    // profile that speaks TLS 1.2 (Windows 7 without its update fails earlier, on the version).
    const chacha = run.document.findings.filter(
      (finding) =>
        finding.id === 'client-incompatible' &&
        /CHACHA20/.test(finding.title) &&
        /Windows 11/.test(finding.title),
    );
    assert.equal(chacha.length, 1, run.document.findings.map((finding) => finding.title).join('\n'));
    assert.ok(((chacha[0]!.data?.profiles as string[]) ?? []).length >= 15);
  });

  it('through a 200 ms delaying proxy: the enumeration is cut short, and the text says so', async () => {
    const backend = await track(startXrdp({ address: await addressAllocator.next() }));
    const proxy = await track(
      startDelayProxy({ host: await addressAllocator.next(), port: 3389 }, backend, 200),
    );
    const run = await diagnoseCli(proxy, ['-t', '2000']);
    assertHonest(run);
    const incomplete = run.document.incomplete.filter((gap) => gap.kind !== 'quick');
    assert.ok(incomplete.length > 0, `expected an incomplete scan: ${JSON.stringify(run.document.stages)}`);
    assert.match(run.text, /incomplete: .*--timeout \d+/);
    assert.doesNotMatch(run.document.verdict, HEALTHY_WORDS);
  });
});

describe('honest verdict: a firewall that rejects', { skip: firewallUnsupported() }, () => {
  it('REJECT with icmp-admin-prohibited in a namespace is a firewall, not a routing problem', async () => {
    const server = await track(startFirewalledPort('icmp-admin-prohibited'));
    const run = await diagnoseCli(server, ['-t', '2000']);
    assertHonest(run);
    assert.equal(run.code, 1);
    assert.ok(ids(run).includes('firewall-rejects'), ids(run).join());
    assert.ok(!ids(run).includes('tcp-unreachable'), ids(run).join());
    assert.ok(!ids(run).includes('tcp-filtered'), ids(run).join());
  });

  it('REJECT with icmp-port-unreachable looks like a closed port, and says a firewall can do that', async () => {
    const server = await track(startFirewalledPort('icmp-port-unreachable'));
    const run = await diagnoseCli(server, ['-t', '2000']);
    assertHonest(run);
    assert.equal(run.code, 1);
    assert.ok(ids(run).includes('tcp-refused'), ids(run).join());
  });
});

describe(
  'honest verdict: xfreerdp agrees where it can see it',
  { skip: missingBinaries('xfreerdp', 'Xvfb', 'xrdp') },
  () => {
    let display: XDisplay | undefined;
    let home: string | undefined;
    before(async () => {
      display = await startXvfb();
      home = makeWorkDir('xfreerdp-home');
    });
    after(async () => {
      await display?.stop();
      if (home) removeDir(home);
    });

    it('xrdp that cannot start TLS: xfreerdp fails with the FreeRDP error tls-not-served predicts', async () => {
      const server = await track(
        startXrdp({ address: await addressAllocator.next(), certificateProfile: 'weak-key' }),
      );
      const run = await diagnoseCli(server, ['--quick']);
      const finding = run.document.findings.find((entry) => entry.id === 'tls-not-served');
      assert.ok(finding, ids(run).join());
      const predicted = finding.clientErrors.find((error) => error.client === 'freerdp')?.code;
      assert.ok(predicted);
      const output = await xfreerdpAuthOnly(server, display!.display, home!);
      assert.ok(output.includes(predicted), `predicted ${predicted}; xfreerdp printed:\n${output}`);
    });
  },
);

describe('honest verdict: the scripts handed over', () => {
  const pwsh = findPwsh();
  it('every PowerShell script of every run above parses', { skip: pwsh ? false : 'needs pwsh' }, () => {
    const list = [...handedOver];
    assert.ok(list.length > 0);
    const problems = parsePowerShell(pwsh!, list);
    assert.deepEqual(
      problems.map((problem) => `${problem.message}\n${list[problem.index]}`),
      [],
    );
  });
});
