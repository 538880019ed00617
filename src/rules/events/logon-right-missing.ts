import { STATUS_LOGON_TYPE_NOT_GRANTED } from '../../data/events/logon-status.js';
import { GRANT_RDS_LOGON_RIGHT } from '../common/fixes.js';
import { type EventRule, eventRule, RecordTally, recordEvidence, tallyOutcome } from './evidence.js';
import { accountOf, failedRdpLogon, hasStatus } from './logon-events.js';

export const logonRightMissing: EventRule = eventRule({
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
    fixes: [GRANT_RDS_LOGON_RIGHT],
  },
  eventIds: [4625],
  start() {
    const tally = new RecordTally();
    return {
      add(event) {
        const logon = failedRdpLogon(event);
        if (logon && hasStatus(logon, STATUS_LOGON_TYPE_NOT_GRANTED)) tally.add(event, accountOf(event));
      },
      finish() {
        return tallyOutcome(tally, () => ({
          evidence: recordEvidence(
            tally,
            '4625 0xC000015B',
            (e) => `${accountOf(e)} LogonType ${e.data.LogonType} from ${e.data.IpAddress ?? '-'}`,
          ),
          data: { ...tally.accountData(), ...tally.data() },
        }));
      },
    };
  },
});
