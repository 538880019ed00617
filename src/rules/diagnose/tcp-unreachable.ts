import { FREERDP_CONNECT_FAILED, MSTSC_SOCKET_CONNECT_FAILED } from '../common/client-errors.js';
import { looksRejectedByFirewall } from './firewall-rejects.js';
import { defineRule, judgeTcpOutcome, withStage } from './helpers.js';

export const rule = defineRule(
  {
    id: 'tcp-unreachable',
    title: 'The server address is unreachable',
    severity: 'error',
    requires: ['tcp'],
    docs: {
      explanation:
        'The network reported that the address cannot be reached (host or network unreachable): there is no route to it from here, the host is down, or a router answered on its behalf. Common with private addresses used from outside the network, a VPN that is not connected, or an IPv6 address on a client without IPv6 connectivity.',
      falseAlarm:
        'Reachability depends on where rdp-doctor runs: a server reachable only through a VPN or jump host is unreachable from elsewhere by design.',
    },
    clientErrors: [MSTSC_SOCKET_CONNECT_FAILED, FREERDP_CONNECT_FAILED],
    fixes: [
      {
        title: 'Check the route to the server',
        risk: 'low',
        where: 'network',
        steps: [
          'Connect the VPN if the address is private, or use the public name or gateway meant for outside access.',
          'Trace the path to see where it stops.',
        ],
        script: {
          language: 'powershell',
          code: "Test-NetConnection -ComputerName '<server address>' -Port 3389 -TraceRoute",
        },
      },
      {
        title: 'Make sure the Azure VM is running',
        risk: 'low',
        where: 'azure',
        steps: [
          'A deallocated VM has no network path. Starting a running VM does nothing, so the script is safe to repeat.',
        ],
        script: {
          language: 'bash',
          code: 'RG=\'<resource-group>\'\nVM=\'<vm-name>\'\naz vm get-instance-view --resource-group "$RG" --name "$VM" --query "instanceView.statuses[?starts_with(code, \'PowerState/\')].displayStatus" --output tsv\naz vm start --resource-group "$RG" --name "$VM"',
        },
      },
    ],
  },
  (observations) =>
    withStage(observations.tcp, 'tcp', 'ran', (tcp) =>
      // A fast "prohibited" answer is a firewall saying no, not a missing route (firewall-rejects).
      judgeTcpOutcome(
        { ...tcp, perAddress: tcp.perAddress.filter((result) => !looksRejectedByFirewall(result)) },
        'unreachable',
        'is unreachable',
      ),
    ),
);
