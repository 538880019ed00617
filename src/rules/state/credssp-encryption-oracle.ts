import { FIX_RESET_CREDSSP_ORACLE, onAzure } from '../../collect/fix-catalog.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import { MSTSC_CREDSSP_ORACLE } from '../common/client-errors.js';
import type { Fix, Rule } from '../types.js';
import { effectiveDword, found, KEYS, notEvaluated, PASS, perMachine, type StateNeed } from './helpers.js';

/** credssp.json: the Encryption Oracle Remediation values (KB4295591). */
const ORACLE_NAMES: Readonly<Record<number, string>> = {
  0: 'Force Updated Clients',
  1: 'Mitigated',
  2: 'Vulnerable',
};

const UPDATE_BOTH: Fix = {
  title: 'Install the CredSSP update (any cumulative update since May 2018) on both machines',
  risk: 'low',
  where: 'server',
  steps: [
    'With both sides updated every Encryption Oracle Remediation value connects; the override is then no longer needed.',
  ],
};

export const credsspEncryptionOracle: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'credssp-encryption-oracle',
    title: 'CredSSP Encryption Oracle Remediation (CVE-2018-0886) is overridden',
    severity: 'warning',
    requires: ['registry:credssp'],
    docs: {
      explanation:
        'AllowEncryptionOracle under CredSSP\\Parameters (the "Encryption Oracle Remediation" policy) decides whether ' +
        'CredSSP talks to a peer without the May 2018 update. 2 (Vulnerable) is the usual leftover of a workaround for ' +
        '"This could be due to CredSSP encryption oracle remediation": connections work, but the machine accepts the ' +
        'flawed protocol that CVE-2018-0886 attacks. 0 (Force Updated Clients) on a server refuses every client without ' +
        'the update, which shows as that same error on those clients. Not set means Mitigated, the secure default.',
      falseAlarm:
        'A Vulnerable setting kept on purpose for a server that cannot be updated is still a risk; say so where the ' +
        'exception is recorded. Force Updated Clients is the most secure choice when every client is current.',
    },
    clientErrors: [MSTSC_CREDSSP_ORACLE],
    fixes: [UPDATE_BOTH, FIX_RESET_CREDSSP_ORACLE, onAzure(FIX_RESET_CREDSSP_ORACLE)],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server', 'client'], (machine) => {
      const oracle = effectiveDword(
        machine,
        { key: KEYS.credssp, name: 'AllowEncryptionOracle' },
        { key: KEYS.credentialsDelegationPolicy, name: 'AllowEncryptionOracle' },
        1,
        'not configured behaves as Mitigated since the May 2018 update',
      );
      if (oracle.kind === 'not-covered') return notEvaluated(oracle.reason);
      // CredSSP\Parameters is itself where the policy writes the value (credssp.json), so a missing
      // CredentialsDelegation key does not leave the verdict open.
      const name = ORACLE_NAMES[oracle.value] ?? `unknown value ${oracle.value}`;
      const line = { ...oracle.evidence, value: `${oracle.evidence.value} (${name})` };
      if (oracle.value === 2) {
        return found([
          {
            evidence: [line],
            title: `CredSSP Encryption Oracle Remediation is set to Vulnerable on the ${machine.role} (${machine.name})`,
            data: { value: oracle.value, role: machine.role },
          },
        ]);
      }
      // On a client 0 and 1 behave alike (neither falls back to an unpatched server); on a server 0 refuses unpatched clients.
      if (oracle.value === 0 && machine.role === 'server') {
        return found([
          {
            evidence: [line],
            severity: 'info',
            title: `The server (${machine.name}) refuses CredSSP clients without the 2018 update (Force Updated Clients)`,
            replaceFixes: true,
            fixes: [UPDATE_BOTH],
            data: { value: oracle.value, role: machine.role },
          },
        ]);
      }
      return PASS;
    });
  },
};
