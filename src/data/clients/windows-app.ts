import type { ClientErrors, ClientProfile, ClientSource } from './types.js';

/**
 * Microsoft's Windows App (formerly "Microsoft Remote Desktop") on macOS, iOS/iPadOS and Android.
 * Microsoft documents neither their TLS defaults nor their error codes; every profile here is
 * `confidence: 'low'` and lists what it assumes. Treat a verdict for them as "likely", never "will".
 */

// One AEAD/CBC family per line.

// prettier-ignore
/** Assumed: an OpenSSL 3-style default list (see assumptions). */
const ASSUMED_SUITES: readonly number[] = [
  0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc02b, 0xc02f,
  0xc024, 0xc028, 0xc023, 0xc027,
  0xc00a, 0xc014, 0xc009, 0xc013,
  0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f,
];
const ASSUMED_TLS13_SUITES: readonly number[] = [0x1302, 0x1303, 0x1301];
const ASSUMED_GROUPS: readonly number[] = [29, 23, 24];
// As a ClientHello lists them.
// prettier-ignore
const ASSUMED_SIGNATURE_ALGORITHMS: readonly number[] = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601,
];

/** Assumed to share mstsc's RDP core defaults: SSL|HYBRID|HYBRID_EX, CredSSP 6. */
const ASSUMED_SECURITY = {
  requestedProtocols: 0x0b,
  credsspVersion: 6,
  acceptsStandardRdpSecurity: true,
} as const;

const ERRORS: ClientErrors = {
  tlsFailure: {
    code: 0x204,
    text:
      "We couldn't connect to the remote PC. Make sure the PC is turned on and connected to the network, " +
      'and that remote access is enabled.',
  },
};

const ERROR_0X204_REPORTS: ClientSource = {
  ref: 'https://appuals.com/remote-desktop-error-code-0x204',
  note: 'third-party: 0x204 is what the macOS and mobile clients show when they cannot reach or connect to the PC',
};

const ERROR_0X204_MAC: ClientSource = {
  ref: 'https://helpwire.app/blog/error-code-0x204-on-mac',
  note: 'third-party: 0x204 on the macOS client, incl. TLS and certificate causes; no Microsoft code list was found',
};

const SHARED_ASSUMPTIONS = [
  'TLS: Microsoft ships its own RDP stack on these platforms and documents no TLS defaults; TLS 1.2 and 1.3 ' +
    'on and TLS 1.0/1.1 off is assumed from the platforms’ own minimums (App Transport Security, Android 10+)',
  'cipher suites, groups and signature algorithms: an ECDHE-first, OpenSSL-like default order is assumed, ' +
    'including RSA key exchange suites as the last fallback',
  'requestedProtocols 0x0b, CredSSP version 6 and a fall-back to Standard RDP Security are assumed to match mstsc',
  'error code 0x204 for a TLS failure comes from user reports; Microsoft does not list the codes',
];

export const WINDOWS_APP_PROFILES: readonly ClientProfile[] = [
  {
    id: 'windows-app-macos',
    product: 'Windows App',
    release: 'macOS (current App Store version)',
    displayName: 'Windows App macOS',
    platform: 'macos',
    current: true,
    tls: {
      versions: ['TLSv1.2', 'TLSv1.3'],
      supportedButDisabled: ['TLSv1', 'TLSv1.1'],
      cipherSuites: ASSUMED_SUITES,
      tls13CipherSuites: ASSUMED_TLS13_SUITES,
      groups: ASSUMED_GROUPS,
      signatureAlgorithms: ASSUMED_SIGNATURE_ALGORITHMS,
    },
    security: ASSUMED_SECURITY,
    errors: ERRORS,
    notes: ['Not documented by Microsoft: TLS details are assumed, see assumptions.'],
    sources: [ERROR_0X204_REPORTS, ERROR_0X204_MAC],
    confidence: 'low',
    assumptions: SHARED_ASSUMPTIONS,
  },
  {
    id: 'windows-app-ios',
    product: 'Windows App',
    release: 'iOS and iPadOS (current App Store version)',
    displayName: 'Windows App iOS',
    platform: 'ios',
    current: true,
    tls: {
      versions: ['TLSv1.2', 'TLSv1.3'],
      supportedButDisabled: ['TLSv1', 'TLSv1.1'],
      cipherSuites: ASSUMED_SUITES,
      tls13CipherSuites: ASSUMED_TLS13_SUITES,
      groups: ASSUMED_GROUPS,
      signatureAlgorithms: ASSUMED_SIGNATURE_ALGORITHMS,
    },
    security: ASSUMED_SECURITY,
    errors: ERRORS,
    notes: ['Not documented by Microsoft: TLS details are assumed, see assumptions.'],
    sources: [ERROR_0X204_REPORTS, ERROR_0X204_MAC],
    confidence: 'low',
    assumptions: SHARED_ASSUMPTIONS,
  },
  {
    id: 'windows-app-android',
    product: 'Windows App',
    release: 'Android (current Play Store version)',
    displayName: 'Windows App Android',
    platform: 'android',
    current: true,
    tls: {
      versions: ['TLSv1.2', 'TLSv1.3'],
      supportedButDisabled: ['TLSv1', 'TLSv1.1'],
      cipherSuites: ASSUMED_SUITES,
      tls13CipherSuites: ASSUMED_TLS13_SUITES,
      groups: ASSUMED_GROUPS,
      signatureAlgorithms: ASSUMED_SIGNATURE_ALGORITHMS,
    },
    security: ASSUMED_SECURITY,
    errors: ERRORS,
    notes: ['Not documented by Microsoft: TLS details are assumed, see assumptions.'],
    sources: [ERROR_0X204_REPORTS, ERROR_0X204_MAC],
    confidence: 'low',
    assumptions: SHARED_ASSUMPTIONS,
  },
];
