import type {
  Attempt,
  ClientHelloAnswer,
  TlsPostureObservation,
  TlsProtocolVersion,
} from '../../../src/probe/types.js';
import { rule } from '../../../src/rules/diagnose/client-incompatible.js';
import { healthy, posture, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

/** A posture whose client answers are given: what the server said to each profile's hello. */
function withClients(
  accepted: readonly TlsProtocolVersion[],
  ciphers: TlsPostureObservation['ciphers'],
  clients: readonly ClientHelloAnswer[],
): Attempt<TlsPostureObservation> {
  const base = posture(accepted, ciphers);
  return { ...base, observation: { ...base.observation!, clients } };
}

const TLS10_SUITE = { version: 'TLSv1' as const, code: 0xc014, name: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA' };
const PROTOCOL_VERSION_ALERT: ClientHelloAnswer = {
  profile: 'windows-11-24h2',
  outcome: 'alert',
  alert: { code: 70, name: 'protocol_version' },
  detail: 'alert 70 protocol_version',
};
const TLS10_HELLO = (profile: string): ClientHelloAnswer => ({
  profile,
  outcome: 'server-hello',
  version: 'TLSv1',
  versionCode: 0x0301,
  cipherCode: 0xc014,
  cipher: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  detail: 'ServerHello TLS 1.0 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
});
const TLS13_HELLO = (profile: string): ClientHelloAnswer => ({
  profile,
  outcome: 'server-hello',
  version: 'TLSv1.3',
  versionCode: 0x0304,
  cipherCode: 0x1302,
  cipher: 'TLS_AES_256_GCM_SHA384',
  group: 'x25519',
  detail: 'ServerHello TLS 1.3 TLS_AES_256_GCM_SHA384 x25519',
});

ruleTester(rule, {
  valid: [
    {
      name: 'every simulated client got a version and suite it offers',
      observations: healthy({
        tlsPosture: withClients(['TLSv1.2', 'TLSv1.3'], undefined as never, [
          TLS13_HELLO('windows-11-24h2'),
          TLS13_HELLO('freerdp-3'),
        ]),
      }),
    },
    {
      name: 'a hello that got no TLS answer (timeout) is no verdict, not a failure',
      observations: healthy({
        tlsPosture: withClients(['TLSv1.2'], undefined as never, [
          { profile: 'windows-11-24h2', outcome: 'timeout', detail: 'no complete answer in time (0 bytes)' },
        ]),
      }),
    },
  ],
  invalid: [
    {
      name: 'TLS 1.0-only server: current Windows 11 fails (error), an old client connecting is not reported',
      observations: healthy({
        tlsPosture: withClients(
          ['TLSv1'],
          [TLS10_SUITE],
          [PROTOCOL_VERSION_ALERT, TLS10_HELLO('windows-10-22h2')],
        ),
      }),
      findings: [
        {
          severity: 'error',
          title:
            'Windows 11 24H2 clients fail with 0x904/0x7: the server only speaks TLS 1.0; Windows 11 24H2 offers TLS 1.2, TLS 1.3',
          evidence: [
            { label: 'client profile', value: 'windows-11-24h2' },
            { label: 'answer to its hello', value: 'alert 70 protocol_version' },
            { label: 'versions the server accepts', value: 'TLSv1' },
          ],
        },
      ],
    },
    {
      name: 'a non-Windows current client failing is a warning with its own error',
      observations: healthy({
        tlsPosture: withClients(
          ['TLSv1'],
          [TLS10_SUITE],
          [{ ...PROTOCOL_VERSION_ALERT, profile: 'freerdp-3' }],
        ),
      }),
      findings: [
        { severity: 'warning', title: /^FreeRDP 3\S* clients fail with ERRCONNECT_TLS_CONNECT_FAILED/ },
      ],
    },
    {
      name: 'the server chose a suite the client does not offer',
      observations: healthy({
        tlsPosture: withClients(['TLSv1.2'], undefined as never, [
          {
            profile: 'windows-11-24h2',
            outcome: 'server-hello',
            version: 'TLSv1.2',
            versionCode: 0x0303,
            cipherCode: 0x0005,
            cipher: 'TLS_RSA_WITH_RC4_128_SHA',
            detail: 'ServerHello TLS 1.2 TLS_RSA_WITH_RC4_128_SHA',
          },
        ]),
      }),
      findings: [
        {
          severity: 'error',
          title: /the server chose TLS_RSA_WITH_RC4_128_SHA, which Windows 11 24H2 does not offer/,
        },
      ],
    },
  ],
  notEvaluated: [
    { name: 'no enumeration', observations: healthy({ tlsPosture: undefined }), reason: 'TLS enumeration' },
    { name: 'enumeration skipped', observations: healthy({ tlsPosture: skipped('tls', 'quick diagnosis') }) },
    {
      name: 'enumeration without client simulation',
      observations: healthy({ tlsPosture: posture(['TLSv1.2']) }),
    },
  ],
});
