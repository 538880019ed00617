import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editDistance, nearestCodes, nearestNames } from '../../src/explain/suggest.js';

describe('editDistance', () => {
  const cases: Array<[string, string, number]> = [
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['FAILD', 'FAILED', 1],
    ['same', 'same', 0],
  ];
  for (const [a, b, distance] of cases) {
    it(`'${a}' -> '${b}' is ${distance}`, () => {
      assert.equal(editDistance(a, b), distance);
      assert.equal(editDistance(b, a), distance);
    });
  }
});

describe('nearestNames', () => {
  it('finds a misspelt name first, in any case', () => {
    assert.equal(nearestNames('errconnect_tls_connect_faild')[0], 'ERRCONNECT_TLS_CONNECT_FAILED');
  });

  it('finds a name given without its family prefix', () => {
    assert.deepEqual(nearestNames('LOGON_DENIED'), ['SEC_E_LOGON_DENIED']);
    assert.equal(nearestNames('TLS_CONNECT_FAILED')[0], 'ERRCONNECT_TLS_CONNECT_FAILED');
  });

  it('suggests nothing for a word far from every name', () => {
    assert.deepEqual(nearestNames('banana'), []);
  });

  it('keeps to the tables it is given', () => {
    assert.deepEqual(nearestNames('LOGON_DENIED', ['error-info']), []);
  });

  it('gives at most three names', () => {
    assert.ok(nearestNames('ERRINFO_').length <= 3);
  });
});

describe('nearestCodes', () => {
  it('orders by distance within the family (the high 16 bits)', () => {
    const near = nearestCodes(0xc0000065, ['ntstatus']);
    assert.equal(near[0]?.hex, '0xC0000064');
    assert.ok(near.every((code) => code.value >>> 16 === 0xc000));
  });

  it('finds nothing when no code shares the family', () => {
    assert.deepEqual(nearestCodes(0xdeadbeef, ['ntstatus', 'sspi-status', 'disconnect-reason']), []);
  });
});
