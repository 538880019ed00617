import { rule } from '../../../src/rules/diagnose/credssp-error.js';
import { credssp, healthy } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [{ name: 'a challenge arrived', observations: healthy() }],
  invalid: [
    {
      name: 'SEC_E_UNSUPPORTED_FUNCTION',
      observations: healthy({
        credssp: credssp({ outcome: 'error-code', errorCode: 0x80090302, ntlm: undefined }),
      }),
      findings: [
        {
          severity: 'error',
          title: /SEC_E_UNSUPPORTED_FUNCTION/,
          evidence: [{ label: 'TSRequest errorCode', value: '0x80090302 SEC_E_UNSUPPORTED_FUNCTION' }],
        },
      ],
    },
    {
      name: 'a negative (signed) NTSTATUS is read as unsigned; unknown codes are named as such',
      observations: healthy({
        credssp: credssp({ outcome: 'error-code', errorCode: -1073741477, ntlm: undefined }),
      }),
      findings: [{ title: /unknown error code 0xc000015b/ }],
    },
  ],
  notEvaluated: [{ name: 'credssp did not run', observations: healthy({ credssp: undefined }) }],
});
