import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  chooseEncryptionMethod,
  ConnectionSequenceServer,
  type ConnectionSequenceOptions,
  SERVER_TURNS,
  type SequenceBehaviour,
  type SequenceStep,
  type ServerTurn,
} from '../../src/lab/connection-sequence.js';
import { labStandardSecurityKey } from '../../src/lab/sequence-licensing.js';
import { LicensingClient } from '../../src/probe/stages/licensing.js';
import { EncryptionLevel, EncryptionMethod } from '../../src/wire/gcc.js';
import { LicenseErrorCode, StateTransition } from '../../src/wire/licensing.js';
import { decodeMcsFrame } from '../../src/wire/mcs.js';
import { Protocol } from '../../src/wire/rdp-neg.js';
import { decodeEnhancedSecurityRedirection, RedirectionFlag } from '../../src/wire/server-redirection.js';
import { decodeSlowPathPdu, InfoType, LogonErrorData, LogonErrorType } from '../../src/wire/share-control.js';
import { hex, toHex } from '../helpers/bytes.js';
import {
  clientUltimatum,
  eventKinds,
  REACHES_LOGON_SCREEN,
  type ServerEvent,
  TestSequenceClient,
} from './sequence-client.js';

const key = labStandardSecurityKey();

interface Run {
  readonly server: ConnectionSequenceServer;
  readonly client: TestSequenceClient;
  readonly events: readonly ServerEvent[];
  /** Every frame the server sent, in order. */
  readonly frames: readonly Uint8Array[];
  readonly end?: SequenceStep['end'];
}

/** Plays the test client against the server machine in memory until neither has more to say. */
function play(
  options: Partial<ConnectionSequenceOptions> & { behaviour?: SequenceBehaviour },
  client: { userName?: string; password?: string; licensing?: boolean } = {},
): Run {
  const selectedProtocol = options.selectedProtocol ?? Protocol.SSL;
  const server = new ConnectionSequenceServer({
    selectedProtocol,
    requestedProtocols: options.requestedProtocols ?? selectedProtocol,
    behaviour: options.behaviour ?? {},
    random: (size) => randomBytes(size),
    ...(selectedProtocol === Protocol.RDP
      ? {
          standardSecurity: options.standardSecurity ?? {
            encryptionLevel: EncryptionLevel.CLIENT_COMPATIBLE,
            key,
          },
        }
      : {}),
    ...(options.loggedOnUser ? { loggedOnUser: options.loggedOnUser } : {}),
  });
  const licensing = client.licensing
    ? new LicensingClient({
        clientUserName: 'probe',
        clientMachineName: 'rdp-doctor',
        random: (size) => randomBytes(size),
        serverPublicKey: { modulusLE: key.modulusLE, exponent: key.exponent },
      })
    : undefined;
  const testClient = new TestSequenceClient({
    selectedProtocol,
    random: (size) => randomBytes(size),
    ...(client.userName !== undefined ? { userName: client.userName } : {}),
    ...(client.password !== undefined ? { password: client.password } : {}),
    ...(licensing ? { licensing } : {}),
  });
  const toServer = [...testClient.start()];
  const frames: Uint8Array[] = [];
  let end: SequenceStep['end'];
  while (toServer.length > 0) {
    const step = server.receive(toServer.shift()!);
    for (const frame of step.send) {
      frames.push(frame);
      toServer.push(...testClient.receive(frame));
    }
    if (step.end) {
      end = step.end;
      if (end !== 'stall') break;
    }
  }
  return { server, client: testClient, events: testClient.events, frames, ...(end ? { end } : {}) };
}

/** The server's share data PDUs the client saw. */
const dataBodies = (events: readonly ServerEvent[]) =>
  events.flatMap((event) => (event.kind === 'data' ? [event.body] : []));

describe('lab connection sequence: a healthy server', () => {
  it('TLS: Connect Response to Font Map, STATUS_VALID_CLIENT licensing, no security headers', () => {
    const run = play({});
    assert.deepEqual(eventKinds(run.events), REACHES_LOGON_SCREEN);
    assert.equal(run.end, undefined);
    assert.deepEqual(run.events[0], { kind: 'connect-response', encryptionMethod: 0, encryptionLevel: 0 });
    assert.deepEqual(run.events[1], { kind: 'attach-user-confirm', userId: 1007 });
    const licensing = run.events[4] as Extract<ServerEvent, { kind: 'licensing' }>;
    assert.equal(licensing.pdu.type, 'error-alert');
    assert.equal((licensing.pdu as { errorCode: number }).errorCode, LicenseErrorCode.STATUS_VALID_CLIENT);
    assert.deepEqual(run.events[5], { kind: 'demand-active', shareId: 0x000103ea, capabilitySets: 7 });
    assert.equal(run.server.demandActives, 1);
    assert.deepEqual(run.server.turns, [
      'mcs-connect',
      'attach-user',
      'channel-join',
      'client-info',
      'capabilities',
      'finalization',
    ]);
    assert.deepEqual(run.server.clientInfo, {
      userName: '',
      domain: '',
      passwordEmpty: true,
      flags: 0x00010051,
      credentialed: false,
    });
    // The control PDUs: cooperate, then granted control to the user channel from the server channel.
    const controls = dataBodies(run.events).filter((body) => body.kind === 'control');
    assert.deepEqual(controls, [
      { kind: 'control', action: 4, grantId: 0, controlId: 0 },
      { kind: 'control', action: 2, grantId: 1007, controlId: 1002 },
    ]);
  });

  for (const [level, method, name] of [
    [EncryptionLevel.CLIENT_COMPATIBLE, EncryptionMethod['128BIT'], 'RC4 128-bit'],
    [EncryptionLevel.HIGH, EncryptionMethod['128BIT'], 'RC4 128-bit (high)'],
    [EncryptionLevel.FIPS, EncryptionMethod.FIPS, 'FIPS'],
  ] as const) {
    it(`Standard RDP Security ${name}: the Client Info is decrypted and every share PDU is encrypted`, () => {
      const run = play(
        { selectedProtocol: Protocol.RDP, standardSecurity: { encryptionLevel: level, key } },
        { userName: 'someone', password: 'typed-at-the-logon-screen' },
      );
      assert.deepEqual(eventKinds(run.events), REACHES_LOGON_SCREEN);
      assert.deepEqual(run.events[0], {
        kind: 'connect-response',
        encryptionMethod: method,
        encryptionLevel: level,
      });
      assert.deepEqual(run.server.clientInfo, {
        userName: 'someone',
        domain: '',
        passwordEmpty: false,
        flags: 0x00010051,
        credentialed: true,
      });
      assert.equal(run.server.protocolError, undefined);
    });
  }

  it('static channels get ids after the I/O channel, the user channel the next free one', () => {
    const server = new ConnectionSequenceServer({
      selectedProtocol: Protocol.SSL,
      requestedProtocols: Protocol.SSL,
      behaviour: {},
      random: (size) => randomBytes(size),
    });
    const client = new TestSequenceClient({
      selectedProtocol: Protocol.SSL,
      channels: ['rdpdr', 'rdpsnd', 'cliprdr', 'drdynvc'],
      random: (size) => randomBytes(size),
    });
    const toServer = [...client.start()];
    while (toServer.length > 0) {
      for (const frame of server.receive(toServer.shift()!).send) toServer.push(...client.receive(frame));
    }
    const joins = client.events.flatMap((event) =>
      event.kind === 'channel-join-confirm' ? [[event.channelId, event.result]] : [],
    );
    assert.deepEqual(client.events[1], { kind: 'attach-user-confirm', userId: 1008 });
    assert.deepEqual(joins, [
      [1008, 0],
      [1003, 0],
      [1004, 0],
      [1005, 0],
      [1006, 0],
      [1007, 0],
    ]);
    assert.equal(server.demandActives, 1);
  });

  it('a logged-on user (NLA) gets Save Session Info INFOTYPE_LOGON_LONG after the Font Map', () => {
    const run = play({ loggedOnUser: { userName: 'good', domain: 'LAB' } });
    assert.deepEqual(eventKinds(run.events), [...REACHES_LOGON_SCREEN, 'data:save-session-info']);
    const info = dataBodies(run.events).at(-1)!;
    assert.deepEqual(info, {
      kind: 'save-session-info',
      infoType: InfoType.INFOTYPE_LOGON_LONG,
      logon: { domain: 'LAB', userName: 'good', sessionId: 2 },
    });
    assert.deepEqual(run.server.turns.at(-1), 'logon');
  });

  it('logon errors go in INFOTYPE_LOGON_EXTENDED_INFO instead', () => {
    const logonErrors = {
      type: LogonErrorType.LOGON_MSG_NO_PERMISSION,
      data: LogonErrorData.LOGON_FAILED_OTHER,
    };
    const run = play({ loggedOnUser: { userName: 'no-permission', domain: '' }, behaviour: { logonErrors } });
    assert.deepEqual(dataBodies(run.events).at(-1), {
      kind: 'save-session-info',
      infoType: InfoType.INFOTYPE_LOGON_EXTENDED_INFO,
      logonErrors: { errorNotificationType: 0xfffffffa, errorNotificationData: 2 },
    });
  });

  it('full licensing: License Request, Platform Challenge, New License, then Demand Active', () => {
    for (const selectedProtocol of [Protocol.SSL, Protocol.RDP]) {
      const run = play({ selectedProtocol, behaviour: { licensing: 'full-exchange' } }, { licensing: true });
      const licensing = run.events.flatMap((event) => (event.kind === 'licensing' ? [event.pdu.type] : []));
      assert.deepEqual(licensing, ['license-request', 'platform-challenge', 'new-license']);
      assert.equal(run.server.demandActives, 1, `under ${selectedProtocol}`);
    }
  });

  it('a licensing ERROR_ALERT (after the New License Request) ends the connection with an ultimatum', () => {
    const run = play(
      {
        behaviour: {
          licensing: {
            errorCode: LicenseErrorCode.ERR_NO_LICENSE_SERVER,
            stateTransition: StateTransition.ST_TOTAL_ABORT,
          },
        },
      },
      { licensing: true },
    );
    const licensing = run.events.flatMap((event) => (event.kind === 'licensing' ? [event.pdu] : []));
    assert.deepEqual(
      licensing.map((pdu) =>
        pdu.type === 'error-alert' ? [pdu.type, pdu.errorCode, pdu.stateTransition] : [pdu.type],
      ),
      [['license-request'], ['error-alert', 0x06, 0x01]],
    );
    assert.deepEqual(run.events.at(-1), { kind: 'ultimatum', reason: 3 });
    assert.equal(run.end, 'close');
    assert.equal(run.server.demandActives, 0);
  });
});

describe('lab connection sequence: denials', () => {
  it('a Set Error Info after licensing is byte for byte what Windows sends, then an ultimatum', () => {
    const run = play({
      behaviour: { deny: { at: 'capabilities', denial: { kind: 'error-info', errorInfo: 0x7 } } },
    });
    assert.equal(run.end, 'close');
    const [setErrorInfo, ultimatum] = run.frames.slice(-2);
    assert.equal(
      toHex(setErrorInfo!),
      toHex(
        hex(`
          03 00 00 24        # TPKT, length 36
          02 f0 80           # X.224 Data
          68 00 01 03 eb 70  # MCS Send Data Indication: initiator 1002, channel 1003, high priority, whole
          16                 # userData length 22 (no security header under TLS)
          16 00 17 00 ea 03  # Share Control: totalLength 22, PDUTYPE_DATAPDU v1, pduSource 1002
          ea 03 01 00 00 01  # shareId 0x000103ea, pad, STREAM_LOW
          08 00 2f 00 00 00  # uncompressedLength 8, PDUTYPE2_SET_ERROR_INFO_PDU, not compressed
          07 00 00 00        # errorInfo ERRINFO_SERVER_DENIED_CONNECTION
        `),
      ),
    );
    // MCS Disconnect Provider Ultimatum, T.125 reason rn-user-requested (3).
    assert.equal(toHex(ultimatum!), '0300000902f0802180');
    assert.deepEqual(eventKinds(run.events).slice(-3), ['licensing', 'data:set-error-info', 'ultimatum']);
    assert.equal(run.server.demandActives, 0);
  });

  it('a Set Error Info under Standard RDP Security is encrypted like every share PDU', () => {
    const run = play({
      selectedProtocol: Protocol.RDP,
      behaviour: { deny: { at: 'capabilities', denial: { kind: 'error-info', errorInfo: 0x4 } } },
    });
    assert.deepEqual(dataBodies(run.events), [{ kind: 'set-error-info', errorInfo: 0x4 }]);
    const setErrorInfo = run.frames.at(-2)!;
    // After MCS (7 bytes from offset 7), the non-FIPS header: flags SEC_ENCRYPT, flagsHi 0, then 8 signature bytes.
    assert.equal(toHex(setErrorInfo.subarray(14, 18)), '08000000');
  });

  it('a connection broker: the Server Redirection PDU after licensing instead of the Demand Active, then FIN', () => {
    const redirection = {
      sessionId: 4,
      redirFlags: 0,
      targetNetAddress: '127.0.0.2',
      loadBalanceInfo: hex('43 6f 6f 6b 69 65 3a 20 6d 73 74 73 3d 31 0d 0a'),
      passwordLength: 16,
      targetFqdn: 'rdsh1.lab.test',
    };
    const run = play({
      behaviour: { deny: { at: 'capabilities', denial: { kind: 'redirect', redirection } } },
    });
    assert.equal(run.end, 'close');
    assert.equal(run.server.demandActives, 0);
    assert.deepEqual(eventKinds(run.events).slice(-2), ['licensing', 'redirection']);
    const pdu = decodeMcsFrame(run.frames.at(-1)!);
    assert.equal(pdu.type, 'send-data-indication');
    if (pdu.type !== 'send-data-indication') return;
    // Under TLS no security header: the Share Control Header, PDUTYPE_SERVER_REDIR_PKT v1 (0x1a), pduSource 1002.
    assert.equal(toHex(pdu.userData.subarray(2, 6)), '1a00ea03');
    const decoded = decodeSlowPathPdu(pdu.userData);
    assert.equal(decoded.pdu.type, 'server-redirection');
    if (decoded.pdu.type !== 'server-redirection') return;
    assert.deepEqual(decodeEnhancedSecurityRedirection(decoded.pdu.raw), {
      ...redirection,
      redirFlags:
        RedirectionFlag.LB_TARGET_NET_ADDRESS |
        RedirectionFlag.LB_LOAD_BALANCE_INFO |
        RedirectionFlag.LB_PASSWORD |
        RedirectionFlag.LB_TARGET_FQDN,
    });
  });

  /** What the client saw last at each turn, for each denial kind. */
  const lastBefore: Readonly<Record<ServerTurn, string>> = {
    'mcs-connect': '(nothing)',
    'attach-user': 'connect-response',
    'channel-join': 'attach-user-confirm',
    'client-info': 'channel-join-confirm',
    licensing: 'licensing',
    capabilities: 'licensing',
    finalization: 'demand-active',
    logon: 'data:font-map',
  };
  for (const at of SERVER_TURNS) {
    it(`each denial replaces the server's answer at '${at}'`, () => {
      const options = {
        ...(at === 'logon' ? { loggedOnUser: { userName: 'good', domain: '' } } : {}),
      };
      const licensing = at === 'licensing' ? ({ licensing: 'full-exchange' } as const) : {};
      const client = { licensing: at === 'licensing' };

      const errorInfoAt = {
        ...licensing,
        deny: { at, denial: { kind: 'error-info', errorInfo: 0x7 } },
      } as const;
      if (at === 'mcs-connect') {
        // A Set Error Info travels on the I/O channel, which the Connect-Response creates.
        assert.throws(() => play({ behaviour: errorInfoAt }), /cannot replace the MCS Connect-Response/);
      } else {
        const errorInfo = play({ ...options, behaviour: errorInfoAt }, client);
        const seen = eventKinds(errorInfo.events);
        assert.deepEqual(seen.slice(-2), ['data:set-error-info', 'ultimatum'], seen.join());
        assert.equal(seen.at(-3), lastBefore[at]);
        assert.equal(errorInfo.end, 'close');
        assert.deepEqual(errorInfo.server.turns.at(-1), at);
      }

      const ultimatum = play(
        { ...options, behaviour: { ...licensing, deny: { at, denial: { kind: 'ultimatum', reason: 1 } } } },
        client,
      );
      assert.deepEqual(ultimatum.events.at(-1), { kind: 'ultimatum', reason: 1 });
      assert.equal(toHex(ultimatum.frames.at(-1)!), '0300000902f0802080'); // reason rn-provider-initiated (1)

      for (const kind of ['close', 'reset', 'stall'] as const) {
        const run = play({ ...options, behaviour: { ...licensing, deny: { at, denial: { kind } } } }, client);
        assert.equal(run.end, kind);
        assert.equal(eventKinds(run.events).at(-1) ?? '(nothing)', lastBefore[at], `${kind} at ${at}`);
      }
    });
  }

  it('a stalled server reads and ignores everything, and closes on the client ultimatum', () => {
    const run = play({ behaviour: { deny: { at: 'capabilities', denial: { kind: 'stall' } } } });
    assert.equal(run.end, 'stall');
    // An Attach User Request (choice 10), then bytes that are no frame at all: both ignored.
    assert.deepEqual(run.server.receive(hex('0300000802f08028')), { send: [] });
    assert.deepEqual(run.server.receive(hex('ffff')), { send: [] });
    assert.deepEqual(run.server.receive(clientUltimatum()), { send: [], end: 'close' });
  });
});

describe('lab connection sequence: hostile clients', () => {
  it('a PDU out of order closes the connection and says why', () => {
    const server = new ConnectionSequenceServer({
      selectedProtocol: Protocol.SSL,
      requestedProtocols: Protocol.SSL,
      behaviour: {},
      random: (size) => randomBytes(size),
    });
    const client = new TestSequenceClient({
      selectedProtocol: Protocol.SSL,
      random: (size) => randomBytes(size),
    });
    const connectInitial = client.start()[0]!;
    assert.equal(server.receive(connectInitial).send.length, 1);
    // A Channel Join before the Attach User.
    assert.deepEqual(server.receive(hex('0300000c02f080 38 0006 03eb')), { send: [], end: 'close' });
    assert.match(server.protocolError!, /Channel Join Request while in attach-user/);
    assert.deepEqual(server.receive(connectInitial), { send: [] }, 'an ended machine says nothing');
  });

  it('a Client Info with a wrong MAC under Standard RDP Security closes the connection', () => {
    const server = new ConnectionSequenceServer({
      selectedProtocol: Protocol.RDP,
      requestedProtocols: Protocol.RDP,
      behaviour: {},
      standardSecurity: { encryptionLevel: EncryptionLevel.CLIENT_COMPATIBLE, key },
      random: (size) => randomBytes(size),
    });
    const client = new TestSequenceClient({
      selectedProtocol: Protocol.RDP,
      random: (size) => randomBytes(size),
    });
    let toServer = client.start();
    let clientInfo: Uint8Array | undefined;
    while (toServer.length > 0) {
      const frame = toServer.shift()!;
      // The Connect Initial is BER (7f 65); the rest are PER domain PDUs.
      const pdu = frame[7] === 0x7f ? undefined : decodeMcsFrame(frame);
      if (pdu?.type === 'send-data-request' && pdu.userData[0] === 0x48) {
        // The Client Info (SEC_INFO_PKT | SEC_ENCRYPT): flip one bit of its signature (after flags, flagsHi).
        clientInfo = Uint8Array.from(frame);
        clientInfo[frame.length - pdu.userData.length + 4]! ^= 0x01;
        break;
      }
      const step = server.receive(frame);
      toServer = [...toServer, ...step.send.flatMap((each) => client.receive(each))];
    }
    assert.ok(clientInfo, 'the Client Info frame was found');
    assert.deepEqual(server.receive(clientInfo), { send: [], end: 'close' });
    assert.match(server.protocolError!, /dataSignature/);
    assert.equal(server.clientInfo, undefined);
  });

  it('random and mutated frames at every step give frames or a close, never an exception', () => {
    const seeds = play({}).frames; // server frames are valid TPKT frames too, wrongly directed
    const client = new TestSequenceClient({
      selectedProtocol: Protocol.SSL,
      random: (size) => randomBytes(size),
    });
    const clientSeeds = [...client.start(), clientUltimatum(), ...seeds];
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(...clientSeeds),
            fc.uint8Array({ maxLength: 200 }),
            fc
              .tuple(fc.constantFrom(...clientSeeds), fc.nat(), fc.integer({ min: 0, max: 255 }))
              .map(([seed, at, byte]) => {
                const copy = Uint8Array.from(seed);
                copy[at % copy.length] = byte;
                return copy;
              }),
          ),
          { maxLength: 6 },
        ),
        (frames) => {
          const server = new ConnectionSequenceServer({
            selectedProtocol: Protocol.SSL,
            requestedProtocols: Protocol.SSL,
            behaviour: {},
            random: (size) => new Uint8Array(size),
          });
          for (const frame of frames) {
            const step = server.receive(frame);
            assert.ok(Array.isArray(step.send));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('chooseEncryptionMethod (MS-RDPBCGR 5.3.2)', () => {
  it('takes the strongest RC4 method offered; FIPS insists on FIPS', () => {
    const { CLIENT_COMPATIBLE, HIGH, FIPS } = EncryptionLevel;
    assert.equal(chooseEncryptionMethod(CLIENT_COMPATIBLE, 0x1b, 0), EncryptionMethod['128BIT']);
    assert.equal(chooseEncryptionMethod(CLIENT_COMPATIBLE, 0x09, 0), EncryptionMethod['56BIT']);
    assert.equal(chooseEncryptionMethod(HIGH, 0x01, 0), EncryptionMethod['40BIT']);
    // French clients put their methods in extEncryptionMethods.
    assert.equal(chooseEncryptionMethod(HIGH, 0, 0x02), EncryptionMethod['128BIT']);
    assert.equal(chooseEncryptionMethod(FIPS, 0x03, 0), EncryptionMethod.FIPS);
  });
});
