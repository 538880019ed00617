import { isProvider, Provider } from '../../data/events/event-ids.js';
import { NO_COMMON_CIPHER_ALERTS, tlsAlertName } from '../../data/events/tls-alerts.js';
import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED_DENIED } from '../common/client-errors.js';
import { type EventRule, eventRule, RecordTally, recordEvidence, tallyOutcome } from './evidence.js';

export const tlsNoCommonCipher: EventRule = eventRule({
  meta: {
    id: 'tls-no-common-cipher',
    title: 'TLS handshakes failed: client and server share no cipher suite or protocol version',
    severity: 'error',
    requires: ['system-log'],
    docs: {
      explanation:
        'Schannel logged 36874 (none of the cipher suites the client offered is enabled on the server) or 36888 with ' +
        'alert handshake_failure / protocol_version / insufficient_security: the RDP TLS handshake ends before NLA, ' +
        'and mstsc reports an internal or 0x904-class error.',
      falseAlarm:
        'Internet scanners offering only obsolete suites cause the same events; if the addresses are not your users, ' +
        'the server is doing its job.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED_DENIED, FREERDP_TLS_FAILED],
    fixes: [
      {
        title: 'Update the client so it offers TLS 1.2 with ECDHE-AES-GCM suites',
        risk: 'low',
        where: 'client',
        steps: ['Install current Windows updates (or a current FreeRDP) on the client and retry.'],
      },
      {
        title: 'Remove a hardened cipher-suite order policy so Windows uses its default suites',
        risk: 'medium',
        where: 'server',
        steps: [
          'Group Policy: Computer Configuration > Administrative Templates > Network > SSL Configuration Settings > ' +
            'SSL Cipher Suite Order: set to Not Configured (or add the suites your clients need).',
          'Restart the server (Schannel reads the order at boot).',
        ],
        script: {
          language: 'powershell',
          code:
            "$key = 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002'\n" +
            'if (Get-ItemProperty -Path $key -Name Functions -ErrorAction SilentlyContinue) {\n' +
            '  Remove-ItemProperty -Path $key -Name Functions\n' +
            '}\n',
        },
      },
      {
        title: 'Re-enable TLS 1.0 on the server for clients that cannot be updated',
        risk: 'high',
        where: 'server',
        steps: ['Enable TLS 1.0 server-side in SCHANNEL\\Protocols, restart, and plan to remove it again.'],
        script: {
          language: 'powershell',
          code:
            "$key = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server'\n" +
            'New-Item -Path $key -Force | Out-Null\n' +
            'Set-ItemProperty -Path $key -Name Enabled -Type DWord -Value 1\n' +
            'Set-ItemProperty -Path $key -Name DisabledByDefault -Type DWord -Value 0\n',
        },
        weakensSecurity: 'TLS 1.0 is deprecated (RFC 8996); connections can be downgraded and attacked.',
      },
    ],
  },
  eventIds: [36874, 36888],
  start() {
    const tally = new RecordTally();
    return {
      add(event) {
        if (!isProvider(event.provider, Provider.SCHANNEL)) return;
        if (event.eventId === 36874 || NO_COMMON_CIPHER_ALERTS.includes(Number(event.data.AlertDesc)))
          tally.add(event);
      },
      finish() {
        return tallyOutcome(tally, () => ({
          evidence: recordEvidence(tally, 'Schannel', (event) =>
            event.eventId === 36874
              ? `36874 no common cipher suite${event.data.Protocol ? ` (${event.data.Protocol})` : ''}`
              : `36888 alert ${event.data.AlertDesc} ${tlsAlertName(Number(event.data.AlertDesc))}`,
          ),
          data: tally.data(),
        }));
      },
    };
  },
});
