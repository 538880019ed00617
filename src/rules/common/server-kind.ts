/**
 * Which RDP server software answered, judged from what the probe saw on the wire, so fixes can be
 * written for that server (xrdp.ini for xrdp, the registry for Windows). Every signal below was
 * seen on a real server: xrdp 0.9.21 and FreeRDP 2.11's shadow server on the test bed, Windows in
 * public captures (test/fixtures/pcap: zeek-rdp-to-ssl is Server 2008 R2, zeek-rdp-no-cookie-mstshash
 * a current Windows, zeek-rdp-proprietary-encryption Server 2003). A signal is 'strong' when no
 * other kind was seen sending it; 'weak' when another kind could.
 */
import type {
  CertificateFacts,
  NegotiationProbe,
  NtlmChallengeFacts,
  ProbeObservations,
} from '../../probe/types.js';
import type { Evidence } from '../types.js';

export type ServerKindName = 'windows' | 'xrdp' | 'freerdp' | 'unknown';

export interface ServerKind {
  readonly kind: ServerKindName;
  readonly confidence: 'likely' | 'certain';
  readonly evidence: Evidence[];
}

type KnownKind = Exclude<ServerKindName, 'unknown'>;

interface Signal {
  readonly kind: KnownKind;
  readonly strength: 'strong' | 'weak';
  readonly evidence: Evidence;
}

/** MS-RDPBCGR 2.2.1.2.1 RDP_NEG_RSP flags. */
const NEG_RSP = {
  EXTENDED_CLIENT_DATA_SUPPORTED: 0x01,
  DYNVC_GFX_PROTOCOL_SUPPORTED: 0x02,
  RESTRICTED_ADMIN_MODE_SUPPORTED: 0x08,
  REDIRECTED_AUTHENTICATION_MODE_SUPPORTED: 0x10,
} as const;

const PROTOCOL_HYBRID = 0x2;
const PROTOCOL_HYBRID_EX = 0x8;
const SERVER_AUTH_EKU = '1.3.6.1.5.5.7.3.1';
/** xrdp's MCS Connect-Response domain parameters name 22 channel ids; Windows and FreeRDP send 34. */
const XRDP_MAX_CHANNEL_IDS = 22;
/** TS_UD_SC_CORE version 0x00080004 (RDP 5.0 to 8.1); newer Windows answer with a higher one. */
const RDP_5_PLUS = 0x00080004;

const SOURCE_NEG = 'negotiation';

function signal(
  kind: KnownKind,
  strength: Signal['strength'],
  label: string,
  value: string | number,
  source: string,
): Signal {
  return { kind, strength, evidence: { label, value, source } };
}

function hex(value: number, width: number): string {
  return `0x${value.toString(16).padStart(width, '0')}`;
}

function negotiationSignals(probes: readonly NegotiationProbe[]): Signal[] {
  const signals: Signal[] = [];
  const hybridOnly = probes.find((probe) => probe.label === 'hybrid');
  // xrdp answers a CredSSP-only request with RDP_NEG_RSP selecting Standard RDP Security; Windows
  // refuses what it cannot do with RDP_NEG_FAILURE (Server 2003 in the captures), FreeRDP too.
  if (hybridOnly?.outcome === 'selected' && hybridOnly.selectedProtocol === 0) {
    signals.push(
      signal(
        'xrdp',
        'strong',
        "answer to a CredSSP-only request ('hybrid')",
        'selected PROTOCOL_RDP instead of refusing',
        SOURCE_NEG,
      ),
    );
  }
  const flags = responseFlagsOf(probes);
  // xrdp (security_layer=tls) and FreeRDP's shadow server (/sec:tls) both refuse a CredSSP-only
  // request with SSL_REQUIRED_BY_SERVER; their RDP_NEG_RSP flags tell them apart (0x01 / 0x03).
  if (hybridOnly?.outcome === 'failure' && hybridOnly.failureCode === 1 && flags !== undefined) {
    const kind = flags & NEG_RSP.DYNVC_GFX_PROTOCOL_SUPPORTED ? 'freerdp' : 'xrdp';
    signals.push(
      signal(
        kind,
        'weak',
        "answer to a CredSSP-only request ('hybrid')",
        `RDP_NEG_FAILURE SSL_REQUIRED_BY_SERVER, RDP_NEG_RSP flags ${hex(flags, 2)}`,
        SOURCE_NEG,
      ),
    );
  }
  if (flags !== undefined) {
    // Windows 8.1 and later set restricted admin / redirected authentication (0x1f in the captures);
    // neither xrdp 0.9.21 (0x01) nor FreeRDP 2.11 (0x03) sends them.
    if (
      flags &
      (NEG_RSP.RESTRICTED_ADMIN_MODE_SUPPORTED | NEG_RSP.REDIRECTED_AUTHENTICATION_MODE_SUPPORTED)
    ) {
      signals.push(
        signal(
          'windows',
          'strong',
          'RDP_NEG_RSP flags',
          `${hex(flags, 2)} (restricted admin / redirected authentication)`,
          SOURCE_NEG,
        ),
      );
    }
  }
  return signals;
}

function responseFlagsOf(probes: readonly NegotiationProbe[]): number | undefined {
  return probes.find((probe) => probe.outcome === 'selected' && probe.responseFlags !== undefined)
    ?.responseFlags;
}

/**
 * ARIA and Camellia suites exist in OpenSSL, never in Schannel (none in any Windows release's list,
 * /work/shared/reference/windows-tls-defaults.json): an OpenSSL server. Among those, xrdp 0.9.21
 * answers RDP_NEG_RSP flags 0x01 and FreeRDP 2.11 0x03.
 */
function tlsStackSignals(observations: ProbeObservations, flags: number | undefined): Signal[] {
  const ciphers = observations.tlsPosture?.observation?.ciphers ?? [];
  const openssl = ciphers.find((cipher) => /ARIA|CAMELLIA/i.test(cipher.name));
  if (!openssl || flags === undefined) return [];
  const windowsFlags =
    NEG_RSP.RESTRICTED_ADMIN_MODE_SUPPORTED | NEG_RSP.REDIRECTED_AUTHENTICATION_MODE_SUPPORTED;
  if (flags & windowsFlags) return [];
  const kind = flags & NEG_RSP.DYNVC_GFX_PROTOCOL_SUPPORTED ? 'freerdp' : 'xrdp';
  return [
    signal(
      kind,
      'strong',
      'TLS stack',
      `OpenSSL (accepts ${openssl.name}, which Schannel lacks) with RDP_NEG_RSP flags ${hex(flags, 2)}`,
      'tls',
    ),
  ];
}

/** A selection the request did not offer: no real server in the captures or the test bed does this. */
function offProtocolSelection(probes: readonly NegotiationProbe[]): NegotiationProbe | undefined {
  return probes.find(
    (probe) =>
      probe.outcome === 'selected' &&
      probe.selectedProtocol !== undefined &&
      probe.selectedProtocol !== 0 &&
      (probe.requestedProtocols & probe.selectedProtocol) === 0,
  );
}

function ntlmSignals(ntlm: NtlmChallengeFacts, flags: number | undefined): Signal[] {
  const version = ntlm.productVersion;
  if (!version) return [];
  const text = `${version.major}.${version.minor}.${version.build}`;
  if (text === '6.1.7601') {
    // winpr (FreeRDP) always claims Windows 7 SP1. A real 6.1 host (Server 2008 R2 in the capture)
    // answers RDP_NEG_RSP flags 0x01; FreeRDP 2.11 adds DYNVC_GFX_PROTOCOL_SUPPORTED.
    const gfx = flags !== undefined && (flags & NEG_RSP.DYNVC_GFX_PROTOCOL_SUPPORTED) !== 0;
    return [
      signal(
        'freerdp',
        gfx ? 'strong' : 'weak',
        'NTLM product version',
        gfx ? `${text} with RDP_NEG_RSP flag DYNVC_GFX (Windows 7 never sent it)` : text,
        'credssp',
      ),
    ];
  }
  return [signal('windows', 'weak', 'NTLM product version', text, 'credssp')];
}

function certificateSignals(leaf: CertificateFacts): Signal[] {
  if (!leaf.selfSigned) return [];
  const eku = leaf.extendedKeyUsage;
  const serverAuthOnly = leaf.extendedKeyUsagePresent && eku.length === 1 && eku[0] === SERVER_AUTH_EKU;
  const usage = [...leaf.keyUsage].sort().join(',');
  // Windows' own Remote Desktop certificate (Server 2008 R2 and a current Windows in the captures):
  // CN only, key usage keyEncipherment + dataEncipherment, EKU serverAuth alone.
  if (serverAuthOnly && usage === 'dataEncipherment,keyEncipherment') {
    return [
      signal(
        'windows',
        'strong',
        'self-signed certificate',
        "Windows' Remote Desktop defaults (keyEncipherment, dataEncipherment; EKU serverAuth only)",
        'certificate',
      ),
    ];
  }
  // FreeRDP's generated certificate: no key usage, EKU serverAuth, a short serial number.
  if (serverAuthOnly && !leaf.keyUsagePresent && leaf.serialNumber.length <= 8) {
    return [
      signal(
        'freerdp',
        'weak',
        'self-signed certificate',
        "FreeRDP's generated defaults (no key usage, EKU serverAuth, short serial)",
        'certificate',
      ),
    ];
  }
  // Debian's ssl-cert "snakeoil" certificate, which the xrdp package links to: no extensions at all.
  if (!leaf.keyUsagePresent && !leaf.extendedKeyUsagePresent) {
    return [
      signal(
        'xrdp',
        'weak',
        'self-signed certificate',
        'no extensions (Debian ssl-cert snakeoil, which the xrdp package uses)',
        'certificate',
      ),
    ];
  }
  return [];
}

function rdpSecuritySignals(observations: ProbeObservations): Signal[] {
  const rdp = observations.rdpSecurity?.observation;
  if (rdp?.outcome !== 'connect-response') return [];
  const signals: Signal[] = [];
  if (rdp.mcsMaxChannelIds === XRDP_MAX_CHANNEL_IDS) {
    signals.push(
      signal('xrdp', 'strong', 'MCS domain parameters maxChannelIds', rdp.mcsMaxChannelIds, 'rdp-security'),
    );
  }
  if (rdp.serverVersion !== undefined && rdp.serverVersion > RDP_5_PLUS) {
    signals.push(
      signal('windows', 'weak', 'server core data version', hex(rdp.serverVersion, 8), 'rdp-security'),
    );
  }
  return signals;
}

function collectSignals(observations: ProbeObservations): Signal[] {
  const probes = observations.negotiation?.observation?.probes ?? [];
  const flags = responseFlagsOf(probes);
  const ntlm = observations.credssp?.observation?.ntlm;
  const leaf = observations.certificate?.observation?.chain[0];
  return [
    ...negotiationSignals(probes),
    ...(ntlm ? ntlmSignals(ntlm, flags) : []),
    ...(leaf ? certificateSignals(leaf) : []),
    ...rdpSecuritySignals(observations),
    ...tlsStackSignals(observations, flags),
  ];
}

/**
 * The server's kind from observed facts only. 'certain' needs two strong signals of one kind and
 * nothing pointing elsewhere; 'likely' one strong or two weak signals with no strong one against.
 * Anything else, or a negotiation answer no known server gives, is 'unknown'.
 */
export function serverKind(observations: ProbeObservations): ServerKind {
  const signals = collectSignals(observations);
  const odd = offProtocolSelection(observations.negotiation?.observation?.probes ?? []);
  const oddEvidence: Evidence[] = odd
    ? [
        {
          label: `answer to the '${odd.label}' request`,
          value: `selected ${odd.selectedName ?? hex(odd.selectedProtocol ?? 0, 8)}, which the request did not offer (no known server does this)`,
          source: SOURCE_NEG,
        },
      ]
    : [];
  const kinds: KnownKind[] = ['xrdp', 'freerdp', 'windows'];
  const tally = kinds.map((kind) => ({
    kind,
    strong: signals.filter((entry) => entry.kind === kind && entry.strength === 'strong').length,
    weak: signals.filter((entry) => entry.kind === kind && entry.strength === 'weak').length,
  }));
  const all = signals.map((entry) => entry.evidence);
  const candidates = tally.filter((entry) => entry.strong > 0 || entry.weak >= 2);
  const best = candidates.sort((a, b) => b.strong - a.strong || b.weak - a.weak)[0];
  if (!best || odd) return { kind: 'unknown', confidence: 'likely', evidence: [...all, ...oddEvidence] };
  const strongAgainst = tally.some((entry) => entry.kind !== best.kind && entry.strong > 0);
  if (strongAgainst) return { kind: 'unknown', confidence: 'likely', evidence: all };
  const anyAgainst = tally.some((entry) => entry.kind !== best.kind && entry.weak > 0);
  const own = signals.filter((entry) => entry.kind === best.kind).map((entry) => entry.evidence);
  return {
    kind: best.kind,
    confidence: best.strong >= 2 && !anyAgainst ? 'certain' : 'likely',
    evidence: own,
  };
}

/**
 * Evidence that the server, as configured, cannot do CredSSP (so NLA cannot simply be required):
 * a CredSSP-only request was answered with something else, or CredSSP was selected and then no
 * NTLM CHALLENGE came back (the server closed, reset or answered something that is not CredSSP).
 */
export function credsspUnavailable(observations: ProbeObservations): Evidence[] {
  const probes = observations.negotiation?.observation?.probes ?? [];
  const asked = probes.filter((probe) => probe.label === 'hybrid' || probe.label === 'hybrid-ex');
  const credsspSelected = (probe: NegotiationProbe) =>
    probe.outcome === 'selected' &&
    (probe.selectedProtocol === PROTOCOL_HYBRID || probe.selectedProtocol === PROTOCOL_HYBRID_EX);
  const declined = asked.filter(
    (probe) => (probe.outcome === 'selected' && !credsspSelected(probe)) || probe.outcome === 'failure',
  );
  if (declined.length > 0 && !probes.some(credsspSelected)) {
    return declined.map((probe) => ({
      label: `answer to the CredSSP-only '${probe.label}' request`,
      value:
        probe.outcome === 'failure'
          ? `RDP_NEG_FAILURE ${probe.failureName ?? hex(probe.failureCode ?? 0, 8)}`
          : `selected ${probe.selectedName ?? hex(probe.selectedProtocol ?? 0, 8)}`,
      source: SOURCE_NEG,
    }));
  }
  const credssp = observations.credssp;
  const outcome = credssp?.observation?.outcome;
  if (
    asked.some(credsspSelected) &&
    credssp?.reason !== 'internal-bug' &&
    (outcome === 'closed' || outcome === 'reset' || outcome === 'malformed')
  ) {
    return [
      {
        label: 'CredSSP after the server selected it',
        value: `no NTLM CHALLENGE: the exchange ended ${outcome}`,
        source: 'credssp',
      },
    ];
  }
  return [];
}
