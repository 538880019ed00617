import {
  FIX_ALLOW_LISTENER_PORT,
  FIX_ENABLE_RDP_FIREWALL_RULES,
  onAzure,
} from '../../collect/fix-catalog.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import { FREERDP_CONNECT_FAILED, MSTSC_SOCKET_CONNECT_FAILED } from '../common/client-errors.js';
import type { Evidence, Fix, Rule } from '../types.js';
import { found, notEvaluated, perMachine, section, type StateNeed } from './helpers.js';
import {
  DEFAULT_RDP_PORT,
  inProfile,
  isRemoteDesktopRule,
  listenerPort,
  namesPorts,
  portListed,
  ruleName,
  rulesFor,
} from './firewall.js';

function removeBlockRule(names: readonly string[]): Fix {
  return {
    title: 'Remove or narrow the firewall rule that blocks the RDP port',
    risk: 'low',
    where: 'server',
    steps: [
      `A block rule wins over every allow rule in Windows Firewall: ${names.join('; ')}. Disable it (Disable-NetFirewallRule -DisplayName '<name>') or limit it to the addresses it is meant for; when a Group Policy deploys it, change it there.`,
    ],
  };
}

export const firewallBlocksRdp: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'firewall-blocks-rdp',
    title: "Windows Firewall does not let connections reach the RDP listener's port",
    severity: 'error',
    requires: ['firewall', 'registry:rdp-tcp'],
    docs: {
      explanation:
        'In a firewall profile that is active (the network the server is on), the firewall is on, inbound traffic is ' +
        'blocked by default, and no enabled inbound rule allows TCP to the port RDP-Tcp listens on (PortNumber): the ' +
        'built-in "Remote Desktop" rules are disabled or limited to other profiles. Or an enabled block rule names ' +
        'the port, which wins over any allow rule. Clients time out connecting (mstsc 0x204). When the Remote Desktop ' +
        'rules are on but for another port, listener-port-mismatch reports it instead.',
      falseAlarm:
        'A third-party firewall that replaces Windows Firewall is not seen here; the profile the collector saw as ' +
        'active is the one at collection time (a laptop server that changes networks changes profile).',
    },
    clientErrors: [MSTSC_SOCKET_CONNECT_FAILED, FREERDP_CONNECT_FAILED],
    fixes: [
      FIX_ENABLE_RDP_FIREWALL_RULES,
      FIX_ALLOW_LISTENER_PORT,
      onAzure(FIX_ENABLE_RDP_FIREWALL_RULES),
      onAzure(FIX_ALLOW_LISTENER_PORT),
    ],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      const firewall = section(machine, 'firewall');
      if (firewall.kind === 'missing') return notEvaluated(firewall.reason);
      const port = listenerPort(machine);
      if (port.kind === 'not-covered') return notEvaluated(port.reason);
      const active = firewall.value.profiles.filter((profile) => profile.active);
      if (active.length === 0) return notEvaluated('the collector reported no active firewall profile');
      const rules = firewall.value.rules;
      const lines: Evidence[] = [];
      const blockNames = new Set<string>();
      let missingAllow = false;
      for (const profile of active.filter((entry) => entry.enabled)) {
        const blocks = rulesFor(rules, 'Block', port.port, profile.name);
        for (const rule of blocks) {
          blockNames.add(rule.displayName || rule.name);
          lines.push({
            label: `${profile.name} profile`,
            value: `blocked by ${ruleName(rule)}`,
            source: firewall.source,
          });
        }
        if (blocks.length > 0 || /^allow$/i.test(profile.defaultInboundAction)) continue;
        if (rulesFor(rules, 'Allow', port.port, profile.name).length > 0) continue;
        // Remote Desktop rules that allow some other port: a port mismatch, which listener-port-mismatch names.
        const otherPort = rules.some(
          (rule) =>
            isRemoteDesktopRule(rule) &&
            rule.enabled &&
            rule.action === 'Allow' &&
            rule.direction === 'Inbound' &&
            inProfile(rule, profile.name) &&
            namesPorts(rule) &&
            !portListed(rule.localPorts, port.port),
        );
        if (otherPort) continue;
        missingAllow = true;
        lines.push({
          label: `${profile.name} profile`,
          value: `firewall on, inbound ${profile.defaultInboundAction}, no enabled rule allows TCP ${port.port}`,
          source: firewall.source,
        });
      }
      if (lines.length === 0) return found([]);
      const remoteDesktop = rules.filter(isRemoteDesktopRule);
      const fixes: Fix[] = [
        ...(blockNames.size > 0 ? [removeBlockRule([...blockNames])] : []),
        ...(missingAllow
          ? port.port === DEFAULT_RDP_PORT && remoteDesktop.length > 0
            ? [FIX_ENABLE_RDP_FIREWALL_RULES, onAzure(FIX_ENABLE_RDP_FIREWALL_RULES)]
            : [FIX_ALLOW_LISTENER_PORT, onAzure(FIX_ALLOW_LISTENER_PORT)]
          : []),
      ];
      return found([
        {
          evidence: [
            port.evidence,
            ...lines,
            ...remoteDesktop.map((rule) => ({
              label: 'Remote Desktop rule',
              value: ruleName(rule),
              source: firewall.source,
            })),
          ],
          fixes,
          replaceFixes: true,
          data: { port: port.port, blockRules: [...blockNames], missingAllow },
        },
      ]);
    });
  },
};
