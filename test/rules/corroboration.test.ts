import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { corroborate, EXPLAINS, evidenceMachine, LOGS_EXPLAINED_BY } from '../../src/rules/corroboration.js';
import {
  ALL_FINDING_IDS,
  DIAGNOSE_FINDING_IDS,
  EVENT_FINDING_IDS,
  STATE_FINDING_IDS,
} from '../../src/rules/finding-ids.js';
import type { Finding } from '../../src/rules/types.js';

function finding(id: string, severity: Finding['severity'], source: string, fix = `fix for ${id}`): Finding {
  return {
    id,
    severity,
    title: `title of ${id}`,
    explanation: '',
    evidence: [{ label: id, value: 'seen', source }],
    clientErrors: id === 'tls-handshake-aborted' ? [{ client: 'mstsc', code: '0x904', extended: '0x7' }] : [],
    fixes: [{ title: fix, risk: 'medium', where: 'server', steps: [] }],
  };
}

describe('corroborate', () => {
  it('makes the probe symptom and the inside cause one finding named after the cause', () => {
    const merged = corroborate(
      [
        finding('tls-handshake-aborted', 'error', 'tls'),
        finding('tls-cert-self-signed', 'warning', 'certificate'),
      ],
      [finding('machinekeys-acl-broken', 'error', 'collect-server.json machineKeys')],
    );
    assert.equal(merged.length, 2);
    const [root, other] = merged;
    assert.equal(root!.id, 'machinekeys-acl-broken');
    assert.equal(root!.origin, 'both');
    assert.deepEqual(root!.confirmation, {
      symptom: 'tls-handshake-aborted',
      symptomTitle: 'title of tls-handshake-aborted',
      causes: [
        {
          id: 'machinekeys-acl-broken',
          title: 'title of machinekeys-acl-broken',
          sources: ['collect-server.json machineKeys'],
        },
      ],
    });
    // Both sides' evidence, the probe's predicted client error, the cause's fix first.
    assert.deepEqual(
      root!.evidence.map((item) => item.source),
      ['collect-server.json machineKeys', 'tls'],
    );
    assert.equal(root!.clientErrors[0]?.code, '0x904');
    assert.deepEqual(
      root!.fixes.map((fix) => fix.title),
      ['fix for machinekeys-acl-broken', 'fix for tls-handshake-aborted'],
    );
    assert.equal(other!.origin, 'probe');
  });

  it('keeps what neither side explains, and never uses one cause twice', () => {
    const merged = corroborate(
      [finding('tcp-refused', 'error', 'tcp')],
      [
        finding('wam-token-stale', 'warning', 'client.json'),
        finding('firewall-blocks-rdp', 'error', 'srv.json'),
      ],
    );
    assert.deepEqual(
      merged.map((item) => [item.id, item.origin]),
      [
        ['tcp-refused', 'probe'],
        ['firewall-blocks-rdp', 'evidence'],
        ['wam-token-stale', 'evidence'],
      ],
    );
  });

  it('the same id on both sides is one cause seen twice, at the worse severity', () => {
    const merged = corroborate(
      [finding('tls-cert-expired', 'warning', 'certificate')],
      [finding('tls-cert-expired', 'error', 'srv.json certificates')],
    );
    assert.equal(merged.length, 1);
    assert.equal(merged[0]!.severity, 'error');
    assert.equal(merged[0]!.confirmation?.symptom, 'tls-cert-expired');
  });

  it('names only probe findings as symptoms and known ids as causes', () => {
    for (const [symptom, causes] of Object.entries(EXPLAINS)) {
      assert.ok((DIAGNOSE_FINDING_IDS as readonly string[]).includes(symptom), symptom);
      for (const cause of causes ?? []) assert.ok(ALL_FINDING_IDS.includes(cause), cause);
    }
  });
});

describe('within analyze: the log symptom and the state that explains it', () => {
  it('joins a logged 36870 and a broken MachineKeys ACL into one finding', () => {
    const merged = corroborate(
      [finding('tls-cert-key-unreadable', 'error', 'System event 36870 record 7')],
      [finding('machinekeys-acl-broken', 'error', 'srv.json machineKeys')],
      LOGS_EXPLAINED_BY,
    );
    assert.deepEqual(
      merged.map((item) => [item.id, item.confirmation?.symptom]),
      [['machinekeys-acl-broken', 'tls-cert-key-unreadable']],
    );
  });

  it('names only event findings as symptoms and state findings as causes', () => {
    for (const [symptom, causes] of Object.entries(LOGS_EXPLAINED_BY)) {
      assert.ok((EVENT_FINDING_IDS as readonly string[]).includes(symptom), symptom);
      for (const cause of causes ?? [])
        assert.ok((STATE_FINDING_IDS as readonly string[]).includes(cause), cause);
    }
  });
});

describe('evidenceMachine', () => {
  const server = {
    path: 'srv.json',
    role: 'server' as const,
    computerName: 'SRV01',
    listenerThumbprints: ['AB12CD'],
  };

  it('ties the evidence by the certificate the server presented', () => {
    assert.equal(evidenceMachine({ host: '10.0.0.5', servedThumbprint: 'ab:12:cd' }, [server]).match, 'same');
  });

  it('says when the presented certificate is not the one the collector found', () => {
    const machine = evidenceMachine({ host: 'srv01.corp', servedThumbprint: 'FFFF' }, [server]);
    assert.equal(machine.match, 'different');
    assert.match(machine.detail, /presented certificate FFFF/);
  });

  it('falls back to the host name, and to unknown for an address', () => {
    assert.equal(evidenceMachine({ host: 'srv01.corp.example' }, [server]).match, 'same');
    assert.equal(evidenceMachine({ host: '10.0.0.5' }, [server]).match, 'unknown');
    assert.equal(evidenceMachine({ host: 'srv01' }, []).match, 'unknown');
  });
});
