import { freerdpAfterErrorInfo, freerdpConnectError, mstscAfterErrorInfo } from '../common/client-errors.js';
import { addToRemoteDesktopUsersFix, GRANT_RDS_LOGON_RIGHT } from '../common/fixes.js';
import { defineRule, ERRINFO, evidence, found, hex, judgeErrorInfo } from './helpers.js';

/** Named in the fix when the logon check did not say who. */
const PLACEHOLDER_ACCOUNT = 'DOMAIN\\user';

export const rule = defineRule(
  {
    id: 'not-in-remote-desktop-users',
    title: 'Connection denied: the account may not log on remotely (ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES)',
    severity: 'error',
    requires: ['session'],
    docs: {
      explanation:
        'The server sent a Set Error Info PDU with ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES (0x9) and ended the connection: the credentials were good, but the account is neither in Remote Desktop Users nor in Administrators on this host, or it lacks "Allow log on through Remote Desktop Services". Under HYBRID_EX the server can say the same earlier, in its Early User Authorization Result (AUTHZ_ACCESS_DENIED, MS-RDPBCGR 2.2.10.2) right after CredSSP. With --user the evidence names the account the logon check used; the same account fails from every client.',
      falseAlarm: 'None when the account should be allowed in; it is the intended effect when it should not.',
    },
    clientErrors: [
      mstscAfterErrorInfo(ERRINFO.SERVER_INSUFFICIENT_PRIVILEGES),
      freerdpAfterErrorInfo(ERRINFO.SERVER_INSUFFICIENT_PRIVILEGES),
      freerdpConnectError('ERRCONNECT_INSUFFICIENT_PRIVILEGES'),
    ],
    fixes: [addToRemoteDesktopUsersFix(PLACEHOLDER_ACCOUNT), GRANT_RDS_LOGON_RIGHT],
  },
  (observations) => {
    // HYBRID_EX: the server says it before the MCS sequence, in the Early User Authorization Result.
    const early = observations.session?.observation?.earlyUserAuthorization;
    if (early && observations.session?.status !== 'skipped') {
      const user = observations.session.observation!.logon?.user;
      return found([
        {
          title: `The server denied ${user ?? 'the account'} remote logon right after the credentials were accepted (${early.name})`,
          evidence: [
            evidence('Early User Authorization Result', `${hex(early.result, 8)} ${early.name}`, 'session'),
            ...(user ? [evidence('user', user, 'session')] : []),
          ],
          ...(user
            ? { fixes: [addToRemoteDesktopUsersFix(user), GRANT_RDS_LOGON_RIGHT], replaceFixes: true }
            : {}),
          data: { earlyUserAuthorization: early.result },
        },
      ]);
    }
    return judgeErrorInfo(observations, 'not-in-remote-desktop-users', (described, when, session) => {
      const user = session.logon?.user;
      return {
        title: `The server denied ${user ?? 'the account'} remote logon ${when} (${described.name})`,
        ...(user
          ? { fixes: [addToRemoteDesktopUsersFix(user), GRANT_RDS_LOGON_RIGHT], replaceFixes: true }
          : {}),
      };
    });
  },
);
