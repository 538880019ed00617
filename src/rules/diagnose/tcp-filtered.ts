import type { Fix } from '../types.js';
import {
  FREERDP_CONNECT_FAILED,
  MSTSC_CONNECTION_TIMED_OUT,
  MSTSC_SOCKET_CONNECT_FAILED,
} from '../common/client-errors.js';
import { azureVariant, psFirewallAllow } from '../common/fixes.js';
import { defineRule, judgeTcpOutcome, withStage } from './helpers.js';

const openHostFirewall: Fix = {
  title: 'Allow RDP through the server firewall, from your network only',
  risk: 'low',
  where: 'server',
  steps: [
    'Enable the built-in Remote Desktop rules, or add one rule limited to the client range.',
    'Replace <your client address or range> with the client network (e.g. 203.0.113.0/24); never open RDP to Any on the internet.',
  ],
  script: { language: 'powershell', code: psFirewallAllow(3389) },
};

export const rule = defineRule(
  {
    id: 'tcp-filtered',
    title: 'The RDP port does not answer (filtered)',
    severity: 'error',
    requires: ['tcp'],
    docs: {
      explanation:
        'TCP connection attempts to the RDP port got no answer at all until the timeout: something on the path silently drops them. That is usually a firewall (Windows Defender Firewall on the server, a network firewall, an Azure network security group or a cloud security list), occasionally a host that is switched off on a network that does not send unreachable messages.',
      falseAlarm:
        'Firewalls often allow RDP only from certain networks: the port may be open for the real client but not for the machine rdp-doctor ran on. Also a heavily loaded path can time out; run again with a longer timeout.',
    },
    clientErrors: [MSTSC_SOCKET_CONNECT_FAILED, MSTSC_CONNECTION_TIMED_OUT, FREERDP_CONNECT_FAILED],
    fixes: [
      openHostFirewall,
      {
        title: 'Allow RDP in the Azure network security group, from your network only',
        risk: 'low',
        where: 'azure',
        steps: [
          'An NSG rule is needed on the NIC or subnet NSG; check both. Restrict the source to your address range.',
          'The script creates the rule only when it does not exist yet.',
        ],
        script: {
          language: 'bash',
          code: [
            "RG='<resource-group>'",
            "NSG='<nsg-name>'",
            "SOURCE='<your client address or range>'",
            'az network nsg rule show --resource-group "$RG" --nsg-name "$NSG" --name rdp-doctor-allow-rdp >/dev/null 2>&1 ||',
            '  az network nsg rule create --resource-group "$RG" --nsg-name "$NSG" --name rdp-doctor-allow-rdp \\',
            '    --priority 300 --direction Inbound --access Allow --protocol Tcp \\',
            '    --source-address-prefixes "$SOURCE" --destination-port-ranges 3389',
          ].join('\n'),
        },
      },
      azureVariant(openHostFirewall),
    ],
  },
  (observations) =>
    withStage(observations.tcp, 'tcp', 'ran', (tcp) => judgeTcpOutcome(tcp, 'filtered', 'does not answer')),
);
