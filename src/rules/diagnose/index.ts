/**
 * Every diagnose rule, in the order of the stage ladder (dns → tcp → negotiation → tls →
 * certificate → credssp → rdp-security → session), so findings of equal severity read in connection order.
 */

import { rule as clientIncompatible } from './client-incompatible.js';
import { rule as clockSkew } from './clock-skew.js';
import { rule as credsspError } from './credssp-error.js';
import { rule as credsspOutdated } from './credssp-outdated.js';
import { rule as dnsUnresolvable } from './dns-unresolvable.js';
import type { DiagnoseRule } from './helpers.js';
import { rule as stageFailed } from './stage-failed.js';
import { rule as serverDeniedConnection } from './server-denied-connection.js';
import { rule as licensingRefused } from './licensing-refused.js';
import { rule as sessionLimitReached } from './session-limit-reached.js';
import { rule as freshCredentialsRequired } from './fresh-credentials-required.js';
import { rule as brokerRefused } from './broker-refused.js';
import { rule as notInRemoteDesktopUsers } from './not-in-remote-desktop-users.js';
import { rule as serverErrorInfo } from './server-error-info.js';
import { rule as logonFailed } from './logon-failed.js';
import { rule as accountLockedOut } from './account-locked-out.js';
import { rule as accountDisabled } from './account-disabled.js';
import { rule as accountExpired } from './account-expired.js';
import { rule as passwordExpired } from './password-expired.js';
import { rule as passwordMustChange } from './password-must-change.js';
import { rule as accountRestricted } from './account-restricted.js';
import { rule as logonRightMissing } from './logon-right-missing.js';
import { rule as logonError } from './logon-error.js';
import { rule as tlsNotServed } from './tls-not-served.js';
import { rule as listenerSilent } from './listener-silent.js';
import { rule as firewallRejects } from './firewall-rejects.js';
import { rule as answersTooSlowly } from './answers-too-slowly.js';
import { rule as hostIdentityMismatch } from './host-identity-mismatch.js';
import { rule as listenerClosedEarly } from './listener-closed-early.js';
import { rule as negotiationRefused } from './negotiation-refused.js';
import { rule as networkUnstable } from './network-unstable.js';
import { rule as nlaNotRequired } from './nla-not-required.js';
import { rule as nlaRequired } from './nla-required.js';
import { rule as notRdp } from './not-rdp.js';
import { rule as osEndOfLife } from './os-end-of-life.js';
import { rule as rdpWeakEncryption } from './rdp-weak-encryption.js';
import { rule as standardRdpSecurityAllowed } from './standard-rdp-security-allowed.js';
import { rule as standardRdpSecurityOnly } from './standard-rdp-security-only.js';
import { rule as tcpFiltered } from './tcp-filtered.js';
import { rule as tcpRefused } from './tcp-refused.js';
import { rule as tcpUnreachable } from './tcp-unreachable.js';
import { rule as tlsCertBadUsage } from './tls-cert-bad-usage.js';
import { rule as tlsCertExpired } from './tls-cert-expired.js';
import { rule as tlsCertExpiringSoon } from './tls-cert-expiring-soon.js';
import { rule as tlsCertMissing } from './tls-cert-missing.js';
import { rule as tlsCertNameMismatch } from './tls-cert-name-mismatch.js';
import { rule as tlsCertNotYetValid } from './tls-cert-not-yet-valid.js';
import { rule as tlsCertPrivateCa } from './tls-cert-private-ca.js';
import { rule as tlsCertSelfSigned } from './tls-cert-self-signed.js';
import { rule as tlsCertWeakKey } from './tls-cert-weak-key.js';
import { rule as tlsCertWeakSignature } from './tls-cert-weak-signature.js';
import { rule as tlsHandshakeAborted } from './tls-handshake-aborted.js';
import { rule as tlsHandshakeAlert } from './tls-handshake-alert.js';
import { rule as tlsLegacyEnabled } from './tls-legacy-enabled.js';
import { rule as tlsLegacyOnly } from './tls-legacy-only.js';
import { rule as tlsNoCommonCipher } from './tls-no-common-cipher.js';
import { rule as tlsWeakCipher } from './tls-weak-cipher.js';
import { rule as tlsWeakDhGroup } from './tls-weak-dh-group.js';

export const DIAGNOSE_RULES: readonly DiagnoseRule[] = [
  dnsUnresolvable,
  tcpRefused,
  tcpFiltered,
  tcpUnreachable,
  firewallRejects,
  networkUnstable,
  listenerClosedEarly,
  listenerSilent,
  answersTooSlowly,
  notRdp,
  hostIdentityMismatch,
  nlaRequired,
  nlaNotRequired,
  standardRdpSecurityOnly,
  standardRdpSecurityAllowed,
  tlsCertMissing,
  negotiationRefused,
  tlsNotServed,
  tlsHandshakeAborted,
  tlsHandshakeAlert,
  tlsNoCommonCipher,
  tlsLegacyOnly,
  tlsLegacyEnabled,
  tlsWeakCipher,
  tlsWeakDhGroup,
  clientIncompatible,
  tlsCertExpired,
  tlsCertNotYetValid,
  tlsCertExpiringSoon,
  tlsCertSelfSigned,
  tlsCertPrivateCa,
  tlsCertNameMismatch,
  tlsCertWeakKey,
  tlsCertWeakSignature,
  tlsCertBadUsage,
  credsspOutdated,
  credsspError,
  clockSkew,
  osEndOfLife,
  rdpWeakEncryption,
  // session: the logon check (CredSSP with credentials) comes first, then what the server says after
  logonFailed,
  accountLockedOut,
  accountDisabled,
  accountExpired,
  passwordExpired,
  passwordMustChange,
  accountRestricted,
  logonRightMissing,
  serverDeniedConnection,
  notInRemoteDesktopUsers,
  freshCredentialsRequired,
  licensingRefused,
  sessionLimitReached,
  brokerRefused,
  logonError,
  serverErrorInfo,
  // Last: it speaks only for a failed step no rule above explains.
  stageFailed,
];
