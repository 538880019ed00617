import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
});
