import assert from 'node:assert/strict';
import { it } from 'node:test';
import { rule } from '../../../src/rules/diagnose/account-disabled.js';
import { evaluateRules } from '../../../src/rules/engine.js';
import { healthy, sessionLogonRefused } from '../../helpers/observations.js';
import { logonRuleTester } from '../../helpers/logon-rule-tester.js';

logonRuleTester(rule, {
  code: 0xc0000072,
  name: 'STATUS_ACCOUNT_DISABLED',
  title: 'The account EXAMPLE\\alice is disabled (STATUS_ACCOUNT_DISABLED)',
});

it('account-disabled: a name@domain user is named by its account part in the scripts', () => {
  const observations = healthy({
    session: sessionLogonRefused(0xc0000072, undefined, 'alice@example.test'),
  });
  const [finding] = evaluateRules([rule], observations).findings;
  assert.equal(finding?.title, 'The account alice@example.test is disabled (STATUS_ACCOUNT_DISABLED)');
  assert.equal(finding?.fixes[1]?.script?.code, "Enable-ADAccount -Identity 'alice'");
});
