import { isProvider, Provider } from '../../data/events/event-ids.js';
import { STATUS_ACCOUNT_LOCKED_OUT } from '../../data/events/logon-status.js';
import { type EventRule, eventRule, RecordTally, recordEvidence, tallyOutcome } from './evidence.js';
import { accountOf, failedRdpLogon, hasStatus } from './logon-events.js';

export const accountLockedOut: EventRule = eventRule({
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
  eventIds: [4740, 4625],
  start() {
    const tally = new RecordTally();
    return {
      add(event) {
        if (event.eventId === 4740) {
          if (isProvider(event.provider, Provider.SECURITY)) tally.add(event, accountOf(event));
          return;
        }
        const logon = failedRdpLogon(event);
        if (logon && hasStatus(logon, STATUS_ACCOUNT_LOCKED_OUT)) tally.add(event, accountOf(event));
      },
      finish() {
        return tallyOutcome(tally, () => ({
          evidence: recordEvidence(tally, 'locked out', (e) => `${e.eventId} ${accountOf(e)}`),
          data: { ...tally.accountData(), ...tally.data() },
        }));
      },
    };
  },
});
