import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpretServerFlight } from '../../src/probe/stages/tls-posture.js';
import { hex } from '../helpers/bytes.js';

/** A TLS 1.2 DHE flight written by hand: ServerHello, then a ServerKeyExchange with this prime. */
function dheFlight(primeFirstByte: string): Uint8Array {
  return hex(
    [
      '16 0303 00bc', // record: handshake, TLS 1.2, 188 bytes
      '02 000026', // ServerHello, 38 bytes
      '0303', // legacy_version TLS 1.2
      '22'.repeat(32), // random
      '00', // session_id: empty
      '0033', // TLS_DHE_RSA_WITH_AES_128_CBC_SHA
      '00', // compression: null
      '0c 00008e', // ServerKeyExchange, 142 bytes
      '0080', // dh_p length: 128 bytes
      primeFirstByte + 'ff'.repeat(127), // dh_p
      '0001 02', // dh_g = 2
      '0001 05', // dh_Ys
      '0401 0002 abcd', // signature (kept raw)
    ].join(''),
  );
}

describe('the posture reads the DH group of a DHE ServerKeyExchange', () => {
  it('a 128-byte prime with its top bit set is 1024 bits', () => {
    const answer = interpretServerFlight(dheFlight('ff'), 'settled');
    assert.equal(answer.cipherCode, 0x0033);
    assert.equal(answer.dhPrimeBits, 1024);
  });

  it('leading zero bits do not count', () => {
    assert.equal(interpretServerFlight(dheFlight('7f'), 'settled').dhPrimeBits, 1023);
  });
});
