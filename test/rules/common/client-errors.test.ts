import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DISCONNECT_REASONS } from '../../../src/data/disconnect-reasons.js';
import * as clientErrors from '../../../src/rules/common/client-errors.js';
import type { ClientError } from '../../../src/rules/types.js';

const mstscErrors = Object.entries(clientErrors).filter(
  (entry): entry is [string, ClientError] =>
    typeof entry[1] === 'object' && !Array.isArray(entry[1]) && (entry[1] as ClientError).client === 'mstsc',
);

describe('client errors the rules cite', () => {
  it('gives each mstsc code Microsoft’s wording from the table, where the table has it', () => {
    let withMessage = 0;
    for (const [name, error] of mstscErrors) {
      const entry = DISCONNECT_REASONS.find((each) => each.value === Number(error.code));
      if (entry?.description === undefined) {
        assert.equal(error.message, undefined, name);
        continue;
      }
      withMessage++;
      assert.ok(error.message?.startsWith(entry.description), `${name}: ${error.message}`);
    }
    assert.ok(withMessage >= 6, 'the codes the rules cite most have their wording');
  });

  it('adds the extended reason’s wording after the code’s', () => {
    assert.equal(
      clientErrors.MSTSC_SOCKET_CLOSED_DENIED.message,
      'Socket closed. The server denied the connection.',
    );
    assert.equal(clientErrors.MSTSC_SOCKET_CLOSED.message, 'Socket closed.');
    assert.equal(clientErrors.MSTSC_CERT_WARNING.message, undefined);
  });

  it('predicts FreeRDP errors from the observations, with a code for each one seen', () => {
    assert.deepEqual(
      clientErrors.FREERDP_REFUSED.map((error) => error.code),
      ['ERRCONNECT_CONNECT_TRANSPORT_FAILED'],
    );
    assert.deepEqual(
      clientErrors.FREERDP_LISTENER_RESET.map((error) => error.code),
      ['ERRCONNECT_CONNECT_FAILED', 'ERRCONNECT_CONNECT_TRANSPORT_FAILED'],
    );
    assert.match(clientErrors.FREERDP_LISTENER_RESET[0]!.note ?? '', /depending on whether the reset/);
    assert.deepEqual(
      clientErrors.FREERDP_LISTENER_SILENT.map((error) => error.code),
      ['no error (keeps waiting)'],
    );
  });
});
