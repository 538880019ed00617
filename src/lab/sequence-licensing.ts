import {
  decodeLicensingPdu,
  encodeLicensingPdu,
  LicenseErrorCode,
  type LicensingPdu,
} from '../wire/licensing.js';
import {
  createLabProprietaryKey,
  LAB_LICENSING_PREAMBLE_FLAGS,
  type LabProprietaryKey,
  LicensingServer,
  type LicensingServerMode,
} from './licensing-server.js';

/**
 * Licensing as the lab's connection sequence plays it (MS-RDPBCGR 1.3.1.1 phase 6, MS-RDPELE):
 * the LicensingServer machine of licensing-server.ts, with the end of licensing said as the
 * sequence needs it: 'ok' (STATUS_VALID_CLIENT or a license issued: go on to Demand Active) or
 * 'error' (an ERROR_ALERT naming another code: the server disconnects).
 */

export type LabLicensingMode = LicensingServerMode;
export type { LicensingPdu };

export interface LabLicensingStep {
  readonly pdu?: LicensingPdu;
  readonly done?: 'ok' | 'error';
}

let sharedKey: LabProprietaryKey | undefined;

/**
 * The lab's 512-bit proprietary server key (the size of Windows' own proprietary certificates,
 * MS-RDPBCGR 4.1.4), made once per process: every lab server and test shares it.
 */
export function labStandardSecurityKey(): LabProprietaryKey {
  sharedKey ??= createLabProprietaryKey(512);
  return sharedKey;
}

export class LabLicensing {
  private readonly server: LicensingServer;

  constructor(
    mode: LabLicensingMode,
    key: LabProprietaryKey | undefined,
    random: (size: number) => Uint8Array,
  ) {
    this.server = new LicensingServer({ mode, certificate: key ?? labStandardSecurityKey(), random });
  }

  /** The first licensing PDU, right after the Client Info. */
  first(): { pdu: LicensingPdu; done?: 'ok' | 'error' } {
    const pdu = this.server.first();
    return this.server.finished ? { pdu, done: outcomeOf(pdu) } : { pdu };
  }

  /** The client's licensing message (what follows its security header). */
  receive(body: Uint8Array): LabLicensingStep {
    const step = this.server.receive(decodeLicensingPdu(body).pdu);
    return {
      ...(step.reply ? { pdu: step.reply } : {}),
      ...(step.done ? { done: step.reply ? outcomeOf(step.reply) : 'error' } : {}),
    };
  }

  encode(pdu: LicensingPdu): Uint8Array {
    return encodeLicensingPdu(pdu, LAB_LICENSING_PREAMBLE_FLAGS);
  }
}

function outcomeOf(last: LicensingPdu): 'ok' | 'error' {
  if (last.type === 'new-license' || last.type === 'upgrade-license') return 'ok';
  return last.type === 'error-alert' && last.errorCode === LicenseErrorCode.STATUS_VALID_CLIENT
    ? 'ok'
    : 'error';
}
