import { rule } from '../../../src/rules/diagnose/account-expired.js';
import { logonRuleTester } from '../../helpers/logon-rule-tester.js';

logonRuleTester(rule, {
  code: 0xc0000193,
  name: 'STATUS_ACCOUNT_EXPIRED',
  title: 'The account EXAMPLE\\alice has expired (STATUS_ACCOUNT_EXPIRED)',
});
