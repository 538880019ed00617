import { type ClientProfile, findClientProfile } from '../../data/clients/index.js';
import { cipherSuiteName } from '../../data/tls-cipher-suites.js';
import { namedGroupName } from '../../data/tls-groups.js';
import type { ClientHelloAnswer, ProbeObservations, TlsPostureObservation } from '../../probe/types.js';
import type { ClientError, Fix } from '../types.js';
import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED_DENIED } from '../common/client-errors.js';
import { azureVariant, psSchannelProtocol, type SchannelProtocol } from '../common/fixes.js';
import { defineRule, evidence, found, hex, notEvaluated, observationOf, PASS } from './helpers.js';

/** One client profile's verdict against the server, from the answer to that client's own hello. */
export interface ClientVerdict {
  readonly profile: string;
  readonly name: string;
  readonly current: boolean;
  /** undefined: the hello got no TLS answer (timeout, refused negotiation), so nothing can be said. */
  readonly compatible: boolean | undefined;
  readonly version?: string;
  readonly cipher?: string;
  readonly reason?: string;
  /** What the client would show, e.g. '0x904 / extended 0x7' or 'ERRCONNECT_TLS_CONNECT_FAILED'. */
  readonly predictedError?: string;
}

const NO_TLS_ANSWER = new Set<ClientHelloAnswer['outcome']>([
  'timeout',
  'connect-failed',
  'negotiation-refused',
  'not-sent',
]);

const SCHANNEL_NAME: Readonly<Record<string, SchannelProtocol>> = {
  SSLv3: 'SSL 3.0',
  TLSv1: 'TLS 1.0',
  'TLSv1.1': 'TLS 1.1',
  'TLSv1.2': 'TLS 1.2',
  'TLSv1.3': 'TLS 1.3',
};

function versionText(versions: readonly string[]): string {
  return versions.map((version) => SCHANNEL_NAME[version] ?? version).join(', ');
}

/** Product and the release's first word: 'Windows 11 24H2', 'FreeRDP 3.27', 'Windows App macOS'. */
export function profileName(profile: ClientProfile): string {
  return `${profile.product} ${profile.release.split(' ')[0]}`;
}

/** The error the client shows for a failed TLS handshake, as its user would read it. */
export function predictedError(profile: ClientProfile): string {
  const display = profile.errors.tlsFailure;
  const code = display.name ?? (display.code !== undefined ? hex(display.code) : display.text);
  return display.extended !== undefined ? `${code} / extended ${hex(display.extended)}` : code;
}

function acceptedVersionsOf(posture: TlsPostureObservation): string[] {
  return posture.versions.filter((entry) => entry.accepted).map((entry) => entry.version);
}

/** Why the server refused this client, in the words of the enumeration when it shows the cause. */
function refusalReason(
  profile: ClientProfile,
  answer: ClientHelloAnswer,
  posture: TlsPostureObservation,
): string {
  const serverVersions = acceptedVersionsOf(posture);
  const common = serverVersions.filter((version) => profile.tls.versions.includes(version as never));
  if (serverVersions.length > 0 && common.length === 0) {
    return `the server only speaks ${versionText(serverVersions)}; ${profileName(profile)} offers ${versionText(profile.tls.versions)}`;
  }
  const offered = new Set([...profile.tls.cipherSuites, ...profile.tls.tls13CipherSuites]);
  const commonSuites = posture.ciphers.filter(
    (cipher) => common.includes(cipher.version) && offered.has(cipher.code),
  );
  if (serverVersions.length > 0 && commonSuites.length === 0) {
    return `no cipher suite in common in ${versionText(common)}: the server accepts none of the ${offered.size} suites ${profileName(profile)} offers`;
  }
  return `the server answered its hello with ${answer.detail}`;
}

/** Every simulated profile's verdict; undefined when the posture stage cannot be judged. */
export function clientVerdicts(observations: ProbeObservations): ClientVerdict[] | undefined {
  const posture = observationOf(observations.tlsPosture, 'TLS enumeration', 'ok');
  if (!posture?.clients) return undefined;
  return posture.clients.flatMap((answer): ClientVerdict[] => {
    const profile = findClientProfile(answer.profile);
    if (!profile) return [];
    const base = { profile: profile.id, name: profileName(profile), current: profile.current };
    if (NO_TLS_ANSWER.has(answer.outcome)) {
      return [{ ...base, compatible: undefined, reason: `no TLS answer to its hello (${answer.detail})` }];
    }
    if (answer.outcome === 'server-hello') {
      const suites = [...profile.tls.cipherSuites, ...profile.tls.tls13CipherSuites];
      const versionOk = profile.tls.versions.includes(answer.version as never);
      const suiteOk = answer.cipherCode !== undefined && suites.includes(answer.cipherCode);
      const groupOk =
        !answer.helloRetryRequest || answer.group === undefined || groupOffered(profile, answer);
      const chosen = { version: answer.version ?? 'unknown', cipher: answer.cipher ?? 'unknown' };
      if (versionOk && suiteOk && groupOk) return [{ ...base, compatible: true, ...chosen }];
      const what = !versionOk
        ? `${answer.version}, which ${base.name} does not offer`
        : !suiteOk
          ? `${answer.cipher}, which ${base.name} does not offer`
          : `group ${answer.group}, which ${base.name} does not offer`;
      return [
        {
          ...base,
          compatible: false,
          ...chosen,
          reason: `the server chose ${what}`,
          predictedError: predictedError(profile),
        },
      ];
    }
    return [
      {
        ...base,
        compatible: false,
        reason: refusalReason(profile, answer, posture),
        predictedError: predictedError(profile),
      },
    ];
  });
}

function groupOffered(profile: ClientProfile, answer: ClientHelloAnswer): boolean {
  return profile.tls.groups.some((code) => namedGroupName(code) === answer.group);
}

// --- fixes -----------------------------------------------------------------------------------

const enableTls12OnServer: Fix = {
  title: 'Enable TLS 1.2 for the server in SCHANNEL',
  risk: 'low',
  where: 'server',
  steps: [
    'Sets HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server Enabled=1 (DWORD) and DisabledByDefault=0 (DWORD).',
    'Windows Server 2008 R2 SP1 (and Windows 7 SP1) first needs KB3080079, which adds TLS 1.1/1.2 to Remote Desktop, and current updates; Server 2012 needs its current updates. Without them the values have no effect on RDP.',
    'Reboot the server: SCHANNEL reads these values at start.',
  ],
  script: { language: 'powershell', code: psSchannelProtocol('TLS 1.2', 'Server', true) },
};

function cipherOrderFix(profile: ClientProfile): Fix {
  const suites = profile.tls.cipherSuites.slice(0, 4).map(cipherSuiteName);
  return {
    title: `Enable cipher suites ${profileName(profile)} offers, in the cipher-suite order policy`,
    risk: 'low',
    where: 'server',
    steps: [
      'When the Group Policy "SSL Cipher Suite Order" (Computer Configuration > Administrative Templates > Network > SSL Configuration Settings) is set, it alone decides: add the suites there. It is stored in HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002, value Functions (a comma-separated list).',
      'Otherwise enable them locally (below); the key type of the certificate must fit (RSA suites for an RSA certificate).',
      'Reboot the server.',
    ],
    script: {
      language: 'powershell',
      code: [
        `foreach ($suite in @(${suites.map((suite) => `'${suite}'`).join(', ')})) {`,
        '  if (-not (Get-TlsCipherSuite -Name $suite | Where-Object Name -eq $suite)) { Enable-TlsCipherSuite -Name $suite -Position 0 }',
        '}',
      ].join('\n'),
    },
  };
}

function clientLastResort(profile: ClientProfile, serverVersions: readonly string[]): Fix | undefined {
  const legacy = serverVersions.filter((version) => !profile.tls.versions.includes(version as never));
  const version = legacy.map((name) => SCHANNEL_NAME[name]).find((name) => name !== undefined);
  if (!version) return undefined;
  const cost = `${version} is deprecated (downgrade attacks, no modern cipher suites); every program on that client using it may negotiate it again.`;
  if (profile.platform === 'windows' || profile.platform === 'windows-server') {
    return {
      title: `Last resort: turn ${version} back on for ${profileName(profile)} (client side)`,
      risk: 'high',
      where: 'client',
      steps: [
        `Sets SCHANNEL\\Protocols\\${version}\\Client Enabled=1, DisabledByDefault=0 on that one client until the server is fixed; undo with Enabled=0, DisabledByDefault=1.`,
      ],
      script: { language: 'powershell', code: psSchannelProtocol(version, 'Client', true) },
      weakensSecurity: cost,
    };
  }
  if (profile.product.toLowerCase().includes('freerdp')) {
    return {
      title: `Last resort: let ${profileName(profile)} use ${version} (client side)`,
      risk: 'high',
      where: 'client',
      steps: [
        'Run xfreerdp with /tls:seclevel:0 (FreeRDP 3; FreeRDP 2: /tls-seclevel:0) so OpenSSL accepts TLS 1.0/1.1, only for this server.',
      ],
      weakensSecurity: cost,
    };
  }
  return undefined;
}

const CLIENT_ERRORS: readonly ClientError[] = [MSTSC_SOCKET_CLOSED_DENIED, FREERDP_TLS_FAILED];

export const rule = defineRule(
  {
    id: 'client-incompatible',
    title: 'Some clients cannot complete the TLS handshake with this server',
    severity: 'warning',
    requires: ['tls'],
    docs: {
      explanation:
        "rdp-doctor sent each client profile's own ClientHello (its default TLS versions, cipher suites in order, groups and signature algorithms) and the server refused it, or chose a version or suite that client does not offer. That client fails before any login prompt. An error when a current Windows release fails, a warning for older or non-Windows clients.",
      falseAlarm:
        'Profiles describe default configurations: a client whose SCHANNEL settings or FreeRDP options were changed may behave differently. A TLS-terminating gateway in front of the server answers for it.',
    },
    clientErrors: CLIENT_ERRORS,
    fixes: [enableTls12OnServer, azureVariant(enableTls12OnServer)],
  },
  (observations) => {
    const verdicts = clientVerdicts(observations);
    if (!verdicts) return notEvaluated('the TLS enumeration did not run or simulated no client');
    const posture = observations.tlsPosture!.observation!;
    const serverVersions = acceptedVersionsOf(posture);
    // A server that completes no hello at all fails every client: a server-wide finding, not a per-client one.
    if (serverVersions.length === 0)
      return notEvaluated('the server accepted no TLS version at all (a server-wide failure)');
    const failing = verdicts.filter((verdict) => verdict.compatible === false);
    if (failing.length === 0) return PASS;
    return found(
      failing.map((verdict) => {
        const profile = findClientProfile(verdict.profile)!;
        const error = verdict.predictedError;
        const noCommonVersion = verdict.reason?.startsWith('the server only speaks');
        const lastResort = clientLastResort(profile, serverVersions);
        return {
          severity: profile.current && profile.platform === 'windows' ? 'error' : 'warning',
          title: `${verdict.name} clients fail${error ? ` with ${error.replace(' / extended ', '/')}` : ''}: ${verdict.reason}`,
          evidence: [
            evidence('client profile', verdict.profile, 'tls'),
            evidence(
              'answer to its hello',
              posture.clients!.find((c) => c.profile === verdict.profile)!.detail,
              'tls',
            ),
            evidence('versions the server accepts', serverVersions.join(', ') || 'none', 'tls'),
            evidence('versions the client offers', profile.tls.versions.join(', '), 'tls'),
          ],
          fixes: [...(noCommonVersion ? [] : [cipherOrderFix(profile)]), ...(lastResort ? [lastResort] : [])],
          data: { ...verdict },
        };
      }),
    );
  },
);
