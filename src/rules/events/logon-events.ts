import { isProvider, Provider } from '../../data/events/event-ids.js';
import { parseStatus } from '../../data/events/logon-status.js';
import type { EventRecord } from '../../evidence/types.js';

/** RDP logons are LogonType 10 (RemoteInteractive), or 3 (Network) when NLA/CredSSP rejects first. */
export const RDP_LOGON_TYPES: readonly string[] = ['10', '3'];

export interface FailedLogon {
  readonly event: EventRecord;
  readonly status: number | undefined;
  readonly subStatus: number | undefined;
  /** SubStatus when it says more than Status (non-zero), else Status. */
  readonly cause: number | undefined;
}

/** A Security 4625 record of an RDP logon type, with its NTSTATUS codes parsed; else undefined. */
export function failedRdpLogon(event: EventRecord): FailedLogon | undefined {
  if (event.eventId !== 4625 || !isProvider(event.provider, Provider.SECURITY)) return undefined;
  if (!RDP_LOGON_TYPES.includes(event.data.LogonType ?? '')) return undefined;
  const status = parseStatus(event.data.Status);
  const subStatus = parseStatus(event.data.SubStatus);
  return { event, status, subStatus, cause: subStatus ? subStatus : status };
}

export function hasStatus(logon: FailedLogon, code: number): boolean {
  return logon.status === code || logon.subStatus === code;
}

export function accountOf(event: EventRecord): string {
  const user = event.data.TargetUserName ?? event.data.AccountName ?? '';
  const domain = event.data.TargetDomainName ?? event.data.AccountDomain ?? '';
  return domain && domain !== '-' ? `${domain}\\${user}` : user;
}
