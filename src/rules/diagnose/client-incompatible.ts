import { CLIENT_PROFILES, type ClientProfile, findClientProfile } from '../../data/clients/index.js';
import { cipherSuiteName } from '../../data/tls-cipher-suites.js';
import { namedGroupName } from '../../data/tls-groups.js';
import type { ClientHelloAnswer, ProbeObservations, TlsPostureObservation } from '../../probe/types.js';
import type { ClientError, Fix } from '../types.js';
import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED_DENIED } from '../common/client-errors.js';
import {
  azureVariant,
  psSchannelProtocol,
  type SchannelProtocol,
  serverKindEvidence,
} from '../common/fixes.js';
import { serverKind } from '../common/server-kind.js';
import { XRDP_MODERN_TLS, XRDP_STRONG_CIPHER_SUITES } from '../common/xrdp-fixes.js';
import {
  defineRule,
  evidence,
  found,
  hex,
  LEGACY_TLS_VERSIONS,
  notEvaluated,
  observationOf,
  PASS,
} from './helpers.js';

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
  /**
   * `reason` without the profile's own name ("...; they offer TLS 1.2"), so profiles refused alike
   * share one sentence in the findings and one row in the text.
   */
  readonly sharedReason?: string;
  /**
   * Set when the verdict rests on a profile fact the data marks as disputed or assumed: say
   * "likely", not "will". The value says why.
   */
  readonly hedge?: string;
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

/** The profile's display name: 'Windows 11 24H2', 'Windows Server 2012 R2', 'FreeRDP 3.27+'. */
export function profileName(profile: ClientProfile): string {
  return profile.displayName;
}

/** Why a verdict that rests on this profile's TLS versions is only "likely", or undefined when it is sourced. */
function versionsHedge(profile: ClientProfile): string | undefined {
  if (profile.tls.versionsDisputed) return `sources disagree on ${profile.tls.versionsDisputed}`;
  if (profile.confidence === 'low') return 'the vendor documents no TLS defaults; they are assumed';
  return undefined;
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
): { readonly reason: string; readonly hedge?: string } {
  const serverVersions = acceptedVersionsOf(posture);
  const common = serverVersions.filter((version) => profile.tls.versions.includes(version as never));
  if (serverVersions.length > 0 && common.length === 0) {
    const hedge = versionsHedge(profile);
    const disputed = profile.tls.versionsDisputed
      ? ` (likely; sources disagree on ${profile.tls.versionsDisputed})`
      : '';
    const reason = `the server only speaks ${versionText(serverVersions)}; ${profileName(profile)} offers ${versionText(profile.tls.versions)}${disputed}`;
    return hedge ? { reason, hedge } : { reason };
  }
  const offered = new Set([...profile.tls.cipherSuites, ...profile.tls.tls13CipherSuites]);
  const commonSuites = posture.ciphers.filter(
    (cipher) => common.includes(cipher.version) && offered.has(cipher.code),
  );
  if (serverVersions.length > 0 && commonSuites.length === 0) {
    // Said from the server's side, so every client refused alike reads (and groups) the same.
    const serverSuites = [
      ...new Set(
        posture.ciphers.filter((cipher) => common.includes(cipher.version)).map((cipher) => cipher.name),
      ),
    ];
    return {
      reason:
        serverSuites.length > 0 && serverSuites.length <= 3
          ? `the server accepts only ${serverSuites.join(', ')} in ${versionText(common)}, which ${profileName(profile)} does not offer`
          : `no cipher suite in common in ${versionText(common)}: ${profileName(profile)} offers none of the ${serverSuites.length} the server accepts`,
    };
  }
  // The decoder's own words stay in the hello's detail (--verbose, JSON), not in the reason.
  if (answer.outcome === 'malformed') return { reason: "the server's answer to its hello is not TLS" };
  return { reason: `the server answered its hello with ${answer.detail}` };
}

/** Every simulated profile's verdict; undefined when the posture stage cannot be judged. */
export function clientVerdicts(observations: ProbeObservations): ClientVerdict[] | undefined {
  const posture = observationOf(observations.tlsPosture, 'TLS enumeration', 'ok');
  if (!posture?.clients) return undefined;
  return posture.clients
    .flatMap((answer): ClientVerdict[] => {
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
        const dependent = profile.tls.buildDependent;
        if (versionOk && suiteOk && groupOk && dependent?.versions.includes(answer.version as never)) {
          // One release, two outcomes: the verdict is "it depends on the build", never a flat ok.
          return [
            {
              ...base,
              compatible: undefined,
              ...chosen,
              reason: `the server chose ${versionText([chosen.version])}: fails on ${dependent.failsOn} with ${dependent.failingError}, connects on ${dependent.connectsOn}`,
              predictedError: dependent.failingError,
            },
          ];
        }
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
          ...refusalReason(profile, answer, posture),
          predictedError: predictedError(profile),
        },
      ];
    })
    .map(withSharedReason);
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

const OLDEST_FIRST = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

function newest(versions: readonly string[]): number {
  return Math.max(-1, ...versions.map((version) => OLDEST_FIRST.indexOf(version)));
}

/**
 * The client is older than the server: it offers only versions below every one the server speaks.
 * The safe fix is on the client (turn on the newer version it implements), never a weaker server.
 */
function clientUpdateFix(profile: ClientProfile, serverVersions: readonly string[]): Fix | undefined {
  const oldest = Math.min(...serverVersions.map((version) => OLDEST_FIRST.indexOf(version)));
  if (newest(profile.tls.versions) >= oldest) return undefined;
  const wanted = profile.tls.supportedButDisabled
    .filter((version) => serverVersions.includes(version))
    .map((version) => SCHANNEL_NAME[version])
    .filter((name): name is SchannelProtocol => name !== undefined);
  const name = profileName(profile);
  if (profile.platform !== 'windows' && profile.platform !== 'windows-server') {
    return {
      title: `Update ${name} to a release that speaks ${versionText(serverVersions)}`,
      risk: 'low',
      where: 'client',
      steps: [`The server is right to refuse the older protocol; the client is the one to bring up to date.`],
    };
  }
  const version = wanted[0] ?? 'TLS 1.2';
  return {
    title: `Turn on ${version} for ${name} (client side)`,
    risk: 'low',
    where: 'client',
    steps: [
      ...(profile.id.startsWith('windows-7')
        ? [
            'Windows 7 SP1 needs KB3080079 (TLS 1.1/1.2 for Remote Desktop) and the Remote Desktop Connection 8.0 or later client (KB2592687/KB2923545) first; without them the setting has no effect on RDP.',
          ]
        : []),
      `Sets SCHANNEL\\Protocols\\${version}\\Client Enabled=1, DisabledByDefault=0 on that client, then restart it. This turns a newer protocol on; it weakens nothing.`,
    ],
    script: { language: 'powershell', code: psSchannelProtocol(version, 'Client', true) },
  };
}

/** A weakening last resort: the client re-enables a deprecated version the server still needs. */
function clientLastResort(profile: ClientProfile, serverVersions: readonly string[]): Fix | undefined {
  // Only when the server is older than the client; an old client against a new server is clientUpdateFix's.
  if (newest(serverVersions) >= newest(profile.tls.versions)) return undefined;
  const legacy = serverVersions.filter(
    (version) => !profile.tls.versions.includes(version as never) && LEGACY_TLS_VERSIONS.has(version),
  );
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

/** The error one client profile shows, as a ClientError of that client (not mstsc's for every profile). */
export function profileClientError(profile: ClientProfile): ClientError {
  const display = profile.errors.tlsFailure;
  const client: ClientError['client'] =
    profile.platform === 'windows' || profile.platform === 'windows-server'
      ? 'mstsc'
      : profile.product.toLowerCase().includes('freerdp')
        ? 'freerdp'
        : profile.product.toLowerCase().includes('windows app')
          ? 'windows-app'
          : 'any';
  const code = display.name ?? (display.code !== undefined ? hex(display.code) : display.text);
  return {
    client,
    code,
    ...(display.extended !== undefined ? { extended: hex(display.extended) } : {}),
    message: display.text,
  };
}

/** Names grouped by product: "Windows 11 21H2, 22H2 and 24H2", "Windows Server 2022 and 2025". */
export function groupedProfileNames(profiles: readonly ClientProfile[]): string {
  const byProduct = new Map<string, string[]>();
  for (const profile of profiles) {
    const name = profileName(profile);
    const short = name.startsWith(profile.product) ? name.slice(profile.product.length).trim() : name;
    const list = byProduct.get(profile.product) ?? [];
    if (short && !list.includes(short)) list.push(short);
    byProduct.set(profile.product, list);
  }
  return joinWords([...byProduct].map(([product, releases]) => `${product} ${joinWords(releases)}`.trim()));
}

export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** Why a profile fails, as a key shared by profiles that fail for the same reason. */
function failureKey(verdict: ClientVerdict, profile: ClientProfile): string {
  return [
    verdict.predictedError ?? '',
    verdict.sharedReason ?? '',
    profile.confidence === 'low' ? 'likely' : '',
  ].join('|');
}

/** The reason without the profile's own name, so profiles failing alike can share one sentence. */
function withSharedReason(verdict: ClientVerdict): ClientVerdict {
  if (!verdict.reason) return verdict;
  const sharedReason = verdict.reason
    .split(`${verdict.name} offers`)
    .join('they offer')
    .split(`${verdict.name} does not offer`)
    .join('they do not offer')
    .split(verdict.name)
    .join('them');
  return { ...verdict, sharedReason };
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
        "rdp-doctor worked out the server's answer to each client profile's own ClientHello (its default TLS versions, cipher suites in order, groups and signature algorithms), from the server's choice rule the TLS enumeration established, or sent that hello where the rule did not settle it, and the server refuses it, or chooses a version or suite that client does not offer. That client fails before any login prompt. An error when a current Windows release fails, a warning for older or non-Windows clients.",
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
    // On xrdp the server-side fixes are xrdp.ini lines, not Schannel settings.
    const server = serverKind(observations);
    const xrdp = server.kind === 'xrdp';
    // One finding per way of failing: sixteen profiles refused for the same reason are one fact.
    const groups = new Map<string, ClientVerdict[]>();
    for (const verdict of failing) {
      const key = failureKey(verdict, findClientProfile(verdict.profile)!);
      groups.set(key, [...(groups.get(key) ?? []), verdict]);
    }
    // "Every Windows client" only when every Windows profile of the catalogue was simulated and failed.
    const windowsProfiles = CLIENT_PROFILES.filter(isWindows);
    return found(
      [...groups.values()].map((members) => {
        const profiles = members.map((verdict) => findClientProfile(verdict.profile)!);
        const first = members[0]!;
        const error = first.predictedError;
        const allWindows =
          windowsProfiles.length > 1 &&
          windowsProfiles.every((profile) => members.some((member) => member.profile === profile.id)) &&
          profiles.every(isWindows);
        const who = allWindows
          ? 'Every Windows client fails'
          : `${groupedProfileNames(profiles)} clients fail`;
        const reason = members.length > 1 ? first.sharedReason : first.reason;
        const serverNewer = profiles.map((profile) => clientUpdateFix(profile, serverVersions));
        const lastResorts = profiles.map((profile) => clientLastResort(profile, serverVersions));
        const noCommonVersion = first.reason?.startsWith('the server only speaks');
        const clientIsOlder = serverNewer.some((fix) => fix !== undefined);
        const soft = profiles.some((profile) => profile.confidence === 'low');
        return {
          severity: profiles.some((profile) => profile.current && profile.platform === 'windows')
            ? 'error'
            : 'warning',
          title: `${who}${soft ? ' (likely)' : ''}${error ? ` with ${error.replace(' / extended ', '/')}` : ''}: ${reason}`,
          evidence: [
            evidence('client profiles', members.map((verdict) => verdict.profile).join(', '), 'tls'),
            {
              ...evidence(
                'answer to their hellos',
                [...new Set(members.map((verdict) => helloDetail(posture, verdict.profile)))].join('; '),
                'tls',
              ),
              // A decoder's message about a non-TLS answer is for --verbose; the title says it in words.
              ...(members.some((verdict) => helloOutcome(posture, verdict.profile) === 'malformed')
                ? { verboseOnly: true }
                : {}),
            },
            evidence('versions the server accepts', serverVersions.join(', ') || 'none', 'tls'),
            ...(xrdp ? serverKindEvidence(server) : []),
            evidence(
              'versions the clients offer',
              [...new Set(profiles.map((profile) => profile.tls.versions.join(', ')))].join(' / '),
              'tls',
            ),
          ],
          clientErrors: uniqueErrors(profiles.map(profileClientError)),
          fixes: [
            ...(noCommonVersion || clientIsOlder
              ? []
              : [xrdp ? XRDP_STRONG_CIPHER_SUITES : cipherOrderFix(profiles[0]!)]),
            ...(xrdp && noCommonVersion && !clientIsOlder ? [XRDP_MODERN_TLS] : []),
            ...uniqueFixes([...serverNewer, ...lastResorts]),
          ],
          // An old client against a server that already speaks the newer version: the server fix
          // does nothing. On xrdp the Schannel fixes do not apply.
          ...(clientIsOlder || xrdp ? { replaceFixes: true } : {}),
          data: {
            profiles: members.map((verdict) => verdict.profile),
            ...(members.length === 1 ? { profile: first.profile } : {}),
            predictedError: error,
            reason,
          },
        };
      }),
    );
  },
);

function isWindows(profile: ClientProfile): boolean {
  return profile.platform === 'windows' || profile.platform === 'windows-server';
}

function helloDetail(posture: TlsPostureObservation, profile: string): string {
  return posture.clients?.find((client) => client.profile === profile)?.detail ?? 'none recorded';
}

function helloOutcome(posture: TlsPostureObservation, profile: string): string | undefined {
  return posture.clients?.find((client) => client.profile === profile)?.outcome;
}

function uniqueErrors(errors: readonly ClientError[]): ClientError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.client}|${error.code}|${error.extended ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function uniqueFixes(fixes: readonly (Fix | undefined)[]): Fix[] {
  const seen = new Set<string>();
  return fixes.filter((fix): fix is Fix => {
    if (!fix || seen.has(fix.title)) return false;
    seen.add(fix.title);
    return true;
  });
}
