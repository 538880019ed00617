import { FREERDP_AUTH_FAILED, FREERDP_LOGON_FAILURE, MSTSC_LOGON_FAILURE } from '../common/client-errors.js';
import { psRecentEvents } from '../common/fixes.js';
import { defineRule, evidence, found, hex, PASS, withStage } from './helpers.js';

/** NTSTATUS / SSPI codes a server puts in TSRequest.errorCode (credssp.json; FreeRDP nla.c; winerror.h). */
const KNOWN_CODES: Readonly<Record<number, string>> = {
  3221225581: 'STATUS_LOGON_FAILURE',
  3221226020: 'STATUS_PASSWORD_MUST_CHANGE',
  3221225585: 'STATUS_PASSWORD_EXPIRED',
  3221225586: 'STATUS_ACCOUNT_DISABLED',
  2148074242: 'SEC_E_UNSUPPORTED_FUNCTION',
  2148074252: 'SEC_E_LOGON_DENIED',
  2148074257: 'SEC_E_NO_AUTHENTICATING_AUTHORITY',
};

export const rule = defineRule(
  {
    id: 'credssp-error',
    title: 'The server ended the CredSSP exchange with an error code',
    severity: 'error',
    requires: ['credssp'],
    docs: {
      explanation:
        "The server answered rdp-doctor's CredSSP (NLA) message with a TSRequest carrying an errorCode instead of continuing the exchange. rdp-doctor sends no credentials, so the error is about the server's ability to run the exchange at all, not about a password: typically NTLM is disabled or restricted by policy (Kerberos only, which needs a domain and a resolvable service name), the security package is broken, or a CredSSP policy refuses the client. Real clients get the same failure before the password matters.",
      falseAlarm:
        'Servers that allow only Kerberos answer a name-less NTLM attempt this way by design; domain clients that use Kerberos may connect fine. The code name in the title tells which case it is.',
    },
    clientErrors: [MSTSC_LOGON_FAILURE, FREERDP_AUTH_FAILED, FREERDP_LOGON_FAILURE],
    fixes: [
      {
        title: 'Read the logon and NTLM events on the server',
        risk: 'low',
        where: 'server',
        steps: [
          'Security 4625 (failed logon, Status/SubStatus) and the NTLM operational log show why the exchange was refused.',
          'Check the "Network security: Restrict NTLM" policies if NTLM is blocked and clients are not domain members.',
        ],
        script: {
          language: 'powershell',
          code: [
            "Get-WinEvent -FilterHashtable @{ LogName = 'Security'; Id = 4625; StartTime = (Get-Date).AddDays(-1) } -MaxEvents 20 -ErrorAction SilentlyContinue | Format-List TimeCreated, Message",
            psRecentEvents([36871]),
          ].join('\n'),
        },
      },
    ],
  },
  (observations) =>
    withStage(observations.credssp, 'credssp', 'ran', (credssp) => {
      if (credssp.errorCode === undefined) return PASS;
      const code = credssp.errorCode >>> 0;
      const name = KNOWN_CODES[code] ?? `unknown error code ${hex(code, 8)}`;
      return found([
        {
          evidence: [
            evidence('TSRequest errorCode', `${hex(code, 8)} ${name}`, 'credssp'),
            ...(credssp.serverVersion !== undefined
              ? [evidence('CredSSP version', credssp.serverVersion, 'credssp')]
              : []),
          ],
          title: `The server ended the CredSSP exchange with ${name}`,
          data: { errorCode: code, name },
        },
      ]);
    }),
);
