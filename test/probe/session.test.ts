import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { connectTcp } from '../../src/probe/conversation.js';
import { planSession } from '../../src/probe/run-probe.js';
import {
  clientCapabilitySets,
  ERROR_INFO_GRACE_MS,
  SessionClient,
  type SessionClientOptions,
  sessionFrameLength,
  sessionStage,
} from '../../src/probe/stages/session.js';
import type { NegotiationProbe } from '../../src/probe/types.js';
import { decodeClientInfo } from '../../src/wire/client-info.js';
import { EncryptionLevel, EncryptionMethod, type ServerData } from '../../src/wire/gcc.js';
import { encodeLicensingPdu, LicenseErrorCode, StateTransition } from '../../src/wire/licensing.js';
import {
  decodeClientConnectInitial,
  decodeMcsFrame,
  encodeDomainPdu,
  encodeMcsFrame,
  encodeServerConnectResponse,
  McsResult,
  Segmentation,
  UltimatumReason,
} from '../../src/wire/mcs.js';
import { Protocol } from '../../src/wire/rdp-neg.js';
import { decodeSecurityHeader, encodeSecurityHeader, SecurityFlag } from '../../src/wire/security-header.js';
import { encodeEnhancedSecurityRedirection } from '../../src/wire/server-redirection.js';
import { encodeSlowPathPdu, PduType2 } from '../../src/wire/share-control.js';

// --- recorded xrdp answers --------------------------------------------------------------------

interface Recording {
  readonly server: string;
  readonly underProtocol: string;
  readonly selectedProtocol: number;
  readonly serverFrames: readonly string[];
}

function recording(name: string): Recording {
  return JSON.parse(readFileSync(new URL(`../fixtures/session/${name}.json`, import.meta.url), 'utf8'));
}

/** The recordings' random source: SHA-256 of "rdp-doctor-session-N", N counting calls (see the fixtures). */
function recordedRandom(): (length: number) => Uint8Array {
  let counter = 0;
  return (length) => {
    const bytes = new Uint8Array(length);
    for (let at = 0; at < length; at += 32) {
      const block = createHash('sha256').update(`rdp-doctor-session-${counter++}`).digest();
      bytes.set(block.subarray(0, Math.min(32, length - at)), at);
    }
    return bytes;
  };
}

function clientFor(record: Recording, overrides: Partial<SessionClientOptions> = {}): SessionClient {
  return new SessionClient({
    underProtocol: record.underProtocol,
    selectedProtocol: record.selectedProtocol,
    credentialsSent: false,
    clientInfo: { userName: '', domain: '' },
    fullLogon: false,
    random: recordedRandom(),
    clientName: 'rdp-doctor',
    ...overrides,
  });
}

/** Feeds the recorded frames; returns what the client sent and how it ended. */
function replay(client: SessionClient, frames: readonly string[]) {
  const sent: Uint8Array[] = [...client.start()];
  for (const hex of frames) {
    const step = client.receive(Uint8Array.from(Buffer.from(hex, 'hex')));
    sent.push(...step.send);
    if (step.done) return { sent, done: step.done };
  }
  return { sent, done: undefined };
}

const LOGON_SCREEN_PHASES = ['mcs-connect', 'erect-domain', 'attach-user', 'channel-join'];

describe('SessionClient on recorded xrdp answers', () => {
  for (const [name, securityExchange] of [
    ['xrdp-tls', false],
    ['xrdp-rdp-high', true],
    ['xrdp-rdp-fips', true],
  ] as const) {
    it(`${name}: reaches the logon screen (Demand Active)`, () => {
      const record = recording(name);
      const { done } = replay(clientFor(record), record.serverFrames);
      assert.ok(done, 'the recording ends before the answer');
      assert.equal(done.outcome, 'logon-screen');
      assert.equal(done.phase, 'capabilities');
      assert.deepEqual(done.phasesCompleted, [
        ...LOGON_SCREEN_PHASES,
        ...(securityExchange ? ['security-exchange'] : []),
        'client-info',
        'licensing',
        'capabilities',
      ]);
      assert.deepEqual(done.licensing, {
        serverRequestedLicense: true,
        messages: ['LICENSE_REQUEST', 'ERROR_ALERT'],
        outcome: 'valid-client',
      });
      assert.deepEqual(done.demandActive, {
        shareId: 0x103ea,
        sourceDescriptor: 'RDP',
        capabilitySets: 13,
        desktopWidth: 1024,
        desktopHeight: 768,
      });
    });
  }

  it('xrdp-tls: the Client Info carries no user name and no password', () => {
    const record = recording('xrdp-tls');
    const { sent } = replay(clientFor(record), record.serverFrames);
    // The first frame is the Connect Initial; the rest are MCS domain PDUs.
    const infos = sent.slice(1).flatMap((frame) => {
      const pdu = decodeMcsFrame(frame);
      if (pdu.type !== 'send-data-request') return [];
      const { header, bodyOffset } = decodeSecurityHeader(pdu.userData, 'basic');
      return header.flags & SecurityFlag.SEC_INFO_PKT
        ? [decodeClientInfo(pdu.userData.subarray(bodyOffset))]
        : [];
    });
    assert.equal(infos.length, 1);
    assert.equal(infos[0]!.userName, '');
    assert.equal(infos[0]!.password, '');
    assert.equal(infos[0]!.domain, '');
  });

  it('xrdp-tls with --user: the user name goes in Client Info, never a password', () => {
    const record = recording('xrdp-tls');
    const { sent, done } = replay(
      clientFor(record, { credentialsSent: true, clientInfo: { userName: 'alice', domain: 'CORP' } }),
      record.serverFrames,
    );
    assert.equal(done?.outcome, 'credentials-accepted');
    const info = sent
      .slice(1)
      .map((frame) => decodeMcsFrame(frame))
      .flatMap((pdu) => (pdu.type === 'send-data-request' ? [pdu.userData] : []))
      .filter((data) => decodeSecurityHeader(data, 'basic').header.flags & SecurityFlag.SEC_INFO_PKT)
      .map((data) => decodeClientInfo(data.subarray(4)))[0]!;
    assert.deepEqual([info.domain, info.userName, info.password], ['CORP', 'alice', '']);
  });

  it('xrdp-rdp-high with a full logon: Confirm Active and finalization, then waits for the logon', () => {
    const record = recording('xrdp-rdp-high-finalization');
    const client = clientFor(record, { fullLogon: true });
    const { done } = replay(client, record.serverFrames);
    assert.equal(done, undefined, 'xrdp sends no Save Session Info without a logon');
    assert.equal(client.currentPhase, 'logon');
    assert.equal(client.fastPathAllowed, true);
    const ended = client.end('timeout');
    assert.equal(ended.outcome, 'timeout');
    assert.equal(ended.phase, 'logon');
    assert.ok(ended.phasesCompleted.includes('finalization'), ended.phasesCompleted.join(','));
  });

  it('a replay with another client random fails the MAC check as malformed, not an exception', () => {
    const record = recording('xrdp-rdp-high');
    const { done } = replay(
      clientFor(record, { random: (length) => new Uint8Array(length).fill(7) }),
      record.serverFrames,
    );
    // xrdp's licensing PDUs are in the clear; its Demand Active is the first encrypted PDU.
    assert.equal(done?.outcome, 'malformed');
    assert.equal(done?.phase, 'capabilities');
  });
});

// --- hand-built answers (TLS: no encryption, bare Share Control PDUs) --------------------------

const USER_CHANNEL = 1007;
const IO_CHANNEL = 1003;

const tlsServerData: ServerData = {
  core: { version: 0x00080004, clientRequestedProtocols: Protocol.SSL },
  security: { encryptionMethod: EncryptionMethod.NONE, encryptionLevel: EncryptionLevel.NONE },
  network: { mcsChannelId: IO_CHANNEL, channelIds: [] },
  other: [],
};

const connectResponse = (result: number = McsResult['rt-successful']) =>
  encodeServerConnectResponse({ nodeId: 0x79f3, tag: 1, result: 0, serverData: tlsServerData }, { result });
const attachUserConfirm = (result: number = McsResult['rt-successful']) =>
  encodeMcsFrame(encodeDomainPdu({ type: 'attach-user-confirm', result, initiator: USER_CHANNEL }));
const channelJoinConfirm = (channelId: number) =>
  encodeMcsFrame(
    encodeDomainPdu({
      type: 'channel-join-confirm',
      result: McsResult['rt-successful'],
      initiator: USER_CHANNEL,
      requested: channelId,
      channelId,
    }),
  );
const ultimatum = (reason: number) =>
  encodeMcsFrame(encodeDomainPdu({ type: 'disconnect-provider-ultimatum', reason }));
const ioData = (userData: Uint8Array) =>
  encodeMcsFrame(
    encodeDomainPdu({
      type: 'send-data-indication',
      initiator: 1002,
      channelId: IO_CHANNEL,
      priority: 1,
      segmentation: Segmentation.whole,
      userData,
    }),
  );
const setErrorInfo = (errorInfo: number) =>
  ioData(
    encodeSlowPathPdu(
      {
        type: 'data',
        shareId: 0x103ea,
        pduType2: PduType2.PDUTYPE2_SET_ERROR_INFO_PDU,
        body: { kind: 'set-error-info', errorInfo },
      },
      1002,
    ),
  );
const licensingAlert = (errorCode: number, stateTransition: number) => {
  const body = encodeLicensingPdu(
    {
      type: 'error-alert',
      errorCode,
      stateTransition,
      errorInfo: new Uint8Array(0),
      errorInfoBlobType: 0x0004,
    },
    0x83,
  );
  const header = encodeSecurityHeader({ kind: 'basic', flags: SecurityFlag.SEC_LICENSE_PKT, flagsHi: 0 });
  return ioData(Uint8Array.from([...header, ...body]));
};

/** The server's answers up to the licensing phase: the client has sent its Client Info. */
const UP_TO_LICENSING = [
  connectResponse(),
  attachUserConfirm(),
  channelJoinConfirm(USER_CHANNEL),
  channelJoinConfirm(IO_CHANNEL),
];

function tlsClient(overrides: Partial<SessionClientOptions> = {}): SessionClient {
  return new SessionClient({
    underProtocol: 'SSL',
    selectedProtocol: Protocol.SSL,
    credentialsSent: false,
    clientInfo: { userName: '', domain: '' },
    fullLogon: false,
    random: (length) => new Uint8Array(length).fill(1),
    clientName: 'rdp-doctor',
    ...overrides,
  });
}

function feed(client: SessionClient, frames: readonly Uint8Array[]) {
  client.start();
  let sent = 0;
  for (const frame of frames) {
    const step = client.receive(frame);
    sent += step.send.length;
    if (step.done) return { done: step.done, sent };
  }
  return { done: undefined, sent };
}

describe('SessionClient on what servers say instead', () => {
  it('an MCS Connect-Response with a failure result is mcs-refused', () => {
    const { done } = feed(tlsClient(), [connectResponse(McsResult['rt-parameters-unacceptable'])]);
    assert.deepEqual(
      [done?.outcome, done?.phase, done?.mcsResult],
      ['mcs-refused', 'mcs-connect', 'rt-parameters-unacceptable'],
    );
  });

  it('an ultimatum instead of the Connect-Response', () => {
    const { done } = feed(tlsClient(), [ultimatum(UltimatumReason['rn-provider-initiated'])]);
    assert.equal(done?.outcome, 'disconnect-ultimatum');
    assert.deepEqual(done?.ultimatum, { reason: 1, name: 'rn-provider-initiated', phase: 'mcs-connect' });
  });

  it('Attach User refused', () => {
    const { done } = feed(tlsClient(), [
      connectResponse(),
      attachUserConfirm(McsResult['rt-too-many-users']),
    ]);
    assert.deepEqual(
      [done?.outcome, done?.phase, done?.mcsResult],
      ['mcs-refused', 'attach-user', 'rt-too-many-users'],
    );
    assert.deepEqual(done?.phasesCompleted, ['mcs-connect', 'erect-domain']);
  });

  it('Set Error Info 0x7 after Client Info, then the close: error-info with its phase', () => {
    const client = tlsClient();
    const { done } = feed(client, [...UP_TO_LICENSING, setErrorInfo(0x7)]);
    assert.equal(done, undefined, 'the client waits a moment for the close');
    assert.equal(client.errorInfoReceived, true);
    const ended = client.end('closed');
    assert.equal(ended.outcome, 'error-info');
    assert.deepEqual(ended.errorInfo, {
      code: 7,
      name: 'ERRINFO_SERVER_DENIED_CONNECTION',
      phase: 'licensing',
    });
  });

  it('Set Error Info then an ultimatum keeps both facts', () => {
    const { done } = feed(tlsClient(), [
      ...UP_TO_LICENSING,
      setErrorInfo(0x9),
      ultimatum(UltimatumReason['rn-user-requested']),
    ]);
    assert.equal(done?.outcome, 'error-info');
    assert.equal(done?.errorInfo?.name, 'ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES');
    assert.deepEqual(done?.ultimatum, { reason: 3, name: 'rn-user-requested', phase: 'licensing' });
  });

  it('an unknown error info code keeps its number', () => {
    const client = tlsClient();
    feed(client, [...UP_TO_LICENSING, setErrorInfo(0xabcd)]);
    assert.equal(client.end('closed').errorInfo?.name, 'unknown error info 0x0000abcd');
  });

  it('a licensing Error Alert other than STATUS_VALID_CLIENT, then the close: licensing-error', () => {
    const client = tlsClient();
    const { done } = feed(client, [
      ...UP_TO_LICENSING,
      licensingAlert(LicenseErrorCode.ERR_NO_LICENSE_SERVER, StateTransition.ST_TOTAL_ABORT),
    ]);
    assert.equal(done, undefined);
    const ended = client.end('closed');
    assert.equal(ended.outcome, 'licensing-error');
    assert.equal(ended.licensing?.outcome, 'error-alert');
    assert.equal(ended.licensing?.errorName, 'ERR_NO_LICENSE_SERVER');
    assert.equal(ended.licensing?.stateTransitionName, 'ST_TOTAL_ABORT');
  });

  it('a fast-path frame before Demand Active is malformed in its phase', () => {
    const { done } = feed(tlsClient(), [...UP_TO_LICENSING, Uint8Array.of(0x00, 0x05, 0x01, 0x02, 0x03)]);
    assert.deepEqual([done?.outcome, done?.phase], ['malformed', 'licensing']);
  });

  it('a Channel Join Confirm for a channel not asked for is malformed', () => {
    const { done } = feed(tlsClient(), [connectResponse(), attachUserConfirm(), channelJoinConfirm(1004)]);
    assert.deepEqual([done?.outcome, done?.phase], ['malformed', 'channel-join']);
  });

  it('the clean end is an ultimatum rn-user-requested', () => {
    assert.deepEqual(decodeMcsFrame(tlsClient().goodbye()[0]!), {
      type: 'disconnect-provider-ultimatum',
      reason: UltimatumReason['rn-user-requested'],
    });
  });

  it('the Connect Initial says redirection is supported (cluster flags 0x0d, as mstsc)', () => {
    const [initial] = tlsClient().start();
    assert.deepEqual(decodeClientConnectInitial(initial!).clientData.cluster, {
      flags: 0x0d,
      redirectedSessionId: 0,
    });
  });

  const redirection = ioData(
    encodeSlowPathPdu(
      {
        type: 'server-redirection',
        raw: encodeEnhancedSecurityRedirection({
          sessionId: 3,
          redirFlags: 0,
          targetNetAddress: '10.0.0.7',
          loadBalanceInfo: Uint8Array.from(Buffer.from('Cookie: msts=3640205228.15629.0000\r\n', 'latin1')),
          userName: 'alice',
          passwordLength: 6,
          targetFqdn: 'rdsh1.lab.test',
          targetNetBiosName: 'RDSH1',
          targetNetAddresses: ['10.0.0.7', 'fe80::7'],
        }),
      },
      1002,
    ),
  );
  const validClient = licensingAlert(LicenseErrorCode.STATUS_VALID_CLIENT, StateTransition.ST_NO_TRANSITION);

  it('a Server Redirection PDU after licensing instead of Demand Active: redirected, with its targets', () => {
    const { done } = feed(tlsClient(), [...UP_TO_LICENSING, validClient, redirection]);
    assert.equal(done?.outcome, 'redirected');
    assert.equal(done?.phase, 'capabilities');
    assert.deepEqual(done?.phasesCompleted, [...LOGON_SCREEN_PHASES, 'client-info', 'licensing']);
    assert.deepEqual(done?.redirection, {
      sessionId: 3,
      targets: ['rdsh1.lab.test', 'RDSH1', '10.0.0.7', 'fe80::7'],
      loadBalanceInfo: 'Cookie: msts=3640205228.15629.0000',
    });
    assert.equal(done?.demandActive, undefined);
    // The user name and the cookie stay out of the observation.
    assert.ok(!JSON.stringify(done).includes('alice'));
  });

  it('a Server Redirection PDU during licensing ends it too; a binary LoadBalanceInfo is hex', () => {
    const binary = ioData(
      encodeSlowPathPdu(
        {
          type: 'server-redirection',
          raw: encodeEnhancedSecurityRedirection({
            sessionId: 0,
            redirFlags: 0,
            loadBalanceInfo: Uint8Array.of(0x01, 0xfe, 0x41),
          }),
        },
        1002,
      ),
    );
    const { done } = feed(tlsClient(), [...UP_TO_LICENSING, binary]);
    assert.deepEqual(
      [done?.outcome, done?.phase, done?.redirection],
      ['redirected', 'licensing', { sessionId: 0, targets: [], loadBalanceInfo: '01fe41' }],
    );
  });

  it('a Server Redirection PDU that does not decode is malformed', () => {
    const broken = ioData(
      encodeSlowPathPdu({ type: 'server-redirection', raw: Uint8Array.of(0, 0, 0, 4) }, 1002),
    );
    const { done } = feed(tlsClient(), [...UP_TO_LICENSING, validClient, broken]);
    assert.deepEqual([done?.outcome, done?.redirection], ['malformed', undefined]);
  });

  it('never throws on hostile frames, in any phase (property)', () => {
    const prefixes = [[], UP_TO_LICENSING.slice(0, 1), UP_TO_LICENSING.slice(0, 2), UP_TO_LICENSING];
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        (prefix, payload, asIoData) => {
          const client = tlsClient();
          feed(client, prefix);
          const frame = asIoData ? ioData(payload) : encodeMcsFrame(payload);
          const step = client.receive(frame);
          assert.ok(Array.isArray(step.send));
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('clientCapabilitySets', () => {
  it('each set has the length MS-RDPBCGR 2.2.7 gives it (lengthCapability minus its 4-byte header)', () => {
    const lengths = Object.fromEntries(clientCapabilitySets().map((set) => [set.type, set.data.length + 4]));
    // General 2.2.7.1.1, Bitmap 2.2.7.1.2, Order 2.2.7.1.3, Bitmap Cache 2.2.7.1.4.1, Pointer 2.2.7.1.5
    // (without pointerCacheSize: 8, with: 10), Control 2.2.7.2.2, Activation 2.2.7.2.3, Share 2.2.7.2.4,
    // Sound 2.2.7.1.11, Input 2.2.7.1.6, Font 2.2.7.2.5, Brush 2.2.7.1.7, Glyph Cache 2.2.7.1.8,
    // Offscreen 2.2.7.1.9, Virtual Channel 2.2.7.1.10 (with VCChunkSize).
    assert.deepEqual(lengths, {
      1: 24,
      2: 28,
      3: 88,
      4: 40,
      5: 12,
      7: 12,
      8: 10,
      9: 8,
      12: 8,
      13: 88,
      14: 8,
      15: 8,
      16: 52,
      17: 12,
      20: 12,
    });
  });
});

describe('sessionFrameLength', () => {
  it('TPKT always, fast-path only once allowed', () => {
    assert.deepEqual(sessionFrameLength(false)(Uint8Array.of(3, 0, 0, 9)), { kind: 'length', length: 9 });
    assert.equal(sessionFrameLength(false)(Uint8Array.of(0x00, 0x05)).kind, 'malformed');
    assert.deepEqual(sessionFrameLength(true)(Uint8Array.of(0x00, 0x05)), { kind: 'length', length: 5 });
    // Two-byte length: 0x80 | high bits, then the low byte.
    assert.deepEqual(sessionFrameLength(true)(Uint8Array.of(0x80, 0x81, 0x02)), {
      kind: 'length',
      length: 0x102,
    });
    assert.deepEqual(sessionFrameLength(true)(Uint8Array.of(0x80, 0x81)), { kind: 'need-more', atLeast: 3 });
    assert.equal(sessionFrameLength(true)(Uint8Array.of(0x00, 0x01)).kind, 'malformed');
    assert.equal(sessionFrameLength(true)(Uint8Array.of(0x02, 0x05)).kind, 'malformed');
  });
});

// --- where the stage runs -----------------------------------------------------------------------

const probe = (
  label: string,
  outcome: NegotiationProbe['outcome'],
  selectedProtocol?: number,
): NegotiationProbe => ({
  label,
  requestedProtocols: 0,
  requestedNames: [],
  outcome,
  ...(selectedProtocol !== undefined ? { selectedProtocol } : {}),
  ms: 1,
});

describe('planSession', () => {
  const tlsOnly = [
    probe('modern', 'selected', Protocol.SSL),
    probe('rdp', 'failure'),
    probe('ssl', 'selected', Protocol.SSL),
  ];
  const nla = [
    probe('modern', 'selected', Protocol.HYBRID_EX),
    probe('rdp', 'failure'),
    probe('ssl', 'failure'),
  ];
  const rdpOnly = [
    probe('modern', 'no-negotiation-data'),
    probe('rdp', 'no-negotiation-data'),
    probe('ssl', 'no-negotiation-data'),
  ];

  it('without credentials: TLS when SSL was selected, else Standard RDP Security, else NLA says why', () => {
    assert.deepEqual(
      [planSession(tlsOnly, false), planSession(rdpOnly, false)].map((plan) =>
        plan.kind === 'run' ? [plan.request.label, plan.overTls] : plan.because,
      ),
      [
        ['ssl', true],
        ['rdp', false],
      ],
    );
    assert.deepEqual(planSession(nla, false), {
      kind: 'skip',
      because: 'the server requires NLA: the logon screen comes only after credentials (--user)',
    });
  });

  it('with credentials: the modern request when CredSSP is offered, else skipped', () => {
    const plan = planSession(nla, true);
    assert.ok(plan.kind === 'run' && plan.request.label === 'modern' && plan.overTls);
    assert.equal(planSession(tlsOnly, true).kind, 'skip');
  });

  it('a matrix with no answer: negotiation failed', () => {
    assert.deepEqual(planSession([probe('modern', 'timeout'), probe('rdp', 'closed')], false), {
      kind: 'skip',
      because: 'negotiation failed',
    });
  });
});

// --- the driver on real sockets: it never hangs -----------------------------------------------

async function withServer(onConnection: (socket: net.Socket) => void, run: (port: number) => Promise<void>) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run((server.address() as net.AddressInfo).port);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function stageAgainst(port: number, timeoutMs: number) {
  const connect = await connectTcp('127.0.0.1', port, 1000);
  assert.equal(connect.kind, 'connected');
  if (connect.kind !== 'connected') throw new Error('unreachable');
  return sessionStage(connect.conversation, {
    timeoutMs,
    underProtocol: 'RDP',
    selectedProtocol: Protocol.RDP,
  });
}

describe('sessionStage over a socket', () => {
  it('a silent server: timeout in mcs-connect within the step timeout', async () => {
    await withServer(
      () => {},
      async (port) => {
        const started = performance.now();
        const attempt = await stageAgainst(port, 300);
        assert.ok(performance.now() - started < 300 + 1500, 'took too long');
        assert.equal(attempt.status, 'failed');
        assert.equal(attempt.reason, 'timeout');
        assert.deepEqual(
          [
            attempt.observation?.outcome,
            attempt.observation?.phase,
            attempt.observation?.stall?.bytesReceived,
          ],
          ['timeout', 'mcs-connect', 0],
        );
      },
    );
  });

  it('a server that answers with HTTP: malformed, the connection closed', async () => {
    await withServer(
      (socket) => socket.once('data', () => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n')),
      async (port) => {
        const attempt = await stageAgainst(port, 1000);
        assert.deepEqual([attempt.status, attempt.observation?.outcome], ['failed', 'malformed']);
      },
    );
  });

  it('Set Error Info and then silence: error-info after a short grace, not the step timeout', async () => {
    // The Connect-Response of a TLS-like server (no encryption), then the sequence's answers.
    const answers = [...UP_TO_LICENSING.slice(0, 2)];
    await withServer(
      (socket) => {
        let frames = 0;
        socket.on('data', (chunk) => {
          // Connect Initial (1), Erect Domain + Attach User (2, 3), Channel Joins (4, 5), Client Info (6).
          for (let at = 0; at < chunk.length; at += (chunk[at + 2]! << 8) | chunk[at + 3]!) {
            frames++;
            if (frames === 1) socket.write(answers[0]!);
            if (frames === 3) socket.write(answers[1]!);
            if (frames === 4) socket.write(channelJoinConfirm(USER_CHANNEL));
            if (frames === 5) socket.write(channelJoinConfirm(IO_CHANNEL));
            if (frames === 6) socket.write(setErrorInfo(0x7));
          }
        });
      },
      async (port) => {
        const started = performance.now();
        const connect = await connectTcp('127.0.0.1', port, 1000);
        if (connect.kind !== 'connected') throw new Error('not connected');
        const attempt = await sessionStage(connect.conversation, {
          timeoutMs: 5000,
          underProtocol: 'SSL',
          selectedProtocol: Protocol.SSL,
        });
        assert.ok(performance.now() - started < ERROR_INFO_GRACE_MS + 2000, 'waited for the step timeout');
        // A refusal is a failed step (reason 'refused'), named by the rules.
        assert.deepEqual([attempt.status, attempt.reason], ['failed', 'refused']);
        assert.equal(attempt.observation?.outcome, 'error-info');
        assert.equal(attempt.observation?.errorInfo?.phase, 'licensing');
      },
    );
  });
});
