import { freerdpAfterErrorInfo, mstscAfterErrorInfo } from '../common/client-errors.js';
import { psSessionEvents, RDP_TCP_KEY, TS_POLICY_KEY } from '../common/fixes.js';
import { defineRule, ERRINFO, judgeErrorInfo } from './helpers.js';

const LIMITS = ['MaxIdleTime', 'MaxConnectionTime', 'MaxDisconnectionTime'];

/**
 * Only the two time limits of MS-RDPBCGR 2.2.5.1.1 count: ERRINFO_IDLE_TIMEOUT (0x3) and
 * ERRINFO_LOGON_TIMEOUT (0x4, the active-session limit). ERRINFO_DISCONNECTED_BY_OTHERCONNECTION
 * (0x5) is another connection taking the session over, no limit (explain treats it as not an error):
 * server-error-info names it.
 */
export const rule = defineRule(
  {
    id: 'session-limit-reached',
    title: 'The server ended the connection on a session time limit',
    severity: 'error',
    requires: ['session'],
    docs: {
      explanation:
        'The server sent a Set Error Info PDU with ERRINFO_IDLE_TIMEOUT (0x3: the idle-session limit) or ERRINFO_LOGON_TIMEOUT (0x4: the active-session limit) and ended the connection. These come from the Session Time Limits policy (MaxIdleTime, MaxConnectionTime) of the server or of the RDP-Tcp listener. Sent while the connection is still being set up, they mean the limit is set so low (or the clock so far off) that a new connection cannot reach the logon screen.',
      falseAlarm:
        "During a long --logon check a short idle limit may end the probe's own session as intended. Intended limits on a kiosk or lab host are policy, not a fault.",
    },
    clientErrors: [ERRINFO.IDLE_TIMEOUT, ERRINFO.LOGON_TIMEOUT].flatMap((code) => [
      mstscAfterErrorInfo(code),
      freerdpAfterErrorInfo(code),
    ]),
    fixes: [
      {
        title: 'Read the session time limits that apply (policy and listener)',
        risk: 'low',
        where: 'server',
        steps: [
          'Policy: Remote Desktop Session Host > Session Time Limits ("Set time limit for active but idle sessions", "... for active sessions").',
          'Values are milliseconds; 0 or absent means no limit. The policy key wins over the listener.',
        ],
        script: {
          language: 'powershell',
          code: [
            `Get-ItemProperty -Path '${TS_POLICY_KEY}' -ErrorAction SilentlyContinue | Select-Object ${LIMITS.join(', ')}`,
            `Get-ItemProperty -Path '${RDP_TCP_KEY}' -ErrorAction SilentlyContinue | Select-Object ${LIMITS.join(', ')}`,
            psSessionEvents(),
          ].join('\n'),
        },
      },
      {
        title: 'Raise the session time limit in the policy that sets it',
        risk: 'medium',
        where: 'server',
        steps: [
          'Change the limit in the GPO (or local policy) that sets it, then gpupdate /force; longer limits keep idle sessions (and their resources) longer.',
        ],
      },
    ],
  },
  (observations) =>
    judgeErrorInfo(observations, 'session-limit-reached', (described, when) => ({
      title: `The server ended the connection on a session time limit ${when} (${described.name})`,
      clientErrors: [mstscAfterErrorInfo(described.code), freerdpAfterErrorInfo(described.code)],
    })),
);
