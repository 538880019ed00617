import type { Evidence } from '../types.js';
import { freerdpAfterErrorInfo, mstscAfterErrorInfo } from '../common/client-errors.js';
import { TS_POLICY_KEY } from '../common/fixes.js';
import {
  codeAndName,
  defineRule,
  describeErrorInfo,
  errorInfoFindingId,
  evidence,
  found,
  hex,
  PASS,
  sessionContextEvidence,
  whenInSession,
  withStage,
} from './helpers.js';

/** ERRINFO_LICENSE_NO_LICENSE_SERVER and ERRINFO_LICENSE_NO_LICENSE: what users meet most. */
const TYPICAL_CODES = [0x101, 0x102] as const;

export const rule = defineRule(
  {
    id: 'licensing-refused',
    title: 'Remote Desktop licensing refused the connection',
    severity: 'error',
    requires: ['session'],
    docs: {
      explanation:
        'The server ended the connection in the licensing phase of the connection sequence: either a Set Error Info PDU with a licensing code (ERRINFO_LICENSE_*, 0x100-0x10A: no license server, no client access license, the server not licensed for remote connections...) or a licensing Error Alert other than STATUS_VALID_CLIENT. A Remote Desktop Session Host needs an activated license server with CALs once its grace period (120 days) is over; every client is refused the same way, before the logon screen.',
      falseAlarm:
        'A license server that is briefly unreachable refuses only until it answers again: run the diagnosis again. A server that is only administered (two sessions) needs no licensing: there the RD Session Host role is what is wrong.',
    },
    clientErrors: [...TYPICAL_CODES.map(mstscAfterErrorInfo), ...TYPICAL_CODES.map(freerdpAfterErrorInfo)],
    fixes: [
      {
        title: 'Point the session host at an activated license server with free CALs',
        risk: 'low',
        where: 'server',
        steps: [
          'RD Licensing Diagnoser (lsdiag.msc) on the session host names what is missing.',
          'Policy: Remote Desktop Session Host > Licensing > "Use the specified Remote Desktop license servers" and "Set the Remote Desktop licensing mode" (Per User or Per Device, as the CALs bought).',
        ],
        script: {
          language: 'powershell',
          code: [
            '$setting = Get-CimInstance -Namespace root/cimv2/TerminalServices -ClassName Win32_TerminalServiceSetting',
            '$setting | Select-Object LicensingType, LicensingName',
            '($setting | Invoke-CimMethod -MethodName GetGracePeriodDays).DaysLeft',
            `Get-ItemProperty -Path '${TS_POLICY_KEY}' -ErrorAction SilentlyContinue | Select-Object LicenseServers, LicensingMode`,
          ].join('\n'),
        },
      },
      {
        title: 'Remove the RD Session Host role where the server is only administered remotely',
        risk: 'medium',
        where: 'server',
        steps: [
          'Without the role Windows Server allows two administrative sessions and needs no licensing.',
          'Removing the role needs a restart and ends every session; RemoteApp and multi-user desktops stop working.',
        ],
        script: { language: 'powershell', code: 'Uninstall-WindowsFeature -Name RDS-RD-Server' },
      },
    ],
  },
  (observations) =>
    withStage(observations.session, 'session', 'ran', (session) => {
      const info = session.errorInfo;
      const errorInfo =
        info && errorInfoFindingId(info.code >>> 0) === 'licensing-refused' ? info : undefined;
      const alert = session.licensing?.outcome === 'error-alert' ? session.licensing : undefined;
      if (!errorInfo && !alert) return PASS;
      const described = errorInfo ? describeErrorInfo(errorInfo.code >>> 0) : undefined;
      const alertName =
        alert?.errorName ?? (alert?.errorCode !== undefined ? hex(alert.errorCode, 8) : 'an error alert');
      const facts: Evidence[] = [
        ...(described && errorInfo
          ? [
              evidence('Set Error Info', codeAndName(described), 'session'),
              ...(described.meaning ? [evidence('meaning', described.meaning, 'session')] : []),
              evidence('came', whenInSession(session, errorInfo.phase), 'session'),
            ]
          : []),
        ...(alert
          ? [
              evidence(
                'licensing Error Alert',
                `${alertName}${alert.errorCode !== undefined ? ` (${hex(alert.errorCode)})` : ''}`,
                'session',
              ),
              ...(alert.stateTransitionName || alert.stateTransition !== undefined
                ? [
                    evidence(
                      'state transition',
                      alert.stateTransitionName ?? hex(alert.stateTransition ?? 0),
                      'session',
                    ),
                  ]
                : []),
              evidence('licensing messages from the server', alert.messages.join(', ') || 'none', 'session'),
            ]
          : []),
        ...sessionContextEvidence(session),
      ];
      const cause = described
        ? `${described.name}${described.meaning ? `: ${described.meaning}` : ''}`
        : alertName;
      return found([
        {
          title: `Remote Desktop licensing refused the connection (${cause})`,
          evidence: facts,
          ...(errorInfo
            ? {
                clientErrors: [
                  mstscAfterErrorInfo(errorInfo.code >>> 0),
                  freerdpAfterErrorInfo(errorInfo.code >>> 0),
                ],
              }
            : {}),
          data: {
            ...(described ? { errorInfo: described.code, name: described.name } : {}),
            ...(alert
              ? {
                  licenseErrorCode: alert.errorCode ?? null,
                  licenseErrorName: alert.errorName ?? null,
                  stateTransition: alert.stateTransition ?? null,
                }
              : {}),
            underProtocol: session.underProtocol,
          },
        },
      ]);
    }),
);
