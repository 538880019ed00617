import { rule } from '../../../src/rules/diagnose/server-denied-connection.js';
import { healthy, sessionErrorInfo, sessionLogonAccepted, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const DENIED = 'ERRINFO_SERVER_DENIED_CONNECTION';

ruleTester(rule, {
  valid: [
    { name: 'the logon screen is reached', observations: healthy() },
    {
      name: 'another error info is not a denial (server-error-info names it)',
      observations: healthy({ session: sessionErrorInfo(0x6, 'ERRINFO_OUT_OF_MEMORY') }),
    },
    {
      name: 'ERRINFO_NONE is no error at all',
      observations: healthy({ session: sessionErrorInfo(0x0, 'ERRINFO_NONE') }),
    },
  ],
  invalid: [
    {
      name: 'ERRINFO 0x7 after licensing, under TLS without credentials',
      observations: healthy({ session: sessionErrorInfo(0x7, DENIED, 'capabilities') }),
      findings: [
        {
          severity: 'error',
          title: `The server denied the connection after licensing, before Demand Active (${DENIED})`,
          evidence: [
            { label: 'Set Error Info', value: `0x00000007 ${DENIED}`, source: 'session' },
            { label: 'meaning', value: 'Server denied the connection.' },
            { label: 'came', value: 'after licensing, before Demand Active' },
            { label: 'connection sequence under', value: 'SSL' },
            { label: 'credentials sent', value: false },
          ],
        },
      ],
    },
    {
      name: 'ERRINFO 0x7 after the logon check accepted the credentials names the user and says so',
      observations: healthy({
        session: sessionLogonAccepted({
          outcome: 'error-info',
          phase: 'client-info',
          errorInfo: { code: 0x7, name: DENIED, phase: 'client-info' },
          demandActive: undefined,
        }),
      }),
      findings: [
        {
          title: /after the Client Info PDU \(after the credentials were accepted\)/,
          evidence: [
            { label: 'user', value: 'EXAMPLE\\alice' },
            { label: 'connection sequence under', value: 'HYBRID_EX' },
          ],
        },
      ],
    },
    {
      name: 'the code is named from the table, whatever name the probe recorded',
      observations: healthy({ session: sessionErrorInfo(0x7, 'unknown', 'licensing') }),
      findings: [{ title: /during licensing \(ERRINFO_SERVER_DENIED_CONNECTION\)/ }],
    },
  ],
  notEvaluated: [
    {
      name: 'the session stage was skipped (NLA without --user)',
      observations: healthy({
        session: skipped(
          'session',
          'the server requires NLA: the logon screen comes only after credentials (--user)',
        ),
      }),
      reason: 'the session stage was skipped',
    },
    { name: 'the session stage did not run', observations: healthy({ session: undefined }) },
  ],
});
