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

describe('client errors after the security layer', () => {
  it('mstsc: a denial is the socket close with extended 0x7; other error infos pass through as the extended code', () => {
    assert.equal(clientErrors.mstscAfterErrorInfo(0x7), clientErrors.MSTSC_SOCKET_CLOSED_DENIED);
    const privileges = clientErrors.mstscAfterErrorInfo(0x9);
    assert.equal(privileges.code, '0x3');
    assert.equal(privileges.extended, '0x9');
  });

  it("FreeRDP: the server's error info in FreeRDP's own spelling and class, or its value when unnamed", () => {
    const takenOver = clientErrors.freerdpAfterErrorInfo(0x5);
    assert.equal(takenOver.code, 'ERRINFO_DISCONNECTED_BY_OTHER_CONNECTION');
    assert.match(takenOver.note ?? '', /\[0x00010005\]/);
    assert.equal(clientErrors.freerdpAfterErrorInfo(0x2222).code, '[0x00012222]');
  });

  it('FreeRDP connect errors must be ones error.h defines', () => {
    assert.equal(
      clientErrors.freerdpConnectError('ERRCONNECT_ACCOUNT_LOCKED_OUT').code,
      'ERRCONNECT_ACCOUNT_LOCKED_OUT',
    );
    assert.throws(
      () => clientErrors.freerdpConnectError('ERRCONNECT_NO_SUCH_THING'),
      /no FreeRDP connect error/,
    );
  });
});
