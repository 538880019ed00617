import { Provider } from '../../data/events/event-ids.js';
import type { Rule } from '../types.js';
import {
  type EventEvidence,
  type EventNeed,
  matching,
  missingLogs,
  outcome,
  recordEvidence,
  recordIds,
} from './evidence.js';

export const tlsCertMissing: Rule<EventEvidence, EventNeed> = {
  meta: {
    id: 'tls-cert-missing',
    title: 'No usable certificate for the RDP listener',
    severity: 'error',
    requires: ['system-log'],
    docs: {
      explanation:
        'Remote Desktop Services 1051 (the configured listener certificate, SSLCertificateSHA1Hash, was not found) ' +
        'or Schannel 36886 (no suitable default server credential): the listener has no certificate to offer, so ' +
        'TLS and NLA connections fail or fall back to a different certificate than intended.',
      falseAlarm:
        '1051 is followed by the default self-signed certificate being used; connections may still work but with ' +
        'an unexpected certificate (name-mismatch warnings on clients).',
    },
    clientErrors: [{ client: 'mstsc', code: '0x904' }],
    fixes: [
      {
        title:
          'Point the listener at an installed certificate, or clear the setting to use the self-signed one',
        risk: 'low',
        where: 'server',
        steps: [
          'Find the certificate thumbprint in Cert:\\LocalMachine\\My (it must have a private key and Server Authentication).',
          'Set it on the listener (Win32_TSGeneralSetting SSLCertificateSHA1Hash) or remove the value to use the default.',
        ],
        script: {
          language: 'powershell',
          code:
            "$thumbprint = '<THUMBPRINT>'\n" +
            '$setting = Get-CimInstance -Namespace root\\cimv2\\TerminalServices -ClassName Win32_TSGeneralSetting -Filter "TerminalName=\'RDP-Tcp\'"\n' +
            'if ($setting.SSLCertificateSHA1Hash -ne $thumbprint) {\n' +
            '  Set-CimInstance -InputObject $setting -Property @{ SSLCertificateSHA1Hash = $thumbprint }\n' +
            '}\n',
        },
      },
    ],
  },
  evaluate(evidence) {
    const notEvaluated = missingLogs(evidence, this.meta.requires);
    if (notEvaluated) return notEvaluated;
    const events = [
      ...matching(evidence, Provider.RCM, [1051]),
      ...matching(evidence, Provider.SCHANNEL, [36886]),
    ];
    if (events.length === 0) return { status: 'pass' };
    return outcome([
      {
        evidence: recordEvidence(events, 'event', (event) =>
          event.eventId === 1051
            ? '1051 configured listener certificate not found'
            : '36886 no suitable default server credential',
        ),
        data: { count: events.length, recordIds: recordIds(events) },
      },
    ]);
  },
};
