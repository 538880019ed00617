import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeObservations } from '../../src/probe/types.js';
import { reachedOf } from '../../src/report/diagnose-json.js';
import { verdictFor } from '../../src/report/verdict.js';
import type { Finding } from '../../src/rules/types.js';

function finding(patch: Partial<Finding>): Finding {
  return {
    id: 'x',
    severity: 'error',
    title: 'The server only speaks TLS 1.0',
    explanation: '',
    evidence: [],
    clientErrors: [],
    fixes: [],
    ...patch,
  };
}

describe('verdict', () => {
  it('names the client error of the most severe finding and reads as one sentence', () => {
    const verdict = verdictFor([
      finding({ clientErrors: [{ client: 'mstsc', code: '0x904', extended: '0x7' }] }),
    ]);
    assert.equal(verdict, 'Connections fail with 0x904/0x7: the server only speaks TLS 1.0.');
  });
  it('keeps the capitals of names', () => {
    const verdict = verdictFor([finding({ severity: 'warning', title: 'Windows 7 SP1 clients fail' })]);
    assert.equal(
      verdict,
      'Connections should work, but 1 warning needs attention: Windows 7 SP1 clients fail.',
    );
  });
  it('counts further errors and says when nothing is wrong', () => {
    assert.match(verdictFor([finding({}), finding({ id: 'y' })]), /\(and 1 more problem\)\.$/);
    assert.equal(
      verdictFor([finding({ severity: 'info' })]),
      'No problems found: a default client should connect.',
    );
  });

  it('names the step that broke', () => {
    const verdict = verdictFor([
      finding({
        title: 'The server selected TLS, then did not speak TLS',
        evidence: [{ label: 'answer', value: 'TPKT', source: 'tls' }],
        clientErrors: [{ client: 'mstsc', code: '0x904', extended: '0x7' }],
      }),
    ]);
    assert.equal(
      verdict,
      'Connections fail at the TLS step with 0x904/0x7: the server selected TLS, then did not speak TLS.',
    );
  });
  it('a client group says who fails and that the others connect', () => {
    const verdict = verdictFor(
      [
        finding({
          id: 'client-incompatible',
          title: 'Windows 11 24H2 clients fail with 0x904/0x7: the server only speaks TLS 1.0',
        }),
      ],
      { compatibleClients: 15 },
    );
    assert.equal(
      verdict,
      'Windows 11 24H2 clients fail with 0x904/0x7: the server only speaks TLS 1.0; the other 15 simulated client profiles connect.',
    );
  });
  it('never says "should work" on an incomplete scan', () => {
    const gaps = [
      { kind: 'tls-enumeration-incomplete' as const, text: 'the TLS enumeration stopped part-way' },
    ];
    for (const findings of [[], [finding({ severity: 'warning' })]]) {
      const verdict = verdictFor(findings, { gaps });
      assert.doesNotMatch(verdict, /should work|No problems/);
      assert.match(verdict, /incomplete \(the TLS enumeration stopped part-way\)/);
    }
  });
  it('gives no verdict when rdp-doctor itself failed on the client path', () => {
    const verdict = verdictFor([], {
      gaps: [
        { kind: 'internal-error', text: 'rdp-doctor failed inside its own tls step', onClientPath: true },
      ],
    });
    assert.equal(verdict, 'No verdict: rdp-doctor failed inside its own tls step.');
  });
  it('a quick diagnosis says what it did not check', () => {
    const verdict = verdictFor([], { gaps: [{ kind: 'quick', text: 'quick' }] });
    assert.match(verdict, /quick diagnosis checks.*client compatibility not checked/);
  });
  it('a connection broker: the healthy verdict names the host it redirects to', () => {
    const observations: ProbeObservations = {
      target: { host: '127.0.0.1', port: 3389, expectedName: 'broker.lab.test' },
      startedAt: '2026-01-01T00:00:00.000Z',
      session: {
        stage: 'session',
        status: 'ok',
        ms: 5,
        summary: 'the server redirects to rdsh1.lab.test (connection broker)',
        observation: {
          underProtocol: 'SSL',
          credentialsSent: false,
          outcome: 'redirected',
          phase: 'capabilities',
          phasesCompleted: ['licensing'],
          redirection: { sessionId: 0, targets: ['rdsh1.lab.test', '10.0.0.7'] },
          ms: 5,
        },
      },
    };
    assert.equal(
      verdictFor([], reachedOf(observations)),
      'No problems found: a default client should connect. The server is a connection broker: it redirects clients to rdsh1.lab.test (diagnose that host too).',
    );
  });
});
