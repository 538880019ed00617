import { findWindowsBuild, type WindowsBuild } from '../../data/windows-builds.js';
import type { ProbeObservations } from '../../probe/types.js';
import type { Evidence } from '../types.js';
import { serverKind } from '../common/server-kind.js';
import {
  acceptedVersions,
  defineRule,
  evidence,
  found,
  notEvaluated,
  observationOf,
  PASS,
  withStage,
} from './helpers.js';

export const rule = defineRule(
  {
    id: 'os-end-of-life',
    title: 'The server claims a Windows release past its end of support',
    severity: 'warning',
    requires: ['credssp'],
    docs: {
      explanation:
        'The Windows version the server claims in its NTLM challenge maps to a release whose support has ended for every edition sharing that build: it no longer gets security updates, so RDP vulnerabilities found since stay open, and newer clients gradually stop interoperating with it (TLS versions, CredSSP). Client and server releases share build numbers, so the date used is the latest of the editions on that build (for example Windows Server 2016 for build 14393). The version field is only what the server writes there: when what the probe saw contradicts it (a TLS version that release cannot speak, such as TLS 1.3 from a claimed Windows 7 / Server 2008 R2, or the answers of xrdp or FreeRDP), the finding says so and is only informational.',
      falseAlarm:
        'Machines enrolled in paid Extended Security Updates (or Azure-hosted ones that get them free) still receive security fixes for a while after the date shown. The NTLM version field is informational: FreeRDP-based servers always write 6.1.7601 there, and a proxy may answer for the server. The TLS cross-check does not catch such a server when it offers no TLS version newer than the claimed release can (for example a FreeRDP server limited to TLS 1.2); Windows 10 had an experimental, unsupported TLS 1.3 switch that would also trip it.',
    },
    clientErrors: [],
    fixes: [
      {
        title: 'Upgrade or replace the server; meanwhile restrict who can reach RDP',
        risk: 'low',
        where: 'server',
        steps: [
          'Plan an in-place upgrade or migration to a supported release.',
          'Until then, expose RDP only through a VPN or RD Gateway, and enrol in Extended Security Updates where offered.',
        ],
        script: {
          language: 'powershell',
          code: 'Get-CimInstance -ClassName Win32_OperatingSystem | Select-Object Caption, Version, BuildNumber',
        },
      },
    ],
  },
  (observations) =>
    withStage(observations.credssp, 'credssp', 'ran', (credssp) => {
      const version = credssp.ntlm?.productVersion;
      if (!version)
        return notEvaluated('the server did not report its Windows version (no NTLM VERSION field)');
      const build = findWindowsBuild(version);
      const reported = `${version.major}.${version.minor}.${version.build}`;
      if (!build) return notEvaluated(`Windows build ${reported} is not in rdp-doctor's release table`);
      if (!build.endOfSupport) return notEvaluated(`no end-of-support date is known for ${build.release}`);
      const ended = Date.parse(`${build.endOfSupport}T23:59:59Z`) < Date.parse(observations.startedAt);
      if (!ended) return PASS;
      const claimed = [
        evidence('Windows version (NTLM, as the server claims it)', reported, 'credssp'),
        evidence('release', build.release, 'data/windows-builds'),
        evidence(
          'support ended',
          `${build.endOfSupport} (${build.longestSupportedEdition ?? 'all editions'})`,
          'data/windows-builds',
        ),
      ];
      const data = { build: version.build, release: build.release, endOfSupport: build.endOfSupport };
      const contradiction = contradictionOf(observations, build);
      if (contradiction) {
        return found([
          {
            severity: 'info',
            title: `The server claims ${build.release} (NTLM version field), but ${contradiction.because}: ${contradiction.likely}`,
            evidence: [...claimed, ...contradiction.evidence],
            data: { ...data, claimContradicted: true },
          },
        ]);
      }
      return found([
        {
          evidence: claimed,
          title: `The server claims to run ${build.release}, out of support since ${build.endOfSupport}`,
          data,
        },
      ]);
    }),
);

interface Contradiction {
  readonly because: string;
  readonly likely: string;
  readonly evidence: Evidence[];
}

const TLS_ORDER: readonly string[] = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const TLS_TEXT: Readonly<Record<string, string>> = { 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };

/** The newest TLS version the server was seen to complete: enumeration and main handshake. */
function newestObservedTls(observations: ProbeObservations): string | undefined {
  const tls = observationOf(observations.tls, 'tls', 'ok');
  const seen = [...(acceptedVersions(observations) ?? []), ...(tls?.version ? [tls.version] : [])];
  return seen.sort((a, b) => TLS_ORDER.indexOf(b) - TLS_ORDER.indexOf(a))[0];
}

/**
 * What the probe saw that the claimed build cannot produce. The NTLM version field is whatever the
 * server writes there (FreeRDP always writes 6.1.7601), so an observation outranks it.
 */
function contradictionOf(observations: ProbeObservations, build: WindowsBuild): Contradiction | undefined {
  const evidenceAgainst: Evidence[] = [];
  const because: string[] = [];
  const newest = newestObservedTls(observations);
  if (newest && TLS_ORDER.indexOf(newest) > TLS_ORDER.indexOf(build.newestTls)) {
    because.push(`it speaks ${TLS_TEXT[newest] ?? newest}, which ${build.release} does not have`);
    evidenceAgainst.push(
      evidence('newest TLS version the server speaks', newest, 'tls'),
      evidence(`newest TLS version of ${build.release}`, build.newestTls, 'data/windows-builds'),
    );
  }
  const kind = serverKind(observations);
  if (kind.kind === 'xrdp' || kind.kind === 'freerdp') {
    because.push(
      `its answers are ${kind.confidence === 'certain' ? '' : 'likely '}those of ${SERVER_NAME[kind.kind]}`,
    );
    evidenceAgainst.push(...kind.evidence);
  }
  if (because.length === 0) return undefined;
  const likely =
    kind.kind === 'xrdp' || kind.kind === 'freerdp'
      ? `likely ${SERVER_NAME[kind.kind]}, not Windows`
      : 'likely not Windows (e.g. FreeRDP or xrdp)';
  return { because: because.join(' and '), likely, evidence: evidenceAgainst };
}

const SERVER_NAME = { xrdp: 'xrdp', freerdp: 'FreeRDP' } as const;
