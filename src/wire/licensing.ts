import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/**
 * RDP licensing PDUs (MS-RDPBCGR 2.2.1.12, MS-RDPELE 2.2.2): what follows the security header
 * flagged SEC_LICENSE_PKT. Every message starts with the licensing preamble:
 *
 *   0        1        2                 4
 *   +--------+--------+-----------------+----------------------------------+
 *   |bMsgType| flags  | wMsgSize (LE)   | message (wMsgSize - 4 bytes) ... |
 *   +--------+--------+-----------------+----------------------------------+
 *
 * Variable fields travel in Licensing Binary BLOBs (2.2.1.12.1.2): wBlobType u16, wBlobLen u16,
 * then wBlobLen bytes. A blob of length 0 may carry any type (the spec says to ignore it).
 */

export const LICENSE_PREAMBLE_SIZE = 4;
export const LICENSE_RANDOM_SIZE = 32;
export const LICENSE_MAC_SIZE = 16;
export const LICENSE_BLOB_HEADER_SIZE = 4;
/** Scopes in a License Request; Windows sends one. The cap keeps a hostile count cheap. */
export const MAX_LICENSE_SCOPES = 256;

/** bMsgType (MS-RDPBCGR 2.2.1.12.1.1). */
export const LicensingMessageType = {
  LICENSE_REQUEST: 0x01,
  PLATFORM_CHALLENGE: 0x02,
  NEW_LICENSE: 0x03,
  UPGRADE_LICENSE: 0x04,
  LICENSE_INFO: 0x12,
  NEW_LICENSE_REQUEST: 0x13,
  PLATFORM_CHALLENGE_RESPONSE: 0x15,
  ERROR_ALERT: 0xff,
} as const;

/** Preamble flags (2.2.1.12.1.1). */
export const LicensingPreambleFlag = {
  LicenseProtocolVersionMask: 0x0f,
  PREAMBLE_VERSION_2_0: 0x02,
  PREAMBLE_VERSION_3_0: 0x03,
  EXTENDED_ERROR_MSG_SUPPORTED: 0x80,
} as const;

/** wBlobType (2.2.1.12.1.2). */
export const LicenseBlobType = {
  BB_ANY_BLOB: 0x0000,
  BB_DATA_BLOB: 0x0001,
  BB_RANDOM_BLOB: 0x0002,
  BB_CERTIFICATE_BLOB: 0x0003,
  BB_ERROR_BLOB: 0x0004,
  BB_ENCRYPTED_DATA_BLOB: 0x0009,
  BB_KEY_EXCHG_ALG_BLOB: 0x000d,
  BB_SCOPE_BLOB: 0x000e,
  BB_CLIENT_USER_NAME_BLOB: 0x000f,
  BB_CLIENT_MACHINE_NAME_BLOB: 0x0010,
} as const;

/** dwErrorCode of LICENSE_ERROR_MESSAGE (2.2.1.12.1.3). */
export const LicenseErrorCode = {
  ERR_INVALID_SERVER_CERTIFICATE: 0x00000001,
  ERR_NO_LICENSE: 0x00000002,
  ERR_INVALID_MAC: 0x00000003,
  ERR_INVALID_SCOPE: 0x00000004,
  ERR_NO_LICENSE_SERVER: 0x00000006,
  STATUS_VALID_CLIENT: 0x00000007,
  ERR_INVALID_CLIENT: 0x00000008,
  ERR_INVALID_PRODUCTID: 0x0000000b,
  ERR_INVALID_MESSAGE_LEN: 0x0000000c,
} as const;

/** dwStateTransition of LICENSE_ERROR_MESSAGE (2.2.1.12.1.3). */
export const StateTransition = {
  ST_TOTAL_ABORT: 0x00000001,
  ST_NO_TRANSITION: 0x00000002,
  ST_RESET_PHASE_TO_START: 0x00000003,
  ST_RESEND_LAST_MESSAGE: 0x00000004,
} as const;

/** dwKeyAlgId / PreferredKeyExchangeAlg: the only one defined (MS-RDPELE 2.2.2.1). */
export const KEY_EXCHANGE_ALG_RSA = 0x00000001;

/** PlatformId of the client (MS-RDPELE 2.2.2.2): OS id in the high byte, image id below it. */
export const ClientPlatformId = {
  CLIENT_OS_ID_WINNT_POST_52: 0x04000000,
  CLIENT_IMAGE_ID_MICROSOFT: 0x00010000,
} as const;

/** PLATFORM_CHALLENGE_RESPONSE_DATA fields (MS-RDPELE 2.2.2.5.1). */
export const PLATFORM_CHALLENGE_RESPONSE_VERSION = 0x0100;
export const PlatformChallengeClientType = {
  WIN32_PLATFORMCHALLENGE_TYPE: 0x0100,
  WIN16_PLATFORMCHALLENGE_TYPE: 0x0200,
  WINCE_PLATFORMCHALLENGE_TYPE: 0x0300,
  OTHER_PLATFORMCHALLENGE_TYPE: 0xff00,
} as const;
export const LicenseDetailLevel = {
  LICENSE_DETAIL_SIMPLE: 0x0001,
  LICENSE_DETAIL_MODERATE: 0x0002,
  LICENSE_DETAIL_DETAIL: 0x0003,
} as const;

function nameIn(table: Readonly<Record<string, number>>, value: number): string | undefined {
  for (const [name, code] of Object.entries(table)) if (code === value) return name;
  return undefined;
}

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

export function licenseErrorCodeName(code: number): string {
  return nameIn(LicenseErrorCode, code) ?? `unknown license error code 0x${hex8(code)}`;
}

export function stateTransitionName(transition: number): string {
  return nameIn(StateTransition, transition) ?? `unknown state transition 0x${hex8(transition)}`;
}

export function licensingMessageName(messageType: number): string {
  return (
    nameIn(LicensingMessageType, messageType) ??
    `unknown licensing message 0x${messageType.toString(16).padStart(2, '0')}`
  );
}

// ---- PDUs ----------------------------------------------------------------------------------

/** PRODUCT_INFO (MS-RDPELE 2.2.2.1.1); both strings are UTF-16LE with a terminating NUL. */
export interface ProductInfo {
  readonly version: number;
  readonly companyName: string;
  readonly productId: string;
}

/** SERVER_LICENSE_REQUEST (MS-RDPELE 2.2.2.1). */
export interface LicenseRequestPdu {
  readonly type: 'license-request';
  readonly serverRandom: Uint8Array;
  readonly productInfo: ProductInfo;
  readonly keyExchangeAlgorithms: readonly number[];
  /** The SERVER_CERTIFICATE bytes (gcc.ts decodeServerCertificate); empty when not sent. */
  readonly serverCertificate: Uint8Array;
  /** ANSI scope names (the NUL removed), e.g. "microsoft.com". */
  readonly scopes: readonly string[];
}

/** SERVER_PLATFORM_CHALLENGE (MS-RDPELE 2.2.2.4). */
export interface PlatformChallengePdu {
  readonly type: 'platform-challenge';
  readonly connectFlags: number;
  readonly encryptedPlatformChallenge: Uint8Array;
  readonly macData: Uint8Array;
}

/** SERVER_NEW_LICENSE (2.2.2.7) and SERVER_UPGRADE_LICENSE (2.2.2.6): the same layout. */
export interface NewLicensePdu {
  readonly type: 'new-license' | 'upgrade-license';
  readonly encryptedLicenseInfo: Uint8Array;
  readonly macData: Uint8Array;
}

/** CLIENT_LICENSE_INFO (MS-RDPELE 2.2.2.3): a client presenting a license it holds. */
export interface LicenseInfoPdu {
  readonly type: 'license-info';
  readonly preferredKeyExchangeAlg: number;
  readonly platformId: number;
  readonly clientRandom: Uint8Array;
  readonly encryptedPremasterSecret: Uint8Array;
  readonly licenseInfo: Uint8Array;
  readonly encryptedHwid: Uint8Array;
  readonly macData: Uint8Array;
}

/** CLIENT_NEW_LICENSE_REQUEST (MS-RDPELE 2.2.2.2); names are ANSI with a terminating NUL. */
export interface NewLicenseRequestPdu {
  readonly type: 'new-license-request';
  readonly preferredKeyExchangeAlg: number;
  readonly platformId: number;
  readonly clientRandom: Uint8Array;
  /** RSA-encrypted premaster secret, little-endian, with its 8 zero bytes of padding. */
  readonly encryptedPremasterSecret: Uint8Array;
  readonly clientUserName: string;
  readonly clientMachineName: string;
}

/** CLIENT_PLATFORM_CHALLENGE_RESPONSE (MS-RDPELE 2.2.2.5). */
export interface PlatformChallengeResponsePdu {
  readonly type: 'platform-challenge-response';
  readonly encryptedPlatformChallengeResponse: Uint8Array;
  readonly encryptedHwid: Uint8Array;
  readonly macData: Uint8Array;
}

/** LICENSE_ERROR_MESSAGE (MS-RDPBCGR 2.2.1.12.1.3). */
export interface ErrorAlertPdu {
  readonly type: 'error-alert';
  readonly errorCode: number;
  readonly stateTransition: number;
  readonly errorInfo: Uint8Array;
  /** bbErrorInfo's wBlobType as sent (BB_ERROR_BLOB; anything when empty). */
  readonly errorInfoBlobType: number;
}

/** A message type this codec does not know, kept for the report. */
export interface UnknownLicensingPdu {
  readonly type: 'unknown';
  readonly messageType: number;
  readonly body: Uint8Array;
}

export type LicensingPdu =
  | LicenseRequestPdu
  | PlatformChallengePdu
  | NewLicensePdu
  | LicenseInfoPdu
  | NewLicenseRequestPdu
  | PlatformChallengeResponsePdu
  | ErrorAlertPdu
  | UnknownLicensingPdu;

const MESSAGE_TYPE_OF: Readonly<Record<Exclude<LicensingPdu['type'], 'unknown'>, number>> = {
  'license-request': LicensingMessageType.LICENSE_REQUEST,
  'platform-challenge': LicensingMessageType.PLATFORM_CHALLENGE,
  'new-license': LicensingMessageType.NEW_LICENSE,
  'upgrade-license': LicensingMessageType.UPGRADE_LICENSE,
  'license-info': LicensingMessageType.LICENSE_INFO,
  'new-license-request': LicensingMessageType.NEW_LICENSE_REQUEST,
  'platform-challenge-response': LicensingMessageType.PLATFORM_CHALLENGE_RESPONSE,
  'error-alert': LicensingMessageType.ERROR_ALERT,
};

/** The bMsgType of a PDU. */
export function licensingMessageType(pdu: LicensingPdu): number {
  return pdu.type === 'unknown' ? pdu.messageType : MESSAGE_TYPE_OF[pdu.type];
}

// ---- strings and blobs -----------------------------------------------------------------------

function ansiZ(text: string, field: string): Uint8Array {
  if (/[^\u0001-\u00ff]/.test(text)) throw new RangeError(`${field}: only Latin-1 characters without NUL`);
  return Uint8Array.from(Buffer.from(`${text}\0`, 'latin1'));
}

function readAnsiZ(bytes: Uint8Array): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 0 ? bytes.length - 1 : bytes.length;
  return Buffer.from(bytes.subarray(0, end)).toString('latin1');
}

function utf16Z(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(`${text}\0`, 'utf16le'));
}

function readUtf16Z(reader: ByteReader, length: number, field: string): string {
  const at = reader.offset;
  const bytes = reader.bytesView(length, field);
  if (length % 2 !== 0) reader.fail('invalid-field', field, `odd UTF-16 length ${length}`, at);
  const hasNul = length >= 2 && bytes[length - 2] === 0 && bytes[length - 1] === 0;
  return Buffer.from(bytes.subarray(0, hasNul ? length - 2 : length)).toString('utf16le');
}

interface Blob {
  readonly type: number;
  readonly data: Uint8Array;
}

function readBlob(reader: ByteReader, field: string): Blob {
  const type = reader.u16le(`${field}.wBlobType`);
  const length = reader.u16le(`${field}.wBlobLen`);
  return { type, data: reader.bytesView(length, `${field}.blobData`).slice() };
}

function writeBlob(writer: ByteWriter, type: number, data: Uint8Array): void {
  if (data.length > 0xffff) throw new RangeError(`licensing blob of ${data.length} bytes`);
  writer.u16le(type).u16le(data.length).bytes(data);
}

function readFixed(reader: ByteReader, length: number, field: string): Uint8Array {
  return reader.bytesView(length, field).slice();
}

function checkLength(bytes: Uint8Array, length: number, field: string): void {
  if (bytes.length !== length) throw new RangeError(`${field} must be ${length} bytes, got ${bytes.length}`);
}

// ---- message bodies --------------------------------------------------------------------------

function writeBody(writer: ByteWriter, pdu: LicensingPdu): void {
  switch (pdu.type) {
    case 'license-request': {
      checkLength(pdu.serverRandom, LICENSE_RANDOM_SIZE, 'serverRandom');
      const company = utf16Z(pdu.productInfo.companyName);
      const product = utf16Z(pdu.productInfo.productId);
      writer
        .bytes(pdu.serverRandom)
        .u32le(pdu.productInfo.version)
        .u32le(company.length)
        .bytes(company)
        .u32le(product.length)
        .bytes(product);
      const algorithms = new ByteWriter(16);
      for (const algorithm of pdu.keyExchangeAlgorithms) algorithms.u32le(algorithm);
      writeBlob(writer, LicenseBlobType.BB_KEY_EXCHG_ALG_BLOB, algorithms.finish());
      writeBlob(writer, LicenseBlobType.BB_CERTIFICATE_BLOB, pdu.serverCertificate);
      writer.u32le(pdu.scopes.length);
      for (const scope of pdu.scopes) writeBlob(writer, LicenseBlobType.BB_SCOPE_BLOB, ansiZ(scope, 'scope'));
      return;
    }
    case 'platform-challenge':
      checkLength(pdu.macData, LICENSE_MAC_SIZE, 'macData');
      writer.u32le(pdu.connectFlags);
      writeBlob(writer, LicenseBlobType.BB_ENCRYPTED_DATA_BLOB, pdu.encryptedPlatformChallenge);
      writer.bytes(pdu.macData);
      return;
    case 'new-license':
    case 'upgrade-license':
      checkLength(pdu.macData, LICENSE_MAC_SIZE, 'macData');
      writeBlob(writer, LicenseBlobType.BB_ENCRYPTED_DATA_BLOB, pdu.encryptedLicenseInfo);
      writer.bytes(pdu.macData);
      return;
    case 'license-info':
      checkLength(pdu.clientRandom, LICENSE_RANDOM_SIZE, 'clientRandom');
      checkLength(pdu.macData, LICENSE_MAC_SIZE, 'macData');
      writer.u32le(pdu.preferredKeyExchangeAlg).u32le(pdu.platformId).bytes(pdu.clientRandom);
      writeBlob(writer, LicenseBlobType.BB_RANDOM_BLOB, pdu.encryptedPremasterSecret);
      writeBlob(writer, LicenseBlobType.BB_DATA_BLOB, pdu.licenseInfo);
      writeBlob(writer, LicenseBlobType.BB_ENCRYPTED_DATA_BLOB, pdu.encryptedHwid);
      writer.bytes(pdu.macData);
      return;
    case 'new-license-request':
      checkLength(pdu.clientRandom, LICENSE_RANDOM_SIZE, 'clientRandom');
      writer.u32le(pdu.preferredKeyExchangeAlg).u32le(pdu.platformId).bytes(pdu.clientRandom);
      writeBlob(writer, LicenseBlobType.BB_RANDOM_BLOB, pdu.encryptedPremasterSecret);
      writeBlob(
        writer,
        LicenseBlobType.BB_CLIENT_USER_NAME_BLOB,
        ansiZ(pdu.clientUserName, 'clientUserName'),
      );
      writeBlob(
        writer,
        LicenseBlobType.BB_CLIENT_MACHINE_NAME_BLOB,
        ansiZ(pdu.clientMachineName, 'clientMachineName'),
      );
      return;
    case 'platform-challenge-response':
      checkLength(pdu.macData, LICENSE_MAC_SIZE, 'macData');
      writeBlob(writer, LicenseBlobType.BB_ENCRYPTED_DATA_BLOB, pdu.encryptedPlatformChallengeResponse);
      writeBlob(writer, LicenseBlobType.BB_ENCRYPTED_DATA_BLOB, pdu.encryptedHwid);
      writer.bytes(pdu.macData);
      return;
    case 'error-alert':
      writer.u32le(pdu.errorCode).u32le(pdu.stateTransition);
      writeBlob(writer, pdu.errorInfoBlobType, pdu.errorInfo);
      return;
    case 'unknown':
      writer.bytes(pdu.body);
      return;
  }
}

function readLicenseRequest(reader: ByteReader): LicenseRequestPdu {
  const serverRandom = readFixed(reader, LICENSE_RANDOM_SIZE, 'ServerRandom');
  const version = reader.u32le('ProductInfo.dwVersion');
  const companyName = readUtf16Z(
    reader,
    reader.u32le('ProductInfo.cbCompanyName'),
    'ProductInfo.pbCompanyName',
  );
  const productId = readUtf16Z(reader, reader.u32le('ProductInfo.cbProductId'), 'ProductInfo.pbProductId');
  const algorithmsAt = reader.offset;
  const algorithmBlob = readBlob(reader, 'KeyExchangeList');
  if (algorithmBlob.data.length % 4 !== 0) {
    reader.fail(
      'invalid-field',
      'KeyExchangeList.wBlobLen',
      `${algorithmBlob.data.length} is not a multiple of 4`,
      algorithmsAt + 2,
    );
  }
  const algorithms = new ByteReader(algorithmBlob.data, reader.structure);
  const keyExchangeAlgorithms: number[] = [];
  while (algorithms.remaining > 0) keyExchangeAlgorithms.push(algorithms.u32le('dwKeyExchangeAlg'));
  const serverCertificate = readBlob(reader, 'ServerCertificate').data;
  const countAt = reader.offset;
  const scopeCount = reader.u32le('ScopeList.ScopeCount');
  if (scopeCount > MAX_LICENSE_SCOPES) {
    reader.fail(
      'too-large',
      'ScopeList.ScopeCount',
      `${scopeCount} scopes, at most ${MAX_LICENSE_SCOPES}`,
      countAt,
    );
  }
  const scopes: string[] = [];
  for (let i = 0; i < scopeCount; i++) scopes.push(readAnsiZ(readBlob(reader, `ScopeList.Scope[${i}]`).data));
  return {
    type: 'license-request',
    serverRandom,
    productInfo: { version, companyName, productId },
    keyExchangeAlgorithms,
    serverCertificate,
    scopes,
  };
}

function readBody(reader: ByteReader, messageType: number): LicensingPdu {
  switch (messageType) {
    case LicensingMessageType.LICENSE_REQUEST:
      return readLicenseRequest(reader);
    case LicensingMessageType.PLATFORM_CHALLENGE:
      return {
        type: 'platform-challenge',
        connectFlags: reader.u32le('ConnectFlags'),
        encryptedPlatformChallenge: readBlob(reader, 'EncryptedPlatformChallenge').data,
        macData: readFixed(reader, LICENSE_MAC_SIZE, 'MACData'),
      };
    case LicensingMessageType.NEW_LICENSE:
    case LicensingMessageType.UPGRADE_LICENSE:
      return {
        type: messageType === LicensingMessageType.NEW_LICENSE ? 'new-license' : 'upgrade-license',
        encryptedLicenseInfo: readBlob(reader, 'EncryptedLicenseInfo').data,
        macData: readFixed(reader, LICENSE_MAC_SIZE, 'MACData'),
      };
    case LicensingMessageType.LICENSE_INFO:
      return {
        type: 'license-info',
        preferredKeyExchangeAlg: reader.u32le('PreferredKeyExchangeAlg'),
        platformId: reader.u32le('PlatformId'),
        clientRandom: readFixed(reader, LICENSE_RANDOM_SIZE, 'ClientRandom'),
        encryptedPremasterSecret: readBlob(reader, 'EncryptedPreMasterSecret').data,
        licenseInfo: readBlob(reader, 'LicenseInfo').data,
        encryptedHwid: readBlob(reader, 'EncryptedHWID').data,
        macData: readFixed(reader, LICENSE_MAC_SIZE, 'MACData'),
      };
    case LicensingMessageType.NEW_LICENSE_REQUEST:
      return {
        type: 'new-license-request',
        preferredKeyExchangeAlg: reader.u32le('PreferredKeyExchangeAlg'),
        platformId: reader.u32le('PlatformId'),
        clientRandom: readFixed(reader, LICENSE_RANDOM_SIZE, 'ClientRandom'),
        encryptedPremasterSecret: readBlob(reader, 'EncryptedPreMasterSecret').data,
        clientUserName: readAnsiZ(readBlob(reader, 'ClientUserName').data),
        clientMachineName: readAnsiZ(readBlob(reader, 'ClientMachineName').data),
      };
    case LicensingMessageType.PLATFORM_CHALLENGE_RESPONSE:
      return {
        type: 'platform-challenge-response',
        encryptedPlatformChallengeResponse: readBlob(reader, 'EncryptedPlatformChallengeResponse').data,
        encryptedHwid: readBlob(reader, 'EncryptedHWID').data,
        macData: readFixed(reader, LICENSE_MAC_SIZE, 'MACData'),
      };
    case LicensingMessageType.ERROR_ALERT: {
      const errorCode = reader.u32le('dwErrorCode');
      const stateTransition = reader.u32le('dwStateTransition');
      const blob = readBlob(reader, 'bbErrorInfo');
      return {
        type: 'error-alert',
        errorCode,
        stateTransition,
        errorInfo: blob.data,
        errorInfoBlobType: blob.type,
      };
    }
    default:
      return { type: 'unknown', messageType, body: reader.rest().slice() };
  }
}

/** Preamble + message. `flags` is the preamble's flags byte (version and EXTENDED_ERROR_MSG_SUPPORTED). */
export function encodeLicensingPdu(pdu: LicensingPdu, flags: number): Uint8Array {
  const body = new ByteWriter(256);
  writeBody(body, pdu);
  const bytes = body.finish();
  const size = LICENSE_PREAMBLE_SIZE + bytes.length;
  if (size > 0xffff) throw new RangeError(`licensing message of ${size} bytes`);
  return new ByteWriter(size).u8(licensingMessageType(pdu)).u8(flags).u16le(size).bytes(bytes).finish();
}

/**
 * Decodes one licensing message. wMsgSize must cover exactly the bytes given: a shorter buffer is
 * 'not-enough-bytes', extra bytes after the message are 'invalid-field' (trailing).
 */
export function decodeLicensingPdu(bytes: Uint8Array, base = 0): { flags: number; pdu: LicensingPdu } {
  const reader = new ByteReader(bytes, 'LICENSE_PREAMBLE', base);
  const messageType = reader.u8('bMsgType');
  const flags = reader.u8('flags');
  const sizeAt = reader.offset;
  const size = reader.u16le('wMsgSize');
  if (size < LICENSE_PREAMBLE_SIZE) {
    reader.fail('invalid-field', 'wMsgSize', `${size} is smaller than the preamble`, sizeAt);
  }
  const body = reader.sub(size - LICENSE_PREAMBLE_SIZE, 'message', licensingMessageName(messageType));
  reader.expectEnd();
  const pdu = readBody(body, messageType);
  body.expectEnd();
  return { flags, pdu };
}

// ---- encrypted payloads ----------------------------------------------------------------------

/** PLATFORM_CHALLENGE_RESPONSE_DATA (MS-RDPELE 2.2.2.5.1), the plaintext of the response. */
export interface PlatformChallengeResponseData {
  readonly version: number;
  readonly clientType: number;
  readonly licenseDetailLevel: number;
  readonly challenge: Uint8Array;
}

export function encodePlatformChallengeResponseData(data: PlatformChallengeResponseData): Uint8Array {
  return new ByteWriter(8 + data.challenge.length)
    .u16le(data.version)
    .u16le(data.clientType)
    .u16le(data.licenseDetailLevel)
    .u16le(data.challenge.length)
    .bytes(data.challenge)
    .finish();
}

export function decodePlatformChallengeResponseData(
  bytes: Uint8Array,
  base = 0,
): PlatformChallengeResponseData {
  const reader = new ByteReader(bytes, 'PLATFORM_CHALLENGE_RESPONSE_DATA', base);
  const version = reader.u16le('wVersion');
  const clientType = reader.u16le('wClientType');
  const licenseDetailLevel = reader.u16le('wLicenseDetailLevel');
  const challenge = readFixed(reader, reader.u16le('cbChallenge'), 'pbChallenge');
  reader.expectEnd();
  return { version, clientType, licenseDetailLevel, challenge };
}

export const CLIENT_HARDWARE_ID_SIZE = 20;

/** CLIENT_HARDWARE_ID (MS-RDPELE 2.2.2.3.1): PlatformId then Data1..Data4 (16 bytes, kept raw). */
export interface ClientHardwareId {
  readonly platformId: number;
  readonly data: Uint8Array;
}

export function encodeClientHardwareId(id: ClientHardwareId): Uint8Array {
  checkLength(id.data, 16, 'hardware id data');
  return new ByteWriter(CLIENT_HARDWARE_ID_SIZE).u32le(id.platformId).bytes(id.data).finish();
}

export function decodeClientHardwareId(bytes: Uint8Array, base = 0): ClientHardwareId {
  const reader = new ByteReader(bytes, 'CLIENT_HARDWARE_ID', base);
  const platformId = reader.u32le('PlatformId');
  const data = readFixed(reader, 16, 'Data');
  reader.expectEnd();
  return { platformId, data };
}

/** NEW_LICENSE_INFO (MS-RDPELE 2.2.2.6.1), the plaintext of a New / Upgrade License. */
export interface NewLicenseInfo {
  readonly version: number;
  /** ANSI, NUL removed. */
  readonly scope: string;
  /** UTF-16LE, NUL removed. */
  readonly companyName: string;
  readonly productId: string;
  /** The license itself (an X.509 chain), kept raw. */
  readonly licenseInfo: Uint8Array;
}

export function encodeNewLicenseInfo(info: NewLicenseInfo): Uint8Array {
  const scope = ansiZ(info.scope, 'scope');
  const company = utf16Z(info.companyName);
  const product = utf16Z(info.productId);
  return new ByteWriter(64 + info.licenseInfo.length)
    .u32le(info.version)
    .u32le(scope.length)
    .bytes(scope)
    .u32le(company.length)
    .bytes(company)
    .u32le(product.length)
    .bytes(product)
    .u32le(info.licenseInfo.length)
    .bytes(info.licenseInfo)
    .finish();
}

export function decodeNewLicenseInfo(bytes: Uint8Array, base = 0): NewLicenseInfo {
  const reader = new ByteReader(bytes, 'NEW_LICENSE_INFO', base);
  const version = reader.u32le('dwVersion');
  const scope = readAnsiZ(reader.bytesView(reader.u32le('cbScope'), 'pbScope'));
  const companyName = readUtf16Z(reader, reader.u32le('cbCompanyName'), 'pbCompanyName');
  const productId = readUtf16Z(reader, reader.u32le('cbProductId'), 'pbProductId');
  const licenseInfo = readFixed(reader, reader.u32le('cbLicenseInfo'), 'pbLicenseInfo');
  reader.expectEnd();
  return { version, scope, companyName, productId, licenseInfo };
}
