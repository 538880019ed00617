import type { SessionPhase } from '../probe/types.js';
import { isDecodeError } from '../wire/errors.js';
import {
  type ClientData,
  EncryptionLevel,
  EncryptionMethod,
  type ProprietaryCertificate,
  type ServerData,
} from '../wire/gcc.js';
import {
  DataPriority,
  decodeClientConnectInitial,
  decodeMcsFrame,
  type DomainPdu,
  encodeDomainPdu,
  encodeMcsFrame,
  encodeServerConnectResponse,
  MCS_IO_CHANNEL_ID,
  McsResult,
  Segmentation,
  UltimatumReason,
} from '../wire/mcs.js';
import { Protocol } from '../wire/rdp-neg.js';
import {
  encodeEnhancedSecurityRedirection,
  type ServerRedirectionPacket,
} from '../wire/server-redirection.js';
import { encodeSlowPathPdu } from '../wire/share-control.js';
import { ByteWriter } from '../wire/writer.js';
import {
  ENHANCED_SECURITY,
  type LabSecurityLayer,
  type LabStandardSecurity,
  openClientPdu,
  sealServerPdu,
  serverSecurityFromExchange,
} from './sequence-security.js';
import { LabLicensing, type LabLicensingMode, type LicensingPdu } from './sequence-licensing.js';
import {
  decodeLabClientInfo,
  decodeLabSlowPath,
  encodeLabSlowPath,
  type LabLogonErrors,
  type ServerSharePdu,
} from './sequence-pdus.js';

/**
 * The lab's server side of the RDP connection sequence after the security layer
 * (MS-RDPBCGR 1.3.1.1, server role 3.3.5.3): MCS Connect-Response, Attach User Confirm, Channel
 * Join Confirms, the Security Exchange (Standard RDP Security), Client Info, licensing, Demand
 * Active and the finalization PDUs, then Save Session Info once a user is logged on.
 *
 * Pure: whole TPKT frames in, frames out plus what to do with the connection. The driver in
 * server.ts owns the socket. A scenario can replace any one of the server's answers with a
 * denial (a Set Error Info, a Disconnect Provider Ultimatum, a close, a reset or silence), which
 * is how the lab reproduces servers that negotiate fine and then refuse.
 */

/**
 * The server's turns, named by the phase the client is in while it waits for that answer:
 *   'mcs-connect'   the MCS Connect-Response (to the Connect Initial)
 *   'attach-user'   the Attach User Confirm
 *   'channel-join'  the first Channel Join Confirm
 *   'client-info'   the first licensing PDU, right after the Client Info (a client that
 *                   counts itself in licensing once its Client Info is out, as the probe's
 *                   session stage does, records 'licensing')
 *   'licensing'     the server's answer to the client's first licensing PDU (with licensing
 *                   'full-exchange': the Platform Challenge after the New License Request)
 *   'capabilities'  the Demand Active, once licensing ended: "after licensing"
 *   'finalization'  the server's Synchronize (once the Confirm Active arrived)
 *   'logon'         the Save Session Info (after the Font Map, only when a user is logged on)
 */
export type ServerTurn = Extract<
  SessionPhase,
  | 'mcs-connect'
  | 'attach-user'
  | 'channel-join'
  | 'client-info'
  | 'licensing'
  | 'capabilities'
  | 'finalization'
  | 'logon'
>;

export const SERVER_TURNS: readonly ServerTurn[] = [
  'mcs-connect',
  'attach-user',
  'channel-join',
  'client-info',
  'licensing',
  'capabilities',
  'finalization',
  'logon',
];

/** What the server does instead of its answer. */
export type SequenceDenial =
  /** A Set Error Info PDU (MS-RDPBCGR 2.2.5.1.1), then an ultimatum (rn-user-requested), then FIN: as Windows does. */
  | { readonly kind: 'error-info'; readonly errorInfo: number }
  /** An MCS Disconnect Provider Ultimatum with this T.125 reason alone, then FIN. */
  | { readonly kind: 'ultimatum'; readonly reason: number }
  /** FIN without a byte. */
  | { readonly kind: 'close' }
  /** TCP reset without a byte. */
  | { readonly kind: 'reset' }
  /** Nothing, ever: the connection stays open and the client's PDUs are read and ignored. */
  | { readonly kind: 'stall' }
  /**
   * A connection broker's answer: a Server Redirection PDU in its Enhanced Security form
   * (MS-RDPBCGR 2.2.13.3.1, for TLS and CredSSP), then FIN once the client has it.
   */
  | { readonly kind: 'redirect'; readonly redirection: ServerRedirectionPacket };

export interface SequenceBehaviour {
  /** How licensing goes (see LabLicensing). Default 'valid-client', what most Windows servers send. */
  readonly licensing?: LabLicensingMode;
  /** One of the server's turns replaced by a denial. */
  readonly deny?: { readonly at: ServerTurn; readonly denial: SequenceDenial };
  /** Save Session Info carries LOGON_EXTENDED_INFO with these logon errors instead of the logon info. */
  readonly logonErrors?: LabLogonErrors;
}

/** Standard RDP Security as the server is configured (MS-RDPBCGR 5.3.2). */
export interface StandardSecurityConfig {
  /** ENCRYPTION_LEVEL_CLIENT_COMPATIBLE, HIGH or FIPS: both directions encrypted (NONE and LOW are not played). */
  readonly encryptionLevel: number;
  /** The server's key pair and its proprietary certificate. */
  readonly key: LabStandardSecurity;
}

export interface ConnectionSequenceOptions {
  /** The protocol the X.224 exchange selected (Protocol.RDP, SSL, HYBRID, HYBRID_EX). */
  readonly selectedProtocol: number;
  /** requestedProtocols of the client's X.224 request, echoed in the server core data. */
  readonly requestedProtocols: number;
  readonly behaviour: SequenceBehaviour;
  /** Required when selectedProtocol is Protocol.RDP. */
  readonly standardSecurity?: StandardSecurityConfig;
  /** The user CredSSP logged on (NLA); without one the server stops at its logon screen. */
  readonly loggedOnUser?: { readonly userName: string; readonly domain: string };
  readonly random: (size: number) => Uint8Array;
}

/** What to do after writing `send`. */
export type SequenceEnd = 'close' | 'reset' | 'stall';

export interface SequenceStep {
  /** Whole frames (TPKT + X.224 Data + MCS) to write in order. */
  readonly send: readonly Uint8Array[];
  readonly end?: SequenceEnd;
}

/** What the server learned from the client's Client Info PDU; never the password itself. */
export interface ReceivedClientInfo {
  readonly userName: string;
  readonly domain: string;
  readonly passwordEmpty: boolean;
  readonly flags: number;
  /** Whether the Client Info carried a user name or a password. */
  readonly credentialed: boolean;
}

/** The ids the server hands out (MS-RDPBCGR 4.1.4-4.1.9: Windows uses these). */
export const SERVER_CHANNEL_ID = 1002;
/** The user channel Windows hands out with up to three static channels; after more, the next free id. */
export const USER_CHANNEL_ID = 1007;
export const SHARE_ID = 0x000103ea;
/** The GCC nodeID and tag Windows answers with (MS-RDPBCGR 4.1.4). */
const GCC_NODE_ID = 0x79f3;
const GCC_TAG = 1;
/** RDP 5.0-8.1 server version, as Windows Server 2012 R2+ without the 10.x dynamic features. */
const SERVER_RDP_VERSION = 0x00080004;
/** CLIENT_COMPATIBLE, HIGH and FIPS: both directions encrypted (NONE and LOW are not played). */
const PLAYED_LEVELS: ReadonlySet<number> = new Set([
  EncryptionLevel.CLIENT_COMPATIBLE,
  EncryptionLevel.HIGH,
  EncryptionLevel.FIPS,
]);

type State =
  | 'connect-initial'
  | 'attach-user'
  | 'channel-join'
  | 'security-exchange'
  | 'client-info'
  | 'licensing'
  | 'confirm-active'
  | 'finalization'
  | 'active'
  | 'stalled'
  | 'ended';

const NOTHING: SequenceStep = { send: [] };

export class ConnectionSequenceServer {
  private state: State = 'connect-initial';
  private clientData: ClientData | undefined;
  private staticChannels: number[] = [];
  private userChannelId = USER_CHANNEL_ID;
  private readonly joined = new Set<number>();
  private security: LabSecurityLayer = ENHANCED_SECURITY;
  private encryptionMethod: number = EncryptionMethod.NONE;
  private serverRandom: Uint8Array | undefined;
  private licensing: LabLicensing | undefined;
  private licensingAnswered = false;
  private clientInfoReceived: ReceivedClientInfo | undefined;
  private demandActivesSent = 0;
  private readonly turnsTaken: ServerTurn[] = [];
  /** Why the last PDU was refused, for tests: the connection then closes. */
  protocolError: string | undefined;

  constructor(private readonly options: ConnectionSequenceOptions) {
    if (options.selectedProtocol === Protocol.RDP && !options.standardSecurity) {
      throw new RangeError('Standard RDP Security needs a key (standardSecurity)');
    }
    const level = options.standardSecurity?.encryptionLevel;
    if (options.selectedProtocol === Protocol.RDP && !PLAYED_LEVELS.has(level!)) {
      throw new RangeError(`the lab plays encryption levels 2-4, not ${level}`);
    }
    const deny = options.behaviour.deny;
    if (deny?.at === 'mcs-connect' && deny.denial.kind === 'error-info') {
      // A Set Error Info travels on the I/O channel, which does not exist before the Connect-Response.
      throw new RangeError('a Set Error Info cannot replace the MCS Connect-Response');
    }
  }

  get clientInfo(): ReceivedClientInfo | undefined {
    return this.clientInfoReceived;
  }

  /** Demand Active PDUs sent: 1 once the server showed its logon screen. */
  get demandActives(): number {
    return this.demandActivesSent;
  }

  /** The server's turns taken so far (a denial's turn included). */
  get turns(): readonly ServerTurn[] {
    return this.turnsTaken;
  }

  /** The client's next whole TPKT frame. */
  receive(frame: Uint8Array): SequenceStep {
    if (this.state === 'ended') return NOTHING;
    try {
      return this.step(frame);
    } catch (error) {
      if (!isDecodeError(error) && !(error instanceof SequenceProtocolError)) throw error;
      this.protocolError = error.message;
      this.state = 'ended';
      return { send: [], end: 'close' };
    }
  }

  private step(frame: Uint8Array): SequenceStep {
    if (this.state === 'connect-initial') return this.onConnectInitial(frame);
    if (this.state === 'stalled') return this.whileStalled(frame);
    const pdu = decodeMcsFrame(frame);
    if (pdu.type === 'disconnect-provider-ultimatum') return this.onClientUltimatum();
    switch (pdu.type) {
      case 'erect-domain-request':
        return NOTHING;
      case 'attach-user-request':
        return this.onAttachUser();
      case 'channel-join-request':
        return this.onChannelJoin(pdu.channelId);
      case 'send-data-request':
        if (pdu.channelId !== MCS_IO_CHANNEL_ID) return NOTHING; // static channels: nothing to say
        return this.onIoData(pdu.userData);
      default:
        throw new SequenceProtocolError(`unexpected MCS ${pdu.type} from a client`);
    }
  }

  private onClientUltimatum(): SequenceStep {
    this.state = 'ended';
    return { send: [], end: 'close' };
  }

  /** A stalled server reads and ignores everything, even garbage, until the client gives up. */
  private whileStalled(frame: Uint8Array): SequenceStep {
    try {
      if (decodeMcsFrame(frame).type === 'disconnect-provider-ultimatum') return this.onClientUltimatum();
    } catch (error) {
      if (!isDecodeError(error)) throw error;
    }
    return NOTHING;
  }

  // ---- MCS -------------------------------------------------------------------------------

  private onConnectInitial(frame: Uint8Array): SequenceStep {
    const { clientData } = decodeClientConnectInitial(frame);
    this.clientData = clientData;
    const denied = this.turn('mcs-connect');
    if (denied) return denied;
    // Static channels follow the I/O channel (MS-RDPBCGR 4.1.4: 1004, 1005...), the user channel them.
    this.staticChannels = (clientData.channels ?? []).map((_, index) => MCS_IO_CHANNEL_ID + 1 + index);
    this.userChannelId = Math.max(USER_CHANNEL_ID, MCS_IO_CHANNEL_ID + 1 + this.staticChannels.length);
    const serverData = this.serverData(clientData);
    this.state = 'attach-user';
    return {
      send: [encodeServerConnectResponse({ nodeId: GCC_NODE_ID, tag: GCC_TAG, result: 0, serverData })],
    };
  }

  private serverData(clientData: ClientData): ServerData {
    const network = { mcsChannelId: MCS_IO_CHANNEL_ID, channelIds: this.staticChannels };
    const core = {
      version: SERVER_RDP_VERSION,
      clientRequestedProtocols: this.options.requestedProtocols,
      earlyCapabilityFlags: 0,
    };
    const standard = this.options.standardSecurity;
    if (this.options.selectedProtocol !== Protocol.RDP || !standard) {
      // Enhanced RDP Security: the external protocol protects everything (MS-RDPBCGR 5.4).
      return { core, network, security: { encryptionMethod: 0, encryptionLevel: 0 }, other: [] };
    }
    this.encryptionMethod = chooseEncryptionMethod(
      standard.encryptionLevel,
      clientData.security?.encryptionMethods ?? 0,
      clientData.security?.extEncryptionMethods ?? 0,
    );
    this.serverRandom = this.options.random(32);
    const certificate: ProprietaryCertificate = standard.key.certificate;
    return {
      core,
      network,
      security: {
        encryptionMethod: this.encryptionMethod,
        encryptionLevel: standard.encryptionLevel,
        serverRandom: this.serverRandom,
        certificate,
      },
      other: [],
    };
  }

  private onAttachUser(): SequenceStep {
    this.expectState('attach-user', 'Attach User Request');
    const denied = this.turn('attach-user');
    if (denied) return denied;
    this.state = 'channel-join';
    return {
      send: [
        domainFrame({
          type: 'attach-user-confirm',
          result: McsResult['rt-successful'],
          initiator: this.userChannelId,
        }),
      ],
    };
  }

  private onChannelJoin(channelId: number): SequenceStep {
    this.expectState('channel-join', 'Channel Join Request');
    if (this.joined.size === 0) {
      const denied = this.turn('channel-join');
      if (denied) return denied;
    }
    const known =
      channelId === this.userChannelId ||
      channelId === MCS_IO_CHANNEL_ID ||
      this.staticChannels.includes(channelId);
    if (known) this.joined.add(channelId);
    if (this.allJoined()) this.state = this.encrypting() ? 'security-exchange' : 'client-info';
    return {
      send: [
        domainFrame({
          type: 'channel-join-confirm',
          result: known ? McsResult['rt-successful'] : McsResult['rt-no-such-channel'],
          initiator: this.userChannelId,
          requested: channelId,
          ...(known ? { channelId } : {}),
        }),
      ],
    };
  }

  private allJoined(): boolean {
    return (
      this.joined.has(this.userChannelId) &&
      this.joined.has(MCS_IO_CHANNEL_ID) &&
      this.staticChannels.every((id) => this.joined.has(id))
    );
  }

  private encrypting(): boolean {
    return this.serverRandom !== undefined;
  }

  // ---- the I/O channel -------------------------------------------------------------------

  private onIoData(userData: Uint8Array): SequenceStep {
    switch (this.state) {
      case 'security-exchange':
        return this.onSecurityExchange(userData);
      case 'client-info':
        return this.onClientInfo(userData);
      case 'licensing':
        return this.onLicensing(userData);
      case 'confirm-active':
      case 'finalization':
      case 'active':
        return this.onShareData(userData);
      default:
        throw new SequenceProtocolError(`I/O channel data before the channels were joined (${this.state})`);
    }
  }

  private onSecurityExchange(userData: Uint8Array): SequenceStep {
    const standard = this.options.standardSecurity!;
    this.security = serverSecurityFromExchange(userData, {
      key: standard.key,
      serverRandom: this.serverRandom!,
      encryptionMethod: this.encryptionMethod,
    });
    this.state = 'client-info';
    return NOTHING;
  }

  private onClientInfo(userData: Uint8Array): SequenceStep {
    const { body, flags } = openClientPdu(this.security, 'client-info', userData);
    const info = decodeLabClientInfo(body, flags);
    this.clientInfoReceived = info;
    const denied = this.turn('client-info');
    if (denied) return denied;
    this.licensing = new LabLicensing(
      this.options.behaviour.licensing ?? 'valid-client',
      this.options.standardSecurity?.key,
      this.options.random,
    );
    const first = this.licensing.first();
    this.state = 'licensing';
    const frames = [this.licensingFrame(first.pdu)];
    return first.done ? this.afterLicensing(frames, first.done) : { send: frames };
  }

  private onLicensing(userData: Uint8Array): SequenceStep {
    const { body } = openClientPdu(this.security, 'licensing', userData);
    if (!this.licensingAnswered) {
      this.licensingAnswered = true;
      const denied = this.turn('licensing');
      if (denied) return denied;
    }
    const answer = this.licensing!.receive(body);
    const frames = answer.pdu ? [this.licensingFrame(answer.pdu)] : [];
    return answer.done ? this.afterLicensing(frames, answer.done) : { send: frames };
  }

  /** Licensing ended: 'ok' goes on to the Demand Active; an error alert ends the connection. */
  private afterLicensing(frames: Uint8Array[], outcome: 'ok' | 'error'): SequenceStep {
    if (outcome === 'error') {
      // Windows ends the connection after a licensing ERROR_ALERT with ST_TOTAL_ABORT.
      this.state = 'ended';
      return {
        send: [
          ...frames,
          domainFrame({
            type: 'disconnect-provider-ultimatum',
            reason: UltimatumReason['rn-user-requested'],
          }),
        ],
        end: 'close',
      };
    }
    const denied = this.turn('capabilities');
    if (denied) return { send: [...frames, ...denied.send], ...(denied.end ? { end: denied.end } : {}) };
    this.state = 'confirm-active';
    this.demandActivesSent++;
    return { send: [...frames, this.shareFrame(demandActive(this.clientData!))] };
  }

  private onShareData(userData: Uint8Array): SequenceStep {
    const { body } = openClientPdu(this.security, 'share', userData);
    const pdu = decodeLabSlowPath(body);
    if (pdu.kind === 'confirm-active') {
      if (this.state !== 'confirm-active') throw new SequenceProtocolError('Confirm Active out of order');
      const denied = this.turn('finalization');
      if (denied) return denied;
      this.state = 'finalization';
      return NOTHING;
    }
    if (this.state === 'confirm-active') throw new SequenceProtocolError(`${pdu.kind} before Confirm Active`);
    switch (pdu.kind) {
      case 'synchronize':
        return { send: [this.shareFrame({ kind: 'synchronize', targetUser: this.userChannelId })] };
      case 'control-cooperate':
        return { send: [this.shareFrame({ kind: 'control-cooperate' })] };
      case 'control-request':
        return {
          send: [
            this.shareFrame({
              kind: 'control-granted',
              grantId: this.userChannelId,
              controlId: SERVER_CHANNEL_ID,
            }),
          ],
        };
      case 'font-list':
        return this.onFontList();
      default:
        // Persistent key lists, refresh rects, suppress output...: nothing the lab answers.
        return NOTHING;
    }
  }

  private onFontList(): SequenceStep {
    const fontMap = this.shareFrame({ kind: 'font-map' });
    this.state = 'active';
    const user = this.options.loggedOnUser;
    if (!user) return { send: [fontMap] }; // the logon screen: nothing more until a user logs on
    const denied = this.turn('logon');
    if (denied) return { send: [fontMap, ...denied.send], ...(denied.end ? { end: denied.end } : {}) };
    const logonErrors = this.options.behaviour.logonErrors;
    return {
      send: [
        fontMap,
        this.shareFrame(
          logonErrors
            ? { kind: 'logon-errors', ...logonErrors }
            : { kind: 'logon-long', ...user, sessionId: 2 },
        ),
      ],
    };
  }

  // ---- denials and framing ---------------------------------------------------------------

  /** Records the server's turn; returns the denial that replaces the answer, if the scenario has one. */
  private turn(turn: ServerTurn): SequenceStep | undefined {
    this.turnsTaken.push(turn);
    const deny = this.options.behaviour.deny;
    if (!deny || deny.at !== turn) return undefined;
    const { denial } = deny;
    this.state = denial.kind === 'stall' ? 'stalled' : 'ended';
    switch (denial.kind) {
      case 'error-info':
        return {
          send: [
            this.shareFrame({ kind: 'set-error-info', errorInfo: denial.errorInfo }),
            domainFrame({
              type: 'disconnect-provider-ultimatum',
              reason: UltimatumReason['rn-user-requested'],
            }),
          ],
          end: 'close',
        };
      case 'ultimatum':
        return {
          send: [domainFrame({ type: 'disconnect-provider-ultimatum', reason: denial.reason })],
          end: 'close',
        };
      case 'close':
        return { send: [], end: 'close' };
      case 'reset':
        return { send: [], end: 'reset' };
      case 'stall':
        return { send: [], end: 'stall' };
      case 'redirect':
        return { send: [this.redirectionFrame(denial.redirection)], end: 'close' };
    }
  }

  private expectState(expected: State, what: string): void {
    if (this.state !== expected) throw new SequenceProtocolError(`${what} while in ${this.state}`);
  }

  private licensingFrame(pdu: LicensingPdu): Uint8Array {
    return ioFrame(sealServerPdu(this.security, 'licensing', this.licensing!.encode(pdu)));
  }

  private redirectionFrame(redirection: ServerRedirectionPacket): Uint8Array {
    const pdu = encodeSlowPathPdu(
      { type: 'server-redirection', raw: encodeEnhancedSecurityRedirection(redirection) },
      SERVER_CHANNEL_ID,
    );
    return ioFrame(sealServerPdu(this.security, 'share', pdu));
  }

  private shareFrame(pdu: ServerSharePdu): Uint8Array {
    return ioFrame(
      sealServerPdu(this.security, 'share', encodeLabSlowPath(pdu, SHARE_ID, SERVER_CHANNEL_ID)),
    );
  }
}

class SequenceProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SequenceProtocolError';
  }
}

function domainFrame(pdu: DomainPdu): Uint8Array {
  return encodeMcsFrame(encodeDomainPdu(pdu));
}

/** A Send Data Indication on the I/O channel from the server channel (MS-RDPBCGR 3.3.5.1). */
function ioFrame(userData: Uint8Array): Uint8Array {
  return domainFrame({
    type: 'send-data-indication',
    initiator: SERVER_CHANNEL_ID,
    channelId: MCS_IO_CHANNEL_ID,
    priority: DataPriority.high,
    segmentation: Segmentation.whole,
    userData,
  });
}

/**
 * The encryption method a server at this level picks from the client's offer (MS-RDPBCGR 5.3.2):
 * FIPS requires FIPS; the other levels take the strongest RC4 method offered. A client offering
 * nothing usable gets 128-bit anyway, as Windows does, and fails its own checks.
 */
export function chooseEncryptionMethod(level: number, offered: number, extOffered: number): number {
  const methods = offered | extOffered;
  if (level === EncryptionLevel.FIPS) return EncryptionMethod.FIPS;
  for (const method of [EncryptionMethod['128BIT'], EncryptionMethod['56BIT'], EncryptionMethod['40BIT']]) {
    if (methods & method) return method;
  }
  return EncryptionMethod['128BIT'];
}

/** The lab's Demand Active: the capability sets a client needs to go on (MS-RDPBCGR 2.2.7). */
function demandActive(clientData: ClientData): ServerSharePdu {
  const width = clientData.core.desktopWidth;
  const height = clientData.core.desktopHeight;
  return { kind: 'demand-active', capabilitySets: labCapabilitySets(width, height) };
}

/** Capability set types (MS-RDPBCGR 2.2.1.13.1.1.1). */
const CapabilitySetType = {
  GENERAL: 0x0001,
  BITMAP: 0x0002,
  ORDER: 0x0003,
  POINTER: 0x0008,
  SHARE: 0x0009,
  INPUT: 0x000d,
  FONT: 0x000e,
} as const;

/** The capability bodies (after each 4-byte capabilitySetType/lengthCapability header). */
export function labCapabilitySets(width: number, height: number): Array<{ type: number; data: Uint8Array }> {
  // TS_GENERAL_CAPABILITYSET (2.2.7.1.1): Windows NT, protocol 0x0200, extraFlags FASTPATH_OUTPUT |
  // LONG_CREDENTIALS | AUTORECONNECT | ENC_SALTED_CHECKSUM | NO_BITMAP_COMPRESSION_HDR.
  const general = new ByteWriter(20)
    .u16le(1) // osMajorType OSMAJORTYPE_WINDOWS
    .u16le(3) // osMinorType OSMINORTYPE_WINDOWS_NT
    .u16le(0x0200) // protocolVersion TS_CAPS_PROTOCOLVERSION
    .u16le(0) // pad2octetsA
    .u16le(0) // generalCompressionTypes
    .u16le(0x041d) // extraFlags
    .u16le(0) // updateCapabilityFlag
    .u16le(0) // remoteUnshareFlag
    .u16le(0) // generalCompressionLevel
    .u8(1) // refreshRectSupport
    .u8(1) // suppressOutputSupport
    .finish();
  // TS_BITMAP_CAPABILITYSET (2.2.7.1.2): the client's desktop size, 16 bpp.
  const bitmap = new ByteWriter(24)
    .u16le(16) // preferredBitsPerPixel
    .u16le(1) // receive1BitPerPixel
    .u16le(1) // receive4BitsPerPixel
    .u16le(1) // receive8BitsPerPixel
    .u16le(width)
    .u16le(height)
    .u16le(0) // pad2octets
    .u16le(1) // desktopResizeFlag
    .u16le(1) // bitmapCompressionFlag
    .u8(0) // highColorFlags
    .u8(0) // drawingFlags
    .u16le(1) // multipleRectangleSupport
    .u16le(0) // pad2octetsB
    .finish();
  // TS_ORDER_CAPABILITYSET (2.2.7.1.3): no drawing orders (NEGOTIATEORDERSUPPORT | ZEROBOUNDSDELTASSUPPORT).
  const order = new ByteWriter(84)
    .bytes(new Uint8Array(16)) // terminalDescriptor
    .u32le(0) // pad4octetsA
    .u16le(1) // desktopSaveXGranularity
    .u16le(20) // desktopSaveYGranularity
    .u16le(0) // pad2octetsA
    .u16le(1) // maximumOrderLevel ORD_LEVEL_1_ORDERS
    .u16le(0) // numberFonts
    .u16le(0x0022) // orderFlags
    .bytes(new Uint8Array(32)) // orderSupport
    .u16le(0) // textFlags
    .u16le(0) // orderSupportExFlags
    .u32le(0) // pad4octetsB
    .u32le(480 * 480) // desktopSaveSize
    .u16le(0) // pad2octetsC
    .u16le(0) // pad2octetsD
    .u16le(0) // textANSICodePage
    .u16le(0) // pad2octetsE
    .finish();
  // TS_POINTER_CAPABILITYSET (2.2.7.1.5): color pointers, 25-entry caches.
  const pointer = new ByteWriter(6).u16le(1).u16le(25).u16le(25).finish();
  // TS_SHARE_CAPABILITYSET (2.2.7.2.3): the server channel as node id.
  const share = new ByteWriter(4).u16le(SERVER_CHANNEL_ID).u16le(0).finish();
  // TS_INPUT_CAPABILITYSET (2.2.7.1.6): SCANCODES | MOUSEX | FASTPATH_INPUT | UNICODE | FASTPATH_INPUT2.
  const input = new ByteWriter(84)
    .u16le(0x0035 | 0x0020)
    .u16le(0) // pad2octetsA
    .u32le(0) // keyboardLayout
    .u32le(0) // keyboardType
    .u32le(0) // keyboardSubType
    .u32le(0) // keyboardFunctionKey
    .bytes(new Uint8Array(64)) // imeFileName
    .finish();
  // TS_FONT_CAPABILITYSET (2.2.7.2.5): FONTSUPPORT_FONTLIST.
  const font = new ByteWriter(4).u16le(1).u16le(0).finish();
  return [
    { type: CapabilitySetType.GENERAL, data: general },
    { type: CapabilitySetType.BITMAP, data: bitmap },
    { type: CapabilitySetType.ORDER, data: order },
    { type: CapabilitySetType.POINTER, data: pointer },
    { type: CapabilitySetType.SHARE, data: share },
    { type: CapabilitySetType.INPUT, data: input },
    { type: CapabilitySetType.FONT, data: font },
  ];
}
