import { Provider } from '../../data/events/event-ids.js';
import { addToRemoteDesktopUsersFix } from '../common/fixes.js';
import type { Rule } from '../types.js';
import {
  type EventEvidence,
  type EventNeed,
  matching,
  missingLogs,
  outcome,
  recordEvidence,
  recordIds,
} from './evidence.js';
import { accountOf } from './logon-events.js';

export const notInRemoteDesktopUsers: Rule<EventEvidence, EventNeed> = {
  meta: {
    id: 'not-in-remote-desktop-users',
    title: 'Connection denied: the account is not in Remote Desktop Users',
    severity: 'error',
    requires: ['security-log'],
    docs: {
      explanation:
        'Security 4825: the credentials were valid (NLA succeeded) but the account is neither in Remote Desktop Users ' +
        'nor in Administrators on this host, so Remote Desktop Services refused the connection.',
      falseAlarm: 'None when the account should be allowed in; it is the intended effect when it should not.',
    },
    clientErrors: [
      {
        client: 'mstsc',
        code: '0x0',
        note: 'The connection was denied because the user account is not authorized for remote login',
      },
    ],
    fixes: [],
  },
  evaluate(evidence) {
    const notEvaluated = missingLogs(evidence, this.meta.requires);
    if (notEvaluated) return notEvaluated;
    const events = matching(evidence, Provider.SECURITY, [4825]);
    const accounts = [...new Set(events.map(accountOf))];
    return outcome(
      events.length === 0
        ? []
        : [
            {
              evidence: recordEvidence(
                events,
                '4825 denied',
                (e) => `${accountOf(e)} from ${e.data.ClientAddress ?? '-'}`,
              ),
              fixes: accounts.map(addToRemoteDesktopUsersFix),
              data: { accounts, count: events.length, recordIds: recordIds(events) },
            },
          ],
    );
  },
};
