import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ChoicePrediction,
  predictAnswer,
  type ServerChoiceFacts,
  type VersionChoiceFacts,
  verifyChoiceFacts,
} from '../../src/probe/stages/tls-choice.js';
import type { HelloAnswer } from '../../src/probe/stages/tls-posture.js';
import type { ClientHelloOptions } from '../../src/wire/tls-client-hello.js';

// Code points written out: suites (IANA tls-parameters-4), groups (tls-parameters-8).
const ECDHE_RSA_AES128_GCM = 0xc02f;
const ECDHE_RSA_AES256_GCM = 0xc030;
const RSA_AES128_GCM = 0x009c;
const RSA_AES128_CBC = 0x002f;
const AES128_GCM_SHA256 = 0x1301;
const AES256_GCM_SHA384 = 0x1302;
const X25519 = 29;
const SECP256R1 = 23;
const SECP384R1 = 24;

const PROTOCOL_VERSION: HelloAnswer = {
  outcome: 'alert',
  alert: { code: 70, name: 'protocol_version' },
  detail: 'alert 70 protocol_version',
};
const HANDSHAKE_FAILURE: HelloAnswer = {
  outcome: 'alert',
  alert: { code: 40, name: 'handshake_failure' },
  detail: 'alert 40 handshake_failure',
};

function refused(code: number, answer: HelloAnswer = PROTOCOL_VERSION): VersionChoiceFacts {
  return {
    code,
    accepted: false,
    fullOfferAnswer: answer,
    suites: [],
    noCommonSuite: answer,
    curves: [],
    keyExchangeInHelloRecord: false,
  };
}

/** A TLS 1.2 + 1.3 server (xrdp's shape) that follows the client's order unless told otherwise. */
function facts(order: 'server' | 'client' | 'unknown' = 'client', curves = [SECP256R1]): ServerChoiceFacts {
  const preference = order === 'unknown' ? undefined : order;
  const tls12: VersionChoiceFacts = {
    code: 0x0303,
    accepted: true,
    fullOfferAnswer: {
      outcome: 'server-hello',
      versionCode: 0x0303,
      cipherCode: ECDHE_RSA_AES128_GCM,
      detail: '',
    },
    suites: [ECDHE_RSA_AES128_GCM, ECDHE_RSA_AES256_GCM, RSA_AES128_GCM],
    ...(preference ? { preference } : {}),
    noCommonSuite: HANDSHAKE_FAILURE,
    curves,
    keyExchangeInHelloRecord: false,
  };
  const tls13: VersionChoiceFacts = {
    code: 0x0304,
    accepted: true,
    fullOfferAnswer: {
      outcome: 'server-hello',
      versionCode: 0x0304,
      cipherCode: AES128_GCM_SHA256,
      detail: '',
    },
    suites: [AES128_GCM_SHA256, AES256_GCM_SHA384],
    ...(preference ? { preference } : {}),
    noCommonSuite: HANDSHAKE_FAILURE,
    curves: [],
    keyExchangeInHelloRecord: false,
  };
  return {
    versions: [refused(0x0300, HANDSHAKE_FAILURE), refused(0x0301), refused(0x0302), tls12, tls13],
    tls13Groups: [X25519, SECP256R1],
    established: true,
  };
}

const WINDOWS_10_SIGNATURES = [0x0804, 0x0401, 0x0403, 0x0503];

function hello(overrides: Partial<ClientHelloOptions>): ClientHelloOptions {
  return {
    versions: [0x0303],
    cipherSuites: [ECDHE_RSA_AES256_GCM, ECDHE_RSA_AES128_GCM, RSA_AES128_CBC],
    groups: [X25519, SECP256R1, SECP384R1],
    signatureAlgorithms: WINDOWS_10_SIGNATURES,
    ...overrides,
  };
}

function detailOf(prediction: ChoicePrediction): string {
  return prediction.kind === 'computed' ? prediction.answer.detail : `not established: ${prediction.reason}`;
}

describe('predictAnswer: the server choice rule applied to a hello', () => {
  const cases: readonly {
    name: string;
    facts: ServerChoiceFacts;
    hello: ClientHelloOptions;
    expected: string | RegExp;
  }[] = [
    {
      name: "TLS 1.2 hello, client's order: the hello's first common suite",
      facts: facts('client'),
      hello: hello({}),
      expected: 'ServerHello TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    },
    {
      name: "TLS 1.2 hello, server's order: the server's first common suite",
      facts: facts('server'),
      hello: hello({}),
      expected: 'ServerHello TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    },
    {
      name: 'TLS 1.2 + 1.3 hello: TLS 1.3, with the x25519 key share',
      facts: facts('client'),
      hello: hello({
        versions: [0x0303, 0x0304],
        cipherSuites: [AES256_GCM_SHA384, AES128_GCM_SHA256, ECDHE_RSA_AES128_GCM],
      }),
      expected: 'ServerHello TLS 1.3 TLS_AES_256_GCM_SHA384 x25519',
    },
    {
      name: 'TLS 1.0 hello to a TLS 1.2+ server: the refusal its TLS 1.0 hello got',
      facts: facts(),
      hello: hello({ versions: [0x0300, 0x0301] }),
      expected: 'alert 70 protocol_version',
    },
    {
      name: 'no suite in common: the refusal the peel ended on',
      facts: facts(),
      hello: hello({ cipherSuites: [RSA_AES128_CBC] }),
      expected: 'alert 40 handshake_failure',
    },
    {
      name: 'two common suites and no known preference: not established',
      facts: facts('unknown'),
      hello: hello({}),
      expected: /preference is unclear/,
    },
    {
      name: 'one common suite needs no preference',
      facts: facts('unknown'),
      hello: hello({ cipherSuites: [RSA_AES128_GCM] }),
      expected: 'ServerHello TLS 1.2 TLS_RSA_WITH_AES_128_GCM_SHA256',
    },
    {
      name: 'a suite code the enumeration never offered: not established',
      facts: facts(),
      hello: hello({ cipherSuites: [0xfefe, ECDHE_RSA_AES128_GCM] }),
      expected: /did not offer/,
    },
    {
      name: 'ECDHE without a curve the server was seen to use: not established',
      facts: facts('client', [SECP384R1]),
      hello: hello({ groups: [X25519] }),
      expected: /curve/,
    },
    {
      name: 'TLS 1.2 signature schemes without RSA, for RSA-signed suites: not established',
      facts: facts(),
      hello: hello({ signatureAlgorithms: [0x0403] }),
      expected: /signature schemes/,
    },
    {
      name: 'TLS 1.3 key share for a group the server lacks: not established (HelloRetryRequest)',
      facts: { ...facts(), tls13Groups: [SECP256R1] },
      hello: hello({ versions: [0x0304], cipherSuites: [AES128_GCM_SHA256] }),
      expected: /HelloRetryRequest/,
    },
    {
      name: 'a budget-spent enumeration computes nothing',
      facts: { ...facts(), established: false, notEstablishedBecause: 'the enumeration ran out of time' },
      hello: hello({}),
      expected: /ran out of time/,
    },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      const detail = detailOf(predictAnswer(testCase.facts, testCase.hello));
      if (typeof testCase.expected === 'string') assert.equal(detail, testCase.expected);
      else assert.match(detail, testCase.expected);
    });
  }
});

describe('verifyChoiceFacts', () => {
  it('keeps facts every enumeration answer agrees with', () => {
    const asked = [
      {
        hello: hello({}),
        answer: {
          outcome: 'server-hello' as const,
          versionCode: 0x0303,
          cipherCode: ECDHE_RSA_AES256_GCM,
          detail: 'ServerHello TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
        },
      },
    ];
    assert.equal(verifyChoiceFacts(facts('client'), asked).established, true);
  });

  it('marks the rule not established when the server answered otherwise', () => {
    const asked = [
      {
        hello: hello({}),
        answer: {
          outcome: 'server-hello' as const,
          versionCode: 0x0303,
          cipherCode: RSA_AES128_GCM,
          detail: 'ServerHello TLS 1.2 TLS_RSA_WITH_AES_128_GCM_SHA256',
        },
      },
    ];
    const verified = verifyChoiceFacts(facts('client'), asked);
    assert.equal(verified.established, false);
    assert.match(
      verified.notEstablishedBecause!,
      /answered ServerHello TLS 1\.2 TLS_RSA_WITH_AES_128_GCM_SHA256/,
    );
    assert.equal(predictAnswer(verified, hello({})).kind, 'not-established');
  });
});
