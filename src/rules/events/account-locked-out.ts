import { Provider } from '../../data/events/event-ids.js';
import { STATUS_ACCOUNT_LOCKED_OUT } from '../../data/events/logon-status.js';
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
import { accountOf, failedRdpLogons, hasStatus } from './logon-events.js';

export const accountLockedOut: Rule<EventEvidence, EventNeed> = {
  meta: {
    id: 'account-locked-out',
    title: 'The account is locked out',
    severity: 'error',
    requires: ['security-log'],
    docs: {
      explanation:
        'Security 4740 (account locked out) or 4625 with 0xC0000234: too many bad passwords locked the account; RDP ' +
        'logons fail even with the right password until the lockout ends or an administrator unlocks it.',
      falseAlarm:
        'A lockout caused by an attacker guessing passwords is working as intended; see brute-force-attempts.',
    },
    clientErrors: [{ client: 'mstsc', code: '0x0', note: 'The referenced account is currently locked out' }],
    fixes: [
      {
        title: 'Unlock the account, then find what kept sending the old password',
        risk: 'low',
        where: 'server',
        steps: [
          'Domain account: Unlock-ADAccount (or Active Directory Users and Computers > Account > Unlock).',
          'Local account: lusrmgr.msc > Users > the account > clear "Account is locked out".',
          'Look for saved credentials, services or mapped drives using the old password on the source machines.',
        ],
        script: { language: 'powershell', code: "Unlock-ADAccount -Identity '<SamAccountName>'\n" },
      },
    ],
  },
  evaluate(evidence) {
    const notEvaluated = missingLogs(evidence, this.meta.requires);
    if (notEvaluated) return notEvaluated;
    const events = [
      ...matching(evidence, Provider.SECURITY, [4740]),
      ...failedRdpLogons(evidence)
        .filter((logon) => hasStatus(logon, STATUS_ACCOUNT_LOCKED_OUT))
        .map((logon) => logon.event),
    ];
    const accounts = [...new Set(events.map(accountOf))];
    return outcome(
      events.length === 0
        ? []
        : [
            {
              evidence: recordEvidence(events, 'locked out', (e) => `${e.eventId} ${accountOf(e)}`),
              data: { accounts, count: events.length, recordIds: recordIds(events) },
            },
          ],
    );
  },
};
