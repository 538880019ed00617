import { FREERDP_LOGON_FAILURE, MSTSC_LOGON_FAILURE } from '../common/client-errors.js';
import { psSessionEvents } from '../common/fixes.js';
import { defineRule, evidence, found, hex, PASS, sessionContextEvidence, withStage } from './helpers.js';

export const rule = defineRule(
  {
    id: 'logon-error',
    title: 'The session logon failed after the connection sequence (Save Session Info logon error)',
    severity: 'error',
    requires: ['session'],
    docs: {
      explanation:
        "Only with --logon: the credentials passed CredSSP and the connection sequence completed, but the server's Save Session Info PDU carried a LOGON_ERRORS_INFO (MS-RDPBCGR 2.2.10.1.1.4.1.1) instead of the logon notification: Winlogon refused the session logon (a wrong password at the session logon, a password that must be updated, another failure) or asked the client what to do about an existing session. The type and data name what Winlogon said.",
      falseAlarm:
        'LOGON_MSG_SESSION_CONTINUE and similar messages only report how Winlogon handles an existing session; a warning type (LOGON_WARNING) does not end the logon.',
    },
    clientErrors: [MSTSC_LOGON_FAILURE, FREERDP_LOGON_FAILURE],
    fixes: [
      {
        title: 'Read what Winlogon and the session manager logged for the logon',
        risk: 'low',
        where: 'server',
        steps: [
          'Security 4625 for a refused logon; LocalSessionManager Operational for the session it created or reused.',
          'The --logon check leaves a disconnected session behind: log it off with logoff <id> when done.',
        ],
        script: {
          language: 'powershell',
          code: [
            "Get-WinEvent -FilterHashtable @{ LogName = 'Security'; Id = 4625; StartTime = (Get-Date).AddDays(-1) } -MaxEvents 20 -ErrorAction SilentlyContinue | Format-List TimeCreated, Message",
            psSessionEvents(),
          ].join('\n'),
        },
      },
    ],
  },
  (observations) =>
    withStage(observations.session, 'session', 'ran', (session) => {
      const errors = session.logonErrors;
      if (session.outcome !== 'logon-error' || !errors) return PASS;
      return found([
        {
          title: `The session logon failed: ${errors.typeName} (data ${hex(errors.data, 8)})`,
          evidence: [
            evidence('errorNotificationType', `${hex(errors.type >>> 0, 8)} ${errors.typeName}`, 'session'),
            evidence('errorNotificationData', hex(errors.data >>> 0, 8), 'session'),
            ...sessionContextEvidence(session),
          ],
          data: {
            type: errors.type >>> 0,
            typeName: errors.typeName,
            data: errors.data >>> 0,
            ...(session.logon ? { user: session.logon.user } : {}),
          },
        },
      ]);
    }),
);
