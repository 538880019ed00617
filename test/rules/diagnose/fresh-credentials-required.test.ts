import { rule } from '../../../src/rules/diagnose/fresh-credentials-required.js';
import { healthy, sessionErrorInfo, sessionLogonAccepted } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'the logon screen is reached', observations: healthy() },
    { name: 'the logon check got through', observations: healthy({ session: sessionLogonAccepted() }) },
  ],
  invalid: [
    {
      name: 'ERRINFO 0xA after the Client Info PDU',
      observations: healthy({
        session: sessionErrorInfo(0xa, 'ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED', 'client-info'),
      }),
      findings: [
        {
          severity: 'error',
          title:
            'The server wants freshly typed credentials and ended the connection after the Client Info PDU (ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED)',
          evidence: [
            { label: 'Set Error Info', value: '0x0000000a ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED' },
          ],
        },
      ],
    },
  ],
  notEvaluated: [{ name: 'the session stage did not run', observations: healthy({ session: undefined }) }],
});
