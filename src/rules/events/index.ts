import type { EventFindingId } from '../finding-ids.js';
import { accountLockedOut } from './account-locked-out.js';
import { bruteForceAttempts } from './brute-force-attempts.js';
import { clientDisconnects } from './client-disconnects.js';
import { credsspEncryptionOracle } from './credssp-encryption-oracle.js';
import type { EventRule } from './evidence.js';
import { logonFailed } from './logon-failed.js';
import { logonRightMissing } from './logon-right-missing.js';
import { notInRemoteDesktopUsers } from './not-in-remote-desktop-users.js';
import { tlsCertKeyUnreadable } from './tls-cert-key-unreadable.js';
import { tlsCertMissing } from './tls-cert-missing.js';
import { tlsNoCommonCipher } from './tls-no-common-cipher.js';

export type { EventEvidence, EventRule } from './evidence.js';

/** Every event rule, one per id in EVENT_FINDING_IDS. */
export const EVENT_RULES: readonly (EventRule & { meta: { id: EventFindingId } })[] = [
  tlsNoCommonCipher,
  tlsCertKeyUnreadable,
  tlsCertMissing,
  logonRightMissing,
  notInRemoteDesktopUsers,
  logonFailed,
  accountLockedOut,
  bruteForceAttempts,
  credsspEncryptionOracle,
  clientDisconnects,
] as (EventRule & { meta: { id: EventFindingId } })[];
