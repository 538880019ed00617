import { Provider } from '../../data/events/event-ids.js';
import type { Fix, Rule } from '../types.js';
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

function addMemberFix(account: string): Fix {
  const quoted = account.replace(/'/g, "''");
  return {
    title: `Add ${account} to Remote Desktop Users`,
    risk: 'low',
    where: 'server',
    steps: [`lusrmgr.msc > Groups > Remote Desktop Users > Add ${account} (or a group it belongs to).`],
    script: {
      language: 'powershell',
      code:
        `$member = '${quoted}'\n` +
        "$group = Get-LocalGroup -SID 'S-1-5-32-555'\n" +
        'if (-not (Get-LocalGroupMember -Group $group | Where-Object { $_.Name -eq $member })) {\n' +
        '  Add-LocalGroupMember -Group $group -Member $member\n' +
        '}\n',
    },
  };
}

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
              fixes: accounts.map(addMemberFix),
              data: { accounts, count: events.length, recordIds: recordIds(events) },
            },
          ],
    );
  },
};
