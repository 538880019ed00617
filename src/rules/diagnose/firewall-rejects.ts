import type { TcpAddressResult } from '../../probe/types.js';
import { FREERDP_CONNECT_FAILED, MSTSC_SOCKET_CONNECT_FAILED } from '../common/client-errors.js';
import { psFirewallAllow } from '../common/fixes.js';
import { defineRule, evidence, found, withStage } from './helpers.js';

/**
 * An ICMP error that arrives this fast came from a device on the path, in about one round trip.
 * A host that is really gone fails slower: the last router tries ARP/neighbour discovery for
 * about 3 s before it answers host-unreachable, and a dropped SYN waits for the connect timeout.
 */
export const FAST_ICMP_MS = 1000;

/**
 * Socket errors for ICMP "administratively prohibited" / "host prohibited" (type 3, codes 9, 10,
 * 13), which is what a firewall REJECT rule sends (iptables --reject-with icmp-admin-prohibited or
 * icmp-host-prohibited; Linux reports both as EHOSTUNREACH, seen in a network namespace).
 */
const PROHIBITED_CODES: ReadonlySet<string> = new Set(['EHOSTUNREACH', 'EACCES', 'EPERM']);

/** Whether this failed connect looks like a firewall's REJECT rather than a missing route or host. */
export function looksRejectedByFirewall(result: TcpAddressResult): boolean {
  if (result.outcome !== 'unreachable' && result.outcome !== 'error') return false;
  const code = result.error?.code;
  if (!code || !PROHIBITED_CODES.has(code)) return false;
  // EACCES/EPERM come from a local firewall (our own host's OUTPUT rules) and are always a REJECT.
  if (code !== 'EHOSTUNREACH') return true;
  return result.failedAfterMs !== undefined && result.failedAfterMs < FAST_ICMP_MS;
}

export const rule = defineRule(
  {
    id: 'firewall-rejects',
    title: 'A firewall rejects connections to the RDP port',
    severity: 'error',
    requires: ['tcp'],
    docs: {
      explanation:
        "The connection attempt was refused by an ICMP 'prohibited' message that came back within one round trip. That is what a firewall REJECT rule sends (Windows Defender Firewall with a block rule that rejects, iptables/nftables REJECT with icmp-admin-prohibited or icmp-host-prohibited, a cloud security group or a router ACL). It is not a routing or VPN problem: the path works, a device on it says no. A REJECT with tcp-reset or icmp-port-unreachable looks exactly like a closed port (tcp-refused).",
      falseAlarm:
        'A router that has no route to the network can also answer at once with host-unreachable; if no firewall on the path has a rule for the RDP port, check the route (tcp-unreachable).',
    },
    clientErrors: [MSTSC_SOCKET_CONNECT_FAILED, FREERDP_CONNECT_FAILED],
    fixes: [
      {
        title: 'Find the rule that rejects RDP and allow the clients that need it',
        risk: 'low',
        where: 'network',
        steps: [
          'Trace the path to see which hop sends the rejection (the last hop that answers).',
          'On the server, list the firewall rules that block the port; on a network firewall or cloud security group, look for a reject/deny rule for TCP 3389 (or the listener port) before the allow rule.',
          'Allow only the client networks that need RDP rather than opening the port to everyone.',
        ],
        script: {
          language: 'powershell',
          code: "Test-NetConnection -ComputerName '<server address>' -Port 3389 -TraceRoute\nGet-NetFirewallRule -Enabled True -Direction Inbound -Action Block | Get-NetFirewallPortFilter | Where-Object LocalPort -in @('3389','Any') | Format-Table InstanceID, Protocol, LocalPort",
        },
      },
      {
        title: 'Allow the RDP port from your clients in Windows Defender Firewall on the server',
        risk: 'medium',
        where: 'server',
        steps: [
          'Adds one inbound allow rule for TCP 3389 from the client range you fill in (once: it is named, so running it again changes nothing).',
          'A block rule still wins over an allow rule in Windows Defender Firewall: remove or narrow the block rule found above first.',
        ],
        script: { language: 'powershell', code: psFirewallAllow(3389) },
      },
    ],
  },
  (observations) =>
    withStage(observations.tcp, 'tcp', 'ran', (tcp) => {
      const rejected = tcp.perAddress.filter(looksRejectedByFirewall);
      if (rejected.length === 0) return found([]);
      const connected = tcp.perAddress.filter((result) => result.outcome === 'connected');
      return found([
        {
          ...(connected.length > 0
            ? {
                severity: 'warning' as const,
                title: `A firewall rejects port ${tcp.port} on ${rejected.map((result) => result.address).join(', ')}, but another address connected`,
              }
            : {}),
          evidence: [
            evidence('port', tcp.port, 'tcp'),
            ...rejected.map((result) =>
              evidence(
                `connect to ${result.address}`,
                `rejected (${result.error?.code ?? 'unknown'}) after ${result.failedAfterMs ?? '?'} ms`,
                'tcp',
              ),
            ),
          ],
          data: { port: tcp.port, addresses: rejected.map((result) => result.address) },
        },
      ]);
    }),
);
