import type { Fix } from '../types.js';
import { FREERDP_AUTH_FAILED, MSTSC_CREDSSP_ORACLE } from '../common/client-errors.js';
import { CREDSSP_KEY, psSetDwords } from '../common/fixes.js';
import { defineRule, evidence, found, notEvaluated, PASS, withStage } from './helpers.js';

/** MS-CSSP 5.1: version 5 is the CVE-2018-0886 revision (clientNonce, hashed pubKeyAuth). */
export const FIRST_PATCHED_CREDSSP_VERSION = 5;

const allowVulnerable: Fix = {
  title: 'Let one client talk to the unpatched server (AllowEncryptionOracle = 2)',
  risk: 'high',
  where: 'client',
  steps: [
    'Only as a stopgap until the server is updated; set the value back to 1 (Mitigated) afterwards or delete it.',
    'Equivalent Group Policy: Computer Configuration > Administrative Templates > System > Credentials Delegation > Encryption Oracle Remediation = Vulnerable.',
  ],
  script: {
    language: 'powershell',
    code: psSetDwords(CREDSSP_KEY, [{ name: 'AllowEncryptionOracle', value: 2 }]),
  },
  weakensSecurity:
    'The client falls back to the CredSSP version vulnerable to CVE-2018-0886: a man in the middle can relay its authentication and run code on the server.',
};

export const rule = defineRule(
  {
    id: 'credssp-outdated',
    title: 'The server speaks a CredSSP version without the CVE-2018-0886 fix',
    severity: 'error',
    requires: ['credssp'],
    docs: {
      explanation:
        "The server answered with a CredSSP (TSRequest) version below 5, the revision that fixed CVE-2018-0886: it has not received the May 2018 CredSSP update (or any cumulative update since). Since that update clients default to 'Mitigated', which refuses to fall back to insecure CredSSP with an unpatched server; so do clients set to 'Force Updated Clients'. Only clients set to 'Vulnerable' still connect. Users see \"An authentication error has occurred ... This could be due to CredSSP encryption oracle remediation\".",
      falseAlarm:
        'If rdp-doctor offered a version below 5 itself the answer says nothing (then the rule is not evaluated). Non-Windows CredSSP servers may answer an older version but still be safe; check their vendor notes.',
    },
    clientErrors: [MSTSC_CREDSSP_ORACLE, FREERDP_AUTH_FAILED],
    fixes: [
      {
        title: 'Install the CredSSP update (any cumulative update since May 2018) on the server',
        risk: 'low',
        where: 'server',
        steps: [
          'Patched TSpkg.dll versions: 6.1.7601.24117 (Windows 7 SP1 / 2008 R2), 6.3.9600.18999 (8.1 / 2012 R2), 10.0.14393.2248 (1607 / 2016).',
          'Reboot after installing; if the server cannot be reached by RDP, use the console or Azure run-command.',
        ],
        script: {
          language: 'powershell',
          code: '(Get-Item -Path "$env:SystemRoot\\System32\\tspkg.dll").VersionInfo.FileVersion\nGet-HotFix | Sort-Object InstalledOn -Descending | Select-Object -First 5',
        },
      },
      allowVulnerable,
    ],
  },
  (observations) =>
    withStage(observations.credssp, 'credssp', 'ran', (credssp) => {
      if (credssp.serverVersion === undefined) return notEvaluated('the server sent no TSRequest version');
      if (credssp.clientVersion < FIRST_PATCHED_CREDSSP_VERSION) {
        return notEvaluated(
          `rdp-doctor offered CredSSP version ${credssp.clientVersion}, too low to learn the server's highest`,
        );
      }
      if (credssp.serverVersion >= FIRST_PATCHED_CREDSSP_VERSION) return PASS;
      return found([
        {
          evidence: [
            evidence('CredSSP version offered', credssp.clientVersion, 'credssp'),
            evidence('CredSSP version the server answered', credssp.serverVersion, 'credssp'),
          ],
          data: { serverVersion: credssp.serverVersion },
        },
      ]);
    }),
);
