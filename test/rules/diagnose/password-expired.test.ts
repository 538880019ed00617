import { rule } from '../../../src/rules/diagnose/password-expired.js';
import { logonRuleTester } from '../../helpers/logon-rule-tester.js';

logonRuleTester(rule, {
  code: 0xc0000071,
  name: 'STATUS_PASSWORD_EXPIRED',
  title: 'The password of EXAMPLE\\alice has expired (STATUS_PASSWORD_EXPIRED)',
});
