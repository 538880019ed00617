import { DecodeError, isDecodeError } from '../../wire/errors.js';
import { decodeServerCertificate } from '../../wire/gcc.js';
import {
  deriveLicensingKeys,
  type LicensingKeys,
  licensingMac,
  licensingRc4,
  macsEqual,
  PREMASTER_SECRET_LENGTH,
} from '../../wire/licensing-crypto.js';
import {
  ClientPlatformId,
  decodeNewLicenseInfo,
  encodeClientHardwareId,
  encodePlatformChallengeResponseData,
  KEY_EXCHANGE_ALG_RSA,
  LICENSE_RANDOM_SIZE,
  LicenseDetailLevel,
  LicenseErrorCode,
  licenseErrorCodeName,
  type LicenseRequestPdu,
  licensingMessageName,
  licensingMessageType,
  type LicensingPdu,
  LicensingPreambleFlag,
  type NewLicenseInfo,
  type NewLicensePdu,
  PLATFORM_CHALLENGE_RESPONSE_VERSION,
  type PlatformChallengePdu,
  PlatformChallengeClientType,
  stateTransitionName,
} from '../../wire/licensing.js';
import {
  concatBytes,
  modulusByteLength,
  rsaEncryptLittleEndian,
  type RsaPublicKeyLE,
  serverPublicKey as publicKeyOfCertificate,
} from '../../wire/rdp-crypto.js';
import type { LicensingFacts } from '../types.js';

/**
 * The client side of RDP licensing (MS-RDPBCGR 1.3.1.1 "Licensing", MS-RDPELE 1.3.3), as a
 * pure machine: licensing PDUs in, replies and facts out. The driver owns the socket, the
 * security headers and the clock.
 *
 * Two ways a server goes:
 *   - it has nothing to ask (xrdp, most configured Windows hosts): one Error Alert with
 *     STATUS_VALID_CLIENT / ST_NO_TRANSITION, and licensing is over;
 *   - it asks (a Windows host issuing per-device CALs): License Request -> our New License
 *     Request -> Platform Challenge -> our Challenge Response -> New License or Upgrade License,
 *     or an Error Alert naming why not.
 * The probe never holds a license, so it never sends License Info. It sends no real hardware id:
 * the 16 bytes come from `random` unless the caller fixes them.
 */

export interface LicensingClientOptions {
  /** The server's key from the GCC server certificate, used when the License Request has none. */
  readonly serverPublicKey?: RsaPublicKeyLE;
  readonly clientUserName: string;
  readonly clientMachineName: string;
  readonly random: (length: number) => Uint8Array;
  /** Data1..Data4 of CLIENT_HARDWARE_ID (16 bytes); random by default. */
  readonly hardwareData?: Uint8Array;
}

export interface LicensingStep {
  readonly reply?: LicensingPdu;
  /** The preamble flags to encode the reply with (the server's protocol version). */
  readonly replyFlags?: number;
  readonly done?: LicensingFacts;
}

/** The client's PlatformId: Windows NT after 5.2, Microsoft image (what mstsc and FreeRDP send). */
export const PROBE_PLATFORM_ID =
  ClientPlatformId.CLIENT_OS_ID_WINNT_POST_52 | ClientPlatformId.CLIENT_IMAGE_ID_MICROSOFT;

type ServerMessageName =
  'LICENSE_REQUEST' | 'PLATFORM_CHALLENGE' | 'NEW_LICENSE' | 'UPGRADE_LICENSE' | 'ERROR_ALERT';

export class LicensingClient {
  private readonly messages: string[] = [];
  private serverRequestedLicense = false;
  private outcome: LicensingFacts['outcome'] = 'incomplete';
  private error: Pick<LicensingFacts, 'errorCode' | 'errorName' | 'stateTransition' | 'stateTransitionName'> =
    {};
  private keys: LicensingKeys | undefined;
  private replyFlags: number = LicensingPreambleFlag.PREAMBLE_VERSION_3_0;
  private finished = false;
  private issuedLicense: NewLicenseInfo | undefined;
  private licenseMacValid: boolean | undefined;

  constructor(private readonly options: LicensingClientOptions) {}

  /**
   * One server licensing PDU. `flags` is its preamble flags byte (from decodeLicensingPdu): the
   * reply uses the same protocol version. A PDU that cannot be answered (a client-side type, a
   * Platform Challenge before any License Request, a challenge with a bad MAC, no key to encrypt
   * the premaster secret) is a DecodeError naming it.
   */
  receive(pdu: LicensingPdu, flags?: number): LicensingStep {
    if (this.finished) {
      throw unexpected(pdu, 'licensing already ended');
    }
    if (flags !== undefined) {
      const version = flags & LicensingPreambleFlag.LicenseProtocolVersionMask;
      if (
        version === LicensingPreambleFlag.PREAMBLE_VERSION_2_0 ||
        version === LicensingPreambleFlag.PREAMBLE_VERSION_3_0
      )
        this.replyFlags = version;
    }
    switch (pdu.type) {
      case 'error-alert': {
        this.messages.push(serverMessage(pdu));
        this.finished = true;
        if (pdu.errorCode === LicenseErrorCode.STATUS_VALID_CLIENT) {
          this.outcome = 'valid-client';
        } else {
          this.outcome = 'error-alert';
          this.error = {
            errorCode: pdu.errorCode,
            errorName: licenseErrorCodeName(pdu.errorCode),
            stateTransition: pdu.stateTransition,
            stateTransitionName: stateTransitionName(pdu.stateTransition),
          };
        }
        return { done: this.facts() };
      }
      case 'license-request':
        this.messages.push(serverMessage(pdu));
        this.serverRequestedLicense = true;
        return { reply: this.newLicenseRequest(pdu), replyFlags: this.replyFlags };
      case 'platform-challenge':
        this.messages.push(serverMessage(pdu));
        return { reply: this.challengeResponse(pdu), replyFlags: this.replyFlags };
      case 'new-license':
      case 'upgrade-license':
        this.messages.push(serverMessage(pdu));
        this.acceptLicense(pdu);
        this.finished = true;
        this.outcome = 'license-issued';
        return { done: this.facts() };
      default:
        throw unexpected(pdu, 'a client licensing message sent by the server');
    }
  }

  /** What is known so far ('incomplete' until the server ends licensing). */
  facts(): LicensingFacts {
    return {
      serverRequestedLicense: this.serverRequestedLicense,
      messages: [...this.messages],
      outcome: this.outcome,
      ...this.error,
    };
  }

  /** The license a New / Upgrade License carried, decrypted (undefined if none or unreadable). */
  get license(): NewLicenseInfo | undefined {
    return this.issuedLicense;
  }

  /** Whether the New / Upgrade License's MAC matched (undefined before one came). */
  get licenseMacMatched(): boolean | undefined {
    return this.licenseMacValid;
  }

  private serverKey(request: LicenseRequestPdu): RsaPublicKeyLE {
    if (request.serverCertificate.length > 0) {
      // The License Request's own certificate wins: under TLS it is the only one there is.
      return publicKeyOfCertificate(decodeServerCertificate(request.serverCertificate));
    }
    if (this.options.serverPublicKey) return this.options.serverPublicKey;
    throw new DecodeError({
      structure: 'LICENSE_REQUEST',
      kind: 'invalid-field',
      field: 'ServerCertificate',
      offset: 0,
      detail: 'no server certificate here nor in the GCC server security data',
    });
  }

  private newLicenseRequest(request: LicenseRequestPdu): LicensingPdu {
    const key = this.serverKey(request);
    const clientRandom = this.options.random(LICENSE_RANDOM_SIZE);
    const premasterSecret = this.options.random(PREMASTER_SECRET_LENGTH);
    let encrypted: Uint8Array;
    try {
      encrypted = rsaEncryptLittleEndian(premasterSecret, key.modulusLE, key.exponent);
    } catch (error) {
      if (error instanceof RangeError) {
        throw new DecodeError({
          structure: 'LICENSE_REQUEST',
          kind: 'invalid-field',
          field: 'ServerCertificate',
          offset: 0,
          detail: `server key unusable: ${error.message}`,
        });
      }
      throw error;
    }
    // MS-RDPELE 2.2.2.2: the encrypted secret is as long as the modulus plus 8 zero bytes.
    const encryptedPremasterSecret = new Uint8Array(modulusByteLength(key.modulusLE) + 8);
    encryptedPremasterSecret.set(encrypted);
    this.keys = deriveLicensingKeys(clientRandom, request.serverRandom, premasterSecret);
    return {
      type: 'new-license-request',
      preferredKeyExchangeAlg: KEY_EXCHANGE_ALG_RSA,
      platformId: PROBE_PLATFORM_ID,
      clientRandom,
      encryptedPremasterSecret,
      clientUserName: latin1Only(this.options.clientUserName),
      clientMachineName: latin1Only(this.options.clientMachineName),
    };
  }

  private challengeResponse(challenge: PlatformChallengePdu): LicensingPdu {
    const keys = this.keys;
    if (!keys) throw unexpected(challenge, 'PLATFORM_CHALLENGE before any LICENSE_REQUEST');
    const plainChallenge = licensingRc4(keys, challenge.encryptedPlatformChallenge);
    if (!macsEqual(licensingMac(keys, plainChallenge), challenge.macData)) {
      throw new DecodeError({
        structure: 'PLATFORM_CHALLENGE',
        kind: 'invalid-field',
        field: 'MACData',
        offset: 0,
        detail: 'the MAC of the decrypted challenge does not match',
      });
    }
    const responseData = encodePlatformChallengeResponseData({
      version: PLATFORM_CHALLENGE_RESPONSE_VERSION,
      clientType: PlatformChallengeClientType.OTHER_PLATFORMCHALLENGE_TYPE,
      licenseDetailLevel: LicenseDetailLevel.LICENSE_DETAIL_DETAIL,
      challenge: plainChallenge,
    });
    const hardwareId = encodeClientHardwareId({
      platformId: PROBE_PLATFORM_ID,
      data: this.options.hardwareData ?? this.options.random(16),
    });
    const mac = licensingMac(keys, concatBytes(responseData, hardwareId));
    return {
      type: 'platform-challenge-response',
      encryptedPlatformChallengeResponse: licensingRc4(keys, responseData),
      encryptedHwid: licensingRc4(keys, hardwareId),
      macData: mac,
    };
  }

  private acceptLicense(pdu: NewLicensePdu): void {
    // The license is not kept or used: the probe only learns that the server issued one. A MAC
    // mismatch or an unreadable license is recorded, not fatal: the server has decided.
    if (!this.keys) return;
    const plain = licensingRc4(this.keys, pdu.encryptedLicenseInfo);
    this.licenseMacValid = macsEqual(licensingMac(this.keys, plain), pdu.macData);
    try {
      this.issuedLicense = decodeNewLicenseInfo(plain);
    } catch (error) {
      if (!isDecodeError(error)) throw error;
    }
  }
}

function serverMessage(pdu: LicensingPdu): ServerMessageName {
  return licensingMessageName(licensingMessageType(pdu)) as ServerMessageName;
}

function unexpected(pdu: LicensingPdu, detail: string): DecodeError {
  const messageType = licensingMessageType(pdu);
  return new DecodeError({
    structure: 'LICENSE_PREAMBLE',
    kind: 'unexpected-type',
    field: 'bMsgType',
    offset: 0,
    detail: `${licensingMessageName(messageType)}: ${detail}`,
  });
}

/** Licensing names are ANSI: anything outside Latin-1 (or a NUL) becomes '?'. */
function latin1Only(text: string): string {
  return text.replace(/[^\u0001-\u00ff]/g, '?');
}
