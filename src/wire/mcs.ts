import {
  DerTag,
  derBoolean,
  derInteger,
  derOctetString,
  derSequence,
  derTlv,
  readDer,
  readDerBoolean,
  readDerInteger,
  readDerOctetString,
} from './der.js';
import {
  type ClientData,
  type ConferenceCreateResponse,
  decodeConferenceCreateRequest,
  decodeConferenceCreateResponse,
  encodeConferenceCreateRequest,
  encodeConferenceCreateResponse,
} from './gcc.js';
import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';
import { TPKT_HEADER_SIZE } from './tpkt.js';
import { decodeX224Data, encodeX224Data, X224_DATA_HEADER_SIZE } from './x224.js';

/**
 * MCS Connect-Initial and Connect-Response (T.125 section 11.1-11.2, BER), the first PDUs after
 * the X.224 exchange (MS-RDPBCGR 2.2.1.3 and 2.2.1.4). Their userData is a GCC conference create
 * request / response (gcc.ts).
 *
 *   Connect-Initial ::= [APPLICATION 101] IMPLICIT SEQUENCE {     -- 7f 65
 *     callingDomainSelector OCTET STRING, calledDomainSelector OCTET STRING,
 *     upwardFlag BOOLEAN, targetParameters, minimumParameters, maximumParameters DomainParameters,
 *     userData OCTET STRING }
 *   Connect-Response ::= [APPLICATION 102] IMPLICIT SEQUENCE {    -- 7f 66
 *     result Result (ENUMERATED), calledConnectId INTEGER, domainParameters DomainParameters,
 *     userData OCTET STRING }
 */
export const MCS_CONNECT_INITIAL_TAG = 0x7f65;
export const MCS_CONNECT_RESPONSE_TAG = 0x7f66;
/** Offset of the MCS PDU inside a TPKT + X.224 Data frame, for absolute error offsets. */
export const MCS_OFFSET_IN_FRAME = TPKT_HEADER_SIZE + X224_DATA_HEADER_SIZE;

/** DomainParameters (T.125 section 7, table 7-2... as a SEQUENCE of eight INTEGERs). */
export interface DomainParameters {
  readonly maxChannelIds: number;
  readonly maxUserIds: number;
  readonly maxTokenIds: number;
  readonly numPriorities: number;
  readonly minThroughput: number;
  readonly maxHeight: number;
  readonly maxMcsPduSize: number;
  readonly protocolVersion: number;
}

const DOMAIN_PARAMETER_FIELDS: ReadonlyArray<keyof DomainParameters> = [
  'maxChannelIds',
  'maxUserIds',
  'maxTokenIds',
  'numPriorities',
  'minThroughput',
  'maxHeight',
  'maxMcsPduSize',
  'protocolVersion',
];

/** The parameter sets mstsc sends (MS-RDPBCGR 4.1.3). */
export const DEFAULT_TARGET_PARAMETERS: DomainParameters = {
  maxChannelIds: 34,
  maxUserIds: 2,
  maxTokenIds: 0,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMcsPduSize: 65535,
  protocolVersion: 2,
};
export const DEFAULT_MINIMUM_PARAMETERS: DomainParameters = {
  maxChannelIds: 1,
  maxUserIds: 1,
  maxTokenIds: 1,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMcsPduSize: 1056,
  protocolVersion: 2,
};
export const DEFAULT_MAXIMUM_PARAMETERS: DomainParameters = {
  maxChannelIds: 65535,
  maxUserIds: 64535,
  maxTokenIds: 65535,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMcsPduSize: 65535,
  protocolVersion: 2,
};

/** T.125 Result values. */
export const McsResult = {
  'rt-successful': 0,
  'rt-domain-merging': 1,
  'rt-domain-not-hierarchical': 2,
  'rt-no-such-channel': 3,
  'rt-no-such-domain': 4,
  'rt-no-such-user': 5,
  'rt-not-admitted': 6,
  'rt-other-user-id': 7,
  'rt-parameters-unacceptable': 8,
  'rt-token-not-available': 9,
  'rt-token-not-possessed': 10,
  'rt-too-many-channels': 11,
  'rt-too-many-tokens': 12,
  'rt-too-many-users': 13,
  'rt-unspecified-failure': 14,
  'rt-user-rejected': 15,
} as const;

export function mcsResultName(result: number): string {
  for (const [name, value] of Object.entries(McsResult)) if (value === result) return name;
  return `unknown MCS result ${result}`;
}

export interface McsConnectInitial {
  readonly callingDomainSelector: Uint8Array;
  readonly calledDomainSelector: Uint8Array;
  readonly upwardFlag: boolean;
  readonly targetParameters: DomainParameters;
  readonly minimumParameters: DomainParameters;
  readonly maximumParameters: DomainParameters;
  /** The GCC Conference Create Request, undecoded. */
  readonly userData: Uint8Array;
}

export interface McsConnectResponse {
  readonly result: number;
  readonly calledConnectId: number;
  readonly domainParameters: DomainParameters;
  /** The GCC Conference Create Response, undecoded (may be empty when result is a failure). */
  readonly userData: Uint8Array;
}

function encodeDomainParameters(parameters: DomainParameters): Uint8Array {
  return derSequence(...DOMAIN_PARAMETER_FIELDS.map((name) => derInteger(parameters[name])));
}

function readDomainParameters(reader: ByteReader, field: string): DomainParameters {
  const sequence = readDer(reader, DerTag.SEQUENCE, field);
  const values: Record<string, number> = {};
  for (const name of DOMAIN_PARAMETER_FIELDS) values[name] = readDerInteger(sequence, `${field}.${name}`);
  sequence.expectEnd(field);
  return values as unknown as DomainParameters;
}

export function encodeMcsConnectInitial(pdu: McsConnectInitial): Uint8Array {
  return derTlv(
    MCS_CONNECT_INITIAL_TAG,
    derOctetString(pdu.callingDomainSelector),
    derOctetString(pdu.calledDomainSelector),
    derBoolean(pdu.upwardFlag),
    encodeDomainParameters(pdu.targetParameters),
    encodeDomainParameters(pdu.minimumParameters),
    encodeDomainParameters(pdu.maximumParameters),
    derOctetString(pdu.userData),
  );
}

export function decodeMcsConnectInitial(bytes: Uint8Array, base = 0): McsConnectInitial {
  const outer = new ByteReader(bytes, 'MCS.ConnectInitial', base);
  const reader = readDer(outer, MCS_CONNECT_INITIAL_TAG, 'Connect-Initial');
  outer.expectEnd();
  const pdu: McsConnectInitial = {
    callingDomainSelector: readDerOctetString(reader, 'callingDomainSelector'),
    calledDomainSelector: readDerOctetString(reader, 'calledDomainSelector'),
    upwardFlag: readDerBoolean(reader, 'upwardFlag'),
    targetParameters: readDomainParameters(reader, 'targetParameters'),
    minimumParameters: readDomainParameters(reader, 'minimumParameters'),
    maximumParameters: readDomainParameters(reader, 'maximumParameters'),
    userData: readDerOctetString(reader, 'userData'),
  };
  reader.expectEnd();
  return pdu;
}

export function encodeMcsConnectResponse(pdu: McsConnectResponse): Uint8Array {
  return derTlv(
    MCS_CONNECT_RESPONSE_TAG,
    derInteger(pdu.result, DerTag.ENUMERATED),
    derInteger(pdu.calledConnectId),
    encodeDomainParameters(pdu.domainParameters),
    derOctetString(pdu.userData),
  );
}

export function decodeMcsConnectResponse(bytes: Uint8Array, base = 0): McsConnectResponse {
  const outer = new ByteReader(bytes, 'MCS.ConnectResponse', base);
  const reader = readDer(outer, MCS_CONNECT_RESPONSE_TAG, 'Connect-Response');
  outer.expectEnd();
  const pdu: McsConnectResponse = {
    result: readDerInteger(reader, 'result', DerTag.ENUMERATED),
    calledConnectId: readDerInteger(reader, 'calledConnectId'),
    domainParameters: readDomainParameters(reader, 'domainParameters'),
    userData: readDerOctetString(reader, 'userData'),
  };
  reader.expectEnd();
  return pdu;
}

// ---- whole frames: TPKT + X.224 Data + MCS + GCC ------------------------------------------

export interface ClientConnectInitial {
  readonly mcs: McsConnectInitial;
  readonly clientData: ClientData;
}

export interface ServerConnectResponse {
  readonly mcs: McsConnectResponse;
  /** Absent when the MCS result is a failure and the server sent no GCC data. */
  readonly conference?: ConferenceCreateResponse;
}

/** The user data's offset inside an MCS PDU, to point errors at capture bytes. */
function userDataOffset(mcsBytes: Uint8Array, userData: Uint8Array): number {
  return mcsBytes.length - userData.length;
}

/** The Client MCS Connect Initial PDU with GCC Conference Create Request (MS-RDPBCGR 2.2.1.3). */
export function encodeClientConnectInitial(
  clientData: ClientData,
  parameters: Partial<Omit<McsConnectInitial, 'userData'>> = {},
): Uint8Array {
  const mcs: McsConnectInitial = {
    callingDomainSelector: Uint8Array.of(0x01),
    calledDomainSelector: Uint8Array.of(0x01),
    upwardFlag: true,
    targetParameters: DEFAULT_TARGET_PARAMETERS,
    minimumParameters: DEFAULT_MINIMUM_PARAMETERS,
    maximumParameters: DEFAULT_MAXIMUM_PARAMETERS,
    ...parameters,
    userData: encodeConferenceCreateRequest(clientData),
  };
  return encodeX224Data(encodeMcsConnectInitial(mcs));
}

export function decodeClientConnectInitial(frame: Uint8Array): ClientConnectInitial {
  const mcsBytes = decodeX224Data(frame);
  const mcs = decodeMcsConnectInitial(mcsBytes, MCS_OFFSET_IN_FRAME);
  const clientData = decodeConferenceCreateRequest(
    mcs.userData,
    MCS_OFFSET_IN_FRAME + userDataOffset(mcsBytes, mcs.userData),
  );
  return { mcs, clientData };
}

/** The Server MCS Connect Response PDU with GCC Conference Create Response (MS-RDPBCGR 2.2.1.4). */
export function encodeServerConnectResponse(
  conference: ConferenceCreateResponse,
  parameters: Partial<Omit<McsConnectResponse, 'userData'>> = {},
): Uint8Array {
  const mcs: McsConnectResponse = {
    result: McsResult['rt-successful'],
    calledConnectId: 0,
    domainParameters: { ...DEFAULT_TARGET_PARAMETERS, maxChannelIds: 34, maxUserIds: 3, maxTokenIds: 0 },
    ...parameters,
    userData: encodeConferenceCreateResponse(conference),
  };
  return encodeX224Data(encodeMcsConnectResponse(mcs));
}

export function decodeServerConnectResponse(frame: Uint8Array): ServerConnectResponse {
  const mcsBytes = decodeX224Data(frame);
  const mcs = decodeMcsConnectResponse(mcsBytes, MCS_OFFSET_IN_FRAME);
  if (mcs.userData.length === 0 && mcs.result !== McsResult['rt-successful']) return { mcs };
  const conference = decodeConferenceCreateResponse(
    mcs.userData,
    MCS_OFFSET_IN_FRAME + userDataOffset(mcsBytes, mcs.userData),
  );
  return { mcs, conference };
}

// ---- MCS domain PDUs (T.125 section 11, PER aligned; MS-RDPBCGR 2.2.1.5-2.2.1.9, 2.2.2.3) -----

/**
 * After Connect-Response every MCS PDU is a DomainMCSPDU: a PER CHOICE whose index sits in the
 * top 6 bits of the first byte. The low 2 bits start the chosen SEQUENCE: its OPTIONAL-presence
 * bits (Attach User Confirm, Channel Join Confirm) or the first bits of an ENUMERATED (the
 * ultimatum's reason). Integers are PER-constrained: user ids (UserId ::= DynamicChannelId,
 * 1001..65535) travel as `id - 1001` in 2 bytes; channel ids as themselves.
 *
 *   Erect Domain Request     04 | len subHeight | len subInterval        (2.2.1.5)
 *   Attach User Request      28                                          (2.2.1.6)
 *   Attach User Confirm      2c|2e result [initiator-1001 u16be]         (2.2.1.7)
 *   Channel Join Request     38 initiator-1001 u16be channelId u16be     (2.2.1.8)
 *   Channel Join Confirm     3c|3e result initiator-1001 requested [channelId]  (2.2.1.9)
 *   Send Data Request        64 initiator-1001 channelId prio/seg len userData  (2.2.8.1.1.1)
 *   Send Data Indication     68 (same body)
 *   Disconnect Provider Ultimatum 20|rr r0000000 (reason, 3 bits)          (2.2.2.3)
 */
export const MCS_BASE_CHANNEL_ID = 1001;
/** The I/O channel the server names in its network data; MS-RDPBCGR 2.2.1.4.4 (always 1003). */
export const MCS_IO_CHANNEL_ID = 1003;

/** T.125 DomainMCSPDU choice indexes (the ones RDP uses). */
export const DomainPduType = {
  erectDomainRequest: 1,
  disconnectProviderUltimatum: 8,
  attachUserRequest: 10,
  attachUserConfirm: 11,
  channelJoinRequest: 14,
  channelJoinConfirm: 15,
  sendDataRequest: 25,
  sendDataIndication: 26,
} as const;

/** T.125 Reason (for Disconnect Provider Ultimatum). */
export const UltimatumReason = {
  'rn-domain-disconnected': 0,
  'rn-provider-initiated': 1,
  'rn-token-purged': 2,
  'rn-user-requested': 3,
  'rn-channel-purged': 4,
} as const;

export function ultimatumReasonName(reason: number): string {
  for (const [name, value] of Object.entries(UltimatumReason)) if (value === reason) return name;
  return `unknown ultimatum reason ${reason}`;
}

/** Send Data dataPriority (T.125 DataPriority ENUMERATED). */
export const DataPriority = { top: 0, high: 1, medium: 2, low: 3 } as const;
/** Send Data segmentation bits: begin and end of a user data unit. */
export const Segmentation = { begin: 0b10, end: 0b01, whole: 0b11 } as const;

export type DomainPdu =
  | { readonly type: 'erect-domain-request'; readonly subHeight: number; readonly subInterval: number }
  | { readonly type: 'attach-user-request' }
  | { readonly type: 'attach-user-confirm'; readonly result: number; readonly initiator?: number }
  | { readonly type: 'channel-join-request'; readonly initiator: number; readonly channelId: number }
  | {
      readonly type: 'channel-join-confirm';
      readonly result: number;
      readonly initiator: number;
      readonly requested: number;
      readonly channelId?: number;
    }
  | {
      readonly type: 'send-data-request' | 'send-data-indication';
      readonly initiator: number;
      readonly channelId: number;
      readonly priority: number;
      readonly segmentation: number;
      readonly userData: Uint8Array;
    }
  | { readonly type: 'disconnect-provider-ultimatum'; readonly reason: number };

export type SendDataPdu = Extract<DomainPdu, { type: 'send-data-request' | 'send-data-indication' }>;

/** The largest userData a PER length determinant of 2 bytes can carry (16383). */
export const MCS_MAX_SEND_DATA_LENGTH = 0x3fff;
/** A PER semi-constrained INTEGER here never needs more than 4 value bytes. */
const MAX_PER_INTEGER_BYTES = 4;
const OPTIONAL_PRESENT = 0x02;

function choiceByte(choice: number, low = 0): number {
  return (choice << 2) | low;
}

function writeUserId(writer: ByteWriter, id: number): void {
  if (!Number.isInteger(id) || id < MCS_BASE_CHANNEL_ID || id > 0xffff)
    throw new RangeError(`MCS user id out of range: ${id}`);
  writer.u16be(id - MCS_BASE_CHANNEL_ID);
}

function writePerInteger(writer: ByteWriter, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new RangeError(`PER integer out of range: ${value}`);
  const bytes: number[] = [];
  let rest = value;
  do {
    bytes.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  writer.u8(bytes.length);
  for (const byte of bytes) writer.u8(byte);
}

function readPerInteger(reader: ByteReader, field: string): number {
  const length = reader.u8(`${field}.length`);
  if (length < 1 || length > MAX_PER_INTEGER_BYTES)
    reader.fail(
      'invalid-field',
      `${field}.length`,
      `${length} is outside 1..${MAX_PER_INTEGER_BYTES}`,
      reader.offset - 1,
    );
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + reader.u8(field);
  return value;
}

/** PER length determinant (X.691 10.9): 1 byte below 128, else 2 bytes with the top bit set. */
function writePerLength(writer: ByteWriter, length: number): void {
  if (length < 0x80) writer.u8(length);
  else if (length <= MCS_MAX_SEND_DATA_LENGTH) writer.u16be(0x8000 | length);
  else throw new RangeError(`MCS userData too large: ${length}`);
}

/**
 * Reads a length determinant. X.691 wants fragmentation from 16K on (first byte 11xxxxxx), but
 * RDP peers (Windows, FreeRDP) write and read a plain 15-bit length there; so do we, to read
 * what real servers send. The encoder stays within X.691's 14 bits.
 */
function readPerLength(reader: ByteReader, field: string): number {
  const first = reader.u8(field);
  if ((first & 0x80) === 0) return first;
  return ((first & 0x7f) << 8) | reader.u8(field);
}

export function encodeDomainPdu(pdu: DomainPdu): Uint8Array {
  const writer = new ByteWriter(16);
  switch (pdu.type) {
    case 'erect-domain-request':
      writer.u8(choiceByte(DomainPduType.erectDomainRequest));
      writePerInteger(writer, pdu.subHeight);
      writePerInteger(writer, pdu.subInterval);
      break;
    case 'attach-user-request':
      writer.u8(choiceByte(DomainPduType.attachUserRequest));
      break;
    case 'attach-user-confirm':
      writer.u8(
        choiceByte(DomainPduType.attachUserConfirm, pdu.initiator === undefined ? 0 : OPTIONAL_PRESENT),
      );
      writer.u8(pdu.result);
      if (pdu.initiator !== undefined) writeUserId(writer, pdu.initiator);
      break;
    case 'channel-join-request':
      writer.u8(choiceByte(DomainPduType.channelJoinRequest));
      writeUserId(writer, pdu.initiator);
      writer.u16be(pdu.channelId);
      break;
    case 'channel-join-confirm':
      writer.u8(
        choiceByte(DomainPduType.channelJoinConfirm, pdu.channelId === undefined ? 0 : OPTIONAL_PRESENT),
      );
      writer.u8(pdu.result);
      writeUserId(writer, pdu.initiator);
      writer.u16be(pdu.requested);
      if (pdu.channelId !== undefined) writer.u16be(pdu.channelId);
      break;
    case 'send-data-request':
    case 'send-data-indication':
      writer.u8(
        choiceByte(
          pdu.type === 'send-data-request' ? DomainPduType.sendDataRequest : DomainPduType.sendDataIndication,
        ),
      );
      writeUserId(writer, pdu.initiator);
      writer.u16be(pdu.channelId);
      if (pdu.priority > 3 || pdu.segmentation > 3)
        throw new RangeError('MCS priority/segmentation out of range');
      writer.u8((pdu.priority << 6) | (pdu.segmentation << 4));
      writePerLength(writer, pdu.userData.length);
      writer.bytes(pdu.userData);
      break;
    case 'disconnect-provider-ultimatum':
      if (!Number.isInteger(pdu.reason) || pdu.reason < 0 || pdu.reason > 7)
        throw new RangeError(`ultimatum reason out of range: ${pdu.reason}`);
      writer.u8(choiceByte(DomainPduType.disconnectProviderUltimatum, pdu.reason >> 1));
      writer.u8((pdu.reason & 1) << 7);
      break;
  }
  return writer.finish();
}

/** Decodes one DomainMCSPDU occupying the whole buffer; `base` is its offset in the capture. */
export function decodeDomainPdu(bytes: Uint8Array, base = 0): DomainPdu {
  const reader = new ByteReader(bytes, 'MCS.DomainPDU', base);
  const first = reader.u8('choice');
  const choice = first >> 2;
  const low = first & 0x03;
  let pdu: DomainPdu;
  switch (choice) {
    case DomainPduType.erectDomainRequest:
      pdu = {
        type: 'erect-domain-request',
        subHeight: readPerInteger(reader, 'subHeight'),
        subInterval: readPerInteger(reader, 'subInterval'),
      };
      break;
    case DomainPduType.attachUserRequest:
      pdu = { type: 'attach-user-request' };
      break;
    case DomainPduType.attachUserConfirm: {
      const result = reader.u8('result');
      pdu =
        low & OPTIONAL_PRESENT
          ? {
              type: 'attach-user-confirm',
              result,
              initiator: reader.u16be('initiator') + MCS_BASE_CHANNEL_ID,
            }
          : { type: 'attach-user-confirm', result };
      break;
    }
    case DomainPduType.channelJoinRequest:
      pdu = {
        type: 'channel-join-request',
        initiator: reader.u16be('initiator') + MCS_BASE_CHANNEL_ID,
        channelId: reader.u16be('channelId'),
      };
      break;
    case DomainPduType.channelJoinConfirm: {
      const result = reader.u8('result');
      const initiator = reader.u16be('initiator') + MCS_BASE_CHANNEL_ID;
      const requested = reader.u16be('requested');
      pdu =
        low & OPTIONAL_PRESENT
          ? {
              type: 'channel-join-confirm',
              result,
              initiator,
              requested,
              channelId: reader.u16be('channelId'),
            }
          : { type: 'channel-join-confirm', result, initiator, requested };
      break;
    }
    case DomainPduType.sendDataRequest:
    case DomainPduType.sendDataIndication: {
      const initiator = reader.u16be('initiator') + MCS_BASE_CHANNEL_ID;
      const channelId = reader.u16be('channelId');
      const flags = reader.u8('dataPriority');
      const length = readPerLength(reader, 'userData.length');
      pdu = {
        type: choice === DomainPduType.sendDataRequest ? 'send-data-request' : 'send-data-indication',
        initiator,
        channelId,
        priority: flags >> 6,
        segmentation: (flags >> 4) & 0x03,
        userData: reader.bytesView(length, 'userData'),
      };
      break;
    }
    case DomainPduType.disconnectProviderUltimatum:
      pdu = { type: 'disconnect-provider-ultimatum', reason: (low << 1) | (reader.u8('reason') >> 7) };
      break;
    default:
      return reader.fail('unexpected-type', 'choice', `DomainMCSPDU choice ${choice} (0x${hex2(first)})`, 0);
  }
  reader.expectEnd();
  return pdu;
}

/** A DomainMCSPDU in TPKT + X.224 Data, as it travels (MS-RDPBCGR 2.2.1.5 onwards). */
export function encodeMcsFrame(mcsPdu: Uint8Array): Uint8Array {
  return encodeX224Data(mcsPdu);
}

/** Strips TPKT + X.224 Data and decodes the DomainMCSPDU; error offsets are frame offsets. */
export function decodeMcsFrame(frame: Uint8Array): DomainPdu {
  return decodeMcsFrameWithOffset(frame).pdu;
}

/**
 * As decodeMcsFrame, plus where a Send Data PDU's userData starts in the frame (the frame's
 * length for other PDUs), so the layers inside can report absolute offsets too.
 */
export function decodeMcsFrameWithOffset(frame: Uint8Array): { pdu: DomainPdu; userDataOffset: number } {
  const mcsBytes = decodeX224Data(frame);
  const pdu = decodeDomainPdu(mcsBytes, MCS_OFFSET_IN_FRAME);
  const userDataLength =
    pdu.type === 'send-data-request' || pdu.type === 'send-data-indication' ? pdu.userData.length : 0;
  return { pdu, userDataOffset: frame.length - userDataLength };
}

function hex2(value: number): string {
  return value.toString(16).padStart(2, '0');
}
