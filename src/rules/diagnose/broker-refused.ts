import { freerdpAfterErrorInfo, mstscAfterErrorInfo } from '../common/client-errors.js';
import { psSessionEvents } from '../common/fixes.js';
import { defineRule, judgeErrorInfo } from './helpers.js';

/** ERRINFO_CB_DESTINATION_NOT_FOUND: the broker code users meet most. */
const DESTINATION_NOT_FOUND = 0x400;

export const rule = defineRule(
  {
    id: 'broker-refused',
    title: 'The connection broker could not place the connection (ERRINFO_CB_*)',
    severity: 'error',
    requires: ['session'],
    docs: {
      explanation:
        'The server sent a Set Error Info PDU with a Connection Broker code (ERRINFO_CB_*, 0x400-0x412) and ended the connection: the RD Connection Broker (or Azure Virtual Desktop) that fronts this address could not send the connection on to a session host. The target is off or still booting, the pool has no free host, the host is in drain mode, or the collection is misconfigured. The broker answers for every user the same way while the condition lasts.',
      falseAlarm:
        'A host that is waking from hibernation or booting (ERRINFO_CB_SESSION_ONLINE_VM_WAKE / _BOOT) answers after a minute: run the diagnosis again before changing anything.',
    },
    clientErrors: [mstscAfterErrorInfo(DESTINATION_NOT_FOUND), freerdpAfterErrorInfo(DESTINATION_NOT_FOUND)],
    fixes: [
      {
        title: 'Check the collection or host pool: targets running, drain mode off, capacity free',
        risk: 'low',
        where: 'server',
        steps: [
          'On the broker: the SessionBroker and SessionBroker-Client Operational logs at the time of the attempt.',
          'Azure Virtual Desktop: the session hosts of the host pool should be Available and allow new sessions.',
        ],
        script: {
          language: 'powershell',
          code: psSessionEvents([
            'Microsoft-Windows-TerminalServices-SessionBroker/Operational',
            'Microsoft-Windows-TerminalServices-SessionBroker-Client/Operational',
          ]),
        },
      },
    ],
  },
  (observations) =>
    judgeErrorInfo(observations, 'broker-refused', (described, when) => ({
      title: `The connection broker could not place the connection ${when} (${described.name})`,
      clientErrors: [mstscAfterErrorInfo(described.code), freerdpAfterErrorInfo(described.code)],
    })),
);
