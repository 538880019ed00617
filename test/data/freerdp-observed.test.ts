import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FREERDP_CONNECT_ERRORS } from '../../src/data/freerdp-errors.js';
import { FREERDP_OBSERVATIONS } from '../../src/data/freerdp-observed.js';

describe('FreeRDP observations', () => {
  it('names only errors FreeRDP defines, each situation once', () => {
    const known = new Set(FREERDP_CONNECT_ERRORS.map((entry) => entry.name));
    for (const row of FREERDP_OBSERVATIONS) {
      for (const error of row.errors) assert.ok(known.has(error), `${row.situation}: ${error}`);
    }
    const situations = FREERDP_OBSERVATIONS.map((row) => row.situation);
    assert.equal(new Set(situations).size, situations.length);
  });

  it('says what decides the error exactly where more than one was seen', () => {
    for (const row of FREERDP_OBSERVATIONS) {
      assert.equal(row.errors.length > 1, row.variesWith !== undefined, row.situation);
      assert.equal(new Set(row.errors).size, row.errors.length, row.situation);
      assert.ok(row.printed.trim() && row.setup.trim(), row.situation);
    }
  });
});
