import { findWindowsBuild } from '../../data/windows-builds.js';
import { defineRule, evidence, found, notEvaluated, PASS, withStage } from './helpers.js';

export const rule = defineRule(
  {
    id: 'os-end-of-life',
    title: 'The server runs a Windows release past its end of support',
    severity: 'warning',
    requires: ['credssp'],
    docs: {
      explanation:
        "The Windows version in the server's NTLM challenge maps to a release whose support has ended for every edition sharing that build: it no longer gets security updates, so RDP vulnerabilities found since stay open, and newer clients gradually stop interoperating with it (TLS versions, CredSSP). Client and server releases share build numbers, so the date used is the latest of the editions on that build (for example Windows Server 2016 for build 14393).",
      falseAlarm:
        'Machines enrolled in paid Extended Security Updates (or Azure-hosted ones that get them free) still receive security fixes for a while after the date shown. The NTLM version field is informational and could be altered by a proxy.',
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
      return found([
        {
          evidence: [
            evidence('Windows version (NTLM)', reported, 'credssp'),
            evidence('release', build.release, 'data/windows-builds'),
            evidence(
              'support ended',
              `${build.endOfSupport} (${build.longestSupportedEdition ?? 'all editions'})`,
              'data/windows-builds',
            ),
          ],
          title: `The server runs ${build.release}, out of support since ${build.endOfSupport}`,
          data: { build: version.build, release: build.release, endOfSupport: build.endOfSupport },
        },
      ]);
    }),
);
