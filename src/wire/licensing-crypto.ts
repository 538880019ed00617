import { DecodeError } from './errors.js';
import { constantTimeEqual, macData, md5, tripleSaltedHash } from './rdp-crypto.js';
import { rc4 } from './rc4.js';

/**
 * The licensing keys of MS-RDPELE 5.1.2: from the client random, the server random (of the
 * License Request) and the 48-byte premaster secret the client chose and sent RSA-encrypted.
 *
 *   MasterSecret   = PreMasterHash('A') + PreMasterHash('BB') + PreMasterHash('CCC')
 *                    PreMasterHash(I) = MD5(PMS + SHA1(I + PMS + ClientRandom + ServerRandom))
 *   SessionKeyBlob = MasterHash('A') + MasterHash('BB') + MasterHash('CCC')
 *                    MasterHash(I) = MD5(MS + SHA1(I + MS + ServerRandom + ClientRandom))   (randoms swapped)
 *   MAC-salt-key   = First128Bits(SessionKeyBlob)
 *   LicensingEncryptionKey = MD5(Second128Bits(SessionKeyBlob) + ClientRandom + ServerRandom)
 *
 * Note the swap in MasterHash: Standard RDP Security's session keys (MS-RDPBCGR 5.3.5.1) do not
 * swap, and use the labels X, YY, ZZZ instead.
 */

export const LICENSING_RANDOM_LENGTH = 32;
export const PREMASTER_SECRET_LENGTH = 48;

export interface LicensingKeys {
  readonly masterSecret: Uint8Array;
  readonly sessionKeyBlob: Uint8Array;
  readonly macSaltKey: Uint8Array;
  readonly licensingEncryptionKey: Uint8Array;
}

function checkLength(bytes: Uint8Array, field: string, length: number): void {
  if (bytes.length !== length) {
    throw new DecodeError({
      structure: 'LicensingKeys',
      kind: 'invalid-field',
      field,
      offset: 0,
      detail: `expected ${length} bytes, got ${bytes.length}`,
    });
  }
}

export function deriveLicensingKeys(
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  premasterSecret: Uint8Array,
): LicensingKeys {
  checkLength(clientRandom, 'clientRandom', LICENSING_RANDOM_LENGTH);
  checkLength(serverRandom, 'serverRandom', LICENSING_RANDOM_LENGTH);
  checkLength(premasterSecret, 'premasterSecret', PREMASTER_SECRET_LENGTH);
  const masterSecret = tripleSaltedHash(premasterSecret, ['A', 'BB', 'CCC'], clientRandom, serverRandom);
  const sessionKeyBlob = tripleSaltedHash(masterSecret, ['A', 'BB', 'CCC'], serverRandom, clientRandom);
  const keyMaterial = new Uint8Array(16 + 2 * LICENSING_RANDOM_LENGTH);
  keyMaterial.set(sessionKeyBlob.subarray(16, 32), 0);
  keyMaterial.set(clientRandom, 16);
  keyMaterial.set(serverRandom, 16 + LICENSING_RANDOM_LENGTH);
  return {
    masterSecret,
    sessionKeyBlob,
    macSaltKey: sessionKeyBlob.slice(0, 16),
    // The same MD5(K + ClientRandom + ServerRandom) as FinalHash in MS-RDPBCGR 5.3.5.1.
    licensingEncryptionKey: md5(keyMaterial),
  };
}

/** MACData of licensing messages (MS-RDPELE 2.2.2.4-2.2.2.7): over the plaintext. */
export function licensingMac(keys: Pick<LicensingKeys, 'macSaltKey'>, plaintext: Uint8Array): Uint8Array {
  return macData(keys.macSaltKey, plaintext);
}

/**
 * RC4 under the licensing encryption key. Every encrypted field of a licensing message starts a
 * fresh key stream (the platform challenge, the response, the HWID, the license info), so one
 * function both encrypts and decrypts.
 */
export function licensingRc4(
  keys: Pick<LicensingKeys, 'licensingEncryptionKey'>,
  data: Uint8Array,
): Uint8Array {
  return rc4(keys.licensingEncryptionKey, data);
}

/** Constant-time comparison of two MACs. */
export const macsEqual = constantTimeEqual;
