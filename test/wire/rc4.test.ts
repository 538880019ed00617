import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Rc4, rc4 } from '../../src/wire/rc4.js';
import { hex as fromHex, toHex } from '../helpers/bytes.js';

// RFC 6229 "Test Vectors for the Stream Cipher RC4", section 2: key stream bytes (the cipher
// text of zeros) at offsets 0, 16 and 4096 for keys 0x0102... of several lengths.
const rfc6229 = [
  {
    key: '0102030405',
    at0: 'b2396305f03dc027ccc3524a0a1118a8',
    at16: '6982944f18fc82d589c403a47a0d0919',
    at4096: 'ff25b58995996707e51fbdf08b34d875',
  },
  {
    key: '01020304050607',
    at0: '293f02d47f37c9b633f2af5285feb46b',
    at16: 'e620f1390d19bd84e2e0fd752031afc1',
    at4096: 'e74b0b9731227fd37c0ec08a47ddd8b8',
  },
  {
    key: '0102030405060708',
    at0: '97ab8a1bf0afb96132f2f67258da15a8',
    at16: '8263efdb45c4a18684ef87e6b19e5b09',
    at4096: '3fb46e2c8f0f068edce8cdcd7dfc5862',
  },
  {
    key: '0102030405060708090a0b0c0d0e0f10',
    at0: '9ac7cc9a609d1ef7b2932899cde41b97',
    at16: '5248c4959014126a6e8a84f11d1a9e1c',
    at4096: 'a36a4c301ae8ac13610ccbc12256cacc',
  },
  {
    key: '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20',
    at0: 'eaa6bd25880bf93d3f5d1e4ca2611d91',
    at16: 'cfa45c9f7e714b54bdfa80027cb14380',
    at4096: 'f3e4c0a2e02d1d01f7f0a74618af2b48',
  },
];

for (const vector of rfc6229) {
  test(`RC4 RFC 6229 key ${vector.key}`, () => {
    const stream = rc4(fromHex(vector.key), new Uint8Array(4112));
    assert.equal(toHex(stream.subarray(0, 16)), vector.at0);
    assert.equal(toHex(stream.subarray(16, 32)), vector.at16);
    assert.equal(toHex(stream.subarray(4096, 4112)), vector.at4096);
  });
}

test('RC4 "Key"/"Plaintext" classic vector', () => {
  const out = rc4(Buffer.from('Key'), Buffer.from('Plaintext'));
  assert.equal(toHex(out), 'bbf316e8d940af0ad3');
});

test('RC4 continues the key stream across process calls', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 32 }),
      fc.uint8Array({ maxLength: 200 }),
      fc.nat(),
      (key, data, cut) => {
        const split = data.length === 0 ? 0 : cut % data.length;
        const cipher = new Rc4(key);
        const joined = [...cipher.process(data.subarray(0, split)), ...cipher.process(data.subarray(split))];
        assert.deepStrictEqual(Uint8Array.from(joined), rc4(key, data));
        assert.deepStrictEqual(rc4(key, rc4(key, data)), data);
      },
    ),
  );
});

test('RC4 refuses an empty or oversized key', () => {
  assert.throws(() => new Rc4(new Uint8Array(0)), RangeError);
  assert.throws(() => new Rc4(new Uint8Array(257)), RangeError);
});
