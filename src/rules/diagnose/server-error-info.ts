import { freerdpAfterErrorInfo, mstscAfterErrorInfo } from '../common/client-errors.js';
import { psSessionEvents } from '../common/fixes.js';
import { defineRule, judgeErrorInfo } from './helpers.js';

/** ERRINFO_OUT_OF_MEMORY stands in for the rest in the rule's own client errors. */
const EXAMPLE_CODE = 0x6;

export const rule = defineRule(
  {
    id: 'server-error-info',
    title: 'The server ended the connection with an error info code',
    severity: 'error',
    requires: ['session'],
    docs: {
      explanation:
        'The server sent a Set Error Info PDU (MS-RDPBCGR 2.2.5.1.1) and ended the connection during the connection sequence, with a code no more specific finding covers: a protocol error the server found in what the client sent, a crash or lack of resources on the server, an administrator or another connection ending the session, or a code the tables do not know (kept and shown as "unknown error info 0x..."). The title gives the code\'s name and meaning; explain CODE gives its causes.',
      falseAlarm:
        "Codes such as ERRINFO_RPC_INITIATED_DISCONNECT or ERRINFO_DISCONNECTED_BY_OTHERCONNECTION mean someone ended the connection on purpose: run the diagnosis again. A protocol code may be rdp-doctor's own mistake: compare with mstsc or xfreerdp on the same server.",
    },
    clientErrors: [mstscAfterErrorInfo(EXAMPLE_CODE), freerdpAfterErrorInfo(EXAMPLE_CODE)],
    fixes: [
      {
        title: 'Read what the server logged when it ended the connection',
        risk: 'low',
        where: 'server',
        steps: [
          'The RdpCoreTS, RemoteConnectionManager and LocalSessionManager Operational logs at the time of the attempt; crashes of dwm.exe, winlogon.exe or csrss.exe are in the Application log.',
          'rdp-doctor explain <code> lists the causes of the code in the title.',
        ],
        script: {
          language: 'powershell',
          code: [
            psSessionEvents(['Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational']),
            // Application Error 1000 and Windows Error Reporting 1001: crashes of the session's processes.
            "Get-WinEvent -FilterHashtable @{ LogName = 'Application'; Id = 1000, 1001; StartTime = (Get-Date).AddDays(-1) } -ErrorAction SilentlyContinue |",
            '  Select-Object TimeCreated, Id, ProviderName, Message | Format-List',
          ].join('\n'),
        },
      },
    ],
  },
  (observations) =>
    judgeErrorInfo(observations, 'server-error-info', (described, when) => ({
      title: `The server ended the connection ${when}: ${described.name}${described.meaning ? ` (${described.meaning.replace(/\.$/, '')})` : ''}`,
      clientErrors: [mstscAfterErrorInfo(described.code), freerdpAfterErrorInfo(described.code)],
    })),
);
