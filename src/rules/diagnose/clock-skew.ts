import { MSTSC_NO_AUTHORITY } from '../common/client-errors.js';
import { defineRule, evidence, found, notEvaluated, PASS, withStage } from './helpers.js';

/** Kerberos' default maximum tolerance for computer clock synchronisation. */
export const MAX_SKEW_MS = 5 * 60 * 1000;

export const rule = defineRule(
  {
    id: 'clock-skew',
    title: "The server's clock differs from ours by more than 5 minutes",
    severity: 'warning',
    requires: ['credssp'],
    docs: {
      explanation:
        "The timestamp in the server's NTLM challenge differs from the local clock by more than Kerberos' default tolerance of 5 minutes. With that much skew Kerberos tickets are rejected (KRB_AP_ERR_SKEW), so domain logons over NLA fall back to NTLM or fail, and certificate validity checks are off. Usually the server is not synchronising time (a VM without time sync, a broken domain hierarchy, a stopped Windows Time service).",
      falseAlarm:
        'The comparison uses the clock of the machine running rdp-doctor: if that one is wrong, the finding is about it. Kerberos only cares about the client, server and domain controller clocks, so a skew against a machine outside the domain may be harmless.',
    },
    clientErrors: [MSTSC_NO_AUTHORITY],
    fixes: [
      {
        title: 'Resynchronise the server clock',
        risk: 'low',
        where: 'server',
        steps: [
          'Domain members follow the domain hierarchy; standalone servers need an NTP source (the second line sets one).',
        ],
        script: {
          language: 'cmd',
          code: 'w32tm /query /status\nw32tm /config /manualpeerlist:"time.windows.com,0x8" /syncfromflags:manual /update\nw32tm /resync',
        },
      },
    ],
  },
  (observations) =>
    withStage(observations.credssp, 'credssp', 'ran', (credssp) => {
      const ntlm = credssp.ntlm;
      if (!ntlm?.serverTime) return notEvaluated('the server sent no NTLM timestamp');
      const skew = Date.parse(ntlm.serverTime) - Date.parse(ntlm.localTimeAtReceipt);
      if (!Number.isFinite(skew)) return notEvaluated('the NTLM timestamp could not be read as a time');
      if (Math.abs(skew) <= MAX_SKEW_MS) return PASS;
      const minutes = Math.round(skew / 60000);
      return found([
        {
          evidence: [
            evidence('server time (NTLM)', ntlm.serverTime, 'credssp'),
            evidence('local time', ntlm.localTimeAtReceipt, 'credssp'),
            evidence('difference (minutes)', minutes, 'credssp'),
          ],
          title: `The server's clock is ${Math.abs(minutes)} minutes ${skew > 0 ? 'ahead of' : 'behind'} ours`,
          data: { skewMs: skew },
        },
      ]);
    }),
);
