import {
  freerdpAfterErrorInfo,
  MSTSC_FRESH_CREDENTIALS_REQUIRED,
  mstscAfterErrorInfo,
} from '../common/client-errors.js';
import { RDP_TCP_KEY, TS_POLICY_KEY } from '../common/fixes.js';
import { defineRule, ERRINFO, judgeErrorInfo } from './helpers.js';

export const rule = defineRule(
  {
    id: 'fresh-credentials-required',
    title:
      'The server refuses saved credentials: it wants them typed (ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED)',
    severity: 'error',
    requires: ['session'],
    docs: {
      explanation:
        'The server sent a Set Error Info PDU with ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED (0xA) and ended the connection. "Always prompt for password upon connection" (fPromptForPassword) is on: the server accepts only credentials the user typed for this connection, so clients that send saved or single-sign-on credentials are refused (mstsc: SSL_ERR_FRESH_CRED_REQUIRED_BY_SERVER, 0x2107, or extended reason 0xA).',
      falseAlarm:
        'The policy is a deliberate hardening on many servers: users who type their password connect. It is a problem only where saved credentials or single sign-on are meant to work.',
    },
    clientErrors: [
      MSTSC_FRESH_CREDENTIALS_REQUIRED,
      mstscAfterErrorInfo(ERRINFO.SERVER_FRESH_CREDENTIALS_REQUIRED),
      freerdpAfterErrorInfo(ERRINFO.SERVER_FRESH_CREDENTIALS_REQUIRED),
    ],
    fixes: [
      {
        title: 'Type the password when connecting instead of using saved credentials',
        risk: 'low',
        where: 'client',
        steps: [
          'Delete the saved credential (cmdkey /list, then cmdkey /delete:TERMSRV/<host>) and connect again; type the password when asked.',
        ],
        script: { language: 'cmd', code: 'cmdkey /delete:TERMSRV/<host>' },
      },
      {
        title: 'Check where "Always prompt for password upon connection" is set',
        risk: 'low',
        where: 'server',
        steps: [
          'Policy: Remote Desktop Session Host > Security > "Always prompt for password upon connection"; the listener has its own fPromptForPassword.',
          'Turn it off only where saved credentials or single sign-on are meant to be accepted.',
        ],
        script: {
          language: 'powershell',
          code: [
            `Get-ItemProperty -Path '${TS_POLICY_KEY}' -Name fPromptForPassword -ErrorAction SilentlyContinue`,
            `Get-ItemProperty -Path '${RDP_TCP_KEY}' -Name fPromptForPassword -ErrorAction SilentlyContinue`,
          ].join('\n'),
        },
      },
    ],
  },
  (observations) =>
    judgeErrorInfo(observations, 'fresh-credentials-required', (described, when) => ({
      title: `The server wants freshly typed credentials and ended the connection ${when} (${described.name})`,
    })),
);
