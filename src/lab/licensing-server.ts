import { generateKeyPairSync } from 'node:crypto';
import {
  BB_RSA_KEY_BLOB,
  BB_RSA_SIGNATURE_BLOB,
  CERT_CHAIN_VERSION_1,
  encodeServerCertificate,
  type ProprietaryCertificate,
  RSA1_MAGIC,
} from '../wire/gcc.js';
import {
  deriveLicensingKeys,
  type LicensingKeys,
  licensingMac,
  licensingRc4,
  macsEqual,
} from '../wire/licensing-crypto.js';
import {
  type ClientHardwareId,
  decodeClientHardwareId,
  decodePlatformChallengeResponseData,
  encodeNewLicenseInfo,
  type ErrorAlertPdu,
  KEY_EXCHANGE_ALG_RSA,
  LicenseBlobType,
  LicenseErrorCode,
  type LicensingPdu,
  LicensingPreambleFlag,
  type NewLicenseRequestPdu,
  type PlatformChallengeResponsePdu,
  StateTransition,
} from '../wire/licensing.js';
import { isDecodeError } from '../wire/errors.js';
import { concatBytes, rsaDecryptLittleEndian, signProprietaryCertificate } from '../wire/rdp-crypto.js';

/**
 * The lab's licensing server (MS-RDPELE 1.3.3), the mirror of src/probe/stages/licensing.ts:
 * a pure machine, randomness injected. Modes:
 *   'valid-client'   one Error Alert STATUS_VALID_CLIENT / ST_NO_TRANSITION (what xrdp and most
 *                    Windows hosts send);
 *   'full-exchange'  License Request, Platform Challenge, then a New License once the client's
 *                    response checks out (a Windows host issuing a CAL);
 *   { errorCode, stateTransition, at? }  an Error Alert with that code, either first ('start')
 *                    or in answer to the client's New License Request ('after-request', default).
 * The issued license is not a real CAL: its licenseInfo is a short marker the tests can recognise.
 */

export type LicensingServerMode =
  | 'valid-client'
  | 'full-exchange'
  | { readonly errorCode: number; readonly stateTransition: number; readonly at?: 'start' | 'after-request' };

/** A 512- or 2048-bit RSA key as Standard RDP Security and licensing use it, with its certificate. */
export interface LabProprietaryKey {
  /** PROPRIETARYSERVERCERTIFICATE, signed with the Terminal Services signing key (5.3.3.1.2). */
  readonly certificate: ProprietaryCertificate;
  /** Little-endian, with the 8 zero bytes of padding (as in the certificate). */
  readonly modulusLE: Uint8Array;
  readonly exponent: number;
  readonly privateExponentLE: Uint8Array;
}

export interface LicensingServerOptions {
  readonly mode: LicensingServerMode;
  readonly certificate: LabProprietaryKey;
  readonly random: (length: number) => Uint8Array;
  /**
   * Put the certificate in the License Request (default true, as Windows does). Without it the
   * client must use the GCC server certificate (Standard RDP Security only).
   */
  readonly certificateInLicenseRequest?: boolean;
}

export interface LicensingServerStep {
  readonly reply?: LicensingPdu;
  /** Licensing is over (successfully or not): the server goes on to Demand Active or disconnects. */
  readonly done?: boolean;
}

/** What the client sent, for tests (never a password: licensing carries none). */
export interface LicensingServerRecord {
  readonly clientUserName?: string;
  readonly clientMachineName?: string;
  readonly platformId?: number;
  readonly hardwareId?: ClientHardwareId;
  /** The Platform Challenge Response decrypted to our challenge and its MAC matched. */
  readonly challengeAnswered?: boolean;
}

/** The preamble flags of the lab's licensing PDUs: version 3.0, extended error messages. */
export const LAB_LICENSING_PREAMBLE_FLAGS =
  LicensingPreambleFlag.PREAMBLE_VERSION_3_0 | LicensingPreambleFlag.EXTENDED_ERROR_MSG_SUPPORTED;

export const LAB_PRODUCT = { version: 0x00060000, companyName: 'Microsoft Corporation', productId: 'A02' };
export const LAB_SCOPE = 'microsoft.com';
/** The licenseInfo bytes of the lab's New License: not an X.509 CAL, just recognisable. */
export const LAB_LICENSE_MARKER = Uint8Array.from(Buffer.from('rdp-doctor lab license', 'latin1'));
const CHALLENGE_LENGTH = 16;

export function errorAlert(errorCode: number, stateTransition: number): ErrorAlertPdu {
  return {
    type: 'error-alert',
    errorCode,
    stateTransition,
    errorInfo: new Uint8Array(0),
    errorInfoBlobType: LicenseBlobType.BB_ERROR_BLOB,
  };
}

export class LicensingServer {
  private state: 'start' | 'requested' | 'challenged' | 'done' = 'start';
  private serverRandom: Uint8Array | undefined;
  private keys: LicensingKeys | undefined;
  private challenge: Uint8Array | undefined;
  private record: LicensingServerRecord = {};

  constructor(private readonly options: LicensingServerOptions) {}

  get finished(): boolean {
    return this.state === 'done';
  }

  /** The server's first licensing PDU, sent right after the Client Info. */
  first(): LicensingPdu {
    if (this.state !== 'start') throw new Error('LicensingServer.first() called twice');
    const mode = this.options.mode;
    if (mode === 'valid-client') {
      this.state = 'done';
      return errorAlert(LicenseErrorCode.STATUS_VALID_CLIENT, StateTransition.ST_NO_TRANSITION);
    }
    if (typeof mode === 'object' && mode.at === 'start') {
      this.state = 'done';
      return errorAlert(mode.errorCode, mode.stateTransition);
    }
    this.serverRandom = this.options.random(32);
    this.state = 'requested';
    const withCertificate = this.options.certificateInLicenseRequest ?? true;
    return {
      type: 'license-request',
      serverRandom: this.serverRandom,
      productInfo: LAB_PRODUCT,
      keyExchangeAlgorithms: [KEY_EXCHANGE_ALG_RSA],
      serverCertificate: withCertificate
        ? encodeServerCertificate(this.options.certificate.certificate)
        : new Uint8Array(0),
      scopes: [LAB_SCOPE],
    };
  }

  /** One client licensing PDU. Anything out of order ends licensing with ERR_INVALID_CLIENT. */
  receive(pdu: LicensingPdu): LicensingServerStep {
    if (this.state === 'requested' && pdu.type === 'new-license-request')
      return this.onNewLicenseRequest(pdu);
    if (this.state === 'challenged' && pdu.type === 'platform-challenge-response')
      return this.onResponse(pdu);
    return this.fail(LicenseErrorCode.ERR_INVALID_CLIENT);
  }

  /** What the client sent so far. */
  received(): LicensingServerRecord {
    return { ...this.record };
  }

  private fail(errorCode: number): LicensingServerStep {
    this.state = 'done';
    return { reply: errorAlert(errorCode, StateTransition.ST_TOTAL_ABORT), done: true };
  }

  private onNewLicenseRequest(pdu: NewLicenseRequestPdu): LicensingServerStep {
    this.record = {
      clientUserName: pdu.clientUserName,
      clientMachineName: pdu.clientMachineName,
      platformId: pdu.platformId,
    };
    const mode = this.options.mode;
    if (typeof mode === 'object') {
      this.state = 'done';
      return { reply: errorAlert(mode.errorCode, mode.stateTransition), done: true };
    }
    const key = this.options.certificate;
    if (pdu.clientRandom.length !== 32 || pdu.encryptedPremasterSecret.length > key.modulusLE.length) {
      return this.fail(LicenseErrorCode.ERR_INVALID_MESSAGE_LEN);
    }
    let premasterSecret: Uint8Array;
    try {
      premasterSecret = rsaDecryptLittleEndian(
        pdu.encryptedPremasterSecret,
        key.modulusLE,
        key.privateExponentLE,
      );
    } catch {
      return this.fail(LicenseErrorCode.ERR_INVALID_CLIENT);
    }
    // The 48-byte secret is the low end of the little-endian result; the rest must be zero.
    if (premasterSecret.subarray(48).some((byte) => byte !== 0))
      return this.fail(LicenseErrorCode.ERR_INVALID_CLIENT);
    this.keys = deriveLicensingKeys(pdu.clientRandom, this.serverRandom!, premasterSecret.slice(0, 48));
    this.challenge = this.options.random(CHALLENGE_LENGTH);
    this.state = 'challenged';
    return {
      reply: {
        type: 'platform-challenge',
        connectFlags: 0,
        encryptedPlatformChallenge: licensingRc4(this.keys, this.challenge),
        macData: licensingMac(this.keys, this.challenge),
      },
    };
  }

  private onResponse(pdu: PlatformChallengeResponsePdu): LicensingServerStep {
    const keys = this.keys!;
    const responseBytes = licensingRc4(keys, pdu.encryptedPlatformChallengeResponse);
    const hardwareBytes = licensingRc4(keys, pdu.encryptedHwid);
    const macMatches = macsEqual(licensingMac(keys, concatBytes(responseBytes, hardwareBytes)), pdu.macData);
    const response = decodedOrUndefined(() => decodePlatformChallengeResponseData(responseBytes));
    const hardwareId = decodedOrUndefined(() => decodeClientHardwareId(hardwareBytes));
    const answered =
      macMatches &&
      response !== undefined &&
      macsEqual(response.challenge, this.challenge ?? new Uint8Array(0));
    this.record = { ...this.record, challengeAnswered: answered, ...(hardwareId ? { hardwareId } : {}) };
    if (!answered) return this.fail(LicenseErrorCode.ERR_INVALID_MAC);
    const license = encodeNewLicenseInfo({
      version: LAB_PRODUCT.version,
      scope: LAB_SCOPE,
      companyName: LAB_PRODUCT.companyName,
      productId: LAB_PRODUCT.productId,
      licenseInfo: LAB_LICENSE_MARKER,
    });
    this.state = 'done';
    return {
      reply: {
        type: 'new-license',
        encryptedLicenseInfo: licensingRc4(keys, license),
        macData: licensingMac(keys, license),
      },
      done: true,
    };
  }
}

/** The decoded value, or undefined when the client's bytes do not decode. */
function decodedOrUndefined<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch (error) {
    if (isDecodeError(error)) return undefined;
    throw error;
  }
}

/**
 * A fresh RSA key in the proprietary certificate's form (MS-RDPBCGR 2.2.1.4.3.1.1), signed with
 * the Terminal Services signing key so that clients which check the signature accept it.
 * 512 bits is what Windows uses; 2048 is allowed by the spec for newer servers.
 */
export function createLabProprietaryKey(bits: 512 | 2048 = 512): LabProprietaryKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  const jwk = privateKey.export({ format: 'jwk' });
  const modulusBE = Buffer.from(jwk.n!, 'base64url');
  const privateExponentBE = Buffer.from(jwk.d!, 'base64url');
  const modulusLE = new Uint8Array(modulusBE.length + 8);
  modulusLE.set(Uint8Array.from(modulusBE).reverse());
  const privateExponentLE = Uint8Array.from(privateExponentBE).reverse();
  const exponent = 0x10001;
  const unsigned: ProprietaryCertificate = {
    kind: 'proprietary',
    version: CERT_CHAIN_VERSION_1,
    signatureAlgorithm: 0x00000001, // SIGNATURE_ALG_RSA
    keyAlgorithm: KEY_EXCHANGE_ALG_RSA,
    publicKeyBlobType: BB_RSA_KEY_BLOB,
    // keylen = bitlen / 8 + 8 (the modulus with its padding); datalen = bitlen / 8 - 1.
    publicKey: { magic: RSA1_MAGIC, bitlen: bits, datalen: bits / 8 - 1, exponent, modulus: modulusLE },
    signatureBlobType: BB_RSA_SIGNATURE_BLOB,
    signature: new Uint8Array(0),
  };
  return { certificate: signProprietaryCertificate(unsigned), modulusLE, exponent, privateExponentLE };
}
