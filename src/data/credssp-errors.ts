import type { ConnectionPhase, ErrorCodeEntry, ErrorCodeTable } from './error-code.js';

/**
 * SSPI status codes (SEC_E_*, HRESULT facility 9): what Schannel (TLS) and CredSSP/NLA (Negotiate,
 * Kerberos, NTLM) return. mstsc shows them inside "An authentication error has occurred" dialogs
 * and FreeRDP logs them by name. The CredSSP "encryption oracle remediation" refusal (CVE-2018-0886)
 * reaches the user as SEC_E_UNSUPPORTED_FUNCTION, "The function requested is not supported".
 *
 * Source: the SEC_E_* list of winerror.h, as mirrored by WinPR (FreeRDP/FreeRDP
 * winpr/include/winpr/sspi.h, read 2025); every SEC_E_* value that list defines. Meanings are
 * ours. Confidence: high for names and values; the RDP reading of each is our judgement.
 */
const sec = (
  value: number,
  name: string,
  meaning: string,
  phase: ConnectionPhase = 'credssp',
): ErrorCodeEntry => ({
  value,
  name,
  meaning,
  phase,
});

export const SSPI_STATUS_CODES: readonly ErrorCodeEntry[] = [
  sec(0x80090300, 'SEC_E_INSUFFICIENT_MEMORY', 'The security package ran out of memory.', 'client'),
  sec(
    0x80090301,
    'SEC_E_INVALID_HANDLE',
    'A security handle was invalid (a client or package bug).',
    'client',
  ),
  sec(
    0x80090302,
    'SEC_E_UNSUPPORTED_FUNCTION',
    "The peer asked for something the package will not do. In RDP this is the CredSSP encryption oracle remediation refusal: one side is unpatched for CVE-2018-0886 and the other side's policy forbids talking to it.",
  ),
  sec(
    0x80090303,
    'SEC_E_TARGET_UNKNOWN',
    'The target server is unknown to the authority (wrong name, or no TERMSRV SPN for Kerberos).',
  ),
  sec(
    0x80090304,
    'SEC_E_INTERNAL_ERROR',
    'The security authority (LSA) could not be contacted or failed internally.',
  ),
  sec(0x80090305, 'SEC_E_SECPKG_NOT_FOUND', 'The requested security package is not installed.', 'client'),
  sec(0x80090306, 'SEC_E_NOT_OWNER', 'The caller does not own the credentials it tried to use.', 'client'),
  sec(0x80090307, 'SEC_E_CANNOT_INSTALL', 'The security package failed to initialise.', 'client'),
  sec(
    0x80090308,
    'SEC_E_INVALID_TOKEN',
    'The peer sent a token the package could not parse (often a TLS or CredSSP version mismatch, or a middlebox).',
    'tls',
  ),
  sec(0x80090309, 'SEC_E_CANNOT_PACK', 'The package could not marshal the logon buffer.'),
  sec(0x8009030a, 'SEC_E_QOP_NOT_SUPPORTED', 'The requested quality of protection is not supported.'),
  sec(0x8009030b, 'SEC_E_NO_IMPERSONATION', 'The security context does not allow impersonation.'),
  sec(
    0x8009030c,
    'SEC_E_LOGON_DENIED',
    'The logon was refused: wrong user name or password, or a logon restriction.',
  ),
  sec(
    0x8009030d,
    'SEC_E_UNKNOWN_CREDENTIALS',
    "The credentials handed to the package are unusable. On an RDP server this usually means the listener certificate's private key cannot be read (MachineKeys permissions).",
    'certificate',
  ),
  sec(
    0x8009030e,
    'SEC_E_NO_CREDENTIALS',
    'No credentials are available (no saved password, no smart card, or no certificate key).',
  ),
  sec(
    0x8009030f,
    'SEC_E_MESSAGE_ALTERED',
    'A message failed its integrity check (tampering or a broken middlebox).',
    'tls',
  ),
  sec(0x80090310, 'SEC_E_OUT_OF_SEQUENCE', 'A message arrived out of sequence.', 'tls'),
  sec(
    0x80090311,
    'SEC_E_NO_AUTHENTICATING_AUTHORITY',
    'No domain controller or KDC could be contacted to check the credentials.',
  ),
  sec(0x80090316, 'SEC_E_BAD_PKGID', 'The requested security package does not exist.', 'client'),
  sec(0x80090317, 'SEC_E_CONTEXT_EXPIRED', 'The security context has expired.'),
  sec(
    0x80090318,
    'SEC_E_INCOMPLETE_MESSAGE',
    'Only part of a message arrived (the connection was cut mid-handshake).',
    'tls',
  ),
  sec(
    0x80090320,
    'SEC_E_INCOMPLETE_CREDENTIALS',
    'The credentials are incomplete (e.g. a client certificate is required).',
    'tls',
  ),
  sec(
    0x80090321,
    'SEC_E_BUFFER_TOO_SMALL',
    'A buffer was too small (a package or application bug).',
    'client',
  ),
  sec(
    0x80090322,
    'SEC_E_WRONG_PRINCIPAL',
    'The server authenticated as a different name than the client expected (SPN or host name mismatch).',
  ),
  sec(
    0x80090324,
    'SEC_E_TIME_SKEW',
    'The clocks of client, server and domain controller differ too much for Kerberos.',
  ),
  sec(
    0x80090325,
    'SEC_E_UNTRUSTED_ROOT',
    'The certificate chain ends in a root the client does not trust.',
    'certificate',
  ),
  sec(
    0x80090326,
    'SEC_E_ILLEGAL_MESSAGE',
    'The peer sent a message the TLS stack rejects, often after a fatal alert: no common protocol version or cipher suite.',
    'tls',
  ),
  sec(0x80090327, 'SEC_E_CERT_UNKNOWN', 'An unknown problem with a certificate.', 'certificate'),
  sec(0x80090328, 'SEC_E_CERT_EXPIRED', 'The certificate has expired (or is not yet valid).', 'certificate'),
  sec(0x80090329, 'SEC_E_ENCRYPT_FAILURE', 'Encrypting a message failed.', 'tls'),
  sec(0x80090330, 'SEC_E_DECRYPT_FAILURE', 'Decrypting a message failed.', 'tls'),
  sec(
    0x80090331,
    'SEC_E_ALGORITHM_MISMATCH',
    'Client and server have no algorithm in common: no shared TLS cipher suite (or TLS version).',
    'tls',
  ),
  sec(
    0x80090332,
    'SEC_E_SECURITY_QOS_FAILED',
    'The requested security quality (e.g. mutual authentication) could not be provided.',
  ),
  sec(
    0x80090333,
    'SEC_E_UNFINISHED_CONTEXT_DELETED',
    'A half-built security context was deleted, typically after the peer gave up.',
  ),
  sec(0x80090334, 'SEC_E_NO_TGT_REPLY', 'The KDC did not answer a user-to-user ticket request.'),
  sec(0x80090335, 'SEC_E_NO_IP_ADDRESSES', 'No local IP addresses were found for Kerberos.'),
  sec(
    0x80090336,
    'SEC_E_WRONG_CREDENTIAL_HANDLE',
    'The credential handle does not match the security context.',
  ),
  sec(0x80090337, 'SEC_E_CRYPTO_SYSTEM_INVALID', 'A required cryptographic function is not available.'),
  sec(0x80090338, 'SEC_E_MAX_REFERRALS_EXCEEDED', 'Kerberos followed too many referrals between domains.'),
  sec(0x80090339, 'SEC_E_MUST_BE_KDC', 'The operation must run on a domain controller.'),
  sec(
    0x8009033a,
    'SEC_E_STRONG_CRYPTO_NOT_SUPPORTED',
    'The other side does not support the strong cryptography asked for.',
  ),
  sec(
    0x8009033b,
    'SEC_E_TOO_MANY_PRINCIPALS',
    'The KDC found more than one account with the requested name.',
  ),
  sec(0x8009033c, 'SEC_E_NO_PA_DATA', 'The KDC returned no pre-authentication data.'),
  sec(
    0x8009033d,
    'SEC_E_PKINIT_NAME_MISMATCH',
    'The smart card certificate name does not match the account.',
  ),
  sec(0x8009033e, 'SEC_E_SMARTCARD_LOGON_REQUIRED', 'The account must log on with a smart card.'),
  sec(0x8009033f, 'SEC_E_SHUTDOWN_IN_PROGRESS', 'The computer is shutting down.'),
  sec(0x80090340, 'SEC_E_KDC_INVALID_REQUEST', 'The KDC rejected the request as invalid.'),
  sec(0x80090341, 'SEC_E_KDC_UNABLE_TO_REFER', 'The KDC could not refer the request to another domain.'),
  sec(
    0x80090342,
    'SEC_E_KDC_UNKNOWN_ETYPE',
    'The KDC does not support the requested Kerberos encryption type.',
  ),
  sec(0x80090343, 'SEC_E_UNSUPPORTED_PREAUTH', 'The pre-authentication type is not supported by the KDC.'),
  sec(
    0x80090345,
    'SEC_E_DELEGATION_REQUIRED',
    'The operation needs delegation, which is not allowed for this account or server.',
  ),
  sec(
    0x80090346,
    'SEC_E_BAD_BINDINGS',
    'The channel bindings do not match (TLS interception between client and server).',
    'tls',
  ),
  sec(0x80090347, 'SEC_E_MULTIPLE_ACCOUNTS', 'The certificate maps to more than one account.'),
  sec(0x80090348, 'SEC_E_NO_KERB_KEY', 'No Kerberos key was found for the account.'),
  sec(
    0x80090349,
    'SEC_E_CERT_WRONG_USAGE',
    'The certificate is not valid for the requested use (missing Server Authentication usage).',
    'certificate',
  ),
  sec(0x80090350, 'SEC_E_DOWNGRADE_DETECTED', 'A downgrade of the negotiated security was detected.'),
  sec(0x80090351, 'SEC_E_SMARTCARD_CERT_REVOKED', 'The smart card certificate has been revoked.'),
  sec(
    0x80090352,
    'SEC_E_ISSUING_CA_UNTRUSTED',
    'The CA that issued the smart card certificate is not trusted.',
  ),
  sec(
    0x80090353,
    'SEC_E_REVOCATION_OFFLINE_C',
    'The revocation status of the smart card certificate could not be checked.',
  ),
  sec(0x80090354, 'SEC_E_PKINIT_CLIENT_FAILURE', 'The smart card certificate is not trusted for logon.'),
  sec(0x80090355, 'SEC_E_SMARTCARD_CERT_EXPIRED', 'The smart card certificate has expired.'),
  sec(0x80090356, 'SEC_E_NO_S4U_PROT_SUPPORT', 'The Kerberos S4U extension is not supported.'),
  sec(
    0x80090357,
    'SEC_E_CROSSREALM_DELEGATION_FAILURE',
    'Delegation across realms (domains or forests) failed.',
  ),
  sec(
    0x80090358,
    'SEC_E_REVOCATION_OFFLINE_KDC',
    'The revocation status of the domain controller certificate could not be checked.',
  ),
  sec(
    0x80090359,
    'SEC_E_ISSUING_CA_UNTRUSTED_KDC',
    'The CA that issued the domain controller certificate is not trusted.',
  ),
  sec(0x8009035a, 'SEC_E_KDC_CERT_EXPIRED', 'The domain controller certificate has expired.'),
  sec(0x8009035b, 'SEC_E_KDC_CERT_REVOKED', 'The domain controller certificate has been revoked.'),
  sec(
    0x8009035d,
    'SEC_E_INVALID_PARAMETER',
    'A parameter passed to the security package was invalid.',
    'client',
  ),
  sec(
    0x8009035e,
    'SEC_E_DELEGATION_POLICY',
    'Credential delegation policy on the client does not allow sending credentials to this server.',
  ),
  sec(
    0x8009035f,
    'SEC_E_POLICY_NLTM_ONLY',
    "Policy forbids delegating credentials when only NTLM is available (the server's identity could not be verified by Kerberos).",
  ),
  sec(0x80090361, 'SEC_E_NO_CONTEXT', 'The security context does not exist.'),
  sec(0x80090362, 'SEC_E_PKU2U_CERT_FAILURE', 'The PKU2U certificate (peer-to-peer cloud logon) failed.'),
  sec(
    0x80090363,
    'SEC_E_MUTUAL_AUTH_FAILED',
    'The server could not be authenticated (mutual authentication failed).',
  ),
];

export const SSPI_STATUS_TABLE: ErrorCodeTable = {
  id: 'sspi-status',
  title: 'SSPI / CredSSP / Schannel status (SEC_E_*)',
  source: 'winerror.h SEC_E_* (mirrored by FreeRDP/FreeRDP winpr/include/winpr/sspi.h)',
  version: 'Windows SDK winerror.h via WinPR 3.x, read 2025',
  confidence: 'high',
  hexDigits: 8,
  entries: SSPI_STATUS_CODES,
};
