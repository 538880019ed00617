import type net from 'node:net';
import type tls from 'node:tls';
import { ERROR_INFO_CODES } from '../../data/error-info.js';
import { DecodeError } from '../../wire/errors.js';
import type { FrameLength } from '../../wire/framing.js';
import { DataBlockType, EncryptionLevel, EncryptionMethod, type ServerData } from '../../wire/gcc.js';
import { type ClientInfo, encodeClientInfo, InfoFlag } from '../../wire/client-info.js';
import { decodeLicensingPdu, encodeLicensingPdu, LicensingPreambleFlag } from '../../wire/licensing.js';
import {
  DataPriority,
  decodeMcsFrame,
  decodeServerConnectResponse,
  type DomainPdu,
  encodeClientConnectInitial,
  encodeDomainPdu,
  encodeMcsFrame,
  MCS_IO_CHANNEL_ID,
  McsResult,
  mcsResultName,
  Segmentation,
  UltimatumReason,
  ultimatumReasonName,
} from '../../wire/mcs.js';
import {
  concatBytes,
  deriveSessionKeys,
  rsaEncryptLittleEndian,
  serverPublicKey,
  StandardSecurity,
} from '../../wire/rdp-crypto.js';
import {
  decodeSecurityHeader,
  decodeSecurityHeaderFor,
  encodeSecurityExchange,
  encodeSecurityHeader,
  type SecurityHeader,
  SecurityFlag,
} from '../../wire/security-header.js';
import {
  type CapabilitySet,
  CapabilitySetType,
  ControlAction,
  type DataPdu,
  decodeSlowPathPdus,
  encodeSlowPathPdu,
  InfoType,
  LogonErrorType,
  logonErrorTypeName,
  PduType2,
  readBitmapCapability,
  SERVER_CHANNEL_ID,
  type SlowPathPdu,
} from '../../wire/share-control.js';
import {
  decodeEnhancedSecurityRedirection,
  type ServerRedirectionPacket,
} from '../../wire/server-redirection.js';
import { TPKT_VERSION, tpktFrameLength } from '../../wire/tpkt.js';
import { Conversation } from '../conversation.js';
import type { Credentials } from '../credentials.js';
import { reasonForExchangeEnd } from '../net-errors.js';
import type {
  Attempt,
  ErrorInfoFact,
  LicensingFacts,
  LogonFacts,
  SessionObservation,
  SessionOutcome,
  SessionPhase,
  StallProgress,
} from '../types.js';
import { LicensingClient } from './licensing.js';
import { CLIENT_DESKTOP, clientCoreData, OFFERED_ENCRYPTION_METHODS } from './rdp-security.js';

/**
 * The rest of the connection sequence after the security layer (MS-RDPBCGR 1.3.1.1): MCS Connect
 * Initial with the GCC conference data, Erect Domain, Attach User, Channel Joins, Security
 * Exchange (Standard RDP Security only), Client Info, licensing, up to Demand Active: the moment
 * the server would draw its logon screen. With a full logon (--logon) it goes on through the
 * finalization PDUs to the server's Save Session Info.
 *
 * SessionClient is pure (frames in, frames out, an observation at the end); sessionStage drives
 * it over a connection with the step timeout on every read.
 */

/** What the sequence ended with: the observation without the driver's clock and stall facts. */
export type SessionResult = Omit<SessionObservation, 'ms' | 'stall'>;

export interface SessionClientOptions {
  /** 'RDP' (Standard RDP Security), 'SSL', 'HYBRID' or 'HYBRID_EX'. */
  readonly underProtocol: string;
  /** The protocol the X.224 negotiation selected (echoed in the client core data). */
  readonly selectedProtocol: number;
  readonly credentialsSent: boolean;
  /** Empty without --user. The password never goes in Client Info: with --user the logon is CredSSP's. */
  readonly clientInfo: { readonly userName: string; readonly domain: string };
  /** Go on past Demand Active to the server's Save Session Info (creates a session). */
  readonly fullLogon: boolean;
  readonly random: (length: number) => Uint8Array;
  /** The client name the server sees (at most 15 characters). */
  readonly clientName: string;
}

export interface SessionStep {
  /** Frames to send, in order. */
  readonly send: Uint8Array[];
  /** Set when the sequence has its answer. */
  readonly done?: SessionResult;
}

/**
 * TS_UD_CS_CLUSTER Flags (MS-RDPBCGR 2.2.1.3.5) as mstsc sends them: REDIRECTION_SUPPORTED and
 * ServerSessionRedirectionVersionMask = REDIRECTION_VERSION4. A connection broker then answers
 * with a Server Redirection PDU, which the stage reports (it never follows it).
 */
const CLUSTER_REDIRECTION_SUPPORTED = 0x01;
const CLUSTER_REDIRECTION_VERSION4 = 0x03 << 2;
const CLUSTER_FLAGS = CLUSTER_REDIRECTION_SUPPORTED | CLUSTER_REDIRECTION_VERSION4;
/** Longest LoadBalanceInfo text kept in the observation. */
const LOAD_BALANCE_INFO_MAX = 128;
/** Erect Domain Request subHeight / subInterval: 0 and 0, as every RDP client (MS-RDPBCGR 2.2.1.5.1). */
const ERECT_DOMAIN = { subHeight: 0, subInterval: 0 } as const;
/** The client random of the Security Exchange (MS-RDPBCGR 5.3.4). */
const CLIENT_RANDOM_SIZE = 32;
/** TS_UD_SC_MCS_MSGCHANNEL (MS-RDPBCGR 2.2.1.4.5): MCSChannelID u16. */
const MSG_CHANNEL_ID_SIZE = 2;
/** Licensing preamble flags the client adds to the version (MS-RDPBCGR 2.2.1.12.1.1). */
const CLIENT_PREAMBLE_FLAGS = LicensingPreambleFlag.EXTENDED_ERROR_MSG_SUPPORTED;
/** TS_EXTENDED_INFO_PACKET clientAddressFamily AF_INET. */
const AF_INET = 0x0002;
/** PERF_DISABLE_WALLPAPER | PERF_DISABLE_FULLWINDOWDRAG | PERF_DISABLE_MENUANIMATIONS (2.2.1.11.1.1.1). */
const PERFORMANCE_FLAGS = 0x00000007;
/** Confirm Active sourceDescriptor (any ANSI text; mstsc sends "MSTSC"). */
const SOURCE_DESCRIPTOR = Uint8Array.from(Buffer.from('RDP-DOCTOR\0', 'latin1'));
/** Fast-path output header (MS-RDPBCGR 2.2.9.1.2): action bits 0 = FASTPATH_OUTPUT_ACTION_FASTPATH. */
const FASTPATH_ACTION_MASK = 0x03;
/** Security-header flags of PDUs the client never asked for (MS-RDPBCGR 2.2.8.1.1.2.1). */
const IGNORED_SECURITY_FLAGS =
  SecurityFlag.SEC_REDIRECTION_PKT |
  SecurityFlag.SEC_AUTODETECT_REQ |
  SecurityFlag.SEC_HEARTBEAT |
  SecurityFlag.SEC_TRANSPORT_REQ;

const DESKTOP = CLIENT_DESKTOP;

/**
 * How long the next frame is: slow-path TPKT frames always; fast-path output frames only once
 * `fastPath` (after Demand Active). Anything else is malformed at once rather than read until the
 * timeout.
 */
export function sessionFrameLength(fastPath: boolean): (bytes: Uint8Array) => FrameLength {
  return (bytes) => {
    if (bytes.length === 0) return { kind: 'need-more', atLeast: 1 };
    if (bytes[0] === TPKT_VERSION || !fastPath) return tpktFrameLength(bytes);
    if ((bytes[0]! & FASTPATH_ACTION_MASK) !== 0)
      return {
        kind: 'malformed',
        error: new DecodeError({
          structure: 'FastPathOutput',
          kind: 'unexpected-type',
          field: 'fpOutputHeader',
          offset: 0,
          detail: `neither TPKT nor fast-path output: 0x${bytes[0]!.toString(16).padStart(2, '0')}`,
        }),
      };
    // length1, and length2 when length1's top bit is set (a 15-bit length); it counts the header.
    if (bytes.length < 2) return { kind: 'need-more', atLeast: 2 };
    const first = bytes[1]!;
    if ((first & 0x80) === 0) return lengthAtLeast(first, 2);
    if (bytes.length < 3) return { kind: 'need-more', atLeast: 3 };
    return lengthAtLeast(((first & 0x7f) << 8) | bytes[2]!, 3);
  };
}

function lengthAtLeast(length: number, headerSize: number): FrameLength {
  if (length < headerSize)
    return {
      kind: 'malformed',
      error: new DecodeError({
        structure: 'FastPathOutput',
        kind: 'invalid-field',
        field: 'length',
        offset: 1,
        detail: `${length} is shorter than its own header`,
      }),
    };
  return { kind: 'length', length };
}

/** The client's GCC conference data: core, security, network (no channels), cluster (MS-RDPBCGR 2.2.1.3). */
export function buildSessionConnectInitial(selectedProtocol: number, clientName: string): Uint8Array {
  return encodeClientConnectInitial({
    core: clientCoreData(selectedProtocol, clientName),
    security: { encryptionMethods: OFFERED_ENCRYPTION_METHODS, extEncryptionMethods: 0 },
    channels: [],
    cluster: { flags: CLUSTER_FLAGS, redirectedSessionId: 0 },
    other: [],
  });
}

/** ERRINFO name from the shared table (MS-RDPBCGR 2.2.5.1.1), or "unknown error info 0x...". */
export function errorInfoName(code: number): string {
  return (
    ERROR_INFO_CODES.find((entry) => entry.value === code)?.name ??
    `unknown error info 0x${code.toString(16).padStart(8, '0')}`
  );
}

interface Encryption {
  readonly security: StandardSecurity;
  readonly fips: boolean;
  /** ENCRYPTION_LEVEL_LOW encrypts the client's PDUs only; the others both directions. */
  readonly level: number;
}

/** A pure client of the connection sequence, one frame at a time. */
export class SessionClient {
  private phase: SessionPhase = 'mcs-connect';
  private readonly completed: SessionPhase[] = [];
  private userChannelId = 0;
  private ioChannelId = MCS_IO_CHANNEL_ID;
  private readonly channelsToJoin: number[] = [];
  private encryption: Encryption | undefined;
  private serverPublicKey: { modulusLE: Uint8Array; exponent: number } | undefined;
  private licensingClient: LicensingClient | undefined;
  private licensing: LicensingFacts | undefined;
  private errorInfo: ErrorInfoFact | undefined;
  private ultimatum: SessionObservation['ultimatum'];
  private mcsResult: string | undefined;
  private demandActive: SessionObservation['demandActive'];
  private logonErrors: SessionObservation['logonErrors'];
  private redirection: SessionObservation['redirection'];
  private shareId = 0;
  private finished: SessionResult | undefined;

  constructor(private readonly options: SessionClientOptions) {}

  /** The phase the sequence is in (the last one started). */
  get currentPhase(): SessionPhase {
    return this.phase;
  }

  /** Fast-path output is allowed once the server has sent Demand Active. */
  get fastPathAllowed(): boolean {
    return this.demandActive !== undefined;
  }

  /** A Set Error Info came: the server is about to end the connection (wait only a moment). */
  get errorInfoReceived(): boolean {
    return this.errorInfo !== undefined;
  }

  /** The frames that open the sequence: the MCS Connect Initial. */
  start(): Uint8Array[] {
    return [buildSessionConnectInitial(this.options.selectedProtocol, this.options.clientName)];
  }

  /**
   * One frame from the server. Hostile input ends as an outcome: a frame that does not decode
   * gives 'malformed' in its phase, never an exception.
   */
  receive(frame: Uint8Array): SessionStep {
    if (this.finished) return { send: [], done: this.finished };
    try {
      return this.receiveFrame(frame);
    } catch (error) {
      if (error instanceof DecodeError || error instanceof RangeError)
        return { send: [], done: this.finish('malformed') };
      throw error;
    }
  }

  /** The connection ended (or the read timed out) before the sequence had its answer. */
  end(how: 'closed' | 'reset' | 'timeout'): SessionResult {
    if (this.finished) return this.finished;
    if (this.errorInfo) return this.finish('error-info');
    if (this.licensing?.outcome === 'error-alert') return this.finish('licensing-error');
    return this.finish(how);
  }

  /** A frame that could not be framed (neither TPKT nor, after Demand Active, fast-path). */
  malformed(): SessionResult {
    return this.finished ?? this.finish('malformed');
  }

  /** The clean end: MCS Disconnect Provider Ultimatum, rn-user-requested (MS-RDPBCGR 2.2.2.3). */
  goodbye(): Uint8Array[] {
    return [
      encodeMcsFrame(
        encodeDomainPdu({
          type: 'disconnect-provider-ultimatum',
          reason: UltimatumReason['rn-user-requested'],
        }),
      ),
    ];
  }

  private receiveFrame(frame: Uint8Array): SessionStep {
    if (frame[0] !== TPKT_VERSION) {
      // Fast-path output (updates) after Demand Active: nothing in it matters to the diagnosis.
      if (this.fastPathAllowed) return { send: [] };
      return { send: [], done: this.finish('malformed') };
    }
    if (this.phase === 'mcs-connect') return this.onConnectResponse(frame);
    const pdu = decodeMcsFrame(frame);
    switch (pdu.type) {
      case 'disconnect-provider-ultimatum':
        this.ultimatum = { reason: pdu.reason, name: ultimatumReasonName(pdu.reason), phase: this.phase };
        return {
          send: [],
          done: this.finish(
            this.errorInfo
              ? 'error-info'
              : this.licensing?.outcome === 'error-alert'
                ? 'licensing-error'
                : 'disconnect-ultimatum',
          ),
        };
      case 'attach-user-confirm':
        return this.onAttachUserConfirm(pdu);
      case 'channel-join-confirm':
        return this.onChannelJoinConfirm(pdu);
      case 'send-data-indication':
        // The message channel and static channels carry nothing the diagnosis reads.
        if (pdu.channelId !== this.ioChannelId) return { send: [] };
        return this.onIoData(pdu.userData);
      default:
        return { send: [], done: this.finish('malformed') };
    }
  }

  private onConnectResponse(frame: Uint8Array): SessionStep {
    let response: ReturnType<typeof decodeServerConnectResponse>;
    try {
      response = decodeServerConnectResponse(frame);
    } catch (error) {
      // A server that refuses at once may answer with an ultimatum instead.
      const pdu = tryDecodeMcsFrame(frame);
      if (pdu?.type === 'disconnect-provider-ultimatum') {
        this.ultimatum = { reason: pdu.reason, name: ultimatumReasonName(pdu.reason), phase: this.phase };
        return { send: [], done: this.finish('disconnect-ultimatum') };
      }
      throw error;
    }
    if (response.mcs.result !== McsResult['rt-successful']) {
      this.mcsResult = mcsResultName(response.mcs.result);
      return { send: [], done: this.finish('mcs-refused') };
    }
    const server = response.conference?.serverData;
    if (!server) return { send: [], done: this.finish('malformed') };
    this.takeServerData(server);
    this.complete('mcs-connect');
    const send = [
      encodeMcsFrame(encodeDomainPdu({ type: 'erect-domain-request', ...ERECT_DOMAIN })),
      encodeMcsFrame(encodeDomainPdu({ type: 'attach-user-request' })),
    ];
    this.phase = 'erect-domain';
    this.complete('erect-domain');
    this.phase = 'attach-user';
    return { send };
  }

  private takeServerData(server: ServerData): void {
    if (server.network) this.ioChannelId = server.network.mcsChannelId;
    const staticChannels = server.network?.channelIds ?? [];
    const messageChannel = server.other.find((block) => block.type === DataBlockType.SC_MCS_MSGCHANNEL);
    const messageChannelId =
      messageChannel && messageChannel.body.length >= MSG_CHANNEL_ID_SIZE
        ? messageChannel.body[0]! | (messageChannel.body[1]! << 8)
        : undefined;
    // The user channel comes first; its id is known only from the Attach User Confirm.
    this.channelsToJoin.push(
      this.ioChannelId,
      ...staticChannels.filter((id) => id !== 0),
      ...(messageChannelId ? [messageChannelId] : []),
    );
    const security = server.security;
    if (
      this.options.underProtocol === 'RDP' &&
      security &&
      security.encryptionMethod !== EncryptionMethod.NONE &&
      security.encryptionLevel !== EncryptionLevel.NONE
    ) {
      // The proprietary certificate's RSA1 key, or the last certificate of an X.509 chain.
      if (security.certificate) this.serverPublicKey = serverPublicKey(security.certificate);
      if (!this.serverPublicKey || !security.serverRandom)
        throw new DecodeError({
          structure: 'TS_UD_SC_SEC1',
          kind: 'invalid-field',
          field: 'serverCertificate',
          offset: 0,
          detail: 'encryption without a usable server key or random',
        });
      const clientRandom = this.options.random(CLIENT_RANDOM_SIZE);
      const keys = deriveSessionKeys(clientRandom, security.serverRandom, security.encryptionMethod);
      this.encryption = {
        security: StandardSecurity.forClient(keys),
        fips: security.encryptionMethod === EncryptionMethod.FIPS,
        level: security.encryptionLevel,
      };
      this.clientRandom = clientRandom;
    }
  }

  private clientRandom: Uint8Array | undefined;

  private onAttachUserConfirm(pdu: Extract<DomainPdu, { type: 'attach-user-confirm' }>): SessionStep {
    if (this.phase !== 'attach-user') return { send: [], done: this.finish('malformed') };
    if (pdu.result !== McsResult['rt-successful']) {
      this.mcsResult = mcsResultName(pdu.result);
      return { send: [], done: this.finish('mcs-refused') };
    }
    if (pdu.initiator === undefined) return { send: [], done: this.finish('malformed') };
    this.userChannelId = pdu.initiator;
    this.channelsToJoin.unshift(pdu.initiator);
    this.complete('attach-user');
    this.phase = 'channel-join';
    return { send: [this.channelJoinRequest(this.channelsToJoin[0]!)] };
  }

  private channelJoinRequest(channelId: number): Uint8Array {
    return encodeMcsFrame(
      encodeDomainPdu({ type: 'channel-join-request', initiator: this.userChannelId, channelId }),
    );
  }

  private onChannelJoinConfirm(pdu: Extract<DomainPdu, { type: 'channel-join-confirm' }>): SessionStep {
    if (this.phase !== 'channel-join' || pdu.requested !== this.channelsToJoin[0])
      return { send: [], done: this.finish('malformed') };
    if (pdu.result !== McsResult['rt-successful']) {
      this.mcsResult = mcsResultName(pdu.result);
      return { send: [], done: this.finish('mcs-refused') };
    }
    this.channelsToJoin.shift();
    const next = this.channelsToJoin[0];
    if (next !== undefined) return { send: [this.channelJoinRequest(next)] };
    this.complete('channel-join');
    const send: Uint8Array[] = [];
    if (this.encryption && this.serverPublicKey && this.clientRandom) {
      this.phase = 'security-exchange';
      const encrypted = rsaEncryptLittleEndian(
        this.clientRandom,
        this.serverPublicKey.modulusLE,
        this.serverPublicKey.exponent,
      );
      send.push(this.sendData(encodeSecurityExchange(encrypted)));
      this.complete('security-exchange');
    }
    this.phase = 'client-info';
    send.push(this.sendData(this.secured(SecurityFlag.SEC_INFO_PKT, this.clientInfoBytes(), true)));
    this.complete('client-info');
    this.phase = 'licensing';
    this.licensingClient = new LicensingClient({
      ...(this.serverPublicKey ? { serverPublicKey: this.serverPublicKey } : {}),
      clientUserName: this.options.clientInfo.userName,
      clientMachineName: this.options.clientName,
      random: this.options.random,
    });
    return { send };
  }

  private clientInfoBytes(): Uint8Array {
    const logonFlags = this.options.fullLogon ? InfoFlag.INFO_LOGONNOTIFY | InfoFlag.INFO_LOGONERRORS : 0;
    const info: ClientInfo = {
      codePage: 0,
      flags:
        InfoFlag.INFO_MOUSE |
        InfoFlag.INFO_DISABLECTRLALTDEL |
        InfoFlag.INFO_UNICODE |
        InfoFlag.INFO_MAXIMIZESHELL |
        InfoFlag.INFO_ENABLEWINDOWSKEY |
        logonFlags,
      domain: this.options.clientInfo.domain,
      userName: this.options.clientInfo.userName,
      // INVARIANT: never a password here (see SessionClientOptions.clientInfo).
      password: '',
      alternateShell: '',
      workingDir: '',
      extended: {
        clientAddressFamily: AF_INET,
        clientAddress: '',
        clientDir: '',
        clientSessionId: 0,
        performanceFlags: PERFORMANCE_FLAGS,
      },
    };
    return encodeClientInfo(info);
  }

  /** A security header (and encryption, when asked and Standard RDP Security is on) around `body`. */
  private secured(flags: number, body: Uint8Array, encrypt: boolean): Uint8Array {
    const encryption = this.encryption;
    if (!encrypt || !encryption)
      return concatBytes(encodeSecurityHeader({ kind: 'basic', flags, flagsHi: 0 }), body);
    const sealed = encryption.security.encrypt(body, {});
    const header: SecurityHeader = encryption.fips
      ? {
          kind: 'fips',
          flags: flags | SecurityFlag.SEC_ENCRYPT,
          flagsHi: 0,
          padLength: sealed.padLength ?? 0,
          signature: sealed.signature,
        }
      : {
          kind: 'non-fips',
          flags: flags | SecurityFlag.SEC_ENCRYPT,
          flagsHi: 0,
          signature: sealed.signature,
        };
    return concatBytes(encodeSecurityHeader(header), sealed.data);
  }

  /** Slow-path PDUs from the client: encrypted under Standard RDP Security, bare under TLS (2.2.8.1.1.2). */
  private sharePdus(pdus: readonly SlowPathPdu[]): Uint8Array[] {
    return pdus.map((pdu) => {
      const bytes = encodeSlowPathPdu(pdu, this.userChannelId);
      return this.sendData(this.encryption ? this.secured(0, bytes, true) : bytes);
    });
  }

  private sendData(userData: Uint8Array): Uint8Array {
    return encodeMcsFrame(
      encodeDomainPdu({
        type: 'send-data-request',
        initiator: this.userChannelId,
        channelId: this.ioChannelId,
        priority: DataPriority.high,
        segmentation: Segmentation.whole,
        userData,
      }),
    );
  }

  /** A PDU on the I/O channel: licensing, or slow-path Share Control PDUs. */
  private onIoData(userData: Uint8Array): SessionStep {
    if (this.encryption) {
      // Standard RDP Security: every PDU has a header; a signature only with SEC_ENCRYPT (a
      // server at ENCRYPTION_LEVEL_LOW sends its PDUs in the clear with a basic header).
      const { header, bodyOffset } = decodeSecurityHeaderFor(
        userData,
        this.encryption.fips ? 'fips' : 'non-fips',
      );
      const flags = header.flags;
      const body =
        header.kind === 'basic'
          ? userData.subarray(bodyOffset)
          : this.encryption.security.decrypt(
              header.signature,
              userData.subarray(bodyOffset),
              header.kind === 'fips' ? header.padLength : undefined,
              { secureChecksum: (flags & SecurityFlag.SEC_SECURE_CHECKSUM) !== 0 },
            );
      if (flags & SecurityFlag.SEC_LICENSE_PKT) return this.onLicensing(body, flags);
      // Heartbeats, auto-detect and redirection packets were not asked for: nothing to read.
      if (flags & IGNORED_SECURITY_FLAGS) return { send: [] };
      return this.onSharePdus(body);
    }
    // ENCRYPTION_LEVEL_NONE (TLS): only licensing PDUs carry a security header; Share Control
    // PDUs come bare (2.2.8.1.1.2). Before licensing ends, tell them apart by their shape.
    if (this.phase === 'licensing' && !looksLikeShareControl(userData)) {
      const { header, bodyOffset } = decodeSecurityHeader(userData, 'basic');
      if (header.flags & SecurityFlag.SEC_LICENSE_PKT)
        return this.onLicensing(userData.subarray(bodyOffset), header.flags);
      return { send: [], done: this.finish('malformed') };
    }
    return this.onSharePdus(userData);
  }

  private onLicensing(body: Uint8Array, securityFlags: number): SessionStep {
    // Licensing PDUs after licensing ended (a repeated alert) change nothing.
    if (!this.licensingClient || (this.licensing && this.licensing.outcome !== 'incomplete'))
      return { send: [] };
    const { flags, pdu } = decodeLicensingPdu(body);
    const step = this.licensingClient.receive(pdu, flags);
    this.licensing = step.done ?? this.licensingClient.facts();
    const send: Uint8Array[] = [];
    if (step.reply) {
      // The server asks for encrypted licensing replies with SEC_LICENSE_ENCRYPT_CS.
      const encrypt = (securityFlags & SecurityFlag.SEC_LICENSE_ENCRYPT_CS) !== 0;
      const replyFlags =
        (step.replyFlags ?? LicensingPreambleFlag.PREAMBLE_VERSION_3_0) | CLIENT_PREAMBLE_FLAGS;
      send.push(
        this.sendData(
          this.secured(SecurityFlag.SEC_LICENSE_PKT, encodeLicensingPdu(step.reply, replyFlags), encrypt),
        ),
      );
    }
    if (step.done && step.done.outcome !== 'error-alert' && step.done.outcome !== 'incomplete') {
      this.complete('licensing');
      this.phase = 'capabilities';
    }
    return { send };
  }

  private onSharePdus(bytes: Uint8Array): SessionStep {
    const send: Uint8Array[] = [];
    for (const { pdu } of decodeSlowPathPdus(bytes)) {
      const step = this.onSharePdu(pdu);
      send.push(...step.send);
      if (step.done) return { send, done: step.done };
    }
    return { send };
  }

  private onSharePdu(pdu: SlowPathPdu): SessionStep {
    switch (pdu.type) {
      case 'demand-active':
        return this.onDemandActive(pdu);
      case 'data':
        return this.onDataPdu(pdu.body);
      case 'server-redirection':
        // After Demand Active (a reconnect-time redirection) the answer is already in.
        if (this.demandActive) return { send: [] };
        this.redirection = redirectionFacts(decodeEnhancedSecurityRedirection(pdu.raw));
        return { send: [], done: this.finish('redirected') };
      default:
        // Deactivate All (a reactivation follows), FlowPDUs: wait for what comes next.
        return { send: [] };
    }
  }

  private onDemandActive(pdu: Extract<SlowPathPdu, { type: 'demand-active' }>): SessionStep {
    const firstTime = this.demandActive === undefined;
    if (this.phase === 'licensing') {
      // Some servers skip licensing, or go on after a non-fatal Error Alert.
      if (this.licensing?.outcome === 'valid-client' || this.licensing?.outcome === 'license-issued')
        this.complete('licensing');
      this.phase = 'capabilities';
    }
    this.shareId = pdu.shareId;
    let desktop: { desktopWidth?: number; desktopHeight?: number } = {};
    try {
      const bitmap = readBitmapCapability(pdu.capabilitySets);
      if (bitmap) desktop = { desktopWidth: bitmap.desktopWidth, desktopHeight: bitmap.desktopHeight };
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
    }
    this.demandActive = {
      shareId: pdu.shareId,
      sourceDescriptor: Buffer.from(pdu.sourceDescriptor).toString('latin1').replace(/\0+$/, ''),
      capabilitySets: pdu.capabilitySets.length,
      ...desktop,
    };
    if (firstTime) this.complete('capabilities');
    if (!this.options.fullLogon)
      return {
        send: [],
        done: this.finish(this.options.credentialsSent ? 'credentials-accepted' : 'logon-screen'),
      };
    // Full logon: Confirm Active and the client's finalization PDUs (MS-RDPBCGR 1.3.1.1, 2.2.1.13.2-2.2.1.18).
    this.phase = 'finalization';
    const data = (pduType2: number, body: DataPdu): SlowPathPdu => ({
      type: 'data',
      shareId: this.shareId,
      pduType2,
      body,
    });
    return {
      send: this.sharePdus([
        {
          type: 'confirm-active',
          shareId: pdu.shareId,
          originatorId: SERVER_CHANNEL_ID,
          sourceDescriptor: SOURCE_DESCRIPTOR,
          capabilitySets: clientCapabilitySets(),
        },
        data(PduType2.PDUTYPE2_SYNCHRONIZE, { kind: 'synchronize', targetUser: SERVER_CHANNEL_ID }),
        data(PduType2.PDUTYPE2_CONTROL, {
          kind: 'control',
          action: ControlAction.CTRLACTION_COOPERATE,
          grantId: 0,
          controlId: 0,
        }),
        data(PduType2.PDUTYPE2_CONTROL, {
          kind: 'control',
          action: ControlAction.CTRLACTION_REQUEST_CONTROL,
          grantId: 0,
          controlId: 0,
        }),
        data(PduType2.PDUTYPE2_FONTLIST, { kind: 'font-list' }),
      ]),
    };
  }

  private onDataPdu(body: DataPdu): SessionStep {
    switch (body.kind) {
      case 'set-error-info':
        // ERRINFO_NONE says nothing; a later code (the real reason) replaces an earlier one.
        if (body.errorInfo !== 0)
          this.errorInfo = { code: body.errorInfo, name: errorInfoName(body.errorInfo), phase: this.phase };
        return { send: [] };
      case 'font-map':
        if (this.phase === 'finalization') {
          this.complete('finalization');
          this.phase = 'logon';
        }
        return { send: [] };
      case 'save-session-info':
        return this.onSaveSessionInfo(body);
      default:
        return { send: [] };
    }
  }

  private onSaveSessionInfo(body: Extract<DataPdu, { kind: 'save-session-info' }>): SessionStep {
    if (body.logonErrors) {
      const { errorNotificationType: type, errorNotificationData: data } = body.logonErrors;
      this.logonErrors = { type, typeName: logonErrorTypeName(type), data };
      // LOGON_MSG_SESSION_CONTINUE: the logon goes on (a warning); anything else is its answer.
      if (type !== LogonErrorType.LOGON_MSG_SESSION_CONTINUE)
        return { send: [], done: this.finish('logon-error') };
      return { send: [] };
    }
    if (
      body.infoType === InfoType.INFOTYPE_LOGON ||
      body.infoType === InfoType.INFOTYPE_LOGON_LONG ||
      body.infoType === InfoType.INFOTYPE_LOGON_PLAINNOTIFY ||
      body.autoReconnect
    ) {
      if (this.phase === 'finalization') this.complete('finalization');
      this.phase = 'logon';
      this.complete('logon');
      return { send: [], done: this.finish('logged-on') };
    }
    return { send: [] };
  }

  private complete(phase: SessionPhase): void {
    if (!this.completed.includes(phase)) this.completed.push(phase);
  }

  private finish(outcome: SessionOutcome): SessionResult {
    this.finished = {
      underProtocol: this.options.underProtocol,
      credentialsSent: this.options.credentialsSent,
      outcome,
      phase: this.phase,
      phasesCompleted: [...this.completed],
      ...(this.errorInfo ? { errorInfo: this.errorInfo } : {}),
      ...(this.ultimatum ? { ultimatum: this.ultimatum } : {}),
      ...(this.mcsResult ? { mcsResult: this.mcsResult } : {}),
      ...(this.licensing ? { licensing: this.licensing } : {}),
      ...(this.demandActive ? { demandActive: this.demandActive } : {}),
      ...(this.logonErrors ? { logonErrors: this.logonErrors } : {}),
      ...(this.redirection ? { redirection: this.redirection } : {}),
    };
    return this.finished;
  }
}

/** What the report may show of a Server Redirection Packet: where it points, never the cookie. */
export function redirectionFacts(
  packet: ServerRedirectionPacket,
): NonNullable<SessionObservation['redirection']> {
  const named = [
    packet.targetFqdn,
    packet.targetNetBiosName,
    packet.targetNetAddress,
    ...(packet.targetNetAddresses ?? []),
  ].filter((target): target is string => target !== undefined && target !== '');
  return {
    sessionId: packet.sessionId,
    targets: [...new Set(named)],
    ...(packet.loadBalanceInfo ? { loadBalanceInfo: loadBalanceInfoText(packet.loadBalanceInfo) } : {}),
  };
}

/** Printable ASCII (the usual "Cookie: msts=..." or "tsv://..." with its CR LF dropped) as text, else hex; capped. */
function loadBalanceInfoText(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0d || bytes[end - 1] === 0x0a || bytes[end - 1] === 0)) end--;
  const body = bytes.subarray(0, end);
  const printable = body.every((byte) => byte >= 0x20 && byte <= 0x7e);
  const text = printable ? Buffer.from(body).toString('latin1') : Buffer.from(bytes).toString('hex');
  return text.slice(0, LOAD_BALANCE_INFO_MAX);
}

function tryDecodeMcsFrame(frame: Uint8Array): DomainPdu | undefined {
  try {
    return decodeMcsFrame(frame);
  } catch {
    return undefined;
  }
}

/**
 * Whether bytes under ENCRYPTION_LEVEL_NONE are a bare Share Control PDU rather than a licensing
 * PDU's security header: totalLength (u16le) covers the first PDU exactly or leaves room for more,
 * and pduType (u16le) carries TS_PROTOCOL_VERSION in bits 4-7 (MS-RDPBCGR 2.2.8.1.1.1.1).
 */
function looksLikeShareControl(bytes: Uint8Array): boolean {
  if (bytes.length < 6) return false;
  const totalLength = bytes[0]! | (bytes[1]! << 8);
  const pduType = bytes[2]! | (bytes[3]! << 8);
  return totalLength >= 6 && totalLength <= bytes.length && (pduType & 0xfff0) === 0x0010;
}

/** One capability set's data (after its type and length), written little-endian field by field. */
function capability(type: number, fields: readonly (readonly ['u8' | 'u16' | 'u32', number] | Uint8Array)[]) {
  const parts: number[] = [];
  for (const field of fields) {
    if (field instanceof Uint8Array) parts.push(...field);
    else {
      const [kind, value] = field;
      const size = kind === 'u8' ? 1 : kind === 'u16' ? 2 : 4;
      for (let index = 0; index < size; index++) parts.push((value >>> (8 * index)) & 0xff);
    }
  }
  return { type, data: Uint8Array.from(parts) } satisfies CapabilitySet;
}

/**
 * The client's capability sets for Confirm Active: the ones MS-RDPBCGR 2.2.1.13.2.1 requires of a
 * client (General, Bitmap, Order, Bitmap Cache, Pointer, Input, Brush, Glyph Cache, Offscreen
 * Cache, Virtual Channel, Sound) plus Control, Window Activation, Share and Font as mstsc sends
 * them. Modest values: no drawing orders, no compression, so the server sends plain bitmaps.
 */
export function clientCapabilitySets(): CapabilitySet[] {
  const u16 = (value: number) => ['u16', value] as const;
  const u32 = (value: number) => ['u32', value] as const;
  const u8 = (value: number) => ['u8', value] as const;
  const { width, height } = DESKTOP;
  // prettier-ignore
  return [
    // 2.2.7.1.1 General: OSMAJORTYPE_UNIX, OSMINORTYPE_NATIVE_XSERVER, TS_CAPS_PROTOCOLVERSION, extraFlags
    // FASTPATH_OUTPUT_SUPPORTED (FreeRDP servers insist) | LONG_CREDENTIALS_SUPPORTED | NO_BITMAP_COMPRESSION_HDR.
    capability(CapabilitySetType.CAPSTYPE_GENERAL, [
      u16(4), u16(7), u16(0x0200), u16(0), u16(0), u16(0x0405), u16(0), u16(0), u16(0), u8(0), u8(0),
    ]),
    // 2.2.7.1.2 Bitmap: 16 bpp, 1/4/8 bpp receive, the desktop, resize allowed, compression.
    capability(CapabilitySetType.CAPSTYPE_BITMAP, [
      u16(16), u16(1), u16(1), u16(1), u16(width), u16(height), u16(0), u16(1), u16(1), u8(0), u8(0),
      u16(1), u16(0),
    ]),
    // 2.2.7.1.3 Order: NEGOTIATEORDERSUPPORT | ZEROBOUNDSDELTASSUPPORT, no order supported.
    capability(CapabilitySetType.CAPSTYPE_ORDER, [
      new Uint8Array(16), u32(0), u16(1), u16(20), u16(0), u16(1), u16(0), u16(0x000a),
      new Uint8Array(32), u16(0), u16(0), u32(0), u32(230400), u16(0), u16(0), u16(0), u16(0),
    ]),
    // 2.2.7.1.4.1 Bitmap Cache (revision 1): six pads, three caches (entries, cell size).
    capability(CapabilitySetType.CAPSTYPE_BITMAPCACHE, [
      new Uint8Array(24), u16(200), u16(256), u16(600), u16(1024), u16(1000), u16(4096),
    ]),
    // 2.2.7.1.5 Pointer: colour pointers, 20-entry caches.
    capability(CapabilitySetType.CAPSTYPE_POINTER, [u16(1), u16(20), u16(20)]),
    // 2.2.7.1.6 Input: INPUT_FLAG_SCANCODES, US keyboard (as in the core data).
    capability(CapabilitySetType.CAPSTYPE_INPUT, [
      u16(0x0001), u16(0), u32(0x0409), u32(4), u32(0), u32(12), new Uint8Array(64),
    ]),
    // 2.2.7.1.7 Brush: BRUSH_DEFAULT.
    capability(CapabilitySetType.CAPSTYPE_BRUSH, [u32(0)]),
    // 2.2.7.1.8 Glyph Cache: ten caches, the fragment cache, GLYPH_SUPPORT_NONE.
    capability(CapabilitySetType.CAPSTYPE_GLYPHCACHE, [new Uint8Array(40), u32(0), u16(0), u16(0)]),
    // 2.2.7.1.9 Offscreen Bitmap Cache: not supported.
    capability(CapabilitySetType.CAPSTYPE_OFFSCREENCACHE, [u32(0), u16(0), u16(0)]),
    // 2.2.7.1.10 Virtual Channel: no compression, default chunk size.
    capability(CapabilitySetType.CAPSTYPE_VIRTUALCHANNEL, [u32(0), u32(1600)]),
    // 2.2.7.1.11 Sound: no beeps.
    capability(CapabilitySetType.CAPSTYPE_SOUND, [u16(0), u16(0)]),
    // 2.2.7.2.2 Control, 2.2.7.2.3 Window Activation, 2.2.7.2.4 Share, 2.2.7.2.5 Font (FONTSUPPORT_FONTLIST).
    capability(CapabilitySetType.CAPSTYPE_CONTROL, [u16(0), u16(0), u16(2), u16(2)]),
    capability(CapabilitySetType.CAPSTYPE_ACTIVATION, [u16(0), u16(0), u16(0), u16(0)]),
    capability(CapabilitySetType.CAPSTYPE_SHARE, [u16(0), u16(0)]),
    capability(CapabilitySetType.CAPSTYPE_FONT, [u16(0x0001), u16(0)]),
  ];
}

// ---- the driver --------------------------------------------------------------------------------

/** After a Set Error Info, how long to wait for the close or ultimatum that should follow. */
export const ERROR_INFO_GRACE_MS = 1000;
/** With --logon, the logon (profile load, Save Session Info) may take this many step timeouts. */
export const LOGON_WAIT_STEPS = 5;
/** How long the clean close may take before the socket is destroyed. */
const CLOSE_GRACE_MS = 500;

/** EARLY_USER_AUTHORIZATION_RESULT_PDU (MS-RDPBCGR 2.2.10.2): authorizationResult, u32le. */
const EARLY_USER_AUTHORIZATION_SIZE = 4;
const EarlyUserAuthorization = { AUTHZ_SUCCESS: 0x00000000, AUTHZ_ACCESS_DENIED: 0x00000005 } as const;

export interface SessionStageOptions {
  readonly timeoutMs: number;
  /** 'RDP', 'SSL', 'HYBRID' or 'HYBRID_EX': what the X.224 negotiation selected. */
  readonly underProtocol: string;
  readonly selectedProtocol: number;
  /** With --user: the CredSSP logon comes first, on the TLS socket. */
  readonly credentials?: Credentials;
  readonly fullLogon?: boolean;
  /** The TLS leaf certificate (DER), for CredSSP's public-key binding. */
  readonly serverCertificateDer?: Uint8Array;
  readonly random?: (length: number) => Uint8Array;
  readonly now?: () => Date;
  readonly clientName?: string;
  /** CredSSP's MsvAvTargetName, e.g. "TERMSRV/host". */
  readonly targetName?: string;
}

/**
 * The session stage on a connection that has passed the security layer: a Conversation over the
 * raw socket (Standard RDP Security) or the established TLS socket (SSL, HYBRID, HYBRID_EX). It
 * never throws for anything the server does, and every read has the step timeout.
 */
export async function sessionStage(
  transport: Conversation | tls.TLSSocket,
  options: SessionStageOptions,
): Promise<Attempt<SessionObservation>> {
  const started = performance.now();
  const { randomBytes } = await import('node:crypto');
  const random = options.random ?? ((length: number) => new Uint8Array(randomBytes(length)));
  const credentials = options.credentials;
  const before: SessionPhase[] = [];
  let logon: LogonFacts | undefined;
  let conversation: Conversation;
  if (transport instanceof Conversation) {
    conversation = transport;
  } else {
    const socket = transport as tls.TLSSocket;
    if (credentials) {
      const { logonWithCredssp } = await import('./credssp-logon.js');
      const logonStarted = performance.now();
      logon = await logonWithCredssp(socket, credentials, {
        timeoutMs: options.timeoutMs,
        serverCertificateDer: options.serverCertificateDer ?? new Uint8Array(0),
        random,
        ...(options.now ? { now: options.now } : {}),
        ...(options.targetName ? { targetName: options.targetName } : {}),
      });
      logon = { ...logon, fullLogon: Boolean(options.fullLogon) };
      if (logon.status !== 'accepted') {
        return finishAttempt(
          {
            underProtocol: options.underProtocol,
            credentialsSent: true,
            // LogonFacts does not say how a failed exchange ended: one that used up its time
            // budget timed out; otherwise the server closed or answered what does not decode.
            outcome:
              logon.status === 'refused'
                ? 'credentials-refused'
                : performance.now() - logonStarted >= options.timeoutMs
                  ? 'timeout'
                  : 'closed',
            phase: 'credssp-logon',
            phasesCompleted: [],
            logon,
          },
          started,
        );
      }
      before.push('credssp-logon');
    }
    conversation = new Conversation(socket as net.Socket);
    // logonWithCredssp leaves the socket paused for whoever reads next.
    socket.resume();
    if (credentials && options.underProtocol === 'HYBRID_EX') {
      // HYBRID_EX: the server says whether the user may log on before the MCS sequence starts.
      const answer = await conversation.readFrame(
        (bytes) =>
          bytes.length >= EARLY_USER_AUTHORIZATION_SIZE
            ? { kind: 'length', length: EARLY_USER_AUTHORIZATION_SIZE }
            : { kind: 'need-more', atLeast: EARLY_USER_AUTHORIZATION_SIZE },
        options.timeoutMs,
      );
      const base = {
        underProtocol: options.underProtocol,
        credentialsSent: true,
        phase: 'early-user-authorization' as const,
        phasesCompleted: [...before],
        ...(logon ? { logon } : {}),
      };
      if (answer.kind !== 'pdu') {
        await closeQuietly(conversation, []);
        return finishAttempt(
          { ...base, outcome: answer.kind },
          started,
          answer.kind === 'timeout' ? timeoutStall(answer.received, answer) : undefined,
        );
      }
      const result = Buffer.from(answer.bytes).readUInt32LE(0);
      if (result !== EarlyUserAuthorization.AUTHZ_SUCCESS) {
        await closeQuietly(conversation, []);
        return finishAttempt(
          {
            ...base,
            outcome: 'credentials-refused',
            earlyUserAuthorization: {
              result,
              name:
                result === EarlyUserAuthorization.AUTHZ_ACCESS_DENIED
                  ? 'AUTHZ_ACCESS_DENIED'
                  : `unknown authorization result 0x${result.toString(16).padStart(8, '0')}`,
            },
          },
          started,
        );
      }
      before.push('early-user-authorization');
    }
  }

  const client = new SessionClient({
    underProtocol: options.underProtocol,
    selectedProtocol: options.selectedProtocol,
    credentialsSent: credentials !== undefined,
    clientInfo: credentials
      ? { userName: credentials.userName, domain: credentials.domain }
      : { userName: '', domain: '' },
    fullLogon: Boolean(credentials && options.fullLogon),
    random,
    clientName: options.clientName ?? 'rdp-doctor',
  });
  for (const frame of client.start()) conversation.write(frame);
  let result: SessionResult | undefined;
  let stall: StallProgress | undefined;
  let logonDeadline: number | undefined;
  while (!result) {
    let timeoutMs = options.timeoutMs;
    if (client.errorInfoReceived) timeoutMs = Math.min(timeoutMs, ERROR_INFO_GRACE_MS);
    else if (client.currentPhase === 'logon' || client.currentPhase === 'finalization') {
      logonDeadline ??= performance.now() + LOGON_WAIT_STEPS * options.timeoutMs;
      timeoutMs = Math.max(0, Math.min(timeoutMs, logonDeadline - performance.now()));
    }
    const answer = await conversation.readFrame(sessionFrameLength(client.fastPathAllowed), timeoutMs);
    switch (answer.kind) {
      case 'pdu': {
        const step = client.receive(answer.bytes);
        for (const frame of step.send) conversation.write(frame);
        result = step.done;
        break;
      }
      case 'malformed':
        result = client.malformed();
        break;
      case 'timeout':
        result = client.end('timeout');
        if (result.outcome === 'timeout') stall = timeoutStall(answer.received, answer);
        break;
      default:
        result = client.end(answer.kind);
    }
  }
  await closeQuietly(conversation, client.goodbye());
  return finishAttempt(
    { ...result, phasesCompleted: [...before, ...result.phasesCompleted], ...(logon ? { logon } : {}) },
    started,
    stall,
  );
}

function timeoutStall(
  received: Uint8Array,
  times: { firstByteMs?: number; lastByteMs?: number },
): StallProgress {
  const frame = received.length > 0 ? tpktFrameLength(received) : undefined;
  return {
    bytesReceived: received.length,
    validSoFar: frame === undefined || frame.kind !== 'malformed',
    ...(received.length > 0 && times.firstByteMs !== undefined
      ? { firstByteMs: Math.round(times.firstByteMs) }
      : {}),
    ...(received.length > 0 && times.lastByteMs !== undefined
      ? { lastByteMs: Math.round(times.lastByteMs) }
      : {}),
    ...(frame?.kind === 'length' ? { expectedBytes: frame.length } : {}),
  };
}

/** Sends the goodbye frames (when the socket is still open), ends it, and destroys it soon after. */
async function closeQuietly(conversation: Conversation, goodbye: readonly Uint8Array[]): Promise<void> {
  const socket = conversation.socket;
  if (!socket.destroyed && socket.writable) {
    for (const frame of goodbye) conversation.write(frame);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_GRACE_MS);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }
  conversation.close();
}

/** A redirection is a healthy broker's answer: the target host is the one to diagnose next. */
const GOOD_OUTCOMES: ReadonlySet<SessionOutcome> = new Set([
  'logon-screen',
  'credentials-accepted',
  'logged-on',
  'redirected',
]);

/** The outcomes where the server answered and said no (judged by the rules), as opposed to a broken exchange. */
const REFUSED_OUTCOMES: ReadonlySet<SessionOutcome> = new Set([
  'credentials-refused',
  'error-info',
  'licensing-error',
  'disconnect-ultimatum',
  'mcs-refused',
  'logon-error',
]);

function finishAttempt(
  result: SessionResult,
  started: number,
  stall?: StallProgress,
): Attempt<SessionObservation> {
  const ms = Math.round(performance.now() - started);
  const observation: SessionObservation = { ...result, ...(stall ? { stall } : {}), ms };
  // Only reaching the logon screen (or the logon) is success: a refusal is a failed step whose
  // cause the rules name, never a stage that "worked".
  const ok = GOOD_OUTCOMES.has(result.outcome);
  return {
    stage: 'session',
    status: ok ? 'ok' : 'failed',
    ...(ok
      ? {}
      : { reason: REFUSED_OUTCOMES.has(result.outcome) ? 'refused' : reasonForExchangeEnd(result.outcome) }),
    observation,
    ms,
    summary: sessionSummary(observation),
  };
}

const PHASE_WORDS: Readonly<Record<SessionPhase, string>> = {
  'credssp-logon': 'the CredSSP logon',
  'early-user-authorization': 'the early user authorization',
  'mcs-connect': 'the MCS Connect Response',
  'erect-domain': 'Erect Domain',
  'attach-user': 'Attach User',
  'channel-join': 'the channel joins',
  'security-exchange': 'the Security Exchange',
  'client-info': 'Client Info',
  licensing: 'licensing',
  capabilities: 'the capability exchange',
  finalization: 'the finalization',
  logon: 'the logon',
};

export function sessionSummary(observation: SessionObservation): string {
  const during = `during ${PHASE_WORDS[observation.phase]}`;
  switch (observation.outcome) {
    case 'logon-screen':
      return 'logon screen reached (Demand Active, no credentials sent)';
    case 'credentials-accepted':
      return `credentials of ${observation.logon?.user ?? 'the user'} accepted; the sequence reached Demand Active`;
    case 'logged-on':
      return `${observation.logon?.user ?? 'the user'} logged on (a disconnected session is left on the server)`;
    case 'credentials-refused':
      return observation.earlyUserAuthorization
        ? `the server refused ${observation.logon?.user ?? 'the user'} (${observation.earlyUserAuthorization.name})`
        : `the server refused the credentials of ${observation.logon?.user ?? 'the user'}${observation.logon?.errorName ? ` (${observation.logon.errorName})` : ''}`;
    case 'error-info':
      return `the server ended the connection with ${observation.errorInfo!.name} (0x${observation.errorInfo!.code.toString(16)}) during ${PHASE_WORDS[observation.errorInfo!.phase]}`;
    case 'licensing-error':
      return `licensing failed: ${observation.licensing?.errorName ?? 'error alert'}`;
    case 'disconnect-ultimatum':
      return `the server disconnected (${observation.ultimatum!.name}) ${during}`;
    case 'mcs-refused':
      return `the server refused ${PHASE_WORDS[observation.phase]} (${observation.mcsResult})`;
    case 'logon-error':
      return `the logon failed: ${observation.logonErrors!.typeName}`;
    case 'redirected':
      return `the server redirects to ${observation.redirection?.targets[0] ?? 'another server'} (connection broker)`;
    case 'timeout':
      return `no answer ${during}`;
    case 'malformed':
      return `an answer that did not decode ${during}`;
    default:
      return `the server ${observation.outcome === 'reset' ? 'reset' : 'closed'} the connection ${during}`;
  }
}
