import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freerdpObservation } from '../../../src/data/freerdp-observed.js';
import { rule } from '../../../src/rules/diagnose/listener-closed-early.js';
import { evaluateRules } from '../../../src/rules/engine.js';
import {
  healthy,
  negotiation,
  negotiationOnly,
  probe,
  skipped,
  tcp,
  tcpFailure,
} from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'the server answers', observations: healthy() },
    {
      name: 'a listener that stays silent is not one that closes (listener-silent)',
      observations: healthy({ negotiation: negotiation(probe('modern', { outcome: 'timeout' })) }),
    },
    {
      name: 'only a legacy request is dropped',
      observations: healthy({ negotiation: negotiation(probe('rdp', { outcome: 'closed' })) }),
    },
  ],
  invalid: [
    {
      name: 'every address accepts the TCP handshake, then resets (ECONNRESET while connecting)',
      observations: healthy({
        tcp: tcp([tcpFailure('192.0.2.10', 'reset', 'ECONNRESET')]),
        negotiation: skipped('negotiation', 'TCP port 3389 is not reachable'),
      }),
      findings: [
        { severity: 'error', evidence: [{ label: /192\.0\.2\.10:3389/, value: /reset/, source: 'tcp' }] },
      ],
    },
    {
      name: "the current client's request is closed",
      observations: healthy({ negotiation: negotiation(probe('modern', { outcome: 'closed' })) }),
      findings: [
        {
          severity: 'error',
          evidence: [{ label: /'modern' request/, value: 'closed', source: 'negotiation' }],
        },
      ],
    },
    {
      name: 'every request closed or reset when there is no modern one',
      observations: healthy({
        negotiation: negotiationOnly(probe('ssl', { outcome: 'closed' }), probe('rdp', { outcome: 'reset' })),
      }),
      findings: [
        {
          evidence: [
            { label: /'ssl'/, value: 'closed' },
            { label: /'rdp'/, value: 'reset' },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    {
      name: 'tcp failed so negotiation was skipped',
      observations: healthy({ negotiation: skipped('negotiation', 'tcp failed') }),
    },
  ],
});

describe('what clients show', () => {
  const freerdpCodes = (observations: ReturnType<typeof healthy>) =>
    evaluateRules([rule], observations)
      .findings[0]?.clientErrors.filter((error) => error.client === 'freerdp')
      .map((error) => error.code);

  it('a close: what xfreerdp 2.11 printed for it (freerdp-observed.ts)', () => {
    const closed = healthy({ negotiation: negotiation(probe('modern', { outcome: 'closed' })) });
    assert.deepEqual(freerdpCodes(closed), freerdpObservation('listener-closes').errors);
  });

  it('a reset: either error xfreerdp 2.11 printed, timing decides', () => {
    const reset = healthy({ negotiation: negotiation(probe('modern', { outcome: 'reset' })) });
    const resetOnConnect = healthy({ tcp: tcp([tcpFailure('192.0.2.10', 'reset', 'ECONNRESET')]) });
    for (const observations of [reset, resetOnConnect]) {
      assert.deepEqual(freerdpCodes(observations), freerdpObservation('listener-resets').errors);
    }
  });
});
