import type { ClientErrors, ClientProfile, ClientSource } from './types.js';

/**
 * FreeRDP (xfreerdp, wlfreerdp, sdl-freerdp and the clients built on it: Remmina, GNOME Connections).
 * FreeRDP leaves the cipher list to OpenSSL's DEFAULT unless /tls:ciphers is given, so the suites,
 * groups and signature algorithms are OpenSSL's; FreeRDP sets the minimum version and security level.
 *
 * OpenSSL lists: ClientHellos of OpenSSL 3.0.22 captured with `openssl s_client -trace`
 * (`-cipher DEFAULT@SECLEVEL=1` and `=2` give the same suites); the TLS_EMPTY_RENEGOTIATION_INFO_SCSV
 * signalling value OpenSSL appends is left out.
 */

// prettier-ignore -- OpenSSL's DEFAULT order, one AEAD/CBC family per line
const OPENSSL_DEFAULT_SUITES: readonly number[] = [
  0xc02c, 0xc030, 0x009f, 0xcca9, 0xcca8, 0xccaa, 0xc02b, 0xc02f, 0x009e, 0xc024, 0xc028, 0x006b, 0xc023,
  0xc027, 0x0067, 0xc00a, 0xc014, 0x0039, 0xc009, 0xc013, 0x0033, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035,
  0x002f,
];

/** TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_GCM_SHA256. */
const OPENSSL_TLS13_SUITES: readonly number[] = [0x1302, 0x1303, 0x1301];

/** x25519, secp256r1, x448, secp521r1, secp384r1. */
const OPENSSL_1_1_GROUPS: readonly number[] = [29, 23, 30, 25, 24];

/** OpenSSL 3.0 adds the RFC 7919 FFDHE groups after the curves. */
const OPENSSL_3_GROUPS: readonly number[] = [...OPENSSL_1_1_GROUPS, 256, 257, 258, 259, 260];

/** OpenSSL 3.0 at security level 1 and 2: no SHA-1 schemes. */
// prettier-ignore -- as the ClientHello lists them
const OPENSSL_3_SIGNATURE_ALGORITHMS: readonly number[] = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501,
  0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602,
];

/** OpenSSL 1.1.1 at security level 1 also offers the SHA-1 schemes. */
// prettier-ignore -- as the ClientHello lists them
const OPENSSL_1_1_SIGNATURE_ALGORITHMS: readonly number[] = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501,
  0x0601, 0x0303, 0x0203, 0x0301, 0x0201, 0x0302, 0x0202, 0x0402, 0x0502, 0x0602,
];

/** FreeRDP's defaults: NlaSecurity, TlsSecurity and RdpSecurity on, ExtSecurity (HYBRID_EX) off. */
const FREERDP_SECURITY = {
  requestedProtocols: 0x03,
  credsspVersion: 6,
  acceptsStandardRdpSecurity: true,
} as const;

const FREERDP_ERRORS: ClientErrors = {
  tlsFailure: {
    code: 0x00020008,
    name: 'ERRCONNECT_TLS_CONNECT_FAILED',
    text: 'The connection failed at TLS connect.',
  },
};

function freerdpSource(tag: string, path: string, note: string): ClientSource {
  return { ref: `FreeRDP/FreeRDP:${path}@${tag}`, note };
}

const OPENSSL_CAPTURE: ClientSource = {
  ref: 'openssl s_client -trace (OpenSSL 3.0.22), DEFAULT@SECLEVEL=1 and DEFAULT@SECLEVEL=2',
  note: 'cipher suite, group and signature algorithm order of OpenSSL 3 DEFAULT',
};

const OPENSSL_3_SECLEVEL: ClientSource = {
  ref: 'openssl/openssl:CHANGES.md@openssl-3.0.0',
  note: 'SSL 3, TLS 1.0 and TLS 1.1 no longer work at security level 1 (SHA-1/MD5 signatures too weak); level 0 needed',
};

export const FREERDP_PROFILES: readonly ClientProfile[] = [
  {
    id: 'freerdp-2',
    product: 'FreeRDP',
    release: '2.x (2.0 to 2.11)',
    displayName: 'FreeRDP 2',
    platform: 'cross-platform',
    current: false,
    tls: {
      versions: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
      supportedButDisabled: [],
      cipherSuites: OPENSSL_DEFAULT_SUITES,
      tls13CipherSuites: OPENSSL_TLS13_SUITES,
      groups: OPENSSL_1_1_GROUPS,
      signatureAlgorithms: OPENSSL_1_1_SIGNATURE_ALGORITHMS,
      buildDependent: {
        versions: ['TLSv1', 'TLSv1.1'],
        failsOn: 'OpenSSL 3 builds (most current Linux distributions: Debian 12, Ubuntu 22.04 and later)',
        connectsOn: 'OpenSSL 1.1.1 builds (Debian 11, Ubuntu 20.04, RHEL 8)',
        failingError: 'ERRCONNECT_TLS_CONNECT_FAILED',
        source: {
          ref: 'xfreerdp 2.11.7 (Debian 12, OpenSSL 3.0) against xrdp with ssl_protocols=TLSv1 and =TLSv1.1 (test/integration/client-predictions.test.ts)',
          note: 'ERRCONNECT_TLS_CONNECT_FAILED [0x00020008] at the default security level 1',
        },
      },
    },
    security: FREERDP_SECURITY,
    errors: FREERDP_ERRORS,
    notes: [
      'The 2.x line is superseded by 3.x and gets only occasional security releases (2.11.8, 2026-02).',
      'Built with OpenSSL 3 (e.g. Debian 12, Ubuntu 22.04) it still offers TLS 1.0/1.1, but the handshake fails ' +
        'at security level 1 (seen with xfreerdp 2.11.7); /tls-seclevel:0 brings them back. Built with OpenSSL ' +
        '1.1.1 it connects.',
    ],
    sources: [
      freerdpSource(
        '2.11.8',
        'libfreerdp/core/settings.c',
        'TLSMinVersion TLS1_VERSION, TlsSecLevel 1, NLA/TLS/RDP security on, ExtSecurity off',
      ),
      freerdpSource(
        '2.11.8',
        'libfreerdp/crypto/tls.c',
        'OpenSSL DEFAULT cipher list unless AllowedTlsCiphers; SSLv2/SSLv3 off',
      ),
      freerdpSource(
        '2.11.8',
        'libfreerdp/core/nego.c',
        'NLA attempt requests PROTOCOL_HYBRID|PROTOCOL_SSL, then falls back to TLS and RDP',
      ),
      freerdpSource('2.11.8', 'libfreerdp/core/nla.c', 'TSRequest version 6'),
      freerdpSource(
        '2.11.8',
        'include/freerdp/error.h',
        'ERRCONNECT_TLS_CONNECT_FAILED = 0x8 in the CONNECT class',
      ),
      OPENSSL_CAPTURE,
      OPENSSL_3_SECLEVEL,
    ],
    confidence: 'medium',
    assumptions: [
      'the hello is that of an OpenSSL 1.1.1 build (Debian 11, Ubuntu 20.04, RHEL 8); its DEFAULT suite order equals ' +
        'OpenSSL 3.0’s, and an OpenSSL 3 build differs only in its groups and in failing TLS 1.0/1.1',
      'OpenSSL 1.1.1 groups and signature algorithms are as OpenSSL 1.1.1 documents its defaults, not captured here',
      'no /tls-ciphers, /tls-seclevel or /sec option and no distribution crypto policy changes the defaults',
    ],
  },
  {
    id: 'freerdp-3',
    product: 'FreeRDP',
    release: '3.27 and later, built with OpenSSL 3',
    displayName: 'FreeRDP 3.27+',
    platform: 'cross-platform',
    current: true,
    tls: {
      versions: ['TLSv1.2', 'TLSv1.3'],
      supportedButDisabled: ['TLSv1', 'TLSv1.1'],
      cipherSuites: OPENSSL_DEFAULT_SUITES,
      tls13CipherSuites: OPENSSL_TLS13_SUITES,
      groups: OPENSSL_3_GROUPS,
      signatureAlgorithms: OPENSSL_3_SIGNATURE_ALGORITHMS,
    },
    security: FREERDP_SECURITY,
    errors: FREERDP_ERRORS,
    notes: [
      'FreeRDP 3.27 (2026-06) raised the defaults to TLS 1.2 minimum and security level 2.',
      'FreeRDP 3.0 to 3.26 (as shipped by many distributions) keep TLS 1.0 minimum and level 1; with OpenSSL 3 ' +
        'their TLS 1.0/1.1 handshakes fail anyway, so they behave as this profile against TLS 1.0-only servers.',
    ],
    sources: [
      freerdpSource(
        '3.27.0',
        'libfreerdp/core/settings.c',
        'TLSMinVersion TLS1_2_VERSION, TlsSecLevel 2 (FREERDP_TLS_SECLEVEL_112BIT)',
      ),
      freerdpSource(
        '3.26.0',
        'libfreerdp/core/settings.c',
        'TLSMinVersion TLS1_VERSION, TlsSecLevel 1 before 3.27',
      ),
      freerdpSource(
        '3.30.0',
        'libfreerdp/core/settings.c',
        'AadSecurity, ExtSecurity and RdstlsSecurity off; NLA, TLS and RDP security on',
      ),
      freerdpSource(
        '3.30.0',
        'libfreerdp/crypto/tls.c',
        'min/max protocol version and security level from settings; OpenSSL DEFAULT ciphers',
      ),
      freerdpSource(
        '3.30.0',
        'libfreerdp/core/nego.c',
        'NLA attempt requests PROTOCOL_HYBRID|PROTOCOL_SSL, then falls back to TLS and RDP',
      ),
      freerdpSource('3.30.0', 'libfreerdp/core/nla.c', 'TSRequest version 6'),
      freerdpSource('3.30.0', 'libfreerdp/core/errconnect.c', 'ERRCONNECT_TLS_CONNECT_FAILED text'),
      OPENSSL_CAPTURE,
      OPENSSL_3_SECLEVEL,
    ],
    confidence: 'high',
    assumptions: [
      'no /tls:ciphers, /tls:seclevel or /sec option and no distribution crypto policy changes the defaults',
    ],
  },
];
