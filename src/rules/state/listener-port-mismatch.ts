import { FIX_ALLOW_LISTENER_PORT, onAzure } from '../../collect/fix-catalog.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import { FREERDP_CONNECT_FAILED, MSTSC_SOCKET_CONNECT_FAILED } from '../common/client-errors.js';
import { RESTART_TERMSERVICE } from '../common/fixes.js';
import type { Evidence, Fix, Rule } from '../types.js';
import { found, notEvaluated, perMachine, section, type StateNeed } from './helpers.js';
import { admitsPort, isRemoteDesktopRule, listenerPort, namesPorts, ruleName } from './firewall.js';

const CONNECT_TO_THE_PORT: Fix = {
  title: 'Connect to the port the listener uses',
  risk: 'low',
  where: 'client',
  steps: [
    'mstsc /v:HOST:PORT (or "server port:i:PORT" in the .rdp file) when the port was moved on purpose.',
  ],
};

const RESTART_LISTENER: Fix = {
  title: 'Restart Remote Desktop Services so the listener opens PortNumber',
  risk: 'medium',
  where: 'server',
  steps: [
    'A changed PortNumber takes effect only when TermService restarts; restarting it disconnects every session.',
  ],
  script: { language: 'powershell', code: RESTART_TERMSERVICE },
};

export const listenerPortMismatch: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'listener-port-mismatch',
    title: 'The RDP listener port (PortNumber) differs from the port the firewall or the listener uses',
    severity: 'error',
    requires: ['registry:rdp-tcp', 'firewall', 'listeners'],
    docs: {
      explanation:
        'RDP-Tcp PortNumber was moved from the port the rest of the setup expects: the built-in "Remote Desktop" ' +
        'firewall rules still allow their port (3389) and nothing allows the new one, or the port actually listening ' +
        'is not PortNumber (the value was changed and TermService not restarted, or another process holds the port). ' +
        'Clients that use the old port, or the new one through the firewall, fail to connect (mstsc 0x204).',
      falseAlarm:
        'A port forward or load balancer in front of the server may translate the port on purpose; then only the ' +
        'firewall part applies. Either the firewall or the listener list is enough to judge; both are used when present.',
    },
    clientErrors: [MSTSC_SOCKET_CONNECT_FAILED, FREERDP_CONNECT_FAILED],
    fixes: [FIX_ALLOW_LISTENER_PORT, CONNECT_TO_THE_PORT, onAzure(FIX_ALLOW_LISTENER_PORT), RESTART_LISTENER],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      const port = listenerPort(machine);
      if (port.kind === 'not-covered') return notEvaluated(port.reason);
      const firewall = section(machine, 'firewall');
      const listeners = section(machine, 'listeners');
      if (firewall.kind === 'missing' && listeners.kind === 'missing')
        return notEvaluated(`${firewall.reason}; ${listeners.reason}`);
      const lines: Evidence[] = [];
      const fixes: Fix[] = [];
      if (firewall.kind === 'read') {
        const allows = firewall.value.rules.filter(
          (rule) =>
            rule.enabled &&
            rule.direction === 'Inbound' &&
            rule.action === 'Allow' &&
            /^(tcp|any|6)$/i.test(rule.protocol),
        );
        const remoteDesktop = allows.filter((rule) => isRemoteDesktopRule(rule) && namesPorts(rule));
        const portAllowed = allows.some((rule) => admitsPort(rule, port.port));
        if (remoteDesktop.length > 0 && !portAllowed) {
          lines.push(
            ...remoteDesktop.map((rule) => ({
              label: 'firewall allows',
              value: ruleName(rule),
              source: firewall.source,
            })),
            { label: 'firewall', value: `no enabled rule allows TCP ${port.port}`, source: firewall.source },
          );
          fixes.push(FIX_ALLOW_LISTENER_PORT, onAzure(FIX_ALLOW_LISTENER_PORT));
        }
      }
      if (listeners.kind === 'read') {
        const tcp = listeners.value.filter((listener) => listener.protocol === 'TCP');
        const termService = tcp.filter((listener) =>
          listener.services.some((name) => /^termservice$/i.test(name)),
        );
        const termPorts = [...new Set(termService.map((listener) => listener.port))];
        if (termPorts.length > 0 && !termPorts.includes(port.port)) {
          lines.push({
            label: 'TermService listens on',
            value: `TCP ${termPorts.join(', ')}, not PortNumber ${port.port} (changed without a restart?)`,
            source: listeners.source,
          });
          fixes.push(RESTART_LISTENER);
        }
        const other = tcp.filter(
          (listener) => listener.port === port.port && !termService.includes(listener),
        );
        if (other.length > 0 && !termPorts.includes(port.port)) {
          lines.push(
            ...other.map((listener) => ({
              label: `TCP ${port.port} is held by`,
              value: `${listener.processName || 'process'} (pid ${listener.processId}) on ${listener.address}`,
              source: listeners.source,
            })),
          );
        }
      }
      if (lines.length === 0) return found([]);
      return found([
        {
          evidence: [port.evidence, ...lines],
          fixes: [...fixes, CONNECT_TO_THE_PORT],
          replaceFixes: true,
          data: { port: port.port },
        },
      ]);
    });
  },
};
