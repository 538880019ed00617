import {
  formatStatus,
  logonStatus,
  STATUS_ACCOUNT_LOCKED_OUT,
  STATUS_LOGON_TYPE_NOT_GRANTED,
} from '../../data/events/logon-status.js';
import { type EventRule, eventRule, outcome, RecordTally, recordEvidence } from './evidence.js';
import { accountOf, failedRdpLogon, hasStatus } from './logon-events.js';

export const logonFailed: EventRule = eventRule({
  meta: {
    id: 'logon-failed',
    title: 'RDP logons failed',
    severity: 'warning',
    requires: ['security-log'],
    docs: {
      explanation:
        'Security 4625 with LogonType 10 (RemoteInteractive) or 3 (Network, the NLA step): the logon was rejected for ' +
        'the reason its Status/SubStatus names (wrong password, unknown user, expired password, account restriction...).',
      falseAlarm:
        'Occasional typing mistakes; many failures from unknown addresses are an attack (brute-force-attempts).',
    },
    clientErrors: [{ client: 'mstsc', code: '0x0', note: 'The logon attempt failed' }],
    fixes: [
      {
        title: 'Fix what the status code names',
        risk: 'low',
        where: 'server',
        steps: [
          '0xC000006A/0xC0000064: wrong password or user name: check the user name form (DOMAIN\\user or user@domain).',
          '0xC0000071/0xC0000224: password expired or must change: change it (or allow NLA-less change via RD Web).',
          '0xC000006E: account restriction, e.g. blank passwords cannot log on remotely: set a password.',
        ],
      },
    ],
  },
  eventIds: [4625],
  start() {
    const byCause = new Map<number, RecordTally>();
    return {
      add(event) {
        const logon = failedRdpLogon(event);
        // Causes with their own finding are left to it.
        if (
          !logon ||
          hasStatus(logon, STATUS_LOGON_TYPE_NOT_GRANTED) ||
          hasStatus(logon, STATUS_ACCOUNT_LOCKED_OUT)
        )
          return;
        const cause = logon.cause ?? 0;
        let tally = byCause.get(cause);
        if (!tally) byCause.set(cause, (tally = new RecordTally()));
        tally.add(event, accountOf(event));
      },
      finish() {
        return outcome(
          [...byCause].map(([cause, tally]) => {
            const status = logonStatus(cause);
            return {
              title: `RDP logons failed: ${formatStatus(cause)} ${status ? `${status.name} (${status.meaning})` : 'unknown status'}`,
              evidence: recordEvidence(
                tally,
                '4625',
                (e) => `${accountOf(e)} LogonType ${e.data.LogonType} from ${e.data.IpAddress ?? '-'}`,
              ),
              data: {
                status: formatStatus(cause),
                statusName: status?.name ?? null,
                ...tally.accountData(),
                ...tally.data(),
              },
            };
          }),
        );
      },
    };
  },
});
