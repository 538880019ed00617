/**
 * A test-only RDP client for the lab's connection sequence: just enough of MS-RDPBCGR 3.2.5.3 to
 * walk the lab server from the Connect Initial to the Font Map, built from the wire codecs (not
 * from the probe's session stage, which is tested against this lab in turn). It records every
 * server PDU it meets so tests can assert on what the server sent.
 */
import {
  decodeEnhancedSecurityRedirection,
  type ServerRedirectionPacket,
} from '../../src/wire/server-redirection.js';
import { buildConnectInitial } from '../../src/probe/stages/rdp-security.js';
import { encodeClientInfo, InfoFlag } from '../../src/wire/client-info.js';
import {
  decodeClientConnectInitial,
  decodeServerConnectResponse,
  encodeClientConnectInitial,
} from '../../src/wire/mcs.js';
import {
  DataPriority,
  decodeMcsFrame,
  type DomainPdu,
  encodeDomainPdu,
  encodeMcsFrame,
  MCS_IO_CHANNEL_ID,
  Segmentation,
} from '../../src/wire/mcs.js';
import { type LicensingPdu, decodeLicensingPdu, encodeLicensingPdu } from '../../src/wire/licensing.js';
import {
  deriveSessionKeys,
  rsaEncryptLittleEndian,
  serverPublicKey,
  StandardSecurity,
} from '../../src/wire/rdp-crypto.js';
import {
  decodeSecurityHeaderFor,
  encodeSecurityExchange,
  encodeSecurityHeader,
  SecurityFlag,
} from '../../src/wire/security-header.js';
import {
  ControlAction,
  type DataPdu,
  decodeSlowPathPdus,
  encodeSlowPathPdu,
  PduType2,
  SERVER_CHANNEL_ID,
  type SlowPathPdu,
} from '../../src/wire/share-control.js';

/** What the client saw, in order. */
export type ServerEvent =
  | { readonly kind: 'connect-response'; readonly encryptionMethod: number; readonly encryptionLevel: number }
  | { readonly kind: 'attach-user-confirm'; readonly userId: number }
  | { readonly kind: 'channel-join-confirm'; readonly channelId: number; readonly result: number }
  | { readonly kind: 'licensing'; readonly pdu: LicensingPdu }
  | { readonly kind: 'demand-active'; readonly shareId: number; readonly capabilitySets: number }
  | { readonly kind: 'data'; readonly body: DataPdu }
  | { readonly kind: 'ultimatum'; readonly reason: number }
  | { readonly kind: 'redirection'; readonly packet: ServerRedirectionPacket };

export interface TestClientOptions {
  /** The protocol the X.224 exchange selected. */
  readonly selectedProtocol: number;
  readonly userName?: string;
  readonly password?: string;
  /** Static virtual channels to ask for (TS_UD_CS_NET) and join. */
  readonly channels?: readonly string[];
  /** Licensing: answers a License Request (needed for 'full-exchange'); default none. */
  readonly licensing?: { receive(pdu: LicensingPdu): { reply?: LicensingPdu } };
  readonly random: (size: number) => Uint8Array;
}

const PREAMBLE_VERSION_3_0 = 0x03;

export class TestSequenceClient {
  readonly events: ServerEvent[] = [];
  private userId = 0;
  private security: StandardSecurity | undefined;
  private encryption: 'none' | 'non-fips' | 'fips' = 'none';
  private pendingJoins: number[] = [];
  private shareId = 0;
  private connected = false;
  /** Until the Demand Active, a PDU whose first u16 has SEC_LICENSE_PKT is a licensing PDU. */
  private licensingOver = false;

  constructor(private readonly options: TestClientOptions) {}

  start(): Uint8Array[] {
    const plain = buildConnectInitial(this.options.selectedProtocol);
    const channels = this.options.channels;
    if (!channels) return [plain];
    const { clientData } = decodeClientConnectInitial(plain);
    return [
      encodeClientConnectInitial({
        ...clientData,
        channels: channels.map((name) => ({ name, options: 0x80000000 })),
      }),
    ];
  }

  private staticChannels: readonly number[] = [];

  receive(frame: Uint8Array): Uint8Array[] {
    // The Connect-Response is BER (7f 66 after TPKT and X.224); everything else is a PER domain PDU.
    if (!this.connected && frame[7] === 0x7f) return this.onConnectResponse(frame);
    const pdu = decodeMcsFrame(frame);
    switch (pdu.type) {
      case 'attach-user-confirm':
        this.userId = pdu.initiator!;
        this.events.push({ kind: 'attach-user-confirm', userId: this.userId });
        this.pendingJoins = [this.userId, MCS_IO_CHANNEL_ID, ...this.staticChannels];
        return [this.join(this.pendingJoins.shift()!)];
      case 'channel-join-confirm':
        this.events.push({ kind: 'channel-join-confirm', channelId: pdu.requested, result: pdu.result });
        if (this.pendingJoins.length > 0) return [this.join(this.pendingJoins.shift()!)];
        return this.afterJoins();
      case 'disconnect-provider-ultimatum':
        this.events.push({ kind: 'ultimatum', reason: pdu.reason });
        return [];
      case 'send-data-indication':
        return this.onIoData(pdu.userData);
      default:
        throw new Error(`unexpected ${pdu.type}`);
    }
  }

  private onConnectResponse(frame: Uint8Array): Uint8Array[] {
    this.connected = true;
    const response = decodeServerConnectResponse(frame);
    const security = response.conference!.serverData.security!;
    this.staticChannels = response.conference!.serverData.network?.channelIds ?? [];
    this.events.push({
      kind: 'connect-response',
      encryptionMethod: security.encryptionMethod,
      encryptionLevel: security.encryptionLevel,
    });
    if (security.serverRandom && security.certificate) {
      const clientRandom = this.options.random(32);
      const key = serverPublicKey(security.certificate);
      this.exchange = encodeSecurityExchange(
        // 5.3.4.1: the random is encrypted little-endian, then 8 zero bytes of padding follow.
        rsaEncryptLittleEndian(clientRandom, key.modulusLE, key.exponent),
      );
      const keys = deriveSessionKeys(clientRandom, security.serverRandom, security.encryptionMethod);
      this.security = StandardSecurity.forClient(keys);
      this.encryption = security.encryptionMethod === 0x10 ? 'fips' : 'non-fips';
    }
    return [
      mcs({ type: 'erect-domain-request', subHeight: 0, subInterval: 0 }),
      mcs({ type: 'attach-user-request' }),
    ];
  }

  private exchange: Uint8Array | undefined;

  private join(channelId: number): Uint8Array {
    return mcs({ type: 'channel-join-request', initiator: this.userId, channelId });
  }

  private afterJoins(): Uint8Array[] {
    const frames: Uint8Array[] = [];
    if (this.exchange) frames.push(this.send(this.exchange));
    const info = encodeClientInfo({
      codePage: 0,
      flags:
        InfoFlag.INFO_MOUSE | InfoFlag.INFO_UNICODE | InfoFlag.INFO_LOGONNOTIFY | InfoFlag.INFO_LOGONERRORS,
      domain: '',
      userName: this.options.userName ?? '',
      password: this.options.password ?? '',
      alternateShell: '',
      workingDir: '',
    });
    frames.push(this.send(this.seal(SecurityFlag.SEC_INFO_PKT, info)));
    return frames;
  }

  /** A security header (encrypting under Standard RDP Security) in front of `body`. */
  private seal(flags: number, body: Uint8Array): Uint8Array {
    if (!this.security) return concat(encodeSecurityHeader({ kind: 'basic', flags, flagsHi: 0 }), body);
    const packet = this.security.encrypt(body);
    const header =
      this.encryption === 'fips'
        ? encodeSecurityHeader({
            kind: 'fips',
            flags: flags | SecurityFlag.SEC_ENCRYPT,
            flagsHi: 0,
            padLength: packet.padLength ?? 0,
            signature: packet.signature,
          })
        : encodeSecurityHeader({
            kind: 'non-fips',
            flags: flags | SecurityFlag.SEC_ENCRYPT,
            flagsHi: 0,
            signature: packet.signature,
          });
    return concat(header, packet.data);
  }

  private send(userData: Uint8Array): Uint8Array {
    return mcs({
      type: 'send-data-request',
      initiator: this.userId,
      channelId: MCS_IO_CHANNEL_ID,
      priority: DataPriority.high,
      segmentation: Segmentation.whole,
      userData,
    });
  }

  private onIoData(userData: Uint8Array): Uint8Array[] {
    // Licensing PDUs carry a basic header with SEC_LICENSE_PKT; share PDUs carry none under TLS
    // and an encrypted header under Standard RDP Security (FreeRDP tells them apart the same way).
    const flags = userData[0]! | (userData[1]! << 8);
    // A Share Control Header's totalLength can have the SEC_LICENSE_PKT bit too: its pduType (v1) tells it apart.
    const shareControl = ((userData[2]! | (userData[3]! << 8)) & 0xfff0) === 0x0010;
    let body = userData;
    if (this.security || (!this.licensingOver && !shareControl && flags & SecurityFlag.SEC_LICENSE_PKT)) {
      const { header, bodyOffset } = decodeSecurityHeaderFor(userData, this.encryption);
      const data = userData.subarray(bodyOffset);
      body =
        header.kind === 'basic'
          ? data
          : this.security!.decrypt(
              header.signature,
              data,
              header.kind === 'fips' ? header.padLength : undefined,
            );
      if (header.flags & SecurityFlag.SEC_LICENSE_PKT) return this.onLicensing(body);
    }
    const frames: Uint8Array[] = [];
    for (const { pdu } of decodeSlowPathPdus(body)) frames.push(...this.onShare(pdu));
    return frames;
  }

  private onLicensing(body: Uint8Array): Uint8Array[] {
    const { pdu } = decodeLicensingPdu(body);
    this.events.push({ kind: 'licensing', pdu });
    const reply = this.options.licensing?.receive(pdu).reply;
    if (!reply) return [];
    return [this.send(this.sealLicensing(encodeLicensingPdu(reply, PREAMBLE_VERSION_3_0)))];
  }

  /** Client licensing PDUs go unencrypted with a basic header (no SEC_LICENSE_ENCRYPT_CS asked). */
  private sealLicensing(body: Uint8Array): Uint8Array {
    return concat(
      encodeSecurityHeader({ kind: 'basic', flags: SecurityFlag.SEC_LICENSE_PKT, flagsHi: 0 }),
      body,
    );
  }

  private onShare(pdu: SlowPathPdu): Uint8Array[] {
    if (pdu.type === 'demand-active') {
      this.licensingOver = true;
      this.shareId = pdu.shareId;
      this.events.push({
        kind: 'demand-active',
        shareId: pdu.shareId,
        capabilitySets: pdu.capabilitySets.length,
      });
      const confirm: SlowPathPdu = {
        type: 'confirm-active',
        shareId: pdu.shareId,
        originatorId: SERVER_CHANNEL_ID,
        sourceDescriptor: Uint8Array.of(0x4d, 0x53, 0x54, 0x53, 0x43, 0x00),
        capabilitySets: pdu.capabilitySets,
      };
      return [
        this.share(confirm),
        this.data(PduType2.PDUTYPE2_SYNCHRONIZE, { kind: 'synchronize', targetUser: SERVER_CHANNEL_ID }),
        this.data(PduType2.PDUTYPE2_CONTROL, {
          kind: 'control',
          action: ControlAction.CTRLACTION_COOPERATE,
          grantId: 0,
          controlId: 0,
        }),
        this.data(PduType2.PDUTYPE2_CONTROL, {
          kind: 'control',
          action: ControlAction.CTRLACTION_REQUEST_CONTROL,
          grantId: 0,
          controlId: 0,
        }),
        this.data(PduType2.PDUTYPE2_FONTLIST, { kind: 'font-list' }),
      ];
    }
    if (pdu.type === 'data') this.events.push({ kind: 'data', body: pdu.body });
    if (pdu.type === 'server-redirection')
      this.events.push({ kind: 'redirection', packet: decodeEnhancedSecurityRedirection(pdu.raw) });
    return [];
  }

  private data(pduType2: number, body: DataPdu): Uint8Array {
    return this.share({ type: 'data', shareId: this.shareId, pduType2, body });
  }

  private share(pdu: SlowPathPdu): Uint8Array {
    const bytes = encodeSlowPathPdu(pdu, this.userId);
    return this.send(this.security ? this.seal(0, bytes) : bytes);
  }
}

/** A client's Disconnect Provider Ultimatum (rn-user-requested), how a client ends cleanly. */
export function clientUltimatum(): Uint8Array {
  return mcs({ type: 'disconnect-provider-ultimatum', reason: 3 });
}

function mcs(pdu: DomainPdu): Uint8Array {
  return encodeMcsFrame(encodeDomainPdu(pdu));
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/** Each event's kind, share data PDUs by their body's kind ('data:font-map'). */
export const eventKinds = (events: readonly ServerEvent[]): string[] =>
  events.map((event) => (event.kind === 'data' ? `data:${event.body.kind}` : event.kind));

/** What a healthy server sends a client without credentials, up to the logon screen (TLS). */
export const REACHES_LOGON_SCREEN: readonly string[] = [
  'connect-response',
  'attach-user-confirm',
  'channel-join-confirm',
  'channel-join-confirm',
  'licensing',
  'demand-active',
  'data:synchronize',
  'data:control',
  'data:control',
  'data:font-map',
];
