import { rule } from '../../../src/rules/diagnose/password-must-change.js';
import { logonRuleTester } from '../../helpers/logon-rule-tester.js';

logonRuleTester(rule, {
  code: 0xc0000224,
  name: 'STATUS_PASSWORD_MUST_CHANGE',
  title: 'The password of EXAMPLE\\alice must be changed before the next logon (STATUS_PASSWORD_MUST_CHANGE)',
});
