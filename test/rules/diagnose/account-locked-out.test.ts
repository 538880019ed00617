import { rule } from '../../../src/rules/diagnose/account-locked-out.js';
import { logonRuleTester } from '../../helpers/logon-rule-tester.js';

logonRuleTester(rule, {
  code: 0xc0000234,
  name: 'STATUS_ACCOUNT_LOCKED_OUT',
  title: 'The account EXAMPLE\\alice is locked out (STATUS_ACCOUNT_LOCKED_OUT)',
});
