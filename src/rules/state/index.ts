import type { StateEvidence } from '../../evidence/state/types.js';
import type { StateFindingId } from '../finding-ids.js';
import type { Rule } from '../types.js';
import { cipherSuiteOrderRestrictive } from './cipher-suite-order-restrictive.js';
import { credsspEncryptionOracle } from './credssp-encryption-oracle.js';
import { firewallBlocksRdp } from './firewall-blocks-rdp.js';
import type { StateNeed } from './helpers.js';
import { licensingGraceExpired } from './licensing-grace-expired.js';
import { listenerPortMismatch } from './listener-port-mismatch.js';
import { logonRightMissing } from './logon-right-missing.js';
import { machinekeysAclBroken } from './machinekeys-acl-broken.js';
import { maxOutstandingConnectionsLow } from './max-outstanding-connections-low.js';
import { nlaNotRequired } from './nla-not-required.js';
import { rdpConnectionsDenied } from './rdp-connections-denied.js';
import { standardRdpSecurityOnly } from './standard-rdp-security-only.js';
import { termserviceStopped } from './termservice-stopped.js';
import { tls12Disabled } from './tls12-disabled.js';
import { tlsCertExpired } from './tls-cert-expired.js';
import { tlsCertKeyUnreadable } from './tls-cert-key-unreadable.js';
import { tlsCertMissing } from './tls-cert-missing.js';
import { wamTokenStale } from './wam-token-stale.js';

export type { StateNeed } from './helpers.js';

/** Every state rule, one per id in STATE_FINDING_IDS: the listener first, then what stands in its way. */
export const STATE_RULES: readonly (Rule<StateEvidence, StateNeed> & { meta: { id: StateFindingId } })[] = [
  rdpConnectionsDenied,
  termserviceStopped,
  listenerPortMismatch,
  firewallBlocksRdp,
  tlsCertMissing,
  tlsCertKeyUnreadable,
  machinekeysAclBroken,
  tlsCertExpired,
  tls12Disabled,
  cipherSuiteOrderRestrictive,
  nlaNotRequired,
  standardRdpSecurityOnly,
  credsspEncryptionOracle,
  logonRightMissing,
  licensingGraceExpired,
  maxOutstandingConnectionsLow,
  wamTokenStale,
] as (Rule<StateEvidence, StateNeed> & { meta: { id: StateFindingId } })[];
