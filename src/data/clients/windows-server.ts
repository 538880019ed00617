import {
  CREDSSP_ASSUMPTION,
  CURVES_PAGE,
  DEPRECATION_NOTICE,
  GROUPS_WINDOWS_7_AND_8_1,
  GROUPS_WINDOWS_10,
  MSTSC_COMMON_SOURCES,
  MSTSC_ERRORS,
  MSTSC_PROTOCOLS_ASSUMPTION,
  MSTSC_SECURITY,
  SIGNATURE_ALGORITHMS_ASSUMPTION,
  SIGNATURE_ALGORITHMS_WINDOWS_7_AND_8_1,
  SIGNATURE_ALGORITHMS_WINDOWS_10,
  SUITES_WINDOWS_7_AND_8_1,
  SUITES_WINDOWS_10_22H2,
  SUITES_WINDOWS_10_1607,
  SUITES_WINDOWS_10_1809,
  suitePage,
  TLS13_SUITES_WINDOWS,
} from './schannel.js';
import type { ClientProfile } from './types.js';

/**
 * mstsc on Windows Server releases used as clients (jump hosts, RD Gateway, admin servers). A server
 * release shares Schannel with its desktop sibling, so the Client column of Microsoft's tables applies.
 */

const SERVER_ASSUMPTIONS = [SIGNATURE_ALGORITHMS_ASSUMPTION, MSTSC_PROTOCOLS_ASSUMPTION, CREDSSP_ASSUMPTION];

export const WINDOWS_SERVER_PROFILES: readonly ClientProfile[] = [
  {
    id: 'windows-server-2012-r2',
    product: 'Windows Server',
    release: '2012 R2',
    platform: 'windows-server',
    current: false,
    endOfSupport: '2023-10-10',
    tls: {
      versions: ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2'],
      supportedButDisabled: [],
      cipherSuites: SUITES_WINDOWS_7_AND_8_1,
      tls13CipherSuites: [],
      groups: GROUPS_WINDOWS_7_AND_8_1,
      signatureAlgorithms: SIGNATURE_ALGORITHMS_WINDOWS_7_AND_8_1,
    },
    security: MSTSC_SECURITY,
    errors: MSTSC_ERRORS,
    notes: ['Schannel as Windows 8.1: no AES-GCM suite with ECDHE_RSA.'],
    sources: [
      suitePage(
        'tls-cipher-suites-in-windows-8-1',
        'default cipher suite order (after KB2919355), shared with 8.1',
      ),
      ...MSTSC_COMMON_SOURCES,
    ],
    confidence: 'high',
    assumptions: SERVER_ASSUMPTIONS,
  },
  {
    id: 'windows-server-2016',
    product: 'Windows Server',
    release: '2016',
    platform: 'windows-server',
    current: true,
    endOfSupport: '2027-01-12',
    tls: {
      versions: ['TLSv1', 'TLSv1.1', 'TLSv1.2'],
      supportedButDisabled: ['SSLv3'],
      cipherSuites: SUITES_WINDOWS_10_1607,
      tls13CipherSuites: [],
      groups: GROUPS_WINDOWS_10,
      signatureAlgorithms: SIGNATURE_ALGORITHMS_WINDOWS_10,
    },
    security: MSTSC_SECURITY,
    errors: MSTSC_ERRORS,
    notes: ['Schannel as Windows 10 1607.'],
    sources: [
      suitePage(
        'tls-cipher-suites-in-windows-10-v1607',
        'default cipher suite order, shared with Windows 10 1607',
      ),
      CURVES_PAGE,
      ...MSTSC_COMMON_SOURCES,
    ],
    confidence: 'high',
    assumptions: SERVER_ASSUMPTIONS,
  },
  {
    id: 'windows-server-2019',
    product: 'Windows Server',
    release: '2019',
    platform: 'windows-server',
    current: true,
    endOfSupport: '2029-01-09',
    tls: {
      versions: ['TLSv1', 'TLSv1.1', 'TLSv1.2'],
      supportedButDisabled: ['SSLv3'],
      cipherSuites: SUITES_WINDOWS_10_1809,
      tls13CipherSuites: [],
      groups: GROUPS_WINDOWS_10,
      signatureAlgorithms: SIGNATURE_ALGORITHMS_WINDOWS_10,
    },
    security: MSTSC_SECURITY,
    errors: MSTSC_ERRORS,
    notes: ['Schannel as Windows 10 1809.'],
    sources: [
      suitePage(
        'tls-cipher-suites-in-windows-10-v1809',
        'default cipher suite order, shared with Windows 10 1809',
      ),
      CURVES_PAGE,
      ...MSTSC_COMMON_SOURCES,
    ],
    confidence: 'high',
    assumptions: SERVER_ASSUMPTIONS,
  },
  {
    id: 'windows-server-2022',
    product: 'Windows Server',
    release: '2022',
    platform: 'windows-server',
    current: true,
    endOfSupport: '2031-10-14',
    tls: {
      versions: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
      supportedButDisabled: ['SSLv3'],
      cipherSuites: SUITES_WINDOWS_10_1809,
      tls13CipherSuites: TLS13_SUITES_WINDOWS,
      groups: GROUPS_WINDOWS_10,
      signatureAlgorithms: SIGNATURE_ALGORITHMS_WINDOWS_10,
    },
    security: MSTSC_SECURITY,
    errors: MSTSC_ERRORS,
    notes: [
      'First Windows Server with TLS 1.3.',
      'Windows Server 23H2 drops TLS_RSA_WITH_3DES_EDE_CBC_SHA and the two DHE_RSA GCM suites from this list.',
    ],
    sources: [suitePage('tls-cipher-suites-in-windows-server-2022'), CURVES_PAGE, ...MSTSC_COMMON_SOURCES],
    confidence: 'high',
    assumptions: SERVER_ASSUMPTIONS,
  },
  {
    id: 'windows-server-2025',
    product: 'Windows Server',
    release: '2025',
    platform: 'windows-server',
    current: true,
    endOfSupport: '2034-11-14',
    tls: {
      versions: ['TLSv1.2', 'TLSv1.3'],
      supportedButDisabled: ['SSLv3', 'TLSv1', 'TLSv1.1'],
      cipherSuites: SUITES_WINDOWS_10_22H2,
      tls13CipherSuites: TLS13_SUITES_WINDOWS,
      groups: GROUPS_WINDOWS_10,
      signatureAlgorithms: SIGNATURE_ALGORITHMS_WINDOWS_10,
    },
    security: MSTSC_SECURITY,
    errors: MSTSC_ERRORS,
    notes: [
      "TLS 1.0 and 1.1 are off by default, following Microsoft's 2024 deprecation notice (Windows Server " +
        'Insider releases of 2024 on) rather than the older protocol table: a server that speaks only TLS 1.0/1.1 ' +
        'fails with this client unless TLS 1.x\\Client\\Enabled=1 is set.',
      'No DHE suites and no 3DES in the default list.',
    ],
    sources: [
      DEPRECATION_NOTICE,
      suitePage('tls-cipher-suites-in-windows-server-2025'),
      CURVES_PAGE,
      ...MSTSC_COMMON_SOURCES,
    ],
    confidence: 'medium',
    assumptions: [
      'TLS 1.0/1.1 off by default: sources disagree, the newer deprecation notice is followed',
      'no post-quantum hybrid group (X25519MLKEM768) is offered by default',
      ...SERVER_ASSUMPTIONS,
    ],
  },
];
