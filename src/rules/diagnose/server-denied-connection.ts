import { freerdpAfterErrorInfo, MSTSC_SOCKET_CLOSED_DENIED } from '../common/client-errors.js';
import { psSessionEvents, TERMINAL_SERVER_KEY, TS_POLICY_KEY } from '../common/fixes.js';
import { defineRule, ERRINFO, judgeErrorInfo } from './helpers.js';

export const rule = defineRule(
  {
    id: 'server-denied-connection',
    title: 'The server denied the connection after the security layer (ERRINFO_SERVER_DENIED_CONNECTION)',
    severity: 'error',
    requires: ['session'],
    docs: {
      explanation:
        'The negotiation and the security layer (TLS, CredSSP or Standard RDP Security) completed, then the server sent a Set Error Info PDU with ERRINFO_SERVER_DENIED_CONNECTION (0x7) and closed the connection before its logon screen. This is the server refusing by policy or by state, not a network or TLS fault: Remote Desktop connections turned off while the listener still answers, a limit on the number of connections or sessions, "Restrict each user to a single session" with a session that cannot be taken over, or a licensing or broker component that refuses without a more specific code. mstsc reports it as 0x904 with extended reason 0x7 ("usually after you enter your credentials"). The evidence names the phase it came in.',
      falseAlarm:
        'A server that is shutting down or restarting Remote Desktop Services can refuse for a moment: run the diagnosis again. Refusing is intended on a server where remote connections should be off.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED_DENIED, freerdpAfterErrorInfo(ERRINFO.SERVER_DENIED_CONNECTION)],
    fixes: [
      {
        title: 'Read why the server refused, in its Remote Desktop logs and connection policy',
        risk: 'low',
        where: 'server',
        steps: [
          'RemoteConnectionManager and LocalSessionManager Operational logs at the time of the attempt say which check refused.',
          'Check the connection policies: Allow users to connect remotely (fDenyTSConnections), Limit number of connections (MaxInstanceCount), Restrict users to a single session (fSingleSessionPerUser).',
        ],
        script: {
          language: 'powershell',
          code: [
            psSessionEvents(),
            `Get-ItemProperty -Path '${TERMINAL_SERVER_KEY}' -ErrorAction SilentlyContinue | Select-Object fDenyTSConnections, fSingleSessionPerUser`,
            `Get-ItemProperty -Path '${TS_POLICY_KEY}' -ErrorAction SilentlyContinue | Select-Object fDenyTSConnections, MaxInstanceCount, fSingleSessionPerUser`,
            'query session',
          ].join('\n'),
        },
      },
      {
        title: 'Relax the connection limit that applies, or end a session that blocks the new one',
        risk: 'medium',
        where: 'server',
        steps: [
          'query session lists the sessions; logoff <id> ends one (its user loses unsaved work).',
          'Raise "Limit number of connections" or turn off "Restrict Remote Desktop Services users to a single Remote Desktop Services session" in the GPO that sets it.',
        ],
      },
    ],
  },
  (observations) =>
    judgeErrorInfo(observations, 'server-denied-connection', (described, when) => ({
      title: `The server denied the connection ${when} (${described.name})`,
    })),
);
