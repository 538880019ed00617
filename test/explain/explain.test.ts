import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAUSE_LIST, CAUSES, type CauseConfirmation } from '../../src/explain/causes.js';
import { CLIENT_PROFILES, findClientProfile } from '../../src/explain/client-profiles.js';
import { causesForCode, PHASE_CAUSES, specificCauseKeys } from '../../src/explain/code-causes.js';
import { explainCode, UnknownNameError } from '../../src/explain/explain.js';
import { CodeSyntaxError, parseCode } from '../../src/explain/parse-code.js';
import { ERROR_TABLES, formatHex, lookupCode, lookupName, lookupValue } from '../../src/explain/tables.js';
import { ALL_FINDING_IDS, DIAGNOSE_FINDING_IDS, EVENT_FINDING_IDS } from '../../src/rules/finding-ids.js';

/** The name of every reading `explain` gives for CODE: the primary one and the others it mentions. */
function readings(raw: string): string[] {
  const explanation = explainCode(raw);
  return [
    explanation.code.name ?? '',
    ...explanation.notes.flatMap((note) => (note.kind === 'other-reading' ? [note.name] : [])),
  ];
}

describe('every table entry is reachable', () => {
  for (const table of ERROR_TABLES) {
    it(`${table.id}: by hex, decimal and name`, () => {
      for (const entry of table.entries) {
        assert.ok(
          readings(formatHex(entry.value)).includes(entry.name),
          `${table.id} ${formatHex(entry.value)} by hex`,
        );
        assert.ok(
          readings(String(entry.value)).includes(entry.name),
          `${table.id} ${entry.value} by decimal`,
        );
        assert.equal(explainCode(entry.name.toLowerCase()).code.value, entry.value, `${entry.name} by name`);
        assert.ok(
          lookupName(entry.name).some((match) => match.entry === entry),
          `${entry.name} by name lookup`,
        );
      }
    });
  }

  it('FreeRDP spellings and class-prefixed values reach errorInfo codes', () => {
    assert.equal(explainCode('ERRINFO_SECURITY_DATA_TOO_SHORT2').code.name, 'ERRINFO_SECURITYDATATOOSHORT2');
    assert.equal(lookupValue(0x00010007, 'code')[0]?.entry.name, 'ERRINFO_SERVER_DENIED_CONNECTION');
    assert.equal(explainCode('0x00020008').code.name, 'ERRCONNECT_TLS_CONNECT_FAILED');
  });

  it('a negative decimal is read as a signed HRESULT', () => {
    assert.equal(explainCode('-2146893054').code.name, 'SEC_E_UNSUPPORTED_FUNCTION');
  });
});

describe('parsing codes', () => {
  it('reads hex, decimal and names', () => {
    assert.deepEqual(parseCode('0x904'), { kind: 'number', value: 0x904, notation: 'hex', raw: '0x904' });
    assert.deepEqual(parseCode('2308'), { kind: 'number', value: 2308, notation: 'decimal', raw: '2308' });
    assert.deepEqual(parseCode('ERRINFO_NONE'), { kind: 'name', name: 'ERRINFO_NONE', raw: 'ERRINFO_NONE' });
  });
  const bad: Array<[string, string]> = [
    ['904a', 'hex-without-prefix'],
    ['ff', 'hex-without-prefix'],
    ['0x', 'not-a-code'],
    ['12.5', 'not-a-code'],
    ['0x100000000', 'out-of-range'],
    ['4294967296', 'out-of-range'],
    ['   ', 'empty'],
    ['ERR-INFO', 'not-a-code'],
  ];
  for (const [raw, problem] of bad) {
    it(`rejects '${raw}' as ${problem}`, () => {
      assert.throws(
        () => parseCode(raw),
        (error: unknown) =>
          error instanceof CodeSyntaxError && error.problem === problem && error.raw === raw,
      );
    });
  }

  it('reads a bare number unknown as decimal but known as hex as hex, and says so', () => {
    const explanation = explainCode('904');
    assert.equal(explanation.code.name, 'disconnectReasonAtClientWinsockFDCLOSE');
    assert.deepEqual(explanation.notes[0], {
      kind: 'read-as-hex',
      role: 'code',
      raw: '904',
      decimal: 904,
      hex: 0x904,
    });
  });

  it('keeps the decimal reading when it is known and mentions the hex one', () => {
    const explanation = explainCode('10');
    assert.equal(explanation.code.value, 10);
    assert.ok(
      explanation.notes.some(
        (note) =>
          note.kind === 'also-hex' && note.hex === 0x10 && note.hexName === 'ERRINFO_SERVER_DWM_CRASH',
      ),
    );
  });
});

describe('0x904 with extended 0x7', () => {
  const explanation = explainCode('0x904', '0x7');
  const ids = explanation.causes.map((cause) => cause.id);

  it('names both codes', () => {
    assert.equal(explanation.code.name, 'disconnectReasonAtClientWinsockFDCLOSE');
    assert.equal(explanation.extended?.name, 'exDiscReasonServerDeniedConnection');
    assert.ok(explanation.extended?.aliases.includes('ERRINFO_SERVER_DENIED_CONNECTION'));
    assert.equal(explanation.known, true);
  });

  it('lists the causes the issue requires', () => {
    for (const id of [
      'tls-version-mismatch',
      'tls-cipher-mismatch',
      'cert-missing',
      'cert-expired',
      'cert-key-unreadable',
      'nla-mismatch',
      'credssp-outdated',
      'server-policy-deny',
      'connection-limit',
      'licensing',
      'firewall-filtered',
      'network-drop',
      'websocket-blocked',
      'stale-wam-token',
    ]) {
      assert.ok(ids.includes(id), id);
    }
  });

  it('gives every cause a way to confirm it and at least one fix', () => {
    for (const cause of explanation.causes) {
      assert.ok(cause.confirm.steps.length > 0, cause.id);
      assert.ok(cause.fixes.length > 0, cause.id);
      if (cause.finding) assert.notEqual(cause.confirm.by, 'manual');
    }
    const byId = new Map(explanation.causes.map((cause) => [cause.id, cause]));
    // What no probe can see, the collector reads: these once said "by hand".
    for (const [id, role, finding] of [
      ['stale-wam-token', 'client', 'wam-token-stale'],
      ['connection-limit', 'server', 'max-outstanding-connections-low'],
    ] as const) {
      assert.equal(byId.get(id)?.finding, finding, id);
      assert.equal(byId.get(id)?.confirm.by, 'collect', id);
      assert.equal(byId.get(id)?.confirm.collected?.role, role, id);
    }
    // The session stage sees these from outside now; the collector still confirms them from inside.
    for (const [id, finding, collected] of [
      ['licensing', 'licensing-refused', 'licensing-grace-expired'],
      ['server-policy-deny', 'server-denied-connection', 'rdp-connections-denied'],
    ] as const) {
      assert.equal(byId.get(id)?.finding, finding, id);
      assert.equal(byId.get(id)?.confirm.by, 'diagnose', id);
      assert.equal(byId.get(id)?.confirm.stage, 'session', id);
      assert.deepEqual(byId.get(id)?.confirm.collected?.findings, [collected], id);
    }
    // Only what lives outside both machines stays a check by hand.
    assert.deepEqual(
      explanation.causes.filter((cause) => cause.confirm.by === 'manual').map((cause) => cause.id),
      ['websocket-blocked'],
    );
    assert.deepEqual(byId.get('cert-key-unreadable')?.confirm.collected?.findings, [
      'machinekeys-acl-broken',
      'tls-cert-key-unreadable',
    ]);
    assert.equal(byId.get('tls-version-mismatch')?.confirm.by, 'diagnose');
    assert.equal(byId.get('tls-version-mismatch')?.confirm.stage, 'tls');
    // The unreadable key's outside view: diagnose confirms it, analyze explains it.
    assert.equal(byId.get('cert-key-unreadable')?.confirm.by, 'diagnose');
    assert.equal(byId.get('cert-key-unreadable')?.finding, 'tls-handshake-aborted');
    assert.equal(byId.get('cert-key-unreadable')?.confirm.stage, 'tls');
    assert.equal(CAUSES['cert-key-unreadable'].confirm.explainedBy, 'tls-cert-key-unreadable');
    assert.ok(
      byId
        .get('cert-key-unreadable')
        ?.confirm.steps.some((step) => /analyze .*tls-cert-key-unreadable/.test(step)),
    );
  });

  it('is ranked by likelihood', () => {
    const scores = explanation.causes.map((cause) => cause.score);
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
    );
    assert.equal(explanation.causes[0]?.likelihood, 'high');
  });
});

describe('context flags narrow and re-rank', () => {
  const rank = (id: string, causes: ReturnType<typeof explainCode>['causes']) =>
    causes.findIndex((cause) => cause.id === id);

  it('--after-credentials moves logon-side causes above TLS ones', () => {
    const plain = explainCode('0x904', '0x7').causes;
    const after = explainCode('0x904', '0x7', { afterCredentials: true }).causes;
    assert.ok(rank('tls-version-mismatch', after) > rank('tls-version-mismatch', plain));
    assert.ok(rank('licensing', after) < rank('licensing', plain));
  });

  it('--azure raises the stale WAM token; a client without WAM drops it', () => {
    const azure = explainCode('0x904', '0x7', { azure: true }).causes;
    assert.equal(azure.find((cause) => cause.id === 'stale-wam-token')?.likelihood, 'high');
    const freerdp = explainCode('0x904', '0x7', {
      azure: true,
      client: findClientProfile('freerdp-3'),
    }).causes;
    assert.equal(rank('stale-wam-token', freerdp), -1);
  });

  it('the WebSocket rule matters for web clients and gateways only', () => {
    const mstsc = explainCode('0x904', '0x7', { client: findClientProfile('windows-11-24h2') }).causes;
    assert.equal(rank('websocket-blocked', mstsc), -1);
    const web = explainCode('0x904', '0x7', { client: findClientProfile('web-client') }).causes;
    assert.equal(web.find((cause) => cause.id === 'websocket-blocked')?.likelihood, 'high');
    const gateway = explainCode('0x904', undefined, {
      gateway: true,
      client: findClientProfile('windows-11-24h2'),
    }).causes;
    assert.ok(rank('gateway-policy', gateway) >= 0 && rank('websocket-blocked', gateway) >= 0);
  });

  it('a TLS 1.0-only client makes the TLS version mismatch the first cause', () => {
    const old = explainCode('0x904', '0x7', { client: findClientProfile('windows-7-sp1') }).causes;
    assert.equal(old[0]?.id, 'tls-version-mismatch');
  });
});

describe('the cause catalog keeps the finding-id contract', () => {
  it('references only finding ids from src/rules/finding-ids.ts', () => {
    for (const cause of CAUSE_LIST) {
      const finding = 'finding' in cause.confirm ? cause.confirm.finding : undefined;
      if (finding)
        assert.ok((ALL_FINDING_IDS as readonly string[]).includes(finding), `${cause.id}: ${finding}`);
    }
  });

  it('causes after the security layer point at the session stage (the logon check for the account ones)', () => {
    const sessionCauses = [
      ['server-policy-deny', 'server-denied-connection'],
      ['licensing', 'licensing-refused'],
      ['session-limits', 'session-limit-reached'],
      ['fresh-credentials-required', 'fresh-credentials-required'],
      ['bad-credentials', 'logon-failed'],
      ['account-state', 'account-disabled'],
      ['account-locked', 'account-locked-out'],
      ['logon-right-missing', 'logon-right-missing'],
      ['not-remote-desktop-user', 'not-in-remote-desktop-users'],
      ['broker-target', 'broker-refused'],
    ] as const;
    for (const [id, finding] of sessionCauses) {
      const confirm: CauseConfirmation = CAUSES[id].confirm;
      assert.equal(confirm.finding, finding, id);
      assert.equal(confirm.stage, 'session', id);
      assert.ok((DIAGNOSE_FINDING_IDS as readonly string[]).includes(finding), id);
      // Where the event logs see the same cause, analyze's rule explains it.
      if (confirm.explainedBy)
        assert.ok((EVENT_FINDING_IDS as readonly string[]).includes(confirm.explainedBy), id);
    }
    const after = explainCode('0x904', '0x7', { afterCredentials: true }).causes;
    const denied = after.find((cause) => cause.id === 'server-policy-deny');
    assert.equal(denied?.confirm.by, 'diagnose');
    assert.equal(denied?.confirm.stage, 'session');
  });

  it('probe findings name their diagnose stage; rule-less causes say how to confirm by hand', () => {
    for (const cause of CAUSE_LIST) {
      const finding = 'finding' in cause.confirm ? cause.confirm.finding : undefined;
      if (finding && (DIAGNOSE_FINDING_IDS as readonly string[]).includes(finding)) {
        assert.ok('stage' in cause.confirm && cause.confirm.stage, cause.id);
      }
      assert.ok(cause.confirm.steps.length > 0, cause.id);
    }
  });

  it('ranks security-weakening fixes last and states their cost', () => {
    for (const cause of explainCode('0x904', '0x7').causes) {
      const weakening = cause.fixes.map((fix) => Boolean(fix.weakensSecurity));
      assert.deepEqual(
        weakening,
        [...weakening].sort((a, b) => Number(a) - Number(b)),
        cause.id,
      );
    }
  });

  it('SCHANNEL and policy scripts create a missing key before setting values', () => {
    for (const cause of CAUSE_LIST) {
      for (const fix of cause.fixes) {
        const code = fix.script?.code ?? '';
        if (/Set-ItemProperty/.test(code) && /SCHANNEL|CredSSP/.test(code)) {
          assert.match(code, /if \(-not \(Test-Path -LiteralPath \$path\)\) \{ New-Item -Path \$path -Force/);
          assert.ok(code.indexOf('New-Item') < code.indexOf('Set-ItemProperty'), cause.id);
        }
      }
    }
  });

  it('every specific mapping points at a known code, every phase at causes', () => {
    for (const [tableId, value] of specificCauseKeys()) {
      // Extended reasons and errorInfo share one list (the same numbers); either table may hold a value.
      const shared = tableId === 'extended-disconnect-reason' || tableId === 'error-info';
      const known = shared
        ? (lookupCode('extended-disconnect-reason', value) ?? lookupCode('error-info', value))
        : lookupCode(tableId, value);
      assert.ok(known, `${tableId} ${value}`);
    }
    for (const refs of Object.values(PHASE_CAUSES)) assert.ok(refs.length > 0);
    assert.equal(causesForCode('disconnect-reason', 0x904, 'tcp')[0]?.[0], 'network-drop');
  });

  it('client profiles have unique ids', () => {
    assert.equal(new Set(CLIENT_PROFILES.map((profile) => profile.id)).size, CLIENT_PROFILES.length);
  });
});

describe('unknown but well-formed codes', () => {
  it('says it is unknown and gives the guidance of its range', () => {
    const explanation = explainCode('0x1F07');
    assert.equal(explanation.known, false);
    assert.equal(explanation.code.name, null);
    assert.match(explanation.range ?? '', /0x07/);
    assert.equal(explanation.causes[0]?.id, 'bad-credentials');
  });

  it('an unknown extended reason in the protocol range is a protocol error', () => {
    const explanation = explainCode('0x904', '0x1500');
    assert.equal(explanation.known, false);
    assert.equal(explanation.causes[0]?.id, 'protocol-bug');
  });

  it('an unknown name is not a question: it throws with the nearest known names', () => {
    assert.throws(
      () => explainCode('ERRINFO_SERVER_DENIED_CONECTION'),
      (error: unknown) =>
        error instanceof UnknownNameError &&
        error.role === 'code' &&
        error.suggestions[0] === 'ERRINFO_SERVER_DENIED_CONNECTION' &&
        error.knownAs === null,
    );
    assert.throws(
      () => explainCode('banana'),
      (error: unknown) => error instanceof UnknownNameError && error.suggestions.length === 0,
    );
  });

  it('a name known only outside the extended tables is refused as the extended code', () => {
    assert.throws(
      () => explainCode('0x904', 'SEC_E_LOGON_DENIED'),
      (error: unknown) =>
        error instanceof UnknownNameError && error.role === 'extended' && /SSPI/.test(error.knownAs ?? ''),
    );
  });

  it('an unknown number gives the nearest known codes of its family', () => {
    const explanation = explainCode('0x80090399');
    assert.equal(explanation.known, false);
    assert.deepEqual(
      explanation.code.nearest?.map((near) => near.hex),
      ['0x80090363', '0x80090362', '0x80090361'],
    );
    assert.ok(explanation.code.nearest?.every((near) => near.table === 'sspi-status'));
  });

  it('a number in no known range has no range and no causes, never a "no known range" range', () => {
    const explanation = explainCode('0xDEADBEEF');
    assert.equal(explanation.known, false);
    assert.equal(explanation.range, null);
    assert.equal(explanation.phase, null);
    assert.deepEqual(explanation.causes, []);
    assert.deepEqual(explanation.code.nearest, []);
  });

  it('a known code carries no nearest list', () => {
    assert.equal(explainCode('0x904').code.nearest, undefined);
  });
});
