import type { ClientErrors, ClientSource } from './types.js';

/**
 * Schannel defaults shared by Windows desktop and server releases (mstsc uses the OS's Schannel,
 * so a desktop release and its server sibling offer the same ClientHello).
 *
 * Suite orders: Microsoft Learn "TLS Cipher Suites in Windows ..." pages, as transcribed with IANA
 * code points in ../shared/reference/windows-tls-defaults.json. Suites Microsoft lists but enables
 * only on explicit request (NULL, PSK) are left out; RC4 and 3DES stay where the page lists them.
 */

/** Windows 7 / Server 2008 R2 (after KB3042058) and Windows 8.1 / Server 2012 R2 (after KB2919355). */
// One row per line of the Microsoft page.
// prettier-ignore
export const SUITES_WINDOWS_7_AND_8_1: readonly number[] = [
  0xc028, 0xc027, 0xc014, 0xc013, 0x009f, 0x009e, 0x0039, 0x0033,
  0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f,
  0xc02c, 0xc02b, 0xc024, 0xc023, 0xc00a, 0xc009,
  0x006a, 0x0040, 0x0038, 0x0032, 0x000a, 0x0013, 0x0005, 0x0004,
];

/**
 * The Windows 7 list cut to the suites the page marks usable in TLS 1.0: what a Windows 7 client
 * offers while TLS 1.1 and 1.2 are off (Schannel offers only suites usable at its highest version).
 */
// One row per line of the Microsoft page.
// prettier-ignore
export const SUITES_WINDOWS_7_TLS10: readonly number[] = [
  0xc014, 0xc013, 0x0039, 0x0033, 0x0035, 0x002f,
  0xc00a, 0xc009, 0x0038, 0x0032, 0x000a, 0x0013, 0x0005, 0x0004,
];

/** Windows 10 1607 / Server 2016. */
// One row per line of the Microsoft page.
// prettier-ignore
export const SUITES_WINDOWS_10_1607: readonly number[] = [
  0xc02c, 0xc02b, 0xc030, 0xc02f, 0x009f, 0x009e, 0xc024, 0xc023, 0xc028, 0xc027,
  0xc00a, 0xc009, 0xc014, 0xc013, 0x0039, 0x0033, 0x009d, 0x009c, 0x003d, 0x003c,
  0x0035, 0x002f, 0x000a, 0x006a, 0x0040, 0x0038, 0x0032, 0x0013, 0x0005, 0x0004,
];

/** Windows 10 1809 / Server 2019 and Windows 10 20H2-21H2: RC4 and DHE CBC suites gone. */
// One row per line of the Microsoft page.
// prettier-ignore
export const SUITES_WINDOWS_10_1809: readonly number[] = [
  0xc02c, 0xc02b, 0xc030, 0xc02f, 0x009f, 0x009e, 0xc024, 0xc023, 0xc028, 0xc027,
  0xc00a, 0xc009, 0xc014, 0xc013, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x000a,
];

/** Windows 10 22H2, Windows 11 22H2 and later, Server 2025: DHE GCM and 3DES gone. */
// One row per line of the Microsoft page.
// prettier-ignore
export const SUITES_WINDOWS_10_22H2: readonly number[] = [
  0xc02c, 0xc02b, 0xc030, 0xc02f, 0xc024, 0xc023, 0xc028, 0xc027,
  0xc00a, 0xc009, 0xc014, 0xc013, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f,
];

/** TLS 1.3 suites on by default from Windows 11 / Server 2022 (TLS_CHACHA20_POLY1305_SHA256 is off). */
export const TLS13_SUITES_WINDOWS: readonly number[] = [0x1302, 0x1301];

/** Before Windows 10 the curve came from the suite name's _P256/_P384 suffix: secp256r1, secp384r1. */
export const GROUPS_WINDOWS_7_AND_8_1: readonly number[] = [23, 24];

/** "TLS Elliptic Curves in Windows 10 1607 and later": curve25519, NistP256, NistP384, in this order. */
export const GROUPS_WINDOWS_10: readonly number[] = [29, 23, 24];

/**
 * TLS 1.2 signature_algorithms. No Microsoft page lists these; both lists are as ClientHellos of
 * these releases are commonly captured (marked as an assumption in every profile using them).
 */
export const SIGNATURE_ALGORITHMS_WINDOWS_7_AND_8_1: readonly number[] = [
  0x0401, 0x0501, 0x0201, 0x0403, 0x0503, 0x0203, 0x0402, 0x0202,
];
export const SIGNATURE_ALGORITHMS_WINDOWS_10: readonly number[] = [
  0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0201, 0x0403, 0x0503, 0x0203, 0x0202, 0x0601, 0x0603,
];

/** SSL|HYBRID|HYBRID_EX: what mstsc from RDP 8.0 on requests. */
export const MSTSC_REQUESTED_PROTOCOLS = 0x0b;

/** mstsc's messages (disconnect reason 0x904 = socket closed, extended 0x7 = server denied connection). */
export const MSTSC_ERRORS: ClientErrors = {
  tlsFailure: {
    code: 0x904,
    extended: 0x7,
    text: "This computer can't connect to the remote computer.",
  },
  credsspOracle: {
    text:
      'An authentication error has occurred. The function requested is not supported. ' +
      'This could be due to CredSSP encryption oracle remediation.',
  },
};

export const SIGNATURE_ALGORITHMS_ASSUMPTION =
  'signature_algorithms order is not documented by Microsoft; taken from commonly captured ClientHellos of this release';

export const CREDSSP_ASSUMPTION =
  'the May 2018 CredSSP update (CVE-2018-0886) is installed: CredSSP version 6, AllowEncryptionOracle not configured (Mitigated)';

export const MSTSC_PROTOCOLS_ASSUMPTION =
  'requestedProtocols 0x0b (SSL|HYBRID|HYBRID_EX) is what mstsc is commonly observed sending; not stated by Microsoft';

/** The TLS 1.0/1.1 deprecation notice (ms.date 2024-03-14), newer than the protocol table. */
export const DEPRECATION_NOTICE: ClientSource = {
  ref: 'https://learn.microsoft.com/en-us/windows/win32/secauthn/tls-10-11-deprecation-in-windows',
  note:
    'TLS 1.0/1.1 disabled by default from the Windows 11 and Windows Server Insider releases of 2024 on, ' +
    'client and server; re-enabled by SCHANNEL\\Protocols\\TLS 1.x\\Client\\Enabled=1. Followed over the older ' +
    'protocol table, which still lists them as enabled.',
};

export const PROTOCOL_TABLE: ClientSource = {
  ref: 'MicrosoftDocs/win32:desktop-src/SecAuthN/protocols-in-tls-ssl--schannel-ssp-.md',
  note: 'TLS and SSL versions enabled, disabled or not supported per release (client column)',
};

export const CURVES_PAGE: ClientSource = {
  ref: 'https://learn.microsoft.com/en-us/windows/win32/secauthn/tls-elliptic-curves-in-windows-10-1607-and-later',
  note: 'default curve order curve25519, NistP256, NistP384',
};

export const CREDSSP_SOURCE: ClientSource = {
  ref: 'MicrosoftDocs/SupportArticles-docs:support/azure/virtual-machines/windows/credssp-encryption-oracle-remediation.md',
  note: 'KB4295591: AllowEncryptionOracle values, Mitigated as the default since 2018-05-08, the client error text',
};

export const DISCONNECT_REASON_SOURCE: ClientSource = {
  ref: 'https://learn.microsoft.com/en-us/windows/win32/termserv/imstscaxevents-ondisconnected ; https://learn.microsoft.com/en-us/windows/win32/termserv/extendeddisconnectreasoncode',
  note: 'disconnect reason 0x904 (socket closed); extended reason 0x7 (server denied connection)',
};

export const LIFECYCLE_SOURCE: ClientSource = {
  ref: 'https://learn.microsoft.com/en-us/lifecycle/products/',
  note: 'end of support dates (Enterprise/LTSC servicing where it runs longest)',
};

/** The Microsoft Learn page with a release's default cipher suite order. */
export function suitePage(page: string, note = 'default cipher suite order'): ClientSource {
  return { ref: `https://learn.microsoft.com/en-us/windows/win32/secauthn/${page}`, note };
}

/** mstsc's negotiation and CredSSP defaults on Windows 8.1 and later (with the 2018 CredSSP update). */
export const MSTSC_SECURITY = {
  requestedProtocols: MSTSC_REQUESTED_PROTOCOLS,
  credsspVersion: 6,
  acceptsStandardRdpSecurity: true,
  encryptionOracle: 'Mitigated',
} as const;

/** Sources every mstsc profile shares (protocol table, CredSSP, error codes, lifecycle). */
export const MSTSC_COMMON_SOURCES: readonly ClientSource[] = [
  PROTOCOL_TABLE,
  CREDSSP_SOURCE,
  DISCONNECT_REASON_SOURCE,
  LIFECYCLE_SOURCE,
];
