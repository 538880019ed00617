import { decodeClientInfo, clientInfoHasCredentials } from '../wire/client-info.js';
import { DecodeError } from '../wire/errors.js';
import { SecurityFlag } from '../wire/security-header.js';
import {
  type CapabilitySet,
  ControlAction,
  type DataPdu,
  decodeSlowPathPdus,
  encodeSlowPathPdu,
  InfoType,
  PduType2,
} from '../wire/share-control.js';
import type { ReceivedClientInfo } from './connection-sequence.js';

/**
 * The share-layer PDUs the lab server reads and writes, in the few shapes the sequence needs,
 * over the codecs of src/wire/share-control.ts and client-info.ts.
 */

/** The client PDUs of the capabilities exchange and finalization (MS-RDPBCGR 2.2.1.13.2-2.2.1.18). */
export type ClientSharePdu =
  | { readonly kind: 'confirm-active' }
  | { readonly kind: 'synchronize' }
  | { readonly kind: 'control-cooperate' }
  | { readonly kind: 'control-request' }
  | { readonly kind: 'font-list' }
  | { readonly kind: 'other' };

/** The server share PDUs the lab sends. */
export type ServerSharePdu =
  | { readonly kind: 'demand-active'; readonly capabilitySets: readonly CapabilitySet[] }
  | { readonly kind: 'synchronize'; readonly targetUser: number }
  | { readonly kind: 'control-cooperate' }
  | { readonly kind: 'control-granted'; readonly grantId: number; readonly controlId: number }
  | { readonly kind: 'font-map' }
  | { readonly kind: 'set-error-info'; readonly errorInfo: number }
  /** Save Session Info INFOTYPE_LOGON_LONG (2.2.10.1.1.2): who logged on. */
  | {
      readonly kind: 'logon-long';
      readonly userName: string;
      readonly domain: string;
      readonly sessionId: number;
    }
  /** Save Session Info INFOTYPE_LOGON_EXTENDED_INFO with LOGON_ERRORS_INFO (2.2.10.1.1.4.1.1). */
  | ({ readonly kind: 'logon-errors' } & LabLogonErrors);

/** TS_LOGON_ERRORS_INFO: ErrorNotificationType (LOGON_MSG_*) and ErrorNotificationData (LOGON_FAILED_* or a session id). */
export interface LabLogonErrors {
  readonly type: number;
  readonly data: number;
}

/** "RDP" (MS-RDPBCGR 4.1.12: Windows' sourceDescriptor, NUL-terminated). */
const SOURCE_DESCRIPTOR = Uint8Array.of(0x52, 0x44, 0x50, 0x00);
/** The session id Windows names in Demand Active and logon info; any number will do. */
const LAB_SESSION_ID = 2;

export function encodeLabSlowPath(pdu: ServerSharePdu, shareId: number, pduSource: number): Uint8Array {
  if (pdu.kind === 'demand-active') {
    return encodeSlowPathPdu(
      {
        type: 'demand-active',
        shareId,
        sourceDescriptor: SOURCE_DESCRIPTOR,
        capabilitySets: pdu.capabilitySets,
        sessionId: LAB_SESSION_ID,
      },
      pduSource,
    );
  }
  const [pduType2, body] = dataPdu(pdu);
  return encodeSlowPathPdu({ type: 'data', shareId, pduType2, body }, pduSource);
}

function dataPdu(pdu: Exclude<ServerSharePdu, { kind: 'demand-active' }>): [number, DataPdu] {
  switch (pdu.kind) {
    case 'synchronize':
      return [PduType2.PDUTYPE2_SYNCHRONIZE, { kind: 'synchronize', targetUser: pdu.targetUser }];
    case 'control-cooperate':
      return [
        PduType2.PDUTYPE2_CONTROL,
        { kind: 'control', action: ControlAction.CTRLACTION_COOPERATE, grantId: 0, controlId: 0 },
      ];
    case 'control-granted':
      return [
        PduType2.PDUTYPE2_CONTROL,
        {
          kind: 'control',
          action: ControlAction.CTRLACTION_GRANTED_CONTROL,
          grantId: pdu.grantId,
          controlId: pdu.controlId,
        },
      ];
    case 'font-map':
      return [PduType2.PDUTYPE2_FONTMAP, { kind: 'font-map' }];
    case 'set-error-info':
      return [PduType2.PDUTYPE2_SET_ERROR_INFO_PDU, { kind: 'set-error-info', errorInfo: pdu.errorInfo }];
    case 'logon-long':
      return [
        PduType2.PDUTYPE2_SAVE_SESSION_INFO,
        {
          kind: 'save-session-info',
          infoType: InfoType.INFOTYPE_LOGON_LONG,
          logon: { domain: pdu.domain, userName: pdu.userName, sessionId: pdu.sessionId },
        },
      ];
    case 'logon-errors':
      return [
        PduType2.PDUTYPE2_SAVE_SESSION_INFO,
        {
          kind: 'save-session-info',
          infoType: InfoType.INFOTYPE_LOGON_EXTENDED_INFO,
          logonErrors: { errorNotificationType: pdu.type, errorNotificationData: pdu.data },
        },
      ];
  }
}

/** Reads the client's share PDU (several may share one payload: the first one that matters wins). */
export function decodeLabSlowPath(body: Uint8Array): ClientSharePdu {
  const decoded = decodeSlowPathPdus(body);
  for (const { pdu } of decoded) {
    if (pdu.type === 'confirm-active') return { kind: 'confirm-active' };
    if (pdu.type !== 'data') continue;
    const data = pdu.body;
    if (data.kind === 'synchronize') return { kind: 'synchronize' };
    if (data.kind === 'font-list') return { kind: 'font-list' };
    if (data.kind === 'control' && data.action === ControlAction.CTRLACTION_COOPERATE)
      return { kind: 'control-cooperate' };
    if (data.kind === 'control' && data.action === ControlAction.CTRLACTION_REQUEST_CONTROL)
      return { kind: 'control-request' };
  }
  return { kind: 'other' };
}

/** The Client Info PDU's TS_INFO_PACKET (2.2.1.11.1.1), reduced to what the lab records. */
export function decodeLabClientInfo(body: Uint8Array, flags: number): ReceivedClientInfo {
  if ((flags & SecurityFlag.SEC_INFO_PKT) === 0) {
    throw new DecodeError({
      structure: 'ClientInfoPdu',
      kind: 'unexpected-type',
      field: 'securityHeader.flags',
      offset: 0,
      detail: `SEC_INFO_PKT not set (0x${flags.toString(16).padStart(4, '0')})`,
    });
  }
  const info = decodeClientInfo(body);
  return {
    userName: info.userName,
    domain: info.domain,
    passwordEmpty: info.password.length === 0,
    flags: info.flags,
    credentialed: clientInfoHasCredentials(info),
  };
}
