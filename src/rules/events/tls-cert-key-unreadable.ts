import { Provider } from '../../data/events/event-ids.js';
import type { EventRecord } from '../../evidence/types.js';
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

const MACHINE_KEYS = 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys';

function describe(event: EventRecord): string {
  const detail = Object.values(event.data)
    .filter((value) => value !== '')
    .join(', ');
  const what: Record<number, string> = {
    36870: 'TLS server credential private key cannot be accessed',
    36871: 'TLS server credential could not be created',
    1055: 'listener certificate private key cannot be accessed',
    1057: 'self-signed RDP certificate could not be created',
    1058: 'expired self-signed RDP certificate could not be replaced',
    1059: 'listener certificate configuration was invalid and reset',
    1065: 'expired template certificate could not be replaced',
  };
  return `${event.eventId} ${what[event.eventId] ?? ''}${detail ? ` (${detail})` : ''}`;
}

export const tlsCertKeyUnreadable: Rule<EventEvidence, EventNeed> = {
  meta: {
    id: 'tls-cert-key-unreadable',
    title: "The RDP listener certificate's private key cannot be read or created",
    severity: 'error',
    requires: ['system-log'],
    docs: {
      explanation:
        'Schannel 36870/36871 or Remote Desktop Services 1055/1057/1058/1059/1065: the TLS credential for the RDP ' +
        'listener cannot be built because its private key in the MachineKeys folder is unreadable (broken ACLs, ' +
        'a key file missing) or the self-signed certificate cannot be created or renewed. Every TLS/NLA connection ' +
        'then fails right after the X.224 exchange.',
      falseAlarm:
        '36870/36871 can also come from other TLS servers on the host (IIS, WinRM over HTTPS); check that the ' +
        'events coincide with failing RDP connections.',
    },
    clientErrors: [
      { client: 'mstsc', code: '0x904', extended: '0x7', note: 'An internal error has occurred' },
      { client: 'freerdp', code: 'ERRCONNECT_TLS_CONNECT_FAILED' },
    ],
    fixes: [
      {
        title: 'Repair the MachineKeys folder permissions and restart Remote Desktop Services',
        risk: 'low',
        where: 'server',
        steps: [
          `Save the current ACLs of ${MACHINE_KEYS}.`,
          'Grant SYSTEM and Administrators Full control and NETWORK SERVICE Read on the folder and its keys.',
          'Restart the Remote Desktop Services (TermService) service; it recreates its certificate if needed.',
        ],
        script: {
          language: 'powershell',
          code:
            `$dir = '${MACHINE_KEYS}'\n` +
            'New-Item -ItemType Directory -Force -Path C:\\temp | Out-Null\n' +
            'icacls $dir /t /c > C:\\temp\\MachineKeys-acl-before.txt\n' +
            'takeown /f $dir /a /r /d y | Out-Null\n' +
            "icacls $dir /t /c /grant '*S-1-5-18:(F)' '*S-1-5-32-544:(F)' '*S-1-5-20:(R)' | Out-Null\n" +
            'icacls $dir /t /c > C:\\temp\\MachineKeys-acl-after.txt\n' +
            'Restart-Service -Name TermService -Force\n',
        },
      },
      {
        title: 'Let Remote Desktop Services create a fresh self-signed certificate',
        risk: 'medium',
        where: 'server',
        steps: [
          "Remove the self-signed certificate (subject CN=<computer name>) from the 'Remote Desktop' machine store.",
          'Restart TermService; it creates a new one. Clients see a new certificate thumbprint once.',
        ],
        script: {
          language: 'powershell',
          code:
            "Get-ChildItem -Path 'Cert:\\LocalMachine\\Remote Desktop' |\n" +
            '  Where-Object { $_.Subject -like "CN=$env:COMPUTERNAME*" -and $_.Issuer -eq $_.Subject } |\n' +
            '  Remove-Item\n' +
            'Restart-Service -Name TermService -Force\n',
        },
      },
    ],
  },
  evaluate(evidence) {
    const notEvaluated = missingLogs(evidence, this.meta.requires);
    if (notEvaluated) return notEvaluated;
    const events = [
      ...matching(evidence, Provider.SCHANNEL, [36870, 36871]),
      ...matching(evidence, Provider.RCM, [1055, 1057, 1058, 1059, 1065]),
    ];
    if (events.length === 0) return { status: 'pass' };
    return outcome([
      {
        evidence: recordEvidence(events, 'event', describe),
        data: {
          count: events.length,
          eventIds: [...new Set(events.map((e) => e.eventId))],
          recordIds: recordIds(events),
        },
      },
    ]);
  },
};
