import type { StateEvidence } from '../../evidence/state/types.js';
import type { ClientError, Fix, Rule } from '../types.js';
import { found, notEvaluated, PASS, perMachine, section, type StateNeed } from './helpers.js';

/** Win32_TerminalServiceSetting.LicensingType (collect-document.ts). */
const LICENSING_TYPES: Readonly<Record<number, string>> = {
  2: 'Per Device',
  4: 'Per User',
  5: 'Not configured',
  6: 'Azure AD per user',
};
const NOT_CONFIGURED = 5;

const CONFIGURE_LICENSING: Fix = {
  title: 'Set the licensing mode and a license server for the Session Host',
  risk: 'low',
  where: 'server',
  steps: [
    'Install or name an RD Licensing server with activated CALs, then set it: Group Policy "Use the specified Remote Desktop license servers" and "Set the Remote Desktop licensing mode" (Per User or Per Device), or Server Manager > Remote Desktop Services > Deployment Properties > RD Licensing.',
    'Check with lsdiag.msc (RD Licensing Diagnoser) that the server finds licenses.',
  ],
};

const REMOVE_SESSION_HOST: Fix = {
  title: 'Remove the Session Host role when only administrators connect',
  risk: 'medium',
  where: 'server',
  steps: [
    'Remote Desktop for Administration (two sessions, no CALs) needs no licensing: Uninstall-WindowsFeature RDS-RD-Server, then restart.',
  ],
};

const NO_LICENSE_SERVER: ClientError = {
  client: 'mstsc',
  code: 'licensing',
  extended: '0x101',
  note: 'exDiscReasonLicenseNoLicenseServer: "The remote session was disconnected because there are no Remote Desktop License Servers available to provide a license"',
};

export const licensingGraceExpired: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'licensing-grace-expired',
    title: "The Session Host's licensing grace period is over and no licensing is configured",
    severity: 'error',
    requires: ['licensing'],
    docs: {
      explanation:
        'With the Remote Desktop Session Host role installed, Windows allows connections without client access ' +
        'licenses only during a grace period (120 days). When it is over and no licensing mode or license server is ' +
        'configured, the server disconnects users right after logon ("no Remote Desktop License Servers available", ' +
        'extended reason 0x101); administrators can still use mstsc /admin. A grace period still running with nothing ' +
        'configured is a warning.',
      falseAlarm:
        'Servers without the Session Host role use Remote Desktop for Administration and need no licensing; they are ' +
        'not judged. A license server that is configured but unreachable is not seen here.',
    },
    clientErrors: [NO_LICENSE_SERVER],
    fixes: [CONFIGURE_LICENSING, REMOVE_SESSION_HOST],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      const licensing = section(machine, 'licensing');
      if (licensing.kind === 'missing') return notEvaluated(licensing.reason);
      const facts = licensing.value;
      if (!facts.sessionHostInstalled) return PASS;
      const type = facts.licensingType;
      const unconfigured = type === null || type === NOT_CONFIGURED || facts.licenseServers.length === 0;
      const days = facts.graceDaysLeft;
      if (!unconfigured) return PASS;
      const lines = [
        { label: 'Session Host role', value: 'installed', source: licensing.source },
        {
          label: 'licensing mode',
          value:
            type === null
              ? 'unknown'
              : `${type} (${facts.licensingName ?? LICENSING_TYPES[type] ?? 'unknown'})`,
          source: licensing.source,
        },
        {
          label: 'license servers',
          value: facts.licenseServers.length > 0 ? facts.licenseServers.join(', ') : 'none',
          source: licensing.source,
        },
        {
          label: 'grace period days left',
          value: days === null ? 'unknown' : days,
          source: licensing.source,
        },
      ];
      if (days === null)
        return notEvaluated('the collector could not read the grace period (graceDaysLeft null)');
      if (days > 0) {
        return found([
          {
            severity: 'warning',
            title: `Licensing is not configured: the Session Host's grace period ends in ${days} days`,
            evidence: lines,
            data: { licensingType: type, graceDaysLeft: days },
          },
        ]);
      }
      return found([{ evidence: lines, data: { licensingType: type, graceDaysLeft: days } }]);
    });
  },
};
