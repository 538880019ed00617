import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cipherSuiteByCode } from '../../src/data/tls-cipher-suites.js';
import {
  orderedPeel,
  twoEndedPeel,
  acceptedIn,
  helloKey,
  interpretServerFlight,
  peel,
  postureHello,
  suitesForVersion,
} from '../../src/probe/stages/tls-posture.js';
import { clientHelloRecord, decodeClientHello } from '../../src/wire/tls-client-hello.js';
import { hex } from '../helpers/bytes.js';

// Server answers written by hand, one field per line.
const SERVER_HELLO_TLS12 = hex(
  [
    '16 0303 002a', // record: handshake, TLS 1.2, 42 bytes
    '02 000026', // ServerHello, 38 bytes
    '0303', // legacy_version TLS 1.2
    '11'.repeat(32), // random (no downgrade sentinel)
    '00', // session_id: empty
    'c02f', // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    '00', // compression: null
  ].join(''),
);
const ALERT_PROTOCOL_VERSION = hex('15 0301 0002 02 46'); // fatal protocol_version (70)
const SSL2_LOOKING = hex('8003 0100 02'); // high bit set: an SSL 2.0 record header

describe('interpretServerFlight', () => {
  it('reads the version and suite of a ServerHello', () => {
    const answer = interpretServerFlight(SERVER_HELLO_TLS12.subarray(0), 'settled');
    assert.deepEqual(answer, {
      outcome: 'server-hello',
      versionCode: 0x0303,
      cipherCode: 0xc02f,
      detail: 'ServerHello TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    });
    assert.ok(acceptedIn(answer, 0x0303, [0xc02f, 0xc030]));
    assert.ok(!acceptedIn(answer, 0x0304, [0xc02f]), 'another version than offered is not acceptance');
    assert.ok(!acceptedIn(answer, 0x0303, [0xc030]), 'a suite not offered is not acceptance');
  });

  it('reads an alert', () => {
    assert.deepEqual(interpretServerFlight(ALERT_PROTOCOL_VERSION, 'settled'), {
      outcome: 'alert',
      alert: { code: 70, name: 'protocol_version' },
      detail: 'alert 70 protocol_version',
    });
  });

  it('keeps closes, resets, timeouts and SSL 2.0 style answers as data', () => {
    assert.equal(interpretServerFlight(new Uint8Array(0), 'closed').detail, 'closed without a byte');
    assert.equal(interpretServerFlight(new Uint8Array(0), 'reset').outcome, 'reset');
    assert.equal(interpretServerFlight(SERVER_HELLO_TLS12.subarray(0, 9), 'timeout').outcome, 'timeout');
    assert.equal(interpretServerFlight(SSL2_LOOKING, 'malformed').outcome, 'malformed');
  });

  it('never throws on random or truncated bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('closed', 'reset', 'timeout', 'malformed', 'settled'),
        (bytes, ending) => {
          const answer = interpretServerFlight(bytes, ending as 'closed');
          assert.equal(typeof answer.detail, 'string');
        },
      ),
    );
    for (let cut = 0; cut <= SERVER_HELLO_TLS12.length; cut++)
      interpretServerFlight(SERVER_HELLO_TLS12.subarray(0, cut), 'closed');
  });
});

describe('hellos for the enumeration', () => {
  it('offers only suites valid for the version, signalling values never', () => {
    const tls10 = suitesForVersion(0x0301).map((code) => cipherSuiteByCode(code)!);
    assert.ok(tls10.every((suite) => !suite.tls13 && !suite.signaling && suite.mac !== 'AEAD'));
    assert.ok(
      tls10.some((suite) => suite.name === 'TLS_RSA_WITH_RC4_128_SHA'),
      'legacy suites are offered',
    );
    const tls13 = suitesForVersion(0x0304).map((code) => cipherSuiteByCode(code)!);
    assert.ok(tls13.length >= 5 && tls13.every((suite) => suite.tls13));
  });

  it('a TLS 1.3 probe offers only TLS 1.3 with an x25519 share, and none once x25519 is peeled off', () => {
    const withX25519 = decodeClientHello(
      clientHelloRecord(postureHello(0x0304, [0x1301], [29, 23])).subarray(9),
    );
    const types = withX25519.extensions!.map((extension) => extension.type);
    assert.ok(types.includes(43) && types.includes(51)); // supported_versions, key_share
    const keyShare = withX25519.extensions!.find((extension) => extension.type === 51)!;
    assert.equal((keyShare.data[2]! << 8) | keyShare.data[3]!, 29);
    const without = decodeClientHello(clientHelloRecord(postureHello(0x0304, [0x1301], [23])).subarray(9));
    const emptyShare = without.extensions!.find((extension) => extension.type === 51)!;
    assert.deepEqual([...emptyShare.data], [0, 0]);
  });

  it('an SSL 3.0 probe carries no extensions', () => {
    const hello = decodeClientHello(clientHelloRecord(postureHello(0x0300, [0x000a])).subarray(9));
    assert.equal(hello.legacyVersion, 0x0300);
    assert.equal(hello.extensions, undefined);
  });

  it('identical client hellos share a key, different ones do not', () => {
    const tls = { versions: [0x0303], cipherSuites: [0xc02f], groups: [29] };
    assert.equal(helloKey({ id: 'a', tls }), helloKey({ id: 'b', tls }));
    assert.notEqual(helloKey({ id: 'a', tls }), helloKey({ id: 'a', tls: { ...tls, groups: [23] } }));
  });
});

describe('peel', () => {
  it('returns a server-preference order in picks + 1 asks', async () => {
    const serverOrder = [5, 3, 9];
    let asks = 0;
    const picks = await peel([1, 3, 5, 7, 9], async (rest) => {
      asks++;
      return serverOrder.find((item) => rest.includes(item));
    });
    assert.deepEqual(picks, [5, 3, 9]);
    assert.equal(asks, 4);
  });

  it('stops when the server picks something not offered, and starts from a known first pick', async () => {
    assert.deepEqual(await peel([1, 2], async () => 42), []);
    let asks = 0;
    const picks = await peel(
      [1, 2, 3],
      async (rest) => {
        asks++;
        return rest.includes(2) ? 2 : undefined;
      },
      1,
    );
    assert.deepEqual(picks, [1, 2]);
    assert.equal(asks, 2);
  });
});

describe('orderedPeel', () => {
  /** A server that supports `supported` and picks by its own order or by the client's. */
  const server = (supported: readonly number[], preference: 'server' | 'client') => {
    const asks: number[][] = [];
    const ask = async (rest: readonly number[]) => {
      asks.push([...rest]);
      return preference === 'server'
        ? supported.find((item) => rest.includes(item))
        : rest.find((item) => supported.includes(item));
    };
    return { ask, asks };
  };
  const offer = Array.from({ length: 30 }, (_, index) => index + 1);

  it('a server with its own order: that order and the preference, in picks + 2 asks', async () => {
    const { ask, asks } = server([17, 3, 25, 8, 12], 'server');
    assert.deepEqual(await orderedPeel(offer, ask), { picks: [17, 3, 25, 8, 12], preference: 'server' });
    assert.equal(asks.length, 7);
    // The check offers the rest with the first pick last: the server keeps its first pick.
    assert.deepEqual(asks[1], [...offer.filter((item) => item !== 17), 17]);
  });

  it("a server following the client's order: the offer's order and the preference, in picks + 1 asks", async () => {
    const { ask, asks } = server([20, 5, 9], 'client');
    assert.deepEqual(await orderedPeel(offer, ask), { picks: [5, 9, 20], preference: 'client' });
    // The check is the peel's second ask: it already gives the second pick.
    assert.equal(asks.length, 4);
  });

  it('no preference with one pick; a check the server refuses leaves no preference', async () => {
    const single = server([4], 'server');
    assert.deepEqual(await orderedPeel(offer, single.ask), { picks: [4] });
    assert.equal(single.asks.length, 3);
    const refusesCheck = async (rest: readonly number[]) =>
      rest.length > 1 && rest.at(-1) === 7 ? undefined : [7, 9, 13].find((item) => rest.includes(item));
    assert.deepEqual(await orderedPeel(offer, refusesCheck), { picks: [7, 9, 13] });
  });
});

describe('twoEndedPeel', () => {
  it("takes a client-order server's items from both ends: picks + 1 asks when odd, + 2 when even", async () => {
    const offer = Array.from({ length: 40 }, (_, index) => index + 1);
    for (let count = 0; count <= 7; count++) {
      const supported = [3, 38, 11, 20, 7, 29, 15].slice(0, count);
      let asks = 0;
      let rounds = 0;
      let inFlight = 0;
      const picks = await twoEndedPeel(offer, async (rest) => {
        asks++;
        if (inFlight++ === 0) rounds++;
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return rest.find((item) => supported.includes(item));
      });
      assert.deepEqual(
        [...picks].sort((a, b) => a - b),
        [...supported].sort((a, b) => a - b),
        `${count} items`,
      );
      assert.equal(asks, count === 0 ? 2 : count + (count % 2 === 1 ? 1 : 2), `${count} items`);
      assert.ok(rounds <= Math.floor(count / 2) + 1, `${count} items: ${rounds} rounds`);
    }
  });

  it('goes on one by one when only one direction gets an answer', async () => {
    // Answers forwards only: not the client's order.
    const picks = await twoEndedPeel([1, 2, 3, 4], async (rest) =>
      rest[0]! < rest.at(-1)! ? rest.find((item) => item % 2 === 0) : undefined,
    );
    assert.deepEqual(picks, [2, 4]);
  });
});
