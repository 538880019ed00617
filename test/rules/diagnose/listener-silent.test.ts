import { rule } from '../../../src/rules/diagnose/listener-silent.js';
import {
  healthy,
  negotiation,
  probe,
  rdpSecurity,
  session,
  skipped,
  tls,
} from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const silentModern = {
  ...probe('modern', { outcome: 'timeout' }),
  stall: { bytesReceived: 0, validSoFar: false },
};
const slowModern = {
  ...probe('modern', { outcome: 'malformed', answerPreview: '030000' }),
  endedBy: 'timeout' as const,
  stall: { bytesReceived: 3, firstByteMs: 50, lastByteMs: 150, validSoFar: true, expectedBytes: 19 },
};

ruleTester(rule, {
  valid: [
    { name: 'the server answers', observations: healthy() },
    {
      name: 'a slow answer is not silence (answers-too-slowly)',
      observations: healthy({ negotiation: negotiation(slowModern) }),
    },
    {
      name: 'only the legacy request goes unanswered',
      observations: healthy({ negotiation: negotiation(probe('rdp', { outcome: 'timeout' })) }),
    },
    {
      name: 'Standard RDP Security timing out is not on the path of a TLS server',
      observations: healthy({
        rdpSecurity: { ...rdpSecurity({ outcome: 'timeout' }), status: 'failed', reason: 'timeout' },
      }),
    },
  ],
  invalid: [
    {
      name: 'the current client request gets not a byte',
      observations: healthy({ negotiation: negotiation(silentModern) }),
      findings: [
        {
          severity: 'error',
          title: 'The server accepts TCP connections, then never answers',
          evidence: [
            {
              label: 'waiting for an answer to',
              value: 'the X.224 Connection Request',
              source: 'negotiation',
            },
            { label: 'bytes received', value: 0 },
          ],
        },
      ],
    },
    {
      name: 'TLS selected, then silence to the ClientHello',
      observations: healthy({
        tls: tls({ outcome: 'timeout', serverBytesBeforeClose: 0, chainDer: [] }, 'failed'),
      }),
      findings: [{ title: 'The server selected TLS, then never answered the ClientHello' }],
    },
    {
      name: 'Standard RDP Security only, then silence to the MCS Connect Initial',
      observations: healthy({
        negotiation: negotiation(probe('modern', { failure: 2 }), probe('rdp', { selected: 0 })),
        rdpSecurity: { ...rdpSecurity({ outcome: 'timeout' }), status: 'failed', reason: 'timeout' },
      }),
      findings: [{ title: /Standard RDP Security, then never answered the MCS Connect Initial/ }],
    },
    {
      name: 'the connection sequence stalls after licensing: not a byte of Demand Active',
      observations: healthy({
        session: session({
          outcome: 'timeout',
          phase: 'capabilities',
          demandActive: undefined,
          stall: { bytesReceived: 0, validSoFar: false },
          ms: 4000,
        }),
      }),
      findings: [
        {
          title: 'The server stopped answering part-way through the connection sequence',
          evidence: [
            {
              label: 'waiting for an answer to',
              value: 'the next PDU of the connection sequence (the Demand Active PDU)',
              source: 'session',
            },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    { name: 'no negotiation', observations: healthy({ negotiation: skipped('negotiation', 'TCP failed') }) },
  ],
});
