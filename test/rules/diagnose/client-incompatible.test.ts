import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  Attempt,
  ClientHelloAnswer,
  TlsPostureObservation,
  TlsProtocolVersion,
} from '../../../src/probe/types.js';
import { rule } from '../../../src/rules/diagnose/client-incompatible.js';
import { evaluateRules } from '../../../src/rules/engine.js';
import {
  healthy,
  negotiationOnly,
  posture,
  probe,
  rdpSecurity,
  skipped,
} from '../../helpers/observations.js';
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
            'Windows 11 24H2 clients fail with 0x904/0x7: the server only speaks TLS 1.0; Windows 11 24H2 offers TLS 1.2, TLS 1.3 (likely; sources disagree on the TLS 1.0/1.1 default)',
          evidence: [
            { label: 'client profiles', value: 'windows-11-24h2' },
            { label: 'answer to their hellos', value: 'alert 70 protocol_version' },
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
    {
      name: 'profiles refused for the same reason are one finding that names them all',
      observations: healthy({
        tlsPosture: withClients(
          ['TLSv1'],
          [TLS10_SUITE],
          ['windows-11-24h2', 'windows-server-2025'].map((profile) => ({
            ...PROTOCOL_VERSION_ALERT,
            profile,
          })),
        ),
      }),
      findings: [
        {
          severity: 'error',
          title:
            /^Windows 11 24H2 and Windows Server 2025 clients fail with 0x904\/0x7: the server only speaks TLS 1\.0; they offer TLS 1\.2, TLS 1\.3 \(likely; sources disagree on the TLS 1\.0\/1\.1 default\)$/,
          evidence: [
            {
              label: 'client profiles',
              value: 'windows-11-24h2, windows-server-2025',
            },
          ],
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

describe('client-incompatible: fixes and errors fit the client', () => {
  const judge = (clients: readonly ClientHelloAnswer[], accepted: readonly TlsProtocolVersion[]) =>
    evaluateRules([rule], healthy({ tlsPosture: withClients(accepted, undefined as never, clients) }))
      .findings;

  it('Windows 7 SP1 against a TLS 1.2/1.3 server: TLS 1.2 on the old client, no server fix, nothing that weakens', () => {
    const findings = judge(
      [
        {
          profile: 'windows-7-sp1',
          outcome: 'alert',
          alert: { code: 70, name: 'protocol_version' },
          detail: 'alert 70 protocol_version',
        },
      ],
      ['TLSv1.2', 'TLSv1.3'],
    );
    assert.equal(findings.length, 1);
    const fixes = findings[0]!.fixes;
    assert.ok(fixes.length > 0);
    assert.match(fixes[0]!.title, /Turn on TLS 1\.2 for Windows 7/);
    assert.equal(fixes[0]!.where, 'client');
    assert.equal(fixes[0]!.risk, 'low');
    assert.ok(
      fixes.every((fix) => !fix.weakensSecurity),
      JSON.stringify(fixes.map((fix) => fix.title)),
    );
    assert.ok(
      fixes.every((fix) => fix.where !== 'server'),
      'a server fix does nothing for an old client',
    );
    assert.match(fixes[0]!.steps.join(' '), /KB3080079/);
    assert.match(fixes[0]!.script?.code ?? '', /TLS 1\.2\\Client/);
  });

  it("each group carries its own client's error, not mstsc's for every profile", () => {
    const findings = judge(
      [
        {
          profile: 'windows-app-macos',
          outcome: 'alert',
          alert: { code: 70, name: 'protocol_version' },
          detail: 'alert 70 protocol_version',
        },
        {
          profile: 'windows-11-24h2',
          outcome: 'alert',
          alert: { code: 70, name: 'protocol_version' },
          detail: 'alert 70 protocol_version',
        },
      ],
      ['TLSv1'],
    );
    const mac = findings.find((finding) =>
      (finding.data?.profiles as string[]).includes('windows-app-macos'),
    )!;
    assert.ok(mac, JSON.stringify(findings.map((finding) => finding.title)));
    assert.deepEqual(
      mac.clientErrors.map((error) => error.client),
      ['windows-app'],
    );
    assert.match(mac.title, /0x204/);
    const windows = findings.find((finding) =>
      (finding.data?.profiles as string[]).includes('windows-11-24h2'),
    )!;
    assert.deepEqual(
      windows.clientErrors.map((error) => `${error.client} ${error.code}/${error.extended}`),
      ['mstsc 0x904/0x7'],
    );
  });
});

describe('client-incompatible on xrdp: xrdp.ini fixes, not Schannel', () => {
  const XRDP = {
    negotiation: negotiationOnly(
      { ...probe('modern', { selected: 1 }), responseFlags: 0x01 },
      { ...probe('rdp', { selected: 0 }), responseFlags: 0x01 },
      { ...probe('ssl', { selected: 1 }), responseFlags: 0x01 },
      { ...probe('hybrid', { selected: 0 }), responseFlags: 0x01 },
      { ...probe('hybrid-ex', { selected: 0 }), responseFlags: 0x01 },
    ),
    rdpSecurity: rdpSecurity({ serverVersion: 0x00080004, mcsMaxChannelIds: 22 }),
  };

  it('a TLS 1.0-only xrdp: ssl_protocols in xrdp.ini, no Schannel script', () => {
    const findings = evaluateRules(
      [rule],
      healthy({
        ...XRDP,
        tlsPosture: withClients(['TLSv1'], [TLS10_SUITE], [PROTOCOL_VERSION_ALERT]),
      }),
    ).findings;
    assert.equal(findings.length, 1);
    const fixes = findings[0]!.fixes;
    assert.ok(
      fixes.some((fix) => /ssl_protocols/.test(fix.title)),
      JSON.stringify(fixes.map((fix) => fix.title)),
    );
    // Client-side fixes may still touch the Windows client's Schannel; the server's are xrdp.ini.
    const serverFixes = fixes.filter((fix) => fix.where === 'server');
    assert.ok(serverFixes.length > 0);
    assert.ok(serverFixes.every((fix) => !/SCHANNEL/i.test(`${fix.title} ${fix.steps.join(' ')}`)));
    assert.ok(
      findings[0]!.evidence.some(
        (item) => item.label === 'server software' && /^xrdp/.test(String(item.value)),
      ),
    );
  });
});
