import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Attempt, ProbeObservations } from '../../../src/probe/types.js';
import { DIAGNOSE_RULES } from '../../../src/rules/diagnose/index.js';
import { rule } from '../../../src/rules/diagnose/stage-failed.js';
import { evaluateRules } from '../../../src/rules/engine.js';
import {
  certificate,
  failed,
  healthy,
  negotiation,
  probe,
  rdpSecurity,
  session,
  sessionErrorInfo,
  skipped,
  tls,
} from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const standardRdpOnly = negotiation(probe('modern', { failure: 2 }), probe('rdp', { selected: 0 }));
const mcsClosed: Attempt<never> = {
  ...(rdpSecurity({ outcome: 'closed' }) as Attempt<never>),
  status: 'failed',
  reason: 'closed',
  summary: 'no usable MCS Connect-Response (closed)',
};

ruleTester(rule, {
  valid: [
    { name: 'every step completed', observations: healthy() },
    {
      name: 'a failure off the client path (Standard RDP Security on a TLS server)',
      observations: healthy({ rdpSecurity: mcsClosed }),
    },
    {
      name: 'our own bug is not a statement about the server',
      observations: healthy({ tls: { ...failed('tls', 'internal-bug'), summary: 'internal' } }),
    },
  ],
  invalid: [
    {
      name: 'Standard RDP Security only, closed after the MCS Connect Initial',
      observations: healthy({
        negotiation: standardRdpOnly,
        tls: skipped('tls', 'the server selected no TLS-based protocol'),
        certificate: skipped('certificate', 'no TLS handshake'),
        credssp: skipped('credssp', 'no TLS'),
        tlsPosture: skipped('tls', 'the server selected no TLS-based protocol'),
        rdpSecurity: mcsClosed,
      }),
      findings: [
        {
          severity: 'error',
          title: 'The Standard RDP Security exchange (MCS Connect Initial) was closed by the server',
          evidence: [
            { label: 'step', value: 'rdp-security', source: 'rdp-security' },
            { label: 'how it ended', value: 'closed' },
          ],
        },
      ],
    },
    {
      name: 'a certificate that cannot be read',
      observations: healthy({
        certificate: { ...failed('certificate', 'protocol-error'), summary: 'could not be parsed' },
      }),
      findings: [{ title: "Reading the server's certificate got an answer that does not fit the protocol" }],
    },
    {
      name: 'the connection sequence closed after the Client Info PDU, with no error info',
      observations: healthy({
        session: session({ outcome: 'closed', phase: 'client-info', demandActive: undefined }),
      }),
      findings: [
        {
          title: 'The connection sequence after the security layer was closed by the server',
          evidence: [{ label: 'step', value: 'session', source: 'session' }],
        },
      ],
    },
    {
      name: 'an MCS Disconnect Provider Ultimatum: answered, still no logon screen',
      observations: healthy({
        session: session({
          outcome: 'disconnect-ultimatum',
          phase: 'attach-user',
          ultimatum: { reason: 3, name: 'rn-user-requested', phase: 'attach-user' },
          demandActive: undefined,
        }),
      }),
      findings: [{ title: 'The server ended the connection sequence before the logon screen' }],
    },
  ],
  notEvaluated: [
    {
      name: 'a probe that recorded no step',
      observations: { ...healthy(), dns: undefined, tcp: undefined } as ProbeObservations,
    },
  ],
});

/** Every failure a step on the path can have, over many servers: the verdict is never "healthy". */
describe('stage-failed: no failed step on the client path ends without an error', () => {
  const reasons = [
    'timeout',
    'refused',
    'reset',
    'closed',
    'unreachable',
    'protocol-error',
    'tls-alert',
  ] as const;
  const cases: { name: string; observations: ProbeObservations }[] = [];
  for (const reason of reasons) {
    cases.push({
      name: `tls ${reason}`,
      observations: healthy({ tls: { ...tls({ outcome: 'error', chainDer: [] }, 'failed'), reason } }),
    });
    cases.push({
      name: `certificate ${reason}`,
      observations: healthy({ certificate: { ...certificate(), status: 'failed', reason } }),
    });
    cases.push({
      name: `credssp ${reason}`,
      observations: healthy({ credssp: { ...failed('credssp', reason) } }),
    });
    cases.push({
      name: `rdp-security ${reason} on a Standard-RDP-only server`,
      observations: healthy({ negotiation: standardRdpOnly, rdpSecurity: { ...mcsClosed, reason } }),
    });
  }
  for (const outcome of ['closed', 'reset', 'timeout', 'malformed', 'mcs-refused'] as const) {
    cases.push({
      name: `session ${outcome}`,
      observations: healthy({ session: session({ outcome, demandActive: undefined }) }),
    });
  }
  for (const outcome of ['closed', 'reset', 'timeout', 'not-rdp', 'malformed'] as const) {
    cases.push({
      name: `modern request ${outcome}`,
      observations: healthy({ negotiation: negotiation(probe('modern', { outcome })) }),
    });
  }
  for (const testCase of cases) {
    it(testCase.name, () => {
      const { findings } = evaluateRules(DIAGNOSE_RULES, testCase.observations);
      assert.ok(
        findings.some((finding) => finding.severity === 'error'),
        JSON.stringify(findings.map((finding) => [finding.id, finding.severity])),
      );
    });
  }

  it('stays quiet when a session rule names the denial', () => {
    const observations = healthy({ session: sessionErrorInfo(0x7, 'ERRINFO_SERVER_DENIED_CONNECTION') });
    const ids = evaluateRules(DIAGNOSE_RULES, observations).findings.map((finding) => finding.id);
    assert.deepEqual(ids, ['server-denied-connection', 'nla-required']);
  });

  it('stays quiet when a specific rule explains the failed step', () => {
    const observations = healthy({
      tls: tls({ outcome: 'aborted', serverBytesBeforeClose: 0, chainDer: [] }, 'failed'),
      tlsPosture: undefined,
    });
    const ids = evaluateRules(DIAGNOSE_RULES, observations).findings.map((finding) => finding.id);
    assert.ok(ids.includes('tls-handshake-aborted'), ids.join());
    assert.ok(!ids.includes('stage-failed'), ids.join());
  });
});
