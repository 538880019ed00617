import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * Slow-path PDUs after the security header inside MCS Send Data (MS-RDPBCGR 2.2.8.1.1.1):
 * every one starts with a Share Control Header; Data PDUs add a Share Data Header.
 *
 *   Share Control Header (2.2.8.1.1.1.1), little-endian:
 *   +----------------+----------------+----------------+
 *   | totalLength u16| pduType u16    | pduSource u16  |   totalLength counts the header too;
 *   +----------------+----------------+----------------+   pduType = type (4 bits) | 0x10 (version 1)
 *
 *   Share Data Header (2.2.8.1.1.1.2) continues it:
 *   +---------------+------+---------+--------------------+----------+----------------+-------------------+
 *   | shareId u32   | pad1 | streamId| uncompressedLength | pduType2 | compressedType | compressedLength  |
 *   +---------------+------+---------+--------------------+----------+----------------+-------------------+
 *
 * One MCS payload may carry several of these back to back (servers concatenate Data PDUs), so
 * decodeSlowPathPdus reads them all; decodeSlowPathPdu wants exactly one.
 */
export const SHARE_CONTROL_HEADER_SIZE = 6;
export const SHARE_DATA_HEADER_SIZE = 18;
/** TS_PROTOCOL_VERSION in the PDUVersion bits of pduType. */
export const TS_PROTOCOL_VERSION = 0x1;
/** totalLength 0x8000 marks a T.128 FlowPDU, which MUST be ignored (2.2.8.1.1.1.1). */
export const FLOW_PDU_MARKER = 0x8000;
const FLOW_PDU_SIZE = 8;
/** The server's channel id as originator of Demand Active and Confirm Active (2.2.1.13.2.1). */
export const SERVER_CHANNEL_ID = 0x03ea;

/** Share Control Header type values (2.2.8.1.1.1.1). */
export const PduType = {
  PDUTYPE_DEMANDACTIVEPDU: 0x1,
  PDUTYPE_CONFIRMACTIVEPDU: 0x3,
  PDUTYPE_DEACTIVATEALLPDU: 0x6,
  PDUTYPE_DATAPDU: 0x7,
  PDUTYPE_SERVER_REDIR_PKT: 0xa,
} as const;

/** Share Data Header pduType2 values (2.2.8.1.1.1.2). */
export const PduType2 = {
  PDUTYPE2_UPDATE: 0x02,
  PDUTYPE2_CONTROL: 0x14,
  PDUTYPE2_POINTER: 0x1b,
  PDUTYPE2_INPUT: 0x1c,
  PDUTYPE2_SYNCHRONIZE: 0x1f,
  PDUTYPE2_REFRESH_RECT: 0x21,
  PDUTYPE2_PLAY_SOUND: 0x22,
  PDUTYPE2_SUPPRESS_OUTPUT: 0x23,
  PDUTYPE2_SHUTDOWN_REQUEST: 0x24,
  PDUTYPE2_SHUTDOWN_DENIED: 0x25,
  PDUTYPE2_SAVE_SESSION_INFO: 0x26,
  PDUTYPE2_FONTLIST: 0x27,
  PDUTYPE2_FONTMAP: 0x28,
  PDUTYPE2_SET_KEYBOARD_INDICATORS: 0x29,
  PDUTYPE2_BITMAPCACHE_PERSISTENT_LIST: 0x2b,
  PDUTYPE2_BITMAPCACHE_ERROR_PDU: 0x2c,
  PDUTYPE2_SET_KEYBOARD_IME_STATUS: 0x2d,
  PDUTYPE2_OFFSCRCACHE_ERROR_PDU: 0x2e,
  PDUTYPE2_SET_ERROR_INFO_PDU: 0x2f,
  PDUTYPE2_DRAWNINEGRID_ERROR_PDU: 0x30,
  PDUTYPE2_DRAWGDIPLUS_ERROR_PDU: 0x31,
  PDUTYPE2_ARC_STATUS_PDU: 0x32,
  PDUTYPE2_STATUS_INFO_PDU: 0x36,
  PDUTYPE2_MONITOR_LAYOUT_PDU: 0x37,
} as const;

/** Share Data Header streamId values. */
export const StreamId = {
  STREAM_UNDEFINED: 0x00,
  STREAM_LOW: 0x01,
  STREAM_MED: 0x02,
  STREAM_HI: 0x04,
} as const;
/** compressedType bit saying the body is bulk-compressed (2.2.8.1.1.1.2); we never negotiate it. */
export const PACKET_COMPRESSED = 0x20;

/** Capability set types (2.2.1.13.1.1.1). */
export const CapabilitySetType = {
  CAPSTYPE_GENERAL: 1,
  CAPSTYPE_BITMAP: 2,
  CAPSTYPE_ORDER: 3,
  CAPSTYPE_BITMAPCACHE: 4,
  CAPSTYPE_CONTROL: 5,
  CAPSTYPE_ACTIVATION: 7,
  CAPSTYPE_POINTER: 8,
  CAPSTYPE_SHARE: 9,
  CAPSTYPE_COLORCACHE: 10,
  CAPSTYPE_SOUND: 12,
  CAPSTYPE_INPUT: 13,
  CAPSTYPE_FONT: 14,
  CAPSTYPE_BRUSH: 15,
  CAPSTYPE_GLYPHCACHE: 16,
  CAPSTYPE_OFFSCREENCACHE: 17,
  CAPSTYPE_BITMAPCACHE_HOSTSUPPORT: 18,
  CAPSTYPE_BITMAPCACHE_REV2: 19,
  CAPSTYPE_VIRTUALCHANNEL: 20,
  CAPSTYPE_DRAWNINEGRIDCACHE: 21,
  CAPSTYPE_DRAWGDIPLUS: 22,
  CAPSTYPE_RAIL: 23,
  CAPSTYPE_WINDOW: 24,
  CAPSETTYPE_COMPDESK: 25,
  CAPSETTYPE_MULTIFRAGMENTUPDATE: 26,
  CAPSETTYPE_LARGE_POINTER: 27,
  CAPSETTYPE_SURFACE_COMMANDS: 28,
  CAPSETTYPE_BITMAP_CODECS: 29,
  CAPSSETTYPE_FRAME_ACKNOWLEDGE: 30,
} as const;

/** Control PDU actions (2.2.1.15.1). */
export const ControlAction = {
  CTRLACTION_REQUEST_CONTROL: 0x0001,
  CTRLACTION_GRANTED_CONTROL: 0x0002,
  CTRLACTION_DETACH: 0x0003,
  CTRLACTION_COOPERATE: 0x0004,
} as const;

/** Synchronize messageType (2.2.1.14.1). */
export const SYNCMSGTYPE_SYNC = 0x0001;

/** Save Session Info infoType (2.2.10.1.1). */
export const InfoType = {
  INFOTYPE_LOGON: 0x00000000,
  INFOTYPE_LOGON_LONG: 0x00000001,
  INFOTYPE_LOGON_PLAINNOTIFY: 0x00000002,
  INFOTYPE_LOGON_EXTENDED_INFO: 0x00000003,
} as const;

/** TS_LOGON_INFO_EXTENDED FieldsPresent bits (2.2.10.1.1.4). */
export const LogonExField = {
  LOGON_EX_AUTORECONNECTCOOKIE: 0x00000001,
  LOGON_EX_LOGONERRORS: 0x00000002,
} as const;

/** TS_LOGON_ERRORS_INFO ErrorNotificationType (2.2.10.1.1.4.1.1). */
export const LogonErrorType = {
  LOGON_MSG_DISCONNECT_REFUSED: 0xfffffff9,
  LOGON_MSG_NO_PERMISSION: 0xfffffffa,
  LOGON_MSG_BUMP_OPTIONS: 0xfffffffb,
  LOGON_MSG_RECONNECT_OPTIONS: 0xfffffffc,
  LOGON_MSG_SESSION_TERMINATE: 0xfffffffd,
  LOGON_MSG_SESSION_CONTINUE: 0xfffffffe,
} as const;

/** TS_LOGON_ERRORS_INFO ErrorNotificationData (2.2.10.1.1.4.1.1); other values are a session id. */
export const LogonErrorData = {
  LOGON_FAILED_BAD_PASSWORD: 0x00000000,
  LOGON_FAILED_UPDATE_PASSWORD: 0x00000001,
  LOGON_FAILED_OTHER: 0x00000002,
  LOGON_WARNING: 0x00000003,
} as const;

function nameIn(table: Readonly<Record<string, number>>, value: number): string | undefined {
  for (const [name, code] of Object.entries(table)) if (code === value) return name;
  return undefined;
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

export function pduTypeName(type: number): string {
  return nameIn(PduType, type) ?? `unknown PDU type 0x${hex(type, 2)}`;
}

export function pduType2Name(type2: number): string {
  return nameIn(PduType2, type2) ?? `unknown PDU type2 0x${hex(type2, 2)}`;
}

export function capabilitySetTypeName(type: number): string {
  return nameIn(CapabilitySetType, type) ?? `unknown capability set ${type}`;
}

export function controlActionName(action: number): string {
  return nameIn(ControlAction, action) ?? `unknown control action ${action}`;
}

export function infoTypeName(infoType: number): string {
  return nameIn(InfoType, infoType) ?? `unknown info type 0x${hex(infoType, 8)}`;
}

export function logonErrorTypeName(type: number): string {
  return nameIn(LogonErrorType, type) ?? `unknown logon error type 0x${hex(type, 8)}`;
}

export function logonErrorDataName(data: number): string {
  return nameIn(LogonErrorData, data) ?? `unknown logon error data 0x${hex(data, 8)}`;
}

// ---- types ---------------------------------------------------------------------------------

/** One capability set, undecoded: `data` is what follows capabilitySetType and lengthCapability. */
export interface CapabilitySet {
  readonly type: number;
  readonly data: Uint8Array;
}

export interface LogonErrorsInfo {
  readonly errorNotificationType: number;
  readonly errorNotificationData: number;
}

/** ARC_SC_PRIVATE_PACKET (2.2.4.2): the server's auto-reconnect cookie. */
export interface ServerAutoReconnectCookie {
  readonly version: number;
  readonly logonId: number;
  /** 16 bytes. */
  readonly arcRandomBits: Uint8Array;
}

export type DataPdu =
  | { readonly kind: 'set-error-info'; readonly errorInfo: number }
  | {
      readonly kind: 'save-session-info';
      readonly infoType: number;
      /** INFOTYPE_LOGON and INFOTYPE_LOGON_LONG: who logged on. */
      readonly logon?: { readonly domain: string; readonly userName: string; readonly sessionId: number };
      /** INFOTYPE_LOGON_EXTENDED_INFO with LOGON_EX_LOGONERRORS. */
      readonly logonErrors?: LogonErrorsInfo;
      /** INFOTYPE_LOGON_EXTENDED_INFO with LOGON_EX_AUTORECONNECTCOOKIE. */
      readonly autoReconnect?: ServerAutoReconnectCookie;
      /** An unknown infoType's bytes, kept as evidence. */
      readonly raw?: Uint8Array;
    }
  | { readonly kind: 'synchronize'; readonly targetUser: number }
  | {
      readonly kind: 'control';
      readonly action: number;
      readonly grantId: number;
      readonly controlId: number;
    }
  | { readonly kind: 'font-list' }
  | { readonly kind: 'font-map' }
  | { readonly kind: 'other'; readonly pduType2: number; readonly raw: Uint8Array };

export interface DemandActive {
  readonly type: 'demand-active';
  readonly shareId: number;
  /** "RDP" from Windows; kept as bytes. */
  readonly sourceDescriptor: Uint8Array;
  readonly capabilitySets: readonly CapabilitySet[];
  /** Absent when an old server ends the PDU after the capability sets. */
  readonly sessionId?: number;
}

export interface ConfirmActive {
  readonly type: 'confirm-active';
  readonly shareId: number;
  /** MUST be SERVER_CHANNEL_ID (0x03ea). */
  readonly originatorId: number;
  readonly sourceDescriptor: Uint8Array;
  readonly capabilitySets: readonly CapabilitySet[];
}

export type SlowPathPdu =
  | DemandActive
  | ConfirmActive
  | { readonly type: 'deactivate-all'; readonly shareId: number }
  | {
      readonly type: 'data';
      readonly shareId: number;
      readonly pduType2: number;
      /** STREAM_LOW unless said otherwise when encoding. */
      readonly streamId?: number;
      readonly body: DataPdu;
    }
  | { readonly type: 'server-redirection'; readonly raw: Uint8Array }
  /** Unknown pduType, or a FlowPDU (pduType holds FLOW_PDU_MARKER); raw follows the 6-byte header. */
  | { readonly type: 'unknown'; readonly pduType: number; readonly raw: Uint8Array };

export interface DecodedSlowPathPdu {
  /** The sender's MCS user channel id. */
  readonly pduSource: number;
  readonly pdu: SlowPathPdu;
}

// ---- fixed sizes ---------------------------------------------------------------------------

/** TS_LOGON_INFO (2.2.10.1.1.1): cbDomain + 52 + cbUserName + 512 + SessionId. */
const LOGON_INFO_DOMAIN_SIZE = 52;
const LOGON_INFO_USER_NAME_SIZE = 512;
export const LOGON_INFO_SIZE = 4 + LOGON_INFO_DOMAIN_SIZE + 4 + LOGON_INFO_USER_NAME_SIZE + 4;
/** TS_LOGON_INFO_VERSION_2 (2.2.10.1.1.2): Version, Size, SessionId, cbDomain, cbUserName. */
const LOGON_INFO_V2_HEADER_SIZE = 2 + 4 + 4 + 4 + 4;
const LOGON_INFO_V2_VERSION = 0x0001;
const LOGON_INFO_V2_PAD_SIZE = 558;
/** TS_PLAIN_NOTIFY (2.2.10.1.1.3): 576 bytes of padding. */
const PLAIN_NOTIFY_PAD_SIZE = 576;
/** TS_LOGON_INFO_EXTENDED (2.2.10.1.1.4) ends in 570 bytes of padding. */
const LOGON_EXTENDED_PAD_SIZE = 570;
/** ARC_SC_PRIVATE_PACKET: cbLen, Version, LogonId, ArcRandomBits[16]. */
export const ARC_SC_PRIVATE_PACKET_SIZE = 28;
const ARC_RANDOM_BITS_SIZE = 16;
const LOGON_ERRORS_INFO_SIZE = 8;
/** Longest user name / domain a TS_LOGON_INFO_VERSION_2 may carry (2.2.10.1.1.2). */
const LOGON_LONG_MAX_USER_NAME = 512;
const LOGON_LONG_MAX_DOMAIN = 52;
const FONT_LIST_ENTRY_SIZE = 0x0032;
const FONT_MAP_ENTRY_SIZE = 0x0004;
const FONTLIST_FIRST_LAST = 0x0003;
const FONTMAP_FIRST_LAST = 0x0003;
/** A server sends about 20 capability sets; bound the loop, not the memory (views only). */
const MAX_CAPABILITY_SETS = 256;
const CAPABILITY_SET_HEADER_SIZE = 4;

// ---- strings -------------------------------------------------------------------------------

function utf16WithTerminator(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(`${text}\0`, 'utf16le'));
}

/** UTF-16LE up to the first NUL (or the end). */
function utf16UpToNul(bytes: Uint8Array): string {
  let end = 0;
  while (end + 1 < bytes.length && (bytes[end] !== 0 || bytes[end + 1] !== 0)) end += 2;
  return Buffer.from(bytes.subarray(0, end)).toString('utf16le');
}

// ---- encoders ------------------------------------------------------------------------------

function writeCapabilitySets(writer: ByteWriter, sets: readonly CapabilitySet[]): void {
  writer.u16le(sets.length).u16le(0);
  for (const set of sets) {
    writer
      .u16le(set.type)
      .u16le(CAPABILITY_SET_HEADER_SIZE + set.data.length)
      .bytes(set.data);
  }
}

function capabilitySetsLength(sets: readonly CapabilitySet[]): number {
  // numberCapabilities + pad2Octets, then each set with its 4-byte header.
  return 4 + sets.reduce((sum, set) => sum + CAPABILITY_SET_HEADER_SIZE + set.data.length, 0);
}

function encodeDataBody(body: DataPdu): Uint8Array {
  const writer = new ByteWriter(32);
  switch (body.kind) {
    case 'set-error-info':
      writer.u32le(body.errorInfo);
      break;
    case 'synchronize':
      writer.u16le(SYNCMSGTYPE_SYNC).u16le(body.targetUser);
      break;
    case 'control':
      writer.u16le(body.action).u16le(body.grantId).u32le(body.controlId);
      break;
    case 'font-list':
      // numberFonts 0, totalNumFonts 0, listFlags FIRST|LAST, entrySize 0x32 (2.2.1.18.1).
      writer.u16le(0).u16le(0).u16le(FONTLIST_FIRST_LAST).u16le(FONT_LIST_ENTRY_SIZE);
      break;
    case 'font-map':
      // numberEntries 0, totalNumEntries 0, mapFlags FIRST|LAST, entrySize 4 (2.2.1.22.1).
      writer.u16le(0).u16le(0).u16le(FONTMAP_FIRST_LAST).u16le(FONT_MAP_ENTRY_SIZE);
      break;
    case 'save-session-info':
      writer.u32le(body.infoType).bytes(encodeSaveSessionInfoData(body));
      break;
    case 'other':
      writer.bytes(body.raw);
      break;
  }
  return writer.finish();
}

type SaveSessionInfo = Extract<DataPdu, { kind: 'save-session-info' }>;

function encodeSaveSessionInfoData(info: SaveSessionInfo): Uint8Array {
  const writer = new ByteWriter(LOGON_INFO_SIZE);
  switch (info.infoType) {
    case InfoType.INFOTYPE_LOGON: {
      const logon = info.logon ?? { domain: '', userName: '', sessionId: 0 };
      const domain = utf16WithTerminator(logon.domain);
      const userName = utf16WithTerminator(logon.userName);
      if (domain.length > LOGON_INFO_DOMAIN_SIZE || userName.length > LOGON_INFO_USER_NAME_SIZE)
        throw new RangeError('TS_LOGON_INFO domain or user name too long');
      writer
        .u32le(domain.length)
        .bytes(domain)
        .bytes(new Uint8Array(LOGON_INFO_DOMAIN_SIZE - domain.length));
      writer.u32le(userName.length).bytes(userName);
      writer.bytes(new Uint8Array(LOGON_INFO_USER_NAME_SIZE - userName.length)).u32le(logon.sessionId);
      break;
    }
    case InfoType.INFOTYPE_LOGON_LONG: {
      const logon = info.logon ?? { domain: '', userName: '', sessionId: 0 };
      const domain = utf16WithTerminator(logon.domain);
      const userName = utf16WithTerminator(logon.userName);
      if (domain.length > LOGON_LONG_MAX_DOMAIN || userName.length > LOGON_LONG_MAX_USER_NAME)
        throw new RangeError('TS_LOGON_INFO_VERSION_2 domain or user name too long');
      writer.u16le(LOGON_INFO_V2_VERSION).u32le(LOGON_INFO_V2_HEADER_SIZE).u32le(logon.sessionId);
      writer.u32le(domain.length).u32le(userName.length).bytes(new Uint8Array(LOGON_INFO_V2_PAD_SIZE));
      writer.bytes(domain).bytes(userName);
      break;
    }
    case InfoType.INFOTYPE_LOGON_PLAINNOTIFY:
      writer.bytes(new Uint8Array(PLAIN_NOTIFY_PAD_SIZE));
      break;
    case InfoType.INFOTYPE_LOGON_EXTENDED_INFO: {
      let fieldsPresent = 0;
      const fields = new ByteWriter(64);
      if (info.autoReconnect) {
        fieldsPresent |= LogonExField.LOGON_EX_AUTORECONNECTCOOKIE;
        if (info.autoReconnect.arcRandomBits.length !== ARC_RANDOM_BITS_SIZE)
          throw new RangeError('arcRandomBits must be 16 bytes');
        fields.u32le(ARC_SC_PRIVATE_PACKET_SIZE).u32le(ARC_SC_PRIVATE_PACKET_SIZE);
        fields.u32le(info.autoReconnect.version).u32le(info.autoReconnect.logonId);
        fields.bytes(info.autoReconnect.arcRandomBits);
      }
      if (info.logonErrors) {
        fieldsPresent |= LogonExField.LOGON_EX_LOGONERRORS;
        fields.u32le(LOGON_ERRORS_INFO_SIZE);
        fields.u32le(info.logonErrors.errorNotificationType).u32le(info.logonErrors.errorNotificationData);
      }
      // Length counts itself, FieldsPresent and the fields, not the trailing pad (2.2.10.1.1.4).
      writer
        .u16le(2 + 4 + fields.length)
        .u32le(fieldsPresent)
        .bytes(fields.finish());
      writer.bytes(new Uint8Array(LOGON_EXTENDED_PAD_SIZE));
      break;
    }
    default:
      writer.bytes(info.raw ?? new Uint8Array(0));
  }
  return writer.finish();
}

function pduTypeOf(pdu: SlowPathPdu): number {
  switch (pdu.type) {
    case 'demand-active':
      return PduType.PDUTYPE_DEMANDACTIVEPDU;
    case 'confirm-active':
      return PduType.PDUTYPE_CONFIRMACTIVEPDU;
    case 'deactivate-all':
      return PduType.PDUTYPE_DEACTIVATEALLPDU;
    case 'data':
      return PduType.PDUTYPE_DATAPDU;
    case 'server-redirection':
      return PduType.PDUTYPE_SERVER_REDIR_PKT;
    case 'unknown':
      return pdu.pduType;
  }
}

function pduTypeField(type: number): number {
  if (!Number.isInteger(type) || type < 0 || type > 0x0f)
    throw new RangeError(`pduType out of range: ${type}`);
  return (TS_PROTOCOL_VERSION << 4) | type;
}

/** Encodes one slow-path PDU with its Share Control Header; `pduSource` is the sender's channel. */
export function encodeSlowPathPdu(pdu: SlowPathPdu, pduSource: number): Uint8Array {
  // A FlowPDU as decoded: the marker, then its 6 bytes (which hold their own pduSource).
  if (pdu.type === 'unknown' && pdu.pduType === FLOW_PDU_MARKER)
    return new ByteWriter(2 + pdu.raw.length).u16le(FLOW_PDU_MARKER).bytes(pdu.raw).finish();
  const body = new ByteWriter(64);
  switch (pdu.type) {
    case 'demand-active':
      // 2.2.1.13.1.1: shareId, lengthSourceDescriptor, lengthCombinedCapabilities, sourceDescriptor,
      // numberCapabilities, pad2Octets, capabilitySets, sessionId.
      body.u32le(pdu.shareId).u16le(pdu.sourceDescriptor.length);
      body.u16le(capabilitySetsLength(pdu.capabilitySets)).bytes(pdu.sourceDescriptor);
      writeCapabilitySets(body, pdu.capabilitySets);
      if (pdu.sessionId !== undefined) body.u32le(pdu.sessionId);
      break;
    case 'confirm-active':
      // 2.2.1.13.2.1: as Demand Active with originatorId after shareId and no sessionId.
      body.u32le(pdu.shareId).u16le(pdu.originatorId).u16le(pdu.sourceDescriptor.length);
      body.u16le(capabilitySetsLength(pdu.capabilitySets)).bytes(pdu.sourceDescriptor);
      writeCapabilitySets(body, pdu.capabilitySets);
      break;
    case 'deactivate-all':
      // 2.2.3.1.1: shareId, lengthSourceDescriptor 1, sourceDescriptor 0x00.
      body.u32le(pdu.shareId).u16le(1).u8(0);
      break;
    case 'data': {
      const data = encodeDataBody(pdu.body);
      // uncompressedLength counts from pduType2 on: the data plus pduType2, compressedType and
      // compressedLength (MS-RDPBCGR 4.1.14's Synchronize PDU: 8 for a 4-byte body).
      body
        .u32le(pdu.shareId)
        .u8(0)
        .u8(pdu.streamId ?? StreamId.STREAM_LOW)
        .u16le(data.length + 4);
      body.u8(pdu.pduType2).u8(0).u16le(0).bytes(data);
      break;
    }
    case 'server-redirection':
    case 'unknown':
      body.bytes(pdu.raw);
      break;
  }
  const bytes = body.finish();
  const writer = new ByteWriter(SHARE_CONTROL_HEADER_SIZE + bytes.length);
  writer
    .u16le(SHARE_CONTROL_HEADER_SIZE + bytes.length)
    .u16le(pduTypeField(pduTypeOf(pdu)))
    .u16le(pduSource);
  return writer.bytes(bytes).finish();
}

// ---- decoders ------------------------------------------------------------------------------

function readCapabilitySets(reader: ByteReader): CapabilitySet[] {
  const count = reader.u16le('numberCapabilities');
  if (count > MAX_CAPABILITY_SETS)
    reader.fail(
      'too-large',
      'numberCapabilities',
      `${count} exceeds ${MAX_CAPABILITY_SETS}`,
      reader.offset - 2,
    );
  reader.u16le('pad2Octets');
  const sets: CapabilitySet[] = [];
  for (let i = 0; i < count; i++) {
    const at = reader.offset;
    const type = reader.u16le(`capabilitySets[${i}].capabilitySetType`);
    const length = reader.u16le(`capabilitySets[${i}].lengthCapability`);
    if (length < CAPABILITY_SET_HEADER_SIZE)
      reader.fail('invalid-field', `capabilitySets[${i}].lengthCapability`, `${length} is below 4`, at + 2);
    sets.push({
      type,
      data: reader.bytesView(length - CAPABILITY_SET_HEADER_SIZE, `capabilitySets[${i}].data`),
    });
  }
  return sets;
}

/** Reads lengthSourceDescriptor..capabilitySets, checking lengthCombinedCapabilities. */
function readSourceAndCapabilities(reader: ByteReader): {
  sourceDescriptor: Uint8Array;
  capabilitySets: CapabilitySet[];
} {
  const sourceLength = reader.u16le('lengthSourceDescriptor');
  const combinedAt = reader.offset;
  const combinedLength = reader.u16le('lengthCombinedCapabilities');
  const sourceDescriptor = reader.bytesView(sourceLength, 'sourceDescriptor');
  const start = reader.offset;
  const capabilitySets = readCapabilitySets(reader);
  if (reader.offset - start !== combinedLength)
    reader.fail(
      'invalid-field',
      'lengthCombinedCapabilities',
      `says ${combinedLength}, capability sets take ${reader.offset - start}`,
      combinedAt,
    );
  return { sourceDescriptor, capabilitySets };
}

function readLogonInfoExtended(reader: ByteReader): Pick<SaveSessionInfo, 'logonErrors' | 'autoReconnect'> {
  const lengthAt = reader.offset;
  const length = reader.u16le('Length');
  const fieldsPresent = reader.u32le('FieldsPresent');
  let logonErrors: LogonErrorsInfo | undefined;
  let autoReconnect: ServerAutoReconnectCookie | undefined;
  if (fieldsPresent & LogonExField.LOGON_EX_AUTORECONNECTCOOKIE) {
    const cbAt = reader.offset;
    const cb = reader.u32le('autoReconnect.cbFieldData');
    if (cb !== ARC_SC_PRIVATE_PACKET_SIZE)
      reader.fail('invalid-field', 'autoReconnect.cbFieldData', `expected 28, got ${cb}`, cbAt);
    const field = reader.sub(cb, 'autoReconnect', 'ARC_SC_PRIVATE_PACKET');
    field.u32le('cbLen');
    autoReconnect = {
      version: field.u32le('Version'),
      logonId: field.u32le('LogonId'),
      arcRandomBits: Uint8Array.from(field.bytesView(ARC_RANDOM_BITS_SIZE, 'ArcRandomBits')),
    };
  }
  if (fieldsPresent & LogonExField.LOGON_EX_LOGONERRORS) {
    const cbAt = reader.offset;
    const cb = reader.u32le('logonErrors.cbFieldData');
    if (cb !== LOGON_ERRORS_INFO_SIZE)
      reader.fail('invalid-field', 'logonErrors.cbFieldData', `expected 8, got ${cb}`, cbAt);
    logonErrors = {
      errorNotificationType: reader.u32le('ErrorNotificationType'),
      errorNotificationData: reader.u32le('ErrorNotificationData'),
    };
  }
  if (reader.offset - lengthAt !== length)
    reader.fail(
      'invalid-field',
      'Length',
      `says ${length}, fields take ${reader.offset - lengthAt}`,
      lengthAt,
    );
  // The 570-byte pad is not checked: it carries nothing, and a short pad loses nothing.
  reader.rest();
  return { ...(logonErrors ? { logonErrors } : {}), ...(autoReconnect ? { autoReconnect } : {}) };
}

function readSaveSessionInfo(reader: ByteReader): SaveSessionInfo {
  const infoType = reader.u32le('infoType');
  switch (infoType) {
    case InfoType.INFOTYPE_LOGON: {
      const cbDomainAt = reader.offset;
      const cbDomain = reader.u32le('cbDomain');
      if (cbDomain > LOGON_INFO_DOMAIN_SIZE)
        reader.fail('invalid-field', 'cbDomain', `${cbDomain} exceeds ${LOGON_INFO_DOMAIN_SIZE}`, cbDomainAt);
      const domain = utf16UpToNul(reader.bytesView(LOGON_INFO_DOMAIN_SIZE, 'Domain').subarray(0, cbDomain));
      const cbUserAt = reader.offset;
      const cbUserName = reader.u32le('cbUserName');
      if (cbUserName > LOGON_INFO_USER_NAME_SIZE)
        reader.fail(
          'invalid-field',
          'cbUserName',
          `${cbUserName} exceeds ${LOGON_INFO_USER_NAME_SIZE}`,
          cbUserAt,
        );
      const userName = utf16UpToNul(
        reader.bytesView(LOGON_INFO_USER_NAME_SIZE, 'UserName').subarray(0, cbUserName),
      );
      const sessionId = reader.u32le('SessionId');
      reader.expectEnd();
      return { kind: 'save-session-info', infoType, logon: { domain, userName, sessionId } };
    }
    case InfoType.INFOTYPE_LOGON_LONG: {
      const versionAt = reader.offset;
      const version = reader.u16le('Version');
      if (version !== LOGON_INFO_V2_VERSION)
        reader.fail('unsupported-version', 'Version', `expected 1, got ${version}`, versionAt);
      const sizeAt = reader.offset;
      const size = reader.u32le('Size');
      if (size !== LOGON_INFO_V2_HEADER_SIZE)
        reader.fail('invalid-field', 'Size', `expected ${LOGON_INFO_V2_HEADER_SIZE}, got ${size}`, sizeAt);
      const sessionId = reader.u32le('SessionId');
      const cbDomainAt = reader.offset;
      const cbDomain = reader.u32le('cbDomain');
      const cbUserAt = reader.offset;
      const cbUserName = reader.u32le('cbUserName');
      if (cbDomain > LOGON_LONG_MAX_DOMAIN)
        reader.fail('invalid-field', 'cbDomain', `${cbDomain} exceeds ${LOGON_LONG_MAX_DOMAIN}`, cbDomainAt);
      if (cbUserName > LOGON_LONG_MAX_USER_NAME)
        reader.fail(
          'invalid-field',
          'cbUserName',
          `${cbUserName} exceeds ${LOGON_LONG_MAX_USER_NAME}`,
          cbUserAt,
        );
      reader.skip(LOGON_INFO_V2_PAD_SIZE, 'Pad');
      const domain = utf16UpToNul(reader.bytesView(cbDomain, 'Domain'));
      const userName = utf16UpToNul(reader.bytesView(cbUserName, 'UserName'));
      reader.expectEnd();
      return { kind: 'save-session-info', infoType, logon: { domain, userName, sessionId } };
    }
    case InfoType.INFOTYPE_LOGON_PLAINNOTIFY:
      // TS_PLAIN_NOTIFY is padding only; a short one still says "logged on".
      reader.rest();
      return { kind: 'save-session-info', infoType };
    case InfoType.INFOTYPE_LOGON_EXTENDED_INFO:
      return { kind: 'save-session-info', infoType, ...readLogonInfoExtended(reader) };
    default:
      return { kind: 'save-session-info', infoType, raw: reader.rest() };
  }
}

function readDataBody(reader: ByteReader, pduType2: number): DataPdu {
  switch (pduType2) {
    case PduType2.PDUTYPE2_SET_ERROR_INFO_PDU: {
      const errorInfo = reader.u32le('errorInfo');
      reader.expectEnd();
      return { kind: 'set-error-info', errorInfo };
    }
    case PduType2.PDUTYPE2_SYNCHRONIZE: {
      const typeAt = reader.offset;
      const messageType = reader.u16le('messageType');
      if (messageType !== SYNCMSGTYPE_SYNC)
        reader.fail('invalid-field', 'messageType', `expected 1, got ${messageType}`, typeAt);
      const targetUser = reader.u16le('targetUser');
      reader.expectEnd();
      return { kind: 'synchronize', targetUser };
    }
    case PduType2.PDUTYPE2_CONTROL: {
      const body = {
        kind: 'control' as const,
        action: reader.u16le('action'),
        grantId: reader.u16le('grantId'),
        controlId: reader.u32le('controlId'),
      };
      reader.expectEnd();
      return body;
    }
    case PduType2.PDUTYPE2_FONTLIST:
      reader.skip(8, 'fontList');
      reader.expectEnd();
      return { kind: 'font-list' };
    case PduType2.PDUTYPE2_FONTMAP:
      reader.skip(8, 'fontMap');
      reader.expectEnd();
      return { kind: 'font-map' };
    case PduType2.PDUTYPE2_SAVE_SESSION_INFO:
      return readSaveSessionInfo(reader);
    default:
      return { kind: 'other', pduType2, raw: reader.rest() };
  }
}

function readOnePdu(reader: ByteReader): DecodedSlowPathPdu {
  const start = reader.offset;
  const totalLength = reader.u16le('totalLength');
  if (totalLength === FLOW_PDU_MARKER) {
    // A T.128 FlowPDU (8 bytes: marker, pad, pduTypeFlow, flowIdentifier, flowNumber, pduSource)
    // MUST be ignored (2.2.8.1.1.1.1); raw keeps the 6 bytes after the marker.
    const raw = reader.bytesView(FLOW_PDU_SIZE - 2, 'flowPdu');
    return { pduSource: raw[4]! | (raw[5]! << 8), pdu: { type: 'unknown', pduType: FLOW_PDU_MARKER, raw } };
  }
  if (totalLength < SHARE_CONTROL_HEADER_SIZE)
    reader.fail(
      'invalid-field',
      'totalLength',
      `${totalLength} is below ${SHARE_CONTROL_HEADER_SIZE}`,
      start,
    );
  if (totalLength - 2 > reader.remaining)
    reader.fail(
      'not-enough-bytes',
      'totalLength',
      `says ${totalLength}, ${reader.remaining + 2} left`,
      start,
    );
  const pdu = reader.sub(totalLength - 2, 'pdu', 'ShareControl');
  const pduTypeAt = pdu.offset;
  const pduTypeValue = pdu.u16le('pduType');
  const version = (pduTypeValue >> 4) & 0x0f;
  if (version !== TS_PROTOCOL_VERSION)
    pdu.fail('unsupported-version', 'pduType', `PDUVersion ${version}, expected 1`, pduTypeAt);
  const type = pduTypeValue & 0x0f;
  const pduSource = pdu.u16le('pduSource');
  return { pduSource, pdu: readPduBody(pdu, type) };
}

function readPduBody(reader: ByteReader, type: number): SlowPathPdu {
  switch (type) {
    case PduType.PDUTYPE_DEMANDACTIVEPDU: {
      const shareId = reader.u32le('shareId');
      const { sourceDescriptor, capabilitySets } = readSourceAndCapabilities(reader);
      if (reader.remaining === 0) return { type: 'demand-active', shareId, sourceDescriptor, capabilitySets };
      const sessionId = reader.u32le('sessionId');
      reader.expectEnd();
      return { type: 'demand-active', shareId, sourceDescriptor, capabilitySets, sessionId };
    }
    case PduType.PDUTYPE_CONFIRMACTIVEPDU: {
      const shareId = reader.u32le('shareId');
      const originatorId = reader.u16le('originatorId');
      const { sourceDescriptor, capabilitySets } = readSourceAndCapabilities(reader);
      reader.expectEnd();
      return { type: 'confirm-active', shareId, originatorId, sourceDescriptor, capabilitySets };
    }
    case PduType.PDUTYPE_DEACTIVATEALLPDU: {
      const shareId = reader.u32le('shareId');
      // Some servers end the PDU after shareId; the source descriptor says nothing we use.
      if (reader.remaining > 0) {
        const length = reader.u16le('lengthSourceDescriptor');
        reader.skip(length, 'sourceDescriptor');
        reader.expectEnd();
      }
      return { type: 'deactivate-all', shareId };
    }
    case PduType.PDUTYPE_DATAPDU: {
      const shareId = reader.u32le('shareId');
      reader.u8('pad1');
      const streamId = reader.u8('streamId');
      reader.u16le('uncompressedLength');
      const pduType2 = reader.u8('pduType2');
      const compressedType = reader.u8('compressedType');
      reader.u16le('compressedLength');
      const body: DataPdu =
        compressedType & PACKET_COMPRESSED
          ? { kind: 'other', pduType2, raw: reader.rest() }
          : readDataBody(reader, pduType2);
      return { type: 'data', shareId, pduType2, streamId, body };
    }
    case PduType.PDUTYPE_SERVER_REDIR_PKT:
      return { type: 'server-redirection', raw: reader.rest() };
    default:
      return { type: 'unknown', pduType: type, raw: reader.rest() };
  }
}

/**
 * Decodes every slow-path PDU in one security-layer payload; `base` is the payload's offset in
 * the frame so errors point at capture bytes.
 */
export function decodeSlowPathPdus(bytes: Uint8Array, base = 0): DecodedSlowPathPdu[] {
  const reader = new ByteReader(bytes, 'ShareControl', base);
  const pdus: DecodedSlowPathPdu[] = [];
  do pdus.push(readOnePdu(reader));
  while (reader.remaining > 0);
  return pdus;
}

/** Decodes exactly one slow-path PDU occupying the whole buffer. */
export function decodeSlowPathPdu(bytes: Uint8Array, base = 0): DecodedSlowPathPdu {
  const reader = new ByteReader(bytes, 'ShareControl', base);
  const decoded = readOnePdu(reader);
  reader.expectEnd();
  return decoded;
}

// ---- capability sets we read ---------------------------------------------------------------

/** TS_GENERAL_CAPABILITYSET (2.2.7.1.1), the fields a diagnosis shows. */
export interface GeneralCapability {
  readonly osMajorType: number;
  readonly osMinorType: number;
  readonly protocolVersion: number;
  readonly generalCompressionTypes: number;
  readonly extraFlags: number;
  readonly updateCapabilityFlag: number;
  readonly remoteUnshareFlag: number;
  readonly generalCompressionLevel: number;
  readonly refreshRectSupport: number;
  readonly suppressOutputSupport: number;
}

/** TS_BITMAP_CAPABILITYSET (2.2.7.1.2): colour depth and desktop size. */
export interface BitmapCapability {
  readonly preferredBitsPerPixel: number;
  readonly desktopWidth: number;
  readonly desktopHeight: number;
  readonly desktopResizeFlag: number;
}

/** General capability osMajorType values (2.2.7.1.1). */
export const OsMajorType = {
  OSMAJORTYPE_UNSPECIFIED: 0,
  OSMAJORTYPE_WINDOWS: 1,
  OSMAJORTYPE_OS2: 2,
  OSMAJORTYPE_MACINTOSH: 3,
  OSMAJORTYPE_UNIX: 4,
  OSMAJORTYPE_IOS: 5,
  OSMAJORTYPE_OSX: 6,
  OSMAJORTYPE_ANDROID: 7,
  OSMAJORTYPE_CHROME_OS: 8,
} as const;

export function findCapabilitySet(sets: readonly CapabilitySet[], type: number): CapabilitySet | undefined {
  return sets.find((set) => set.type === type);
}

/** The General capability set, or undefined when absent; a short one is a DecodeError. */
export function readGeneralCapability(sets: readonly CapabilitySet[]): GeneralCapability | undefined {
  const set = findCapabilitySet(sets, CapabilitySetType.CAPSTYPE_GENERAL);
  if (!set) return undefined;
  const reader = new ByteReader(set.data, 'TS_GENERAL_CAPABILITYSET');
  const osMajorType = reader.u16le('osMajorType');
  const osMinorType = reader.u16le('osMinorType');
  const protocolVersion = reader.u16le('protocolVersion');
  reader.u16le('pad2octetsA');
  const generalCompressionTypes = reader.u16le('generalCompressionTypes');
  const extraFlags = reader.u16le('extraFlags');
  const updateCapabilityFlag = reader.u16le('updateCapabilityFlag');
  const remoteUnshareFlag = reader.u16le('remoteUnshareFlag');
  const generalCompressionLevel = reader.u16le('generalCompressionLevel');
  const refreshRectSupport = reader.u8('refreshRectSupport');
  const suppressOutputSupport = reader.u8('suppressOutputSupport');
  return {
    osMajorType,
    osMinorType,
    protocolVersion,
    generalCompressionTypes,
    extraFlags,
    updateCapabilityFlag,
    remoteUnshareFlag,
    generalCompressionLevel,
    refreshRectSupport,
    suppressOutputSupport,
  };
}

/** The Bitmap capability set, or undefined when absent; a short one is a DecodeError. */
export function readBitmapCapability(sets: readonly CapabilitySet[]): BitmapCapability | undefined {
  const set = findCapabilitySet(sets, CapabilitySetType.CAPSTYPE_BITMAP);
  if (!set) return undefined;
  const reader = new ByteReader(set.data, 'TS_BITMAP_CAPABILITYSET');
  const preferredBitsPerPixel = reader.u16le('preferredBitsPerPixel');
  reader.skip(6, 'receive1/4/8BitPerPixel');
  const desktopWidth = reader.u16le('desktopWidth');
  const desktopHeight = reader.u16le('desktopHeight');
  reader.u16le('pad2octets');
  const desktopResizeFlag = reader.u16le('desktopResizeFlag');
  return { preferredBitsPerPixel, desktopWidth, desktopHeight, desktopResizeFlag };
}
