import { rule } from '../../../src/rules/diagnose/tls-not-served.js';
import { failed, healthy, negotiation, posture, probe, skipped, tls } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

/** xrdp with a key OpenSSL refuses: TLS selected, then a TPKT (03 00 ...) in answer to the ClientHello. */
const TPKT_PREVIEW = '0300000b06d00000123400';
const FELL_BACK = tls(
  {
    underProtocol: 'SSL',
    outcome: 'error',
    version: undefined,
    cipher: undefined,
    chainDer: [],
    serverBytesBeforeClose: 11,
    error: { code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'ssl3_get_record:wrong version number' },
  },
  'failed',
);
const NOTHING_ACCEPTED = (() => {
  const base = posture([], []);
  return {
    ...base,
    observation: {
      ...base.observation!,
      versions: base.observation!.versions.map((entry) => ({
        ...entry,
        outcome: 'malformed' as const,
        answerPreview: TPKT_PREVIEW,
      })),
    },
  };
})();

ruleTester(rule, {
  valid: [
    { name: 'a completed handshake', observations: healthy() },
    {
      name: 'an alert is TLS speaking (tls-handshake-alert judges it)',
      observations: healthy({
        tls: tls(
          {
            outcome: 'alert',
            alert: { level: 'fatal', code: 40, name: 'handshake_failure', from: 'server' },
          },
          'failed',
        ),
      }),
    },
    {
      name: 'a close without a byte is an abort (tls-handshake-aborted), not a non-TLS answer',
      observations: healthy({
        tls: tls({ outcome: 'aborted', serverBytesBeforeClose: 0, chainDer: [] }, 'failed'),
        tlsPosture: undefined,
      }),
    },
    {
      name: 'the enumeration completed TLS handshakes: the server speaks TLS',
      observations: healthy({ tls: FELL_BACK, tlsPosture: posture(['TLSv1.2']) }),
    },
  ],
  invalid: [
    {
      name: 'xrdp fell back to plain RDP: the enumeration saw a TPKT',
      observations: healthy({
        negotiation: negotiation(probe('modern', { selected: 1 })),
        tls: FELL_BACK,
        tlsPosture: NOTHING_ACCEPTED,
      }),
      findings: [
        {
          severity: 'error',
          title: /answered the ClientHello with plain RDP/,
          evidence: [
            {
              label: 'answer to the ClientHello',
              value: /plain RDP packet \(TPKT\).*0300000b/,
              source: 'tls',
            },
            { label: 'TLS versions accepted in the enumeration', value: 'none' },
          ],
        },
      ],
    },
    {
      name: 'quick diagnosis: OpenSSL says the first record is not TLS',
      observations: healthy({ tls: FELL_BACK, tlsPosture: undefined }),
      findings: [
        {
          severity: 'error',
          title: 'The server selected TLS, then did not speak TLS',
          evidence: [{ label: 'answer to the ClientHello', value: 'bytes that are not a TLS record' }],
        },
      ],
    },
    {
      name: 'garbage after selecting TLS',
      observations: healthy({
        tls: tls({ ...FELL_BACK.observation!, answerPreview: 'deadbeef00' }, 'failed'),
        tlsPosture: undefined,
      }),
      findings: [
        {
          evidence: [
            { label: 'answer to the ClientHello', value: /not a TLS record \(first bytes deadbeef00\)/ },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    {
      name: 'no TLS stage',
      observations: healthy({ tls: skipped('tls', 'the server selected no TLS-based protocol') }),
    },
    { name: 'TLS stage without observation', observations: healthy({ tls: failed('tls', 'reset') }) },
  ],
});
