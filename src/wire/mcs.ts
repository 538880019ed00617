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
