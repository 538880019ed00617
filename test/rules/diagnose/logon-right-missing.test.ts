import assert from 'node:assert/strict';
import { it } from 'node:test';
import { rule } from '../../../src/rules/diagnose/logon-right-missing.js';
import { evaluateRules } from '../../../src/rules/engine.js';
import { healthy, sessionLogonRefused } from '../../helpers/observations.js';
import { logonRuleTester } from '../../helpers/logon-rule-tester.js';

logonRuleTester(rule, {
  code: 0xc000015b,
  name: 'STATUS_LOGON_TYPE_NOT_GRANTED',
  title:
    'The account EXAMPLE\\alice lacks the logon right for Remote Desktop (STATUS_LOGON_TYPE_NOT_GRANTED)',
  fixesNameTheAccount: false,
});

it('logon-right-missing: the fixes read the rights first, then grant the Remote Desktop one', () => {
  const [finding] = evaluateRules([rule], healthy({ session: sessionLogonRefused(0xc000015b) })).findings;
  assert.ok(finding);
  assert.match(finding.fixes[0]?.script?.code ?? '', /SeDenyNetworkLogonRight/);
  assert.match(finding.fixes[1]?.script?.code ?? '', /SeRemoteInteractiveLogonRight = \$value/);
});
