/**
 * Fixes for xrdp servers (xrdp 0.9.x, /etc/xrdp/xrdp.ini), used by the rules in place of Windows
 * registry fixes when serverKind() says the server is xrdp. Each ini change is data (section plus
 * key=value lines) rendered into one idempotent bash script: the lines sit in a here-document that
 * names the section, an awk edit sets each key inside that section only (xrdp ignores tls_ciphers
 * elsewhere), and the service is restarted, which ends every session the daemon holds.
 */
import type { Fix, FixRisk } from '../types.js';

export const XRDP_INI_PATH = '/etc/xrdp/xrdp.ini';
export const XRDP_RESTART = 'systemctl restart xrdp';
/** The here-document delimiter that frames the ini lines (tests read the lines back from it). */
export const XRDP_INI_HEREDOC = 'XRDP_INI';

export interface IniChange {
  readonly section: 'Globals';
  readonly values: Readonly<Record<string, string>>;
}

/** TLS 1.2 and 1.3 only: what xrdp 0.9.21 ships with and what current clients need. */
export const XRDP_MODERN_PROTOCOLS = 'TLSv1.2, TLSv1.3';
/**
 * OpenSSL's HIGH set without anything the weak-cipher rule flags (RC4, DES/3DES, NULL, anonymous,
 * MD5). TLS 1.3 suites are not governed by this string.
 */
export const XRDP_STRONG_CIPHERS = 'HIGH:!aNULL:!eNULL:!MD5:!3DES:!RC4';
/** The same without finite-field Diffie-Hellman (ECDHE stays). */
export const XRDP_STRONG_CIPHERS_NO_DHE = `${XRDP_STRONG_CIPHERS}:!kDHE`;

/**
 * Bash that sets each key inside its section of xrdp.ini, replacing an active line or adding one at
 * the end of the section. The file is rewritten in place (`cat >`), so its owner and mode stay; a
 * backup is made once. XRDP_INI in the environment points it at another file (tests do).
 */
export function xrdpIniScript(change: IniChange, preamble: readonly string[] = []): string {
  const lines = Object.entries(change.values).map(([key, value]) => `${key}=${value}`);
  return [
    'set -eu',
    ...preamble,
    `INI="\${XRDP_INI:-${XRDP_INI_PATH}}"`,
    '[ -e "$INI.rdp-doctor.bak" ] || cp -p "$INI" "$INI.rdp-doctor.bak"',
    `section='${change.section}'`,
    'while IFS= read -r line; do',
    '  case "$line" in \\[*\\]|"") continue ;; esac',
    '  key="${line%%=*}"',
    '  awk -v section="[$section]" -v key="$key" -v line="$line" \'',
    '    /^[[:space:]]*\\[/ { if (inside && !done) { print line; done = 1 } inside = ($1 == section) }',
    '    inside && !done && $0 ~ ("^[[:space:]]*" key "[[:space:]]*=") { print line; done = 1; next }',
    '    inside && done && $0 ~ ("^[[:space:]]*" key "[[:space:]]*=") { next }',
    '    { print }',
    '    END { if (inside && !done) print line }',
    '  \' "$INI" > "$INI.rdp-doctor.tmp"',
    '  cat "$INI.rdp-doctor.tmp" > "$INI" && rm -f "$INI.rdp-doctor.tmp"',
    `done <<${XRDP_INI_HEREDOC}`,
    `[${change.section}]`,
    ...lines,
    XRDP_INI_HEREDOC,
    XRDP_RESTART,
  ].join('\n');
}

function iniFix(
  title: string,
  risk: FixRisk,
  steps: readonly string[],
  change: IniChange,
  extra: { readonly preamble?: readonly string[]; readonly weakensSecurity?: string } = {},
): Fix {
  const lines = Object.entries(change.values).map(([key, value]) => `${key}=${value}`);
  return {
    title,
    risk,
    where: 'server',
    steps: [
      ...steps,
      `In ${XRDP_INI_PATH}, section [${change.section}]: ${lines.join('; ')}. Then \`${XRDP_RESTART}\`; the restart ends the sessions xrdp holds.`,
    ],
    script: { language: 'bash', code: xrdpIniScript(change, extra.preamble) },
    ...(extra.weakensSecurity ? { weakensSecurity: extra.weakensSecurity } : {}),
  };
}

// --- TLS versions and suites -----------------------------------------------------------------

export const XRDP_MODERN_TLS: Fix = iniFix(
  'Serve TLS 1.2 and 1.3 only (xrdp.ini ssl_protocols)',
  'low',
  [
    'xrdp takes its TLS versions from ssl_protocols; TLS 1.0/1.1 are only served when listed there (and with a SECLEVEL=0 tls_ciphers on OpenSSL 3).',
  ],
  { section: 'Globals', values: { ssl_protocols: XRDP_MODERN_PROTOCOLS } },
);

export const XRDP_STRONG_CIPHER_SUITES: Fix = iniFix(
  'Offer only strong TLS 1.2 cipher suites (xrdp.ini tls_ciphers)',
  'low',
  [
    'tls_ciphers is an OpenSSL cipher string for TLS 1.2 and older; this one keeps OpenSSL HIGH minus RC4, DES/3DES, NULL, anonymous and MD5 suites.',
  ],
  { section: 'Globals', values: { tls_ciphers: XRDP_STRONG_CIPHERS } },
);

export const XRDP_NO_DHE: Fix = iniFix(
  'Stop offering finite-field DHE suites (xrdp.ini tls_ciphers)',
  'low',
  [
    'Removes TLS_DHE_* suites; ECDHE keeps forward secrecy for every current client. xrdp sizes its DH group from the certificate key, so a 2048-bit key (the certificate fix) also gives 2048-bit DHE.',
    'This string has no @SECLEVEL=0: with a key under 2048 bits OpenSSL then refuses to serve TLS, so replace such a key first.',
  ],
  { section: 'Globals', values: { tls_ciphers: XRDP_STRONG_CIPHERS_NO_DHE } },
);

// --- security layer --------------------------------------------------------------------------

export const XRDP_TLS_ONLY: Fix = iniFix(
  'Require TLS (xrdp.ini security_layer=tls)',
  'medium',
  [
    'security_layer=negotiate (or rdp) lets clients fall back to Standard RDP Security, whose RC4 encryption and unauthenticated server key are broken; tls refuses them. Clients too old for TLS stop connecting.',
  ],
  { section: 'Globals', values: { security_layer: 'tls' } },
);

/** xrdp has no CredSSP: the compensating control for "no NLA" is TLS-only plus a restricted port. */
export const XRDP_RESTRICT_NETWORK: Fix = {
  title: 'Restrict who can reach the xrdp port (xrdp has no NLA)',
  risk: 'low',
  where: 'network',
  steps: [
    'xrdp does not implement CredSSP, so Network Level Authentication cannot be required; the logon screen is shown before authentication to anyone who reaches the port.',
    'Allow TCP 3389 only from the client ranges that need it (host firewall, security group or VPN), and require TLS with security_layer=tls.',
    'Or bind xrdp to one address: in [Globals] set port=tcp://<address>:3389 (and restart xrdp).',
  ],
};

// --- certificate and key ---------------------------------------------------------------------

const CERT_DIR_LINE = 'DIR="${XRDP_CERT_DIR:-/etc/xrdp}"';
const NAME_LINE = 'NAME="${RDP_NAME:-$(hostname -f)}"';
const KEY_PERMISSIONS = [
  'chown root:ssl-cert "$DIR/rdp-doctor-key.pem"',
  'chmod 0640 "$DIR/rdp-doctor-key.pem"',
];

/** A self-signed certificate made right: RSA 2048, SHA-256, the name as SAN, serverAuth EKU. */
export const XRDP_NEW_CERTIFICATE: Fix = iniFix(
  'Give xrdp a new 2048-bit certificate for its name (xrdp.ini certificate / key_file)',
  'medium',
  [
    'Set RDP_NAME to the name clients type (defaults to the host name); the certificate is valid for one year, carries that name as its subject alternative name, the Server Authentication EKU and a SHA-256 signature.',
    'The key is made readable by the ssl-cert group (root:ssl-cert, mode 0640); xrdp runs as the xrdp user, which must be in that group (see the key fix).',
    'Self-signed certificates still warn on clients; for no warning, use a CA-issued certificate (the CSR fix) with the same two ini lines.',
  ],
  {
    section: 'Globals',
    values: { certificate: '$DIR/rdp-doctor-cert.pem', key_file: '$DIR/rdp-doctor-key.pem' },
  },
  {
    preamble: [
      CERT_DIR_LINE,
      NAME_LINE,
      'openssl req -x509 -newkey rsa:2048 -sha256 -days 365 -nodes -subj "/CN=$NAME" \\',
      '  -addext "subjectAltName=DNS:$NAME" -addext "keyUsage=digitalSignature,keyEncipherment" \\',
      '  -addext "extendedKeyUsage=serverAuth" \\',
      '  -keyout "$DIR/rdp-doctor-key.pem" -out "$DIR/rdp-doctor-cert.pem"',
      ...KEY_PERMISSIONS,
    ],
  },
);

/** A key and CSR for a CA: the durable fix for self-signed and name findings. */
export const XRDP_CA_CERTIFICATE: Fix = {
  title: 'Request a CA-issued certificate for xrdp (key and CSR with openssl)',
  risk: 'low',
  where: 'server',
  steps: [
    'Makes a 2048-bit key and a certificate signing request for the name clients use; send the CSR to your CA (internal PKI or public).',
    `Install the issued certificate (with its chain) as $DIR/rdp-doctor-cert.pem, then in ${XRDP_INI_PATH} [Globals] set certificate= and key_file= to the two files and \`${XRDP_RESTART}\`.`,
  ],
  script: {
    language: 'bash',
    code: [
      'set -eu',
      CERT_DIR_LINE,
      NAME_LINE,
      'if [ ! -f "$DIR/rdp-doctor-key.pem" ]; then',
      '  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$DIR/rdp-doctor-key.pem"',
      'fi',
      'openssl req -new -sha256 -key "$DIR/rdp-doctor-key.pem" -subj "/CN=$NAME" \\',
      '  -addext "subjectAltName=DNS:$NAME" -addext "extendedKeyUsage=serverAuth" \\',
      '  -out "$DIR/rdp-doctor.csr"',
      ...KEY_PERMISSIONS,
    ].join('\n'),
  },
};

/** Lets the xrdp user read a key owned by root:ssl-cert (Debian's packaging runs xrdp as xrdp). */
export const XRDP_KEY_READABLE: Fix = {
  title: 'Let xrdp read its private key (the ssl-cert group)',
  risk: 'low',
  where: 'server',
  steps: [
    'xrdp runs as the xrdp user; a key it cannot read makes it select TLS and then fail the handshake. Keys under /etc/ssl/private are root:ssl-cert mode 0640, so the xrdp user must be in ssl-cert.',
    'Set KEY to the key_file from xrdp.ini.',
  ],
  script: {
    language: 'bash',
    code: [
      'set -eu',
      'KEY="${KEY:-/etc/xrdp/key.pem}"',
      'adduser xrdp ssl-cert',
      'chown root:ssl-cert "$(readlink -f "$KEY")"',
      'chmod 0640 "$(readlink -f "$KEY")"',
      XRDP_RESTART,
    ].join('\n'),
  },
};

/** Last resort for a key OpenSSL refuses at its default level (a 1024-bit RSA key at SECLEVEL 2). */
export const XRDP_LOWER_SECLEVEL: Fix = iniFix(
  'Accept the weak key anyway (xrdp.ini tls_ciphers=DEFAULT@SECLEVEL=1)',
  'high',
  [
    'Only until a 2048-bit key is installed. SECLEVEL=1 accepts 1024-bit RSA keys and SHA-1 signatures; SECLEVEL=0 (needed for TLS 1.0/1.1 on OpenSSL 3) accepts even weaker ones.',
  ],
  { section: 'Globals', values: { tls_ciphers: 'DEFAULT@SECLEVEL=1' } },
  {
    weakensSecurity:
      'Clients accept a key that can be factored with enough resources, and the server accepts weak parameters from clients.',
  },
);

/**
 * For xrdp selecting TLS and then not serving it (the key cannot be loaded, or OpenSSL refuses it):
 * a proper 2048-bit key first, then read access, and lowering OpenSSL's level only as a last resort.
 */
export function xrdpKeyFixes(): Fix[] {
  return [XRDP_NEW_CERTIFICATE, XRDP_KEY_READABLE, XRDP_LOWER_SECLEVEL];
}

/** Certificate findings on xrdp: a CA certificate, or a correct self-signed one. */
export function xrdpCertificateFixes(): Fix[] {
  return [XRDP_CA_CERTIFICATE, XRDP_NEW_CERTIFICATE];
}

/** Reads the ini lines back from a fix's script (the here-document), for tests and renderers. */
export function iniLinesOf(fix: Fix): { section: string; values: Record<string, string> } | undefined {
  const code = fix.script?.code;
  if (!code) return undefined;
  const match = new RegExp(
    `<<${XRDP_INI_HEREDOC}\\n\\[([^\\]]+)\\]\\n([\\s\\S]*?)\\n${XRDP_INI_HEREDOC}\\n`,
  ).exec(code);
  if (!match) return undefined;
  const values: Record<string, string> = {};
  for (const line of match[2]!.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) values[line.slice(0, at)] = line.slice(at + 1);
  }
  return { section: match[1]!, values };
}
