import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Diagnosis, diagnose } from '../../src/diagnosis.js';
import { LAB_SCENARIOS } from '../../src/lab/scenarios.js';
import { runCli } from '../helpers/cli.js';
import {
  addressAllocator,
  firewallUnsupported,
  missingBinaries,
  type RunningServer,
  startFirewalledPort,
  startFreerdpShadow,
  startLab,
  startXrdp,
  startXvfb,
  type XDisplay,
  serverTracker,
} from '../testbed/index.js';
import { xfreerdpAuthOnly } from '../testbed/peers.js';
import { makeWorkDir, removeDir } from '../testbed/process.js';

const track = serverTracker();

async function diagnoseServer(
  server: RunningServer,
  options: { timeoutMs?: number; expectedName?: string } = {},
) {
  return diagnose(
    { host: server.host, port: server.port },
    { timeoutMs: options.timeoutMs ?? 3000, ...options },
  );
}

const ids = (diagnosis: Diagnosis) => diagnosis.document.findings.map((finding) => finding.id);
const errorIds = (diagnosis: Diagnosis) =>
  diagnosis.document.findings.filter((finding) => finding.severity === 'error').map((finding) => finding.id);

function expectFindings(diagnosis: Diagnosis, present: string[], absent: string[] = []): void {
  const found = ids(diagnosis);
  const context = JSON.stringify({ found, stages: diagnosis.document.stages }, null, 1);
  for (const id of present) assert.ok(found.includes(id), `expected ${id}\n${context}`);
  for (const id of absent) assert.ok(!found.includes(id), `did not expect ${id}\n${context}`);
}

describe('diagnose against real xrdp servers', { skip: missingBinaries('xrdp') }, () => {
  it('a healthy default xrdp raises no error, and says NLA is off and RDP security is allowed', async () => {
    const server = await track(startXrdp({ address: await addressAllocator.next() }));
    const diagnosis = await diagnoseServer(server);
    assert.deepEqual(errorIds(diagnosis), [], JSON.stringify(diagnosis.document.findings, null, 1));
    expectFindings(
      diagnosis,
      ['nla-not-required', 'standard-rdp-security-allowed'],
      ['tls-legacy-only', 'tls-cert-expired'],
    );
    const tls = diagnosis.observations.tls?.observation;
    assert.equal(tls?.outcome, 'established');
    assert.match(tls?.version ?? '', /TLSv1\.[23]/);
  });

  it('a TLS 1.0-only xrdp is named as such (Windows 11 clients fail)', async () => {
    const server = await track(
      startXrdp({
        address: await addressAllocator.next(),
        sslProtocols: 'TLSv1',
        tlsCiphers: 'DEFAULT@SECLEVEL=0',
      }),
    );
    const diagnosis = await diagnoseServer(server);
    expectFindings(diagnosis, ['tls-legacy-only']);
    assert.equal(diagnosis.observations.tls?.observation?.version, 'TLSv1');
  });

  it('an expired certificate is raised as an error', async () => {
    const server = await track(
      startXrdp({ address: await addressAllocator.next(), certificateProfile: 'expired' }),
    );
    const diagnosis = await diagnoseServer(server);
    expectFindings(diagnosis, ['tls-cert-expired'], ['tls-cert-expiring-soon']);
  });

  it('a certificate for another name is raised against the name the user typed', async () => {
    const server = await track(
      startXrdp({ address: await addressAllocator.next(), certificateProfile: 'wrong-name' }),
    );
    const diagnosis = await diagnoseServer(server);
    expectFindings(diagnosis, ['tls-cert-name-mismatch']);
    // The same certificate is fine for the name it was issued to.
    const named = await diagnoseServer(server, { expectedName: 'wrong-name.rdp-doctor.invalid' });
    expectFindings(named, [], ['tls-cert-name-mismatch']);
  });

  it('xrdp with security_layer=rdp: Standard RDP Security only, with its encryption read from the MCS answer', async () => {
    const server = await track(
      startXrdp({ address: await addressAllocator.next(), securityLayer: 'rdp', cryptLevel: 'low' }),
    );
    const diagnosis = await diagnoseServer(server);
    expectFindings(diagnosis, ['standard-rdp-security-only', 'rdp-weak-encryption']);
    const rdp = diagnosis.observations.rdpSecurity?.observation;
    assert.equal(rdp?.outcome, 'connect-response');
    assert.equal(rdp?.encryptionLevelName, 'LOW');
  });
});

describe(
  'diagnose against FreeRDP shadow servers (NLA)',
  {
    skip: missingBinaries('freerdp-shadow-cli', 'Xvfb', 'faketime'),
  },
  () => {
    it('an NLA server: nla-required, the NTLM names and the Windows build it claims', async () => {
      const server = await track(startFreerdpShadow({ address: await addressAllocator.next(), sec: 'nla' }));
      const diagnosis = await diagnoseServer(server);
      expectFindings(diagnosis, ['nla-required'], ['clock-skew', 'nla-not-required']);
      const ntlm = diagnosis.observations.credssp?.observation?.ntlm;
      assert.equal(
        `${ntlm?.productVersion?.major}.${ntlm?.productVersion?.minor}.${ntlm?.productVersion?.build}`,
        '6.1.7601',
      );
      // FreeRDP claims Windows 7 / 2008 R2, a release past its end of support.
      expectFindings(diagnosis, ['os-end-of-life']);
      // Every request answered with a TLS-based protocol, but the handshake's, carries a posture
      // hello instead of a new connection (here HYBRID_EX's, HYBRID's and, if allowed, SSL's).
      const tlsAnswers = diagnosis.observations.negotiation!.observation!.probes.filter(
        (probe) => probe.outcome === 'selected' && probe.selectedProtocol !== 0,
      );
      assert.ok(tlsAnswers.length >= 3, `${tlsAnswers.length} TLS answers`);
      const posture = diagnosis.observations.tlsPosture!.observation!;
      assert.equal(posture.connectionsReused, tlsAnswers.length - 1);
      // A connection opened as the budget runs out may never get its hello (its negotiation times out).
      if (posture.budgetSpent) {
        assert.ok(posture.connectionsOpened! + posture.connectionsReused! >= posture.hellosSent!);
      } else {
        assert.equal(posture.connectionsOpened! + posture.connectionsReused!, posture.hellosSent);
      }
    });

    it('an NLA server whose clock is an hour behind raises clock-skew', async () => {
      const server = await track(
        startFreerdpShadow({ address: await addressAllocator.next(), sec: 'nla', faketime: '-1h' }),
      );
      const diagnosis = await diagnoseServer(server);
      expectFindings(diagnosis, ['clock-skew']);
    });
  },
);

describe('diagnose at the transport', () => {
  it('a closed port is refused', async () => {
    const address = await addressAllocator.next();
    const diagnosis = await diagnose({ host: address, port: 3389 }, { timeoutMs: 2000 });
    expectFindings(diagnosis, ['tcp-refused']);
    assert.equal(diagnosis.document.stages.find((stage) => stage.name === 'negotiation')?.status, 'skipped');
  });

  it('a name that does not resolve is reported, not thrown', async () => {
    const diagnosis = await diagnose(
      { host: 'no-such-host.rdp-doctor.invalid', port: 3389 },
      { timeoutMs: 2000 },
    );
    expectFindings(diagnosis, ['dns-unresolvable']);
  });

  const unsupported = firewallUnsupported();
  it('a firewalled port (DROP in a namespace of our own) is filtered', { skip: unsupported }, async () => {
    const server = await track(startFirewalledPort());
    const diagnosis = await diagnoseServer(server, { timeoutMs: 800 });
    expectFindings(diagnosis, ['tcp-filtered'], ['tcp-refused']);
  });
});

describe('diagnose against every lab scenario raises what the scenario plants', () => {
  for (const scenario of LAB_SCENARIOS) {
    it(`${scenario.id} -> ${scenario.expectedFinding ?? 'no error'}`, async () => {
      const server = await track(startLab(scenario.id, await addressAllocator.next()));
      const started = performance.now();
      // The trickle scenario needs ~4 s for its 19 bytes; hostile ones must end within the timeout.
      const timeoutMs = scenario.id === 'trickle' ? 6000 : 1500;
      const diagnosis = await diagnoseServer(server, { timeoutMs, expectedName: 'localhost' });
      if (scenario.expectedFinding) expectFindings(diagnosis, [scenario.expectedFinding]);
      else assert.deepEqual(errorIds(diagnosis), []);
      // Without --user nothing is authenticated: the lab decrypts every Client Info (also under
      // Standard RDP Security) and counts the ones with a user name or password, and every NTLM
      // AUTHENTICATE.
      assert.deepEqual(
        {
          clientInfosWithCredentials: server.stats.credentialedClientInfos,
          authenticates: server.stats.ntlmAuthenticates,
        },
        { clientInfosWithCredentials: 0, authenticates: 0 },
      );
      // Bounded: a few rounds of per-step timeouts at most, never a hang.
      assert.ok(performance.now() - started < timeoutMs * 4 + 2000, `took ${performance.now() - started} ms`);
    });
  }
});

describe('diagnose CLI against a lab server', () => {
  it('exits 1 with a JSON document naming the finding, 0 on a healthy server', async () => {
    const broken = await track(startLab('tls-handshake-aborted', await addressAllocator.next()));
    const run = await runCli(['diagnose', `${broken.host}:${broken.port}`, '--json', '--timeout', '1500']);
    assert.equal(run.code, 1, run.stderr);
    const document = JSON.parse(run.stdout);
    assert.equal(document.schemaVersion, 1);
    assert.ok(document.findings.some((finding: { id: string }) => finding.id === 'tls-handshake-aborted'));
    assert.match(document.verdict, /0x904/);
    const healthy = await track(startLab('healthy-tls', await addressAllocator.next()));
    const ok = await runCli(['diagnose', healthy.host, '--name', 'localhost']);
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /negotiation/);
  });
});

describe(
  'xfreerdp agrees with the verdict where it can see it',
  {
    skip: missingBinaries('xfreerdp', 'Xvfb', 'xrdp'),
  },
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

    it('TLS handshake aborted: we say tls-handshake-aborted, FreeRDP fails its TLS connect', async () => {
      const server = await track(startLab('tls-handshake-aborted', await addressAllocator.next()));
      const diagnosis = await diagnoseServer(server, { timeoutMs: 1500 });
      expectFindings(diagnosis, ['tls-handshake-aborted']);
      const output = await xfreerdpAuthOnly(server, display.display, home);
      assert.match(output, /ERRCONNECT_TLS_CONNECT_FAILED|ERRCONNECT_CONNECT_TRANSPORT_FAILED/, output);
    });

    it('NLA required: we say nla-required, FreeRDP reports HYBRID_REQUIRED_BY_SERVER to a TLS-only client', async () => {
      const server = await track(startLab('neg-failure-5', await addressAllocator.next()));
      const diagnosis = await diagnoseServer(server, { timeoutMs: 1500 });
      expectFindings(diagnosis, ['nla-required']);
      const output = await xfreerdpAuthOnly(server, display.display, home);
      assert.match(output, /HYBRID_REQUIRED_BY_SERVER/, output);
    });

    it('healthy xrdp: no error from us, and FreeRDP gets past TLS', async () => {
      const server = await track(startXrdp({ address: await addressAllocator.next(), securityLayer: 'tls' }));
      const diagnosis = await diagnoseServer(server);
      assert.deepEqual(errorIds(diagnosis), []);
      const output = await xfreerdpAuthOnly(server, display.display, home);
      assert.doesNotMatch(output, /ERRCONNECT_(SECURITY_NEGO|TLS)_CONNECT_FAILED/, output);
    });
  },
);
