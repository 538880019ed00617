import { FIX_GRANT_REMOTE_LOGON_RIGHT, onAzure } from '../../collect/fix-catalog.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import type { Rule, RuleReport } from '../types.js';
import {
  accountKey,
  found,
  notEvaluated,
  perMachine,
  SID_NAMES,
  section,
  type StateNeed,
} from './helpers.js';

const ADMINISTRATORS = 'S-1-5-32-544';
const REMOTE_DESKTOP_USERS = 'S-1-5-32-555';
/** Groups a Deny entry for which shuts out (nearly) every account. */
const BROAD_GROUPS = new Set(['S-1-1-0', 'S-1-5-11', 'S-1-5-32-545', ADMINISTRATORS, REMOTE_DESKTOP_USERS]);

const nameOf = (account: string) => SID_NAMES[accountKey(account)] ?? account.replace(/^\*/, '');

export const logonRightMissing: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'logon-right-missing',
    title: 'Logon refused: accounts lack "Allow log on through Remote Desktop Services"',
    severity: 'error',
    requires: ['logon-rights'],
    docs: {
      explanation:
        'The user right SeRemoteInteractiveLogonRight ("Allow log on through Remote Desktop Services") does not ' +
        'include Remote Desktop Users (so its members are refused although they are in the group) or Administrators, ' +
        'or SeDenyRemoteInteractiveLogonRight lists a group they belong to. The password is accepted, then the logon ' +
        'is refused: Security 4625 with status 0xC000015B, and mstsc says the account is not authorized for remote login.',
      falseAlarm:
        'Domain controllers grant the right only to Administrators by default; Remote Desktop Users members being ' +
        'refused there may be intended. The rights are the local policy result the collector exported; a domain ' +
        'Group Policy applied later can change them.',
    },
    clientErrors: [
      {
        client: 'mstsc',
        code: '0x0',
        note: 'The connection was denied because the user account is not authorized for remote login',
      },
    ],
    fixes: [FIX_GRANT_REMOTE_LOGON_RIGHT, onAzure(FIX_GRANT_REMOTE_LOGON_RIGHT)],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      const rights = section(machine, 'logonRights');
      if (rights.kind === 'missing') return notEvaluated(rights.reason);
      const allowed = rights.value.SeRemoteInteractiveLogonRight.map((account) => accountKey(account));
      const denied = rights.value.SeDenyRemoteInteractiveLogonRight;
      const allowLine = {
        label: 'SeRemoteInteractiveLogonRight',
        value: rights.value.SeRemoteInteractiveLogonRight.map(nameOf).join(', ') || 'nobody',
        source: rights.source,
      };
      const reports: RuleReport[] = [];
      const broadDenies = denied.filter((account) => BROAD_GROUPS.has(accountKey(account)));
      if (broadDenies.length > 0) {
        reports.push({
          title: `"Deny log on through Remote Desktop Services" lists ${broadDenies.map(nameOf).join(', ')}`,
          evidence: [
            {
              label: 'SeDenyRemoteInteractiveLogonRight',
              value: denied.map(nameOf).join(', '),
              source: rights.source,
            },
          ],
          data: { denied: broadDenies },
        });
      }
      const members = rights.value.remoteDesktopUsers ?? [];
      if (!allowed.includes(REMOTE_DESKTOP_USERS) && members.length > 0) {
        reports.push({
          title:
            'Remote Desktop Users lack "Allow log on through Remote Desktop Services": its members are refused',
          evidence: [
            allowLine,
            { label: 'Remote Desktop Users members', value: members.join(', '), source: rights.source },
          ],
          data: { missing: REMOTE_DESKTOP_USERS, members },
        });
      }
      if (!allowed.includes(ADMINISTRATORS)) {
        reports.push({
          severity: allowed.length === 0 ? 'error' : 'warning',
          title:
            allowed.length === 0
              ? 'Nobody holds "Allow log on through Remote Desktop Services"'
              : 'Administrators lack "Allow log on through Remote Desktop Services"',
          evidence: [allowLine],
          data: { missing: ADMINISTRATORS },
        });
      }
      return found(reports);
    });
  },
};
