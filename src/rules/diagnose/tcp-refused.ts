import type { Fix } from '../types.js';
import { FREERDP_REFUSED, MSTSC_SOCKET_CONNECT_FAILED } from '../common/client-errors.js';
import { azureVariant, psRecentEvents, RDP_TCP_KEY, TERMINAL_SERVER_KEY } from '../common/fixes.js';
import { defineRule, judgeTcpOutcome, withStage } from './helpers.js';

const enableRemoteDesktop: Fix = {
  title: 'Turn Remote Desktop on and start its service',
  risk: 'low',
  where: 'server',
  steps: [
    'A refusal (TCP RST) means the host is up but nothing listens on the port: Remote Desktop is off, TermService is stopped, or the listener uses another port.',
    'Allow connections (fDenyTSConnections = 0; a Group Policy value under the Terminal Services policy key wins over this one) and start TermService.',
    'Compare the listener port (PortNumber) with the port you connect to.',
  ],
  script: {
    language: 'powershell',
    code: [
      `Set-ItemProperty -Path '${TERMINAL_SERVER_KEY}' -Name fDenyTSConnections -Value 0`,
      'Start-Service -Name TermService',
      `(Get-ItemProperty -Path '${RDP_TCP_KEY}' -Name PortNumber).PortNumber`,
      'Get-NetTCPConnection -State Listen -LocalPort 3389 -ErrorAction SilentlyContinue',
    ].join('\n'),
  },
};

export const rule = defineRule(
  {
    id: 'tcp-refused',
    title: 'The RDP port refuses connections',
    severity: 'error',
    requires: ['tcp'],
    docs: {
      explanation:
        'The server (or a firewall acting for it) answered the TCP connection with a reset: the address is reachable but nothing accepts connections on the RDP port. Remote Desktop is turned off, the Remote Desktop Services (TermService) service is stopped, the listener was moved to another port, or a firewall is set to reject rather than drop.',
      falseAlarm:
        'A port-forwarding device or load balancer with no healthy back end may also reset connections; the server behind it can be healthy. Connecting to the wrong port (the listener moved away from 3389) looks the same.',
    },
    clientErrors: [MSTSC_SOCKET_CONNECT_FAILED, ...FREERDP_REFUSED],
    fixes: [
      enableRemoteDesktop,
      azureVariant(enableRemoteDesktop),
      {
        title: 'Look for listener errors in the event log',
        risk: 'low',
        where: 'server',
        steps: [
          'Remote Connection Manager events 1006 (too many pending connections) and 1057/1058 (listener certificate) explain a listener that stopped.',
        ],
        script: { language: 'powershell', code: psRecentEvents([1006, 1057, 1058]) },
      },
    ],
  },
  (observations) =>
    withStage(observations.tcp, 'tcp', 'ran', (tcp) =>
      judgeTcpOutcome(tcp, 'refused', 'refuses connections'),
    ),
);
