import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseUser, withPassword } from '../../src/probe/credentials.js';
import { runProbe } from '../../src/probe/run-probe.js';
import { credsspStage } from '../../src/probe/stages/credssp.js';
import { rdpSecurityStage } from '../../src/probe/stages/rdp-security.js';
import { sessionStage } from '../../src/probe/stages/session.js';
import type { ProbeObservations, SessionObservation } from '../../src/probe/types.js';
import { md4 } from '../../src/wire/md4.js';
import {
  addressAllocator,
  missingBinaries,
  type RunningServer,
  startFreerdpShadow,
  startXrdp,
  startXvfb,
  type XrdpOptions,
} from '../testbed/index.js';

/**
 * The session stage against real servers on loopback: xrdp (no NLA) must show its logon screen
 * (Demand Active) under TLS and under Standard RDP Security at every encryption level, and the
 * FreeRDP shadow server under TLS. A tshark capture checks that our MCS and security-layer PDUs
 * decode as xfreerdp's do on the same server.
 */
const withoutXrdp = missingBinaries('xrdp');
const withoutShadow = missingBinaries('freerdp-shadow-cli', 'Xvfb');
const withoutCapture = missingBinaries('xrdp', 'tshark', 'xfreerdp', 'Xvfb');

async function probe(
  server: RunningServer,
  session?: { user: string; password: string; fullLogon?: boolean },
): Promise<ProbeObservations> {
  return runProbe(
    { host: server.host, port: server.port },
    {
      timeoutMs: 4000,
      tlsPosture: false,
      extraStages: { credssp: credsspStage, rdpSecurity: rdpSecurityStage, session: sessionStage },
      ...(session
        ? {
            session: {
              credentials: withPassword(parseUser(session.user), Buffer.from(session.password, 'utf16le')),
              fullLogon: session.fullLogon ?? false,
            },
          }
        : {}),
    },
  );
}

function sessionOf(observations: ProbeObservations): SessionObservation {
  const session = observations.session;
  assert.ok(session, 'no session attempt');
  assert.equal(session.status, 'ok', `${session.summary} ${JSON.stringify(session.observation)}`);
  return session.observation!;
}

const XRDP_CASES: ReadonlyArray<{ name: string; options: Omit<XrdpOptions, 'address'>; under: string }> = [
  { name: 'security_layer=tls', options: { securityLayer: 'tls' }, under: 'SSL' },
  { name: 'security_layer=negotiate', options: { securityLayer: 'negotiate' }, under: 'SSL' },
  {
    name: 'security_layer=rdp, crypt_level=low',
    options: { securityLayer: 'rdp', cryptLevel: 'low' },
    under: 'RDP',
  },
  {
    name: 'security_layer=rdp, crypt_level=high',
    options: { securityLayer: 'rdp', cryptLevel: 'high' },
    under: 'RDP',
  },
  {
    name: 'security_layer=rdp, crypt_level=fips',
    options: { securityLayer: 'rdp', cryptLevel: 'fips' },
    under: 'RDP',
  },
];

for (const { name, options, under } of XRDP_CASES) {
  describe(`session stage: xrdp ${name}`, { timeout: 60_000, skip: withoutXrdp }, () => {
    let xrdp: RunningServer & { logPath: string };
    before(async () => {
      xrdp = await startXrdp({ address: await addressAllocator.next(), ...options });
    });
    after(() => xrdp?.stop());

    test('reaches the logon screen without sending credentials', async () => {
      const session = sessionOf(await probe(xrdp));
      assert.equal(session.outcome, 'logon-screen');
      assert.equal(session.underProtocol, under);
      assert.equal(session.credentialsSent, false);
      assert.equal(session.phase, 'capabilities');
      const expected = [
        'mcs-connect',
        'erect-domain',
        'attach-user',
        'channel-join',
        ...(under === 'RDP' ? ['security-exchange'] : []),
        'client-info',
        'licensing',
        'capabilities',
      ];
      assert.deepEqual(session.phasesCompleted, expected);
      // xrdp sends a License Request and answers our New License Request with STATUS_VALID_CLIENT.
      assert.deepEqual(session.licensing, {
        serverRequestedLicense: true,
        messages: ['LICENSE_REQUEST', 'ERROR_ALERT'],
        outcome: 'valid-client',
      });
      assert.equal(session.errorInfo, undefined);
      assert.ok(session.demandActive && session.demandActive.capabilitySets > 0, JSON.stringify(session));
    });
  });
}

describe('session stage: FreeRDP shadow server /sec:tls', { timeout: 60_000, skip: withoutShadow }, () => {
  let shadow: RunningServer;
  before(async () => {
    shadow = await startFreerdpShadow({ address: await addressAllocator.next(), sec: 'tls' });
  });
  after(() => shadow?.stop());

  test('reaches the logon screen (Demand Active) under TLS', async () => {
    const session = sessionOf(await probe(shadow));
    assert.equal(session.outcome, 'logon-screen');
    assert.equal(session.underProtocol, 'SSL');
    assert.ok(session.phasesCompleted.includes('capabilities'), session.phasesCompleted.join(','));
  });
});

describe(
  'session stage: FreeRDP shadow server /sec:nla with --user',
  { timeout: 60_000, skip: withoutShadow },
  () => {
    const password = 'Correct-Horse-1';
    let shadow: RunningServer;
    before(async () => {
      shadow = await startFreerdpShadow({
        address: await addressAllocator.next(),
        sec: 'nla',
        samAccounts: [
          { user: 'good', ntHashHex: Buffer.from(md4(Buffer.from(password, 'utf16le'))).toString('hex') },
        ],
      });
    });
    after(() => shadow?.stop());

    test('without --user the stage is skipped: NLA needs credentials first', async () => {
      const observations = await probe(shadow);
      assert.equal(observations.session?.status, 'skipped');
      assert.match(observations.session?.skippedBecause ?? '', /requires NLA/);
    });

    test('the right password: CredSSP accepts it and the sequence reaches Demand Active', async () => {
      const session = sessionOf(await probe(shadow, { user: 'good', password }));
      assert.equal(session.outcome, 'credentials-accepted', JSON.stringify(session));
      assert.equal(session.credentialsSent, true);
      assert.equal(session.logon?.status, 'accepted');
      assert.deepEqual(session.phasesCompleted.slice(0, 2), ['credssp-logon', 'mcs-connect']);
      assert.ok(session.phasesCompleted.includes('capabilities'), session.phasesCompleted.join(','));
    });

    test('--logon: Confirm Active and finalization complete; the shadow never sends Save Session Info', async () => {
      // FreeRDP's shadow shares the running desktop: there is no logon for it to report, so the
      // stage ends at its logon wait (bounded), with every phase before it completed.
      const attempt = (await probe(shadow, { user: 'good', password, fullLogon: true })).session!;
      const session = attempt.observation!;
      assert.deepEqual([session.outcome, session.phase], ['timeout', 'logon'], JSON.stringify(session));
      assert.ok(session.phasesCompleted.includes('finalization'), session.phasesCompleted.join(','));
      assert.equal(session.logon?.fullLogon, true);
    });

    test('a wrong password: credentials-refused, the sequence never starts', async () => {
      const attempt = (await probe(shadow, { user: 'good', password: 'Wrong-Horse-2' })).session!;
      assert.deepEqual([attempt.status, attempt.reason], ['failed', 'refused']);
      const session = attempt.observation!;
      assert.equal(session.outcome, 'credentials-refused', JSON.stringify(session));
      assert.equal(session.phase, 'credssp-logon');
      assert.equal(session.logon?.status, 'refused');
      assert.deepEqual(session.phasesCompleted, []);
    });
  },
);

// --- tshark cross-check -----------------------------------------------------------------------

interface CapturedPacket {
  readonly stream: number;
  readonly fromClient: boolean;
  /** Field names tshark decoded in the t125 and rdp layers of this packet. */
  readonly fields: ReadonlySet<string>;
}

function fieldNames(layer: unknown, into: Set<string>): void {
  if (!layer || typeof layer !== 'object') return;
  for (const [key, value] of Object.entries(layer as Record<string, unknown>)) {
    if (/^(t124|t125|rdp|per)\./.test(key)) into.add(key);
    if (value && typeof value === 'object') fieldNames(value, into);
  }
}

function readCapture(path: string, port: number): CapturedPacket[] {
  const output = execFileSync('tshark', ['-r', path, '-d', `tcp.port==${port},tpkt`, '-T', 'json'], {
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString('utf8');
  const packets = JSON.parse(output) as Array<{ _source: { layers: Record<string, unknown> } }>;
  return packets.flatMap((packet) => {
    const layers = packet._source.layers;
    const tcp = layers.tcp as Record<string, string> | undefined;
    if (!tcp || !(layers.t125 || layers.rdp)) return [];
    const fields = new Set<string>();
    for (const name of ['t125', 't124', 'rdp']) fieldNames(layers[name], fields);
    return [{ stream: Number(tcp['tcp.stream']), fromClient: Number(tcp['tcp.dstport']) === port, fields }];
  });
}

/** The field names tshark shows for one kind of client PDU (named by a field only it has). */
function fieldsOf(packets: readonly CapturedPacket[], stream: number, marker: RegExp): Set<string> {
  const fields = new Set<string>();
  for (const packet of packets)
    if (
      packet.stream === stream &&
      packet.fromClient &&
      [...packet.fields].some((field) => marker.test(field))
    )
      for (const field of packet.fields) fields.add(field);
  return fields;
}

async function capture<T>(address: string, path: string, work: () => Promise<T>): Promise<T> {
  const tshark = spawn('tshark', ['-i', 'lo', '-f', `host ${address} and tcp port 3389`, '-w', path, '-q'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => tshark.once('exit', resolve));
  // tshark says "Capturing on 'Loopback: lo'" once it listens.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tshark did not start')), 10_000);
    tshark.stderr.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Capturing on')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  try {
    return await work();
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 500));
    tshark.kill('SIGINT');
    await exited;
  }
}

describe(
  "session stage: tshark decodes our sequence as it decodes xfreerdp's",
  { timeout: 90_000, skip: withoutCapture },
  () => {
    let xrdp: RunningServer;
    let dir: string;
    before(async () => {
      // Standard RDP Security at level low: the client's PDUs are encrypted, the MCS layers are not.
      xrdp = await startXrdp({
        address: await addressAllocator.next(),
        securityLayer: 'rdp',
        cryptLevel: 'low',
      });
      dir = mkdtempSync(join(tmpdir(), 'rdp-doctor-session-capture-'));
    });
    after(async () => {
      await xrdp?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('MCS Erect Domain, Attach User, Channel Join, Security Exchange and Client Info', async () => {
      const path = join(dir, 'session.pcapng');
      const display = await startXvfb();
      try {
        await capture(xrdp.host, path, async () => {
          const observations = await probe(xrdp);
          assert.equal(
            observations.session?.observation?.outcome,
            'logon-screen',
            observations.session?.summary,
          );
          // xfreerdp on the same server, stopped once it has drawn xrdp's logon screen.
          const client = spawn(
            'xfreerdp',
            [`/v:${xrdp.host}:3389`, '/sec:rdp', '/cert:ignore', '-grab-keyboard'],
            {
              env: { ...process.env, DISPLAY: display.display, HOME: dir },
              stdio: 'ignore',
            },
          );
          const clientExited = new Promise((resolve) => client.once('exit', resolve));
          await Promise.race([clientExited, new Promise((resolve) => setTimeout(resolve, 4000))]);
          client.kill('SIGKILL');
          await clientExited;
        });
      } finally {
        await display.stop();
      }
      const packets = readCapture(path, 3389);
      // xfreerdp's connection is the one with its mstshash cookie; ours the other one that sent a
      // Client Info (only the session stage does).
      const streamWith = (field: string, except?: number) =>
        packets.find((packet) => packet.fromClient && packet.fields.has(field) && packet.stream !== except)
          ?.stream;
      const xfreerdpStream = streamWith('rdp.rt_cookie');
      assert.ok(xfreerdpStream !== undefined, 'no xfreerdp connection in the capture');
      const oursStream = streamWith('rdp.clientInfoPDU', xfreerdpStream);
      assert.ok(oursStream !== undefined, 'no Client Info of ours in the capture');
      const markers: Array<[string, RegExp]> = [
        ['MCS Connect Initial', /^rdp\.client\.coreData$/],
        ['Erect Domain Request', /^t124\.erectDomainRequest_element$/],
        ['Attach User Request', /^t124\.attachUserRequest_element$/],
        ['Channel Join Request', /^t124\.channelJoinRequest_element$/],
        ['Security Exchange', /^rdp\.securityExchangePDU$/],
        ['Client Info', /^rdp\.clientInfoPDU$/],
      ];
      // We define no static virtual channels (xfreerdp defines rdpdr, rdpsnd, cliprdr...): their fields are not ours.
      const channelDefinition = /^rdp\.(channelDef|channelDefArray|name|options)(\.|_tree|$)/;
      for (const [name, marker] of markers) {
        const ours = fieldsOf(packets, oursStream, marker);
        const theirs = fieldsOf(packets, xfreerdpStream, marker);
        assert.ok(theirs.size > 0, `tshark found no ${name} from xfreerdp`);
        assert.ok(ours.size > 0, `tshark found no ${name} from us`);
        const missing = [...theirs].filter((field) => !ours.has(field) && !channelDefinition.test(field));
        const extra = [...ours].filter((field) => !theirs.has(field));
        assert.deepEqual(
          { missing, extra },
          { missing: [], extra: [] },
          `${name}: fields tshark decodes differently`,
        );
      }
    });
  },
);
