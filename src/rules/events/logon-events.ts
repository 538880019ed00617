import { Provider } from '../../data/events/event-ids.js';
import { parseStatus } from '../../data/events/logon-status.js';
import type { EventRecord } from '../../evidence/types.js';
import { type EventEvidence, matching } from './evidence.js';

/** RDP logons are LogonType 10 (RemoteInteractive), or 3 (Network) when NLA/CredSSP rejects first. */
export const RDP_LOGON_TYPES: readonly string[] = ['10', '3'];

export interface FailedLogon {
  readonly event: EventRecord;
  readonly status: number | undefined;
  readonly subStatus: number | undefined;
  /** SubStatus when it says more than Status (non-zero), else Status. */
  readonly cause: number | undefined;
}

/** Security 4625 records of RDP logon types, with their NTSTATUS codes parsed. */
export function failedRdpLogons(evidence: EventEvidence): FailedLogon[] {
  return matching(evidence, Provider.SECURITY, [4625])
    .filter((event) => RDP_LOGON_TYPES.includes(event.data.LogonType ?? ''))
    .map((event) => {
      const status = parseStatus(event.data.Status);
      const subStatus = parseStatus(event.data.SubStatus);
      return { event, status, subStatus, cause: subStatus ? subStatus : status };
    });
}

export function hasStatus(logon: FailedLogon, code: number): boolean {
  return logon.status === code || logon.subStatus === code;
}

export function accountOf(event: EventRecord): string {
  const user = event.data.TargetUserName ?? event.data.AccountName ?? '';
  const domain = event.data.TargetDomainName ?? event.data.AccountDomain ?? '';
  return domain && domain !== '-' ? `${domain}\\${user}` : user;
}
