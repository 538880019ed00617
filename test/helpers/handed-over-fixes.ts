/**
 * Every fix rdp-doctor can hand over: those the rules, event rules, state rules and explain causes
 * carry, the shipped scripts, and those diagnose rules build from what they saw (weak suites, old
 * and new clients, legacy TLS, no NLA). The script checks (parsers, 5.1 compatibility) walk these.
 */
import { SCRIPTED_FIXES } from '../../src/collect/fix-catalog.js';
import { CAUSE_LIST } from '../../src/explain/causes.js';
import { DIAGNOSE_RULES } from '../../src/rules/diagnose/index.js';
import { evaluateRules } from '../../src/rules/engine.js';
import { EVENT_RULES } from '../../src/rules/events/index.js';
import { STATE_RULES } from '../../src/rules/state/index.js';
import type { Fix } from '../../src/rules/types.js';
import {
  healthy,
  negotiation,
  posture,
  probe,
  sessionLogonAccepted,
  sessionLogonRefused,
  simulatedClients,
} from './observations.js';

/** An account name that needs quoting in PowerShell: the logon rules put it into their scripts. */
const QUOTED_USER = "EXAMPLE\\o'brien";
/** The logon statuses whose findings build their fixes for the account the logon check used. */
const LOGON_STATUSES = [0xc0000234, 0xc0000072, 0xc0000193, 0xc0000071, 0xc0000224, 0xc000006e, 0xc000015b];

export function handedOverFixes(): Fix[] {
  const legacy = simulatedClients(
    posture(
      ['TLSv1'],
      [
        { version: 'TLSv1', code: 0x0005, name: 'TLS_RSA_WITH_RC4_128_SHA' },
        { version: 'TLSv1', code: 0x0039, name: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA' },
      ],
    ),
  );
  const variants = [
    healthy(),
    healthy({ tlsPosture: legacy }),
    healthy({ negotiation: negotiation(probe('modern', { selected: 1 }), probe('rdp', { selected: 0 })) }),
    ...LOGON_STATUSES.map((code) => healthy({ session: sessionLogonRefused(code, undefined, QUOTED_USER) })),
    healthy({
      session: sessionLogonAccepted(
        {
          outcome: 'error-info',
          errorInfo: { code: 0x9, name: 'ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES', phase: 'licensing' },
        },
        QUOTED_USER,
      ),
    }),
  ];
  return [
    ...DIAGNOSE_RULES.flatMap((rule) => rule.meta.fixes),
    ...EVENT_RULES.flatMap((rule) => rule.meta.fixes),
    ...STATE_RULES.flatMap((rule) => rule.meta.fixes),
    ...CAUSE_LIST.flatMap((cause) => cause.fixes),
    ...SCRIPTED_FIXES,
    ...variants.flatMap((observations) =>
      evaluateRules(DIAGNOSE_RULES, observations).findings.flatMap((finding) => finding.fixes),
    ),
  ];
}
