import assert from 'node:assert/strict';
import { it } from 'node:test';
import { rule, suggestedTimeoutMs } from '../../../src/rules/diagnose/answers-too-slowly.js';
import { healthy, negotiation, probe, skipped, tls } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

/** A Connection Confirm dripping at 20 bytes/s: 3 of its 19 bytes in the 150 ms before the timeout. */
const slowModern = {
  ...probe('modern', { outcome: 'malformed', answerPreview: '030000' }),
  endedBy: 'timeout' as const,
  ms: 150,
  stall: { bytesReceived: 3, firstByteMs: 50, lastByteMs: 150, validSoFar: true, expectedBytes: 19 },
};
const garbageCutOff = {
  ...probe('modern', { outcome: 'not-rdp', answerPreview: 'ffff' }),
  endedBy: 'timeout' as const,
  stall: { bytesReceived: 2, lastByteMs: 10, validSoFar: false },
};

ruleTester(rule, {
  valid: [
    { name: 'the server answers in time', observations: healthy() },
    {
      name: 'bytes that are not RDP are not slow, they are foreign (not-rdp)',
      observations: healthy({ negotiation: negotiation(garbageCutOff) }),
    },
    {
      name: 'silence is not slowness (listener-silent)',
      observations: healthy({
        negotiation: negotiation({
          ...probe('modern', { outcome: 'timeout' }),
          stall: { bytesReceived: 0, validSoFar: false },
        }),
      }),
    },
  ],
  invalid: [
    {
      name: 'a valid Connection Confirm arriving too slowly',
      observations: healthy({ negotiation: negotiation(slowModern) }),
      findings: [
        {
          severity: 'error',
          title: /too slowly: 3 of 19 bytes in 150 ms/,
          evidence: [
            { label: 'bytes received before the timeout', value: 3, source: 'negotiation' },
            { label: 'the bytes so far', value: /well-formed/ },
            { label: 'rate', value: '20 bytes/s' },
            { label: 'a timeout that would let it finish', value: '--timeout 2000' },
          ],
        },
      ],
    },
    {
      name: 'a TLS server flight arriving too slowly',
      observations: healthy({
        tls: tls(
          {
            outcome: 'timeout',
            chainDer: [],
            serverBytesBeforeClose: 80,
            stall: {
              bytesReceived: 80,
              firstByteMs: 30,
              lastByteMs: 4000,
              validSoFar: true,
              expectedBytes: 1200,
            },
            ms: 4000,
          },
          'failed',
        ),
      }),
      findings: [{ title: /answers the TLS ClientHello, but too slowly: 80 of 1200 bytes/ }],
    },
  ],
  notEvaluated: [
    { name: 'no negotiation', observations: healthy({ negotiation: skipped('negotiation', 'TCP failed') }) },
  ],
});

it('suggests no timeout when the answer announced no length', () => {
  assert.equal(
    suggestedTimeoutMs({
      stage: 'tls',
      awaiting: 'x',
      bytesReceived: 5,
      ms: 100,
      stall: { bytesReceived: 5, lastByteMs: 100, validSoFar: true },
    }),
    undefined,
  );
});
