import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rule } from '../../../src/rules/diagnose/nla-not-required.js';
import { evaluateRules } from '../../../src/rules/engine.js';
import {
  certificate,
  failed,
  healthy,
  negotiation,
  negotiationOnly,
  probe,
  rdpSecurity,
  skipped,
} from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'NLA required', observations: healthy() },
    {
      name: 'TLS required and NLA required',
      observations: healthy({ negotiation: negotiation(probe('rdp', { failure: 1 })) }),
    },
  ],
  invalid: [
    {
      name: 'a TLS-only request is admitted (xrdp-like)',
      observations: healthy({ negotiation: negotiation(probe('ssl', { selected: 1 })) }),
      findings: [
        { severity: 'warning', evidence: [{ label: /'ssl' request/, value: 'selected PROTOCOL_SSL' }] },
      ],
    },
    {
      name: 'Standard RDP Security is admitted too',
      observations: healthy({
        negotiation: negotiation(probe('ssl', { selected: 1 }), probe('rdp', { selected: 0 })),
      }),
      findings: [{ evidence: [{ label: /'rdp' request/, value: 'selected PROTOCOL_RDP' }] }],
    },
  ],
  notEvaluated: [
    {
      name: 'no weaker request made',
      observations: healthy({ negotiation: negotiationOnly(probe('modern', { selected: 8 })) }),
    },
  ],
});

describe('fixes fit what answered', () => {
  const requireNla = (fixes: readonly { title: string }[]) =>
    fixes.filter((fix) => /^Require Network Level Authentication/.test(fix.title));

  it('a Windows server that can do CredSSP gets "Require NLA"', () => {
    const finding = evaluateRules(
      [rule],
      healthy({ negotiation: negotiation(probe('ssl', { selected: 1 })) }),
    ).findings[0];
    assert.equal(requireNla(finding?.fixes ?? []).length, 2);
  });

  it('xrdp never gets "Require NLA": TLS-only and a restricted port instead', () => {
    const finding = evaluateRules(
      [rule],
      healthy({
        negotiation: negotiationOnly(
          probe('modern', { selected: 1 }),
          probe('rdp', { selected: 0 }),
          probe('ssl', { selected: 1 }),
          probe('hybrid', { selected: 0 }),
          probe('hybrid-ex', { selected: 0 }),
        ),
        credssp: skipped('credssp', 'the server did not select CredSSP'),
        rdpSecurity: rdpSecurity({ serverVersion: 0x00080004, mcsMaxChannelIds: 22 }),
      }),
    ).findings[0];
    assert.deepEqual(requireNla(finding?.fixes ?? []), []);
    assert.ok(finding?.fixes.some((fix) => /security_layer=tls/.test(fix.script?.code ?? '')));
    assert.ok(
      finding?.fixes.some((fix) => fix.steps.some((step) => /does not implement CredSSP/.test(step))),
    );
    assert.ok(finding?.evidence.some((entry) => entry.label === 'server software'));
  });

  it("FreeRDP's shadow server in TLS mode gets its own switch, and no Windows script", () => {
    const finding = evaluateRules(
      [rule],
      healthy({
        negotiation: negotiationOnly(
          { ...probe('modern', { selected: 1 }), responseFlags: 0x03 },
          probe('rdp', { failure: 1 }),
          { ...probe('ssl', { selected: 1 }), responseFlags: 0x03 },
          probe('hybrid', { failure: 1 }),
          probe('hybrid-ex', { failure: 1 }),
        ),
        credssp: skipped('credssp', 'the server did not select CredSSP'),
        certificate: certificate({
          selfSigned: true,
          keyUsage: [],
          keyUsagePresent: false,
          serialNumber: '1A4010',
        }),
      }),
    ).findings[0];
    assert.ok(finding?.fixes.some((fix) => fix.title.includes('/sec:nla')));
    assert.ok(finding?.fixes.every((fix) => fix.script?.language !== 'powershell'));
    assert.deepEqual(requireNla(finding?.fixes ?? []), []);
  });

  it('a server seen declining CredSSP (HYBRID selected, then no CHALLENGE) gets no bare "Require NLA"', () => {
    const finding = evaluateRules(
      [rule],
      healthy({
        negotiation: negotiation(probe('ssl', { selected: 1 })),
        credssp: failed('credssp', 'closed', {
          underProtocol: 'hybrid',
          outcome: 'closed',
          clientVersion: 6,
          ms: 3,
        }),
      }),
    ).findings[0];
    assert.deepEqual(requireNla(finding?.fixes ?? []), []);
    assert.ok(finding?.fixes.some((fix) => /SecurityLayer' -Value 2/.test(fix.script?.code ?? '')));
    assert.ok(finding?.evidence.some((entry) => /no NTLM CHALLENGE/.test(String(entry.value))));
  });
});
