import { isProvider, Provider } from '../../data/events/event-ids.js';
import { type EventRule, eventRule, RecordTally, recordEvidence, tallyOutcome } from './evidence.js';

export const credsspEncryptionOracle: EventRule = eventRule({
  meta: {
    id: 'credssp-encryption-oracle',
    title: 'CredSSP refused by Encryption Oracle Remediation (CVE-2018-0886)',
    severity: 'error',
    requires: ['system-log'],
    docs: {
      explanation:
        'LsaSrv 6041 on the connecting machine: "A CredSSP authentication to TERMSRV/<host> failed to negotiate a common ' +
        'protocol version. The remote host offered version <n> which is not permitted by Encryption Oracle Remediation." ' +
        'One side lacks the May 2018 CredSSP update while the other enforces it; mstsc shows "This could be due to ' +
        'CredSSP encryption oracle remediation".',
      falseAlarm:
        "None: the connection was refused. It is logged on the client, so read the client's System log.",
    },
    clientErrors: [
      {
        client: 'mstsc',
        code: '0x0',
        note: 'An authentication error has occurred ... CredSSP encryption oracle remediation',
      },
    ],
    fixes: [
      {
        title: 'Install the CredSSP update (any cumulative update since May 2018) on the side that lacks it',
        risk: 'low',
        where: 'server',
        steps: [
          "Update the remote host named in the event (TERMSRV/<host>); then the client's default Mitigated policy connects.",
        ],
      },
      {
        title: 'Temporarily allow the vulnerable CredSSP version on this client',
        risk: 'high',
        where: 'client',
        steps: [
          'Set Encryption Oracle Remediation to Vulnerable (AllowEncryptionOracle=2), connect, update the server, revert.',
        ],
        script: {
          language: 'powershell',
          code:
            "$key = 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters'\n" +
            'New-Item -Path $key -Force | Out-Null\n' +
            'Set-ItemProperty -Path $key -Name AllowEncryptionOracle -Type DWord -Value 2\n',
        },
        weakensSecurity:
          'Exposes the client to CVE-2018-0886 (remote code execution through a CredSSP man in the middle).',
      },
    ],
  },
  eventIds: [6041],
  start() {
    const tally = new RecordTally();
    return {
      add(event) {
        if (isProvider(event.provider, Provider.LSASRV)) tally.add(event);
      },
      finish() {
        return tallyOutcome(tally, () => ({
          evidence: recordEvidence(
            tally,
            '6041',
            (e) => Object.values(e.data).join(', ') || 'CredSSP version refused',
          ),
          data: tally.data(),
        }));
      },
    };
  },
});
