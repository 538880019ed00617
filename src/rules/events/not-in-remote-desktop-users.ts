import { isProvider, Provider } from '../../data/events/event-ids.js';
import { addToRemoteDesktopUsersFix } from '../common/fixes.js';
import { type EventRule, eventRule, RecordTally, recordEvidence, tallyOutcome } from './evidence.js';
import { accountOf } from './logon-events.js';

export const notInRemoteDesktopUsers: EventRule = eventRule({
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
  eventIds: [4825],
  start() {
    const tally = new RecordTally();
    return {
      add(event) {
        if (isProvider(event.provider, Provider.SECURITY)) tally.add(event, accountOf(event));
      },
      finish() {
        const { accounts } = tally.accountData();
        return tallyOutcome(tally, () => ({
          evidence: recordEvidence(
            tally,
            '4825 denied',
            (e) => `${accountOf(e)} from ${e.data.ClientAddress ?? '-'}`,
          ),
          fixes: accounts.map(addToRemoteDesktopUsersFix),
          data: { ...tally.accountData(), ...tally.data() },
        }));
      },
    };
  },
});
