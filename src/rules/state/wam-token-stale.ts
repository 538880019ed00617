import { FIX_REFRESH_CLOUD_SIGN_IN } from '../../collect/fix-catalog.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import type { Fix, Rule } from '../types.js';
import { collectedAt, found, notEvaluated, PASS, perMachine, section, type StateNeed } from './helpers.js';

/**
 * Windows renews the Primary Refresh Token about every four hours while the user is signed in and
 * online (Microsoft Learn, "What is a Primary Refresh Token?", PRT renewal:
 * https://learn.microsoft.com/entra/identity/devices/concept-primary-refresh-token). dsregcmd /status
 * shows AzureAdPrt and AzureAdPrtUpdateTime (UTC) in its SSO state section (Microsoft Learn,
 * "Troubleshoot devices by using the dsregcmd command":
 * https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd). An update older
 * than that renewal interval means the renewals are failing.
 */
export const PRT_RENEWAL_HOURS = 4;
const HOUR_MS = 3_600_000;

/** "2026-11-30 10:30:00.000 UTC" as dsregcmd prints it. */
export function parseDsregTime(text: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(?:UTC|Z)?$/i.exec(text.trim());
  if (!match) return undefined;
  const time = Date.parse(`${match[1]}T${match[2]}Z`);
  return Number.isNaN(time) ? undefined : time;
}

const SIGN_OUT_AND_IN: Fix = {
  title: 'Lock and unlock, or sign out and in again, while connected to the network',
  risk: 'low',
  where: 'client',
  steps: [
    'Windows requests a new PRT at sign-in and unlock; dsregcmd /status then shows AzureAdPrt : YES and a fresh AzureAdPrtUpdateTime. When it stays NO, dsregcmd /status lists the attempt\'s error under "Diagnostic Data".',
  ],
};

export const wamTokenStale: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'wam-token-stale',
    title: "The client's cloud sign-in token (Entra ID PRT) is missing or stale",
    severity: 'warning',
    requires: ['dsreg-status'],
    docs: {
      explanation:
        'The client is Microsoft Entra joined, but dsregcmd /status shows AzureAdPrt : NO, or the Primary Refresh ' +
        'Token was last renewed more than four hours before the collector ran although Windows renews it about ' +
        'every four hours. The Web Account Manager then has no fresh token: connections that sign in with Entra ID ' +
        '(Windows App, Azure Virtual Desktop, "Use a web account to sign in", Entra-joined session hosts) prompt again ' +
        'or fail, while password connections to other hosts still work (hence a warning).',
      falseAlarm:
        'A client that was offline or asleep for hours has an old update time until it is next unlocked online; ' +
        "dsregcmd run as another user than the one who connects shows that user's token.",
    },
    clientErrors: [
      {
        client: 'windows-app',
        code: 'sign-in',
        note: 'Entra ID sign-in prompts again or fails (AADSTS errors) instead of using single sign-on',
      },
    ],
    fixes: [SIGN_OUT_AND_IN, FIX_REFRESH_CLOUD_SIGN_IN],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['client'], (machine) => {
      const status = section(machine, 'dsregStatus');
      if (status.kind === 'missing') return notEvaluated(status.reason);
      const field = (name: string) => status.value[name]?.trim();
      if (field('AzureAdJoined')?.toUpperCase() !== 'YES') return PASS;
      const joined = { label: 'AzureAdJoined', value: 'YES', source: status.source };
      const prt = field('AzureAdPrt');
      if (prt?.toUpperCase() === 'NO') {
        return found([
          {
            title: 'The client is Entra joined but has no cloud sign-in token (AzureAdPrt : NO)',
            evidence: [joined, { label: 'AzureAdPrt', value: 'NO', source: status.source }],
            data: { azureAdPrt: 'NO' },
          },
        ]);
      }
      const updatedText = field('AzureAdPrtUpdateTime');
      const updated = updatedText ? parseDsregTime(updatedText) : undefined;
      const now = collectedAt(machine);
      if (updated === undefined || now === undefined)
        return notEvaluated('dsregcmd /status gave no readable AzureAdPrtUpdateTime (or no collection time)');
      const hours = (now - updated) / HOUR_MS;
      if (hours <= PRT_RENEWAL_HOURS) return PASS;
      return found([
        {
          title: `The client's cloud sign-in token was last renewed ${Math.floor(hours)} hours ago (renewed every ${PRT_RENEWAL_HOURS})`,
          evidence: [
            joined,
            { label: 'AzureAdPrt', value: prt ?? 'not shown', source: status.source },
            { label: 'AzureAdPrtUpdateTime', value: updatedText ?? '', source: status.source },
            { label: 'collected at', value: new Date(now).toISOString(), source: status.source },
          ],
          data: { hoursSinceUpdate: Math.floor(hours) },
        },
      ]);
    });
  },
};
