import { STATUS_LOGON_TYPE_NOT_GRANTED } from '../../data/events/logon-status.js';
import type { Rule } from '../types.js';
import {
  type EventEvidence,
  type EventNeed,
  missingLogs,
  outcome,
  recordEvidence,
  recordIds,
} from './evidence.js';
import { accountOf, failedRdpLogons, hasStatus } from './logon-events.js';

const REMOTE_DESKTOP_USERS_SID = '*S-1-5-32-555';

export const logonRightMissing: Rule<EventEvidence, EventNeed> = {
  meta: {
    id: 'logon-right-missing',
    title: 'Logon refused: the account lacks "Allow log on through Remote Desktop Services"',
    severity: 'error',
    requires: ['security-log'],
    docs: {
      explanation:
        'Security 4625 with status 0xC000015B (STATUS_LOGON_TYPE_NOT_GRANTED): the password was right, but the account ' +
        'does not hold SeRemoteInteractiveLogonRight for LogonType 10 (or "Access this computer from the network" for ' +
        'the NLA LogonType 3 logon), or it is listed in the matching Deny right.',
      falseAlarm:
        'None when the account should be allowed in; it is the intended effect when the account should not.',
    },
    clientErrors: [
      {
        client: 'mstsc',
        code: '0x0',
        note: 'The connection was denied because the user account is not authorized for remote login',
      },
    ],
    fixes: [
      {
        title: 'Grant "Allow log on through Remote Desktop Services" to Remote Desktop Users',
        risk: 'low',
        where: 'server',
        steps: [
          'secpol.msc > Local Policies > User Rights Assignment > Allow log on through Remote Desktop Services: add ' +
            'Remote Desktop Users (and Administrators). In a domain, set it in the GPO that manages the server instead.',
          'Remove the account or its groups from "Deny log on through Remote Desktop Services".',
          'Run gpupdate /force.',
        ],
        script: {
          language: 'powershell',
          code:
            "$dir = Join-Path $env:TEMP 'rdp-doctor-secpol'\n" +
            'New-Item -ItemType Directory -Force -Path $dir | Out-Null\n' +
            'secedit /export /cfg "$dir\\current.inf" /areas USER_RIGHTS | Out-Null\n' +
            '$line = Select-String -Path "$dir\\current.inf" -Pattern \'^SeRemoteInteractiveLogonRight\\s*=\\s*(.*)$\'\n' +
            "$current = if ($line) { $line.Matches[0].Groups[1].Value.Trim() } else { '' }\n" +
            `if ($current -notmatch [regex]::Escape('${REMOTE_DESKTOP_USERS_SID}')) {\n` +
            `  $value = if ($current) { "$current,${REMOTE_DESKTOP_USERS_SID}" } else { '*S-1-5-32-544,${REMOTE_DESKTOP_USERS_SID}' }\n` +
            "  $inf = @('[Unicode]', 'Unicode=yes', '[Version]', 'signature=\"$CHICAGO$\"', 'Revision=1', '[Privilege Rights]', \"SeRemoteInteractiveLogonRight = $value\")\n" +
            '  $inf | Set-Content -Path "$dir\\grant.inf" -Encoding Unicode\n' +
            '  secedit /configure /db "$dir\\grant.sdb" /cfg "$dir\\grant.inf" /areas USER_RIGHTS | Out-Null\n' +
            '}\n' +
            'gpupdate /force | Out-Null\n',
        },
      },
    ],
  },
  evaluate(evidence) {
    const notEvaluated = missingLogs(evidence, this.meta.requires);
    if (notEvaluated) return notEvaluated;
    const refused = failedRdpLogons(evidence).filter((logon) =>
      hasStatus(logon, STATUS_LOGON_TYPE_NOT_GRANTED),
    );
    const events = refused.map((logon) => logon.event);
    const accounts = [...new Set(events.map(accountOf))];
    return outcome(
      events.length === 0
        ? []
        : [
            {
              evidence: recordEvidence(
                events,
                '4625 0xC000015B',
                (e) => `${accountOf(e)} LogonType ${e.data.LogonType} from ${e.data.IpAddress ?? '-'}`,
              ),
              data: { accounts, count: events.length, recordIds: recordIds(events) },
            },
          ],
    );
  },
};
