import { rule } from '../../../src/rules/diagnose/account-restricted.js';
import { healthy, sessionLogonRefused } from '../../helpers/observations.js';
import { logonRuleTester } from '../../helpers/logon-rule-tester.js';

logonRuleTester(rule, {
  code: 0xc000006e,
  name: 'STATUS_ACCOUNT_RESTRICTION',
  title:
    /^An account restriction blocks the logon of EXAMPLE\\alice: STATUS_ACCOUNT_RESTRICTION \(An account restriction applies/,
  moreInvalid: [
    {
      name: 'outside the logon hours',
      observations: healthy({ session: sessionLogonRefused(0xc000006f) }),
      findings: [{ title: /STATUS_INVALID_LOGON_HOURS \(The logon is outside the hours/ }],
    },
    {
      name: 'not from this workstation',
      observations: healthy({ session: sessionLogonRefused(0xc0000070) }),
      findings: [{ title: /STATUS_INVALID_WORKSTATION/ }],
    },
  ],
});
