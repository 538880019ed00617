import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventRecord } from '../../../src/evidence/types.js';
import { EVENT_RULES, type EventEvidence } from '../../../src/rules/events/index.js';
import { EVENT_FINDING_IDS } from '../../../src/rules/finding-ids.js';

let nextId = 1;
function event(
  channel: string,
  provider: string,
  eventId: number,
  data: Record<string, string> = {},
  time = '2024-05-01T10:00:00.0000000Z',
): EventRecord {
  return { eventId, provider, channel, time, recordId: nextId++, computer: 'rdp01', data };
}
const SEC = 'Microsoft-Windows-Security-Auditing';
const security = (eventId: number, data: Record<string, string>, time?: string) =>
  event('Security', SEC, eventId, data, time);
const system = (provider: string, eventId: number, data: Record<string, string> = {}) =>
  event('System', provider, eventId, data);
const rdpcore = (eventId: number, data: Record<string, string>, time: string) =>
  event(
    'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational',
    'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS',
    eventId,
    data,
    time,
  );
const logon4625 = (status: string, subStatus: string, type = '10', ip = '192.0.2.7', time?: string) =>
  security(
    4625,
    {
      TargetUserName: 'alice',
      TargetDomainName: 'CORP',
      Status: status,
      SubStatus: subStatus,
      LogonType: type,
      IpAddress: ip,
    },
    time,
  );
let clientSecond = 0;
const rdpclient = (eventId: number, data: Record<string, string>) =>
  event(
    'Microsoft-Windows-TerminalServices-RDPClient/Operational',
    'Microsoft-Windows-TerminalServices-ClientActiveXCore',
    eventId,
    data,
    new Date(Date.UTC(2024, 4, 1, 9, 0, clientSecond++)).toISOString().replace('.000Z', '.0000000Z'),
  );
const minute = (n: number) =>
  new Date(Date.UTC(2024, 4, 1, 10, n)).toISOString().replace('.000Z', '.0000000Z');

function evidence(events: EventRecord[]): EventEvidence {
  return Object.freeze({
    events: Object.freeze(events.map((e) => Object.freeze(e))),
    files: Object.freeze([]),
  });
}

interface Case {
  readonly name: string;
  readonly events: EventRecord[];
}
const TABLE: Record<
  (typeof EVENT_FINDING_IDS)[number],
  { valid: Case[]; invalid: (Case & { evidence: RegExp })[] }
> = {
  'tls-no-common-cipher': {
    valid: [
      { name: 'other alert', events: [system('Schannel', 36888, { AlertDesc: '10', ErrorState: '1203' })] },
    ],
    invalid: [
      {
        name: '36874',
        events: [system('Schannel', 36874, { Protocol: 'TLS 1.0' })],
        evidence: /36874 no common cipher suite \(TLS 1.0\)/,
      },
      {
        name: '36888 alert 40',
        events: [system('Schannel', 36888, { AlertDesc: '40', ErrorState: '1205' })],
        evidence: /handshake_failure/,
      },
    ],
  },
  'tls-cert-key-unreadable': {
    valid: [
      {
        name: 'self-signed certificate created',
        events: [system('Microsoft-Windows-TerminalServices-RemoteConnectionManager', 1056)],
      },
    ],
    invalid: [
      {
        name: '36870',
        events: [
          system('Schannel', 36870, { Type: 'server', ErrorCode: '0x8009030D', ErrorStatus: '10001' }),
        ],
        evidence: /36870 .*0x8009030D/,
      },
      {
        name: 'TermService 1057',
        events: [system('TermService', 1057, { Data1: 'Keyset does not exist' })],
        evidence: /1057 self-signed/,
      },
    ],
  },
  'tls-cert-missing': {
    valid: [{ name: 'nothing', events: [system('Service Control Manager', 7036)] }],
    invalid: [{ name: '1051', events: [system('TermService', 1051)], evidence: /1051/ }],
  },
  'logon-right-missing': {
    valid: [{ name: 'wrong password', events: [logon4625('0xc000006d', '0xc000006a')] }],
    invalid: [
      {
        name: '0xC000015B',
        events: [logon4625('0xc000015b', '0x0')],
        evidence: /CORP\\alice LogonType 10 from 192.0.2.7/,
      },
    ],
  },
  'not-in-remote-desktop-users': {
    valid: [{ name: 'successful logon', events: [security(4624, { LogonType: '10' })] }],
    invalid: [
      {
        name: '4825',
        events: [
          security(4825, { AccountName: 'svc6test1', AccountDomain: 'OFFSEC', ClientAddress: '10.23.23.9' }),
        ],
        evidence: /OFFSEC\\svc6test1 from 10.23.23.9/,
      },
    ],
  },
  'logon-failed': {
    valid: [{ name: 'interactive logon type 2', events: [logon4625('0xc000006d', '0xc000006a', '2')] }],
    invalid: [
      {
        name: 'wrong password over RDP',
        events: [logon4625('0xc000006d', '0xc000006a')],
        evidence: /CORP\\alice/,
      },
    ],
  },
  'account-locked-out': {
    valid: [{ name: 'wrong password', events: [logon4625('0xc000006d', '0xc000006a')] }],
    invalid: [
      { name: '4625 0xC0000234', events: [logon4625('0xc0000234', '0x0')], evidence: /4625 CORP\\alice/ },
      {
        name: '4740',
        events: [security(4740, { TargetUserName: 'bob', TargetDomainName: 'CORP' })],
        evidence: /4740 CORP\\bob/,
      },
    ],
  },
  'brute-force-attempts': {
    valid: [
      {
        name: '9 failures in 10 minutes, then more an hour later',
        events: [
          ...Array.from({ length: 9 }, (_, i) => rdpcore(140, { IPString: '198.51.100.9' }, minute(i))),
          rdpcore(140, { IPString: '198.51.100.9' }, minute(59)),
        ],
      },
    ],
    invalid: [
      {
        name: '12 RdpCoreTS 140 in 6 minutes',
        events: Array.from({ length: 12 }, (_, i) =>
          rdpcore(140, { IPString: '198.51.100.9' }, minute(i >> 1)),
        ),
        evidence: /12 failed logons \(12 within 10 min\)/,
      },
      {
        name: '4625 type 3 from one address',
        events: Array.from({ length: 10 }, (_, i) =>
          logon4625('0xc000006d', '0xc0000064', '3', '203.0.113.5', minute(i)),
        ),
        evidence: /10 failed logons/,
      },
    ],
  },
  'credssp-encryption-oracle': {
    valid: [{ name: 'other LsaSrv event', events: [system('LsaSrv', 6038)] }],
    invalid: [
      {
        name: '6041',
        events: [system('LsaSrv', 6041, { Data1: 'TERMSRV/rdp01', Data2: '4' })],
        evidence: /TERMSRV\/rdp01, 4/,
      },
    ],
  },
  'client-disconnects': {
    valid: [
      {
        name: 'a session closed by the user (Reason= 1) and one ended by the server (3)',
        events: [
          rdpclient(1024, { Name: 'Server Name', Value: 'rdp01.contoso.com', CustomLevel: 'Info' }),
          rdpclient(1026, { Name: 'Disconnect Reason', Value: '1', CustomLevel: 'Info' }),
          rdpclient(1024, { Name: 'Server Name', Value: 'rdp02', CustomLevel: 'Info' }),
          rdpclient(1026, { Name: 'Disconnect Reason', Value: '3', CustomLevel: 'Info' }),
        ],
      },
    ],
    invalid: [
      {
        name: '0x904 twice from one host, grouped, with the host from the 1024 before',
        events: [
          rdpclient(1024, { Name: 'Server Name', Value: 'rdp01.contoso.com', CustomLevel: 'Info' }),
          rdpclient(1026, { Name: 'Disconnect Reason', Value: '2308', CustomLevel: 'Warning' }),
          rdpclient(1024, { Name: 'Server Name', Value: 'rdp01.contoso.com', CustomLevel: 'Info' }),
          rdpclient(1026, { Name: 'Disconnect Reason', Value: '2308', CustomLevel: 'Warning' }),
        ],
        evidence:
          /rdp01\.contoso\.com: reason 2308 \(0x904\): disconnectReasonAtClientWinsockFDCLOSE: .*; 2 time\(s\)/,
      },
      {
        name: 'an unnamed template (Data2) with a reason the table lacks',
        events: [rdpclient(1026, { Data1: 'Disconnect Reason', Data2: '1800' })],
        evidence: /unknown host: reason 1800 \(0x708\): not in the disconnect-reason table/,
      },
    ],
  },
};

describe('event rule catalog', () => {
  it('has exactly one rule per EVENT_FINDING_IDS entry, each with docs and a test table', () => {
    assert.deepEqual(EVENT_RULES.map((rule) => rule.meta.id).sort(), [...EVENT_FINDING_IDS].sort());
    for (const rule of EVENT_RULES) {
      assert.ok(
        rule.meta.docs.explanation.length > 40 && rule.meta.docs.falseAlarm.length > 10,
        rule.meta.id,
      );
      assert.ok(TABLE[rule.meta.id].invalid.length > 0 && TABLE[rule.meta.id].valid.length > 0, rule.meta.id);
      const weakening = rule.meta.fixes.findIndex((fix) => fix.weakensSecurity);
      assert.ok(weakening === -1 || weakening > 0, `${rule.meta.id}: a weakening fix is never first`);
    }
  });

  it('says "not evaluated" when the log a rule needs was not given', () => {
    for (const rule of EVENT_RULES) {
      const outcome = rule.evaluate(evidence([event('Application', 'X', 1)]));
      assert.equal(outcome.status, 'not-evaluated', rule.meta.id);
    }
  });
});

for (const rule of EVENT_RULES) {
  describe(rule.meta.id, () => {
    for (const testCase of TABLE[rule.meta.id].valid) {
      it(`valid: ${testCase.name}`, () =>
        assert.equal(rule.evaluate(evidence(testCase.events)).status, 'pass'));
    }
    for (const testCase of TABLE[rule.meta.id].invalid) {
      it(`invalid: ${testCase.name}`, () => {
        const outcome = rule.evaluate(evidence(testCase.events));
        assert.equal(outcome.status, 'found');
        if (outcome.status !== 'found') return;
        const text = outcome.reports
          .flatMap((report) => report.evidence.map((e) => `${e.label}: ${e.value}`))
          .join('\n');
        assert.match(text, testCase.evidence);
        // Evidence names the records it rests on (time, channel, event id, record id) for single-record findings.
        const sources = outcome.reports.flatMap((report) => report.evidence.map((e) => e.source ?? ''));
        assert.ok(
          sources.some((source) => /event \d+ record \d+/.test(source)),
          sources.join('|'),
        );
      });
    }
  });
}
