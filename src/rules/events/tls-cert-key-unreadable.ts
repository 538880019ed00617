import { isProvider, Provider } from '../../data/events/event-ids.js';
import type { EventRecord } from '../../evidence/types.js';
import { FREERDP_TLS_FAILED, MSTSC_SOCKET_CLOSED_DENIED } from '../common/client-errors.js';
import { REGENERATE_SELF_SIGNED, REPAIR_MACHINE_KEYS } from '../common/fixes.js';
import { type EventRule, eventRule, RecordTally, recordEvidence, tallyOutcome } from './evidence.js';

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

export const tlsCertKeyUnreadable: EventRule = eventRule({
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
    clientErrors: [MSTSC_SOCKET_CLOSED_DENIED, FREERDP_TLS_FAILED],
    // The same repair `diagnose` offers for tls-handshake-aborted: one cause, one fix.
    fixes: [REPAIR_MACHINE_KEYS, REGENERATE_SELF_SIGNED],
  },
  eventIds: [36870, 36871, 1055, 1057, 1058, 1059, 1065],
  start() {
    const tally = new RecordTally();
    const eventIds = new Set<number>();
    return {
      add(event) {
        const schannel = event.eventId === 36870 || event.eventId === 36871;
        if (!isProvider(event.provider, schannel ? Provider.SCHANNEL : Provider.RCM)) return;
        tally.add(event);
        eventIds.add(event.eventId);
      },
      finish() {
        return tallyOutcome(tally, () => {
          const { count, ...ids } = tally.data();
          return {
            evidence: recordEvidence(tally, 'event', describe),
            data: { count, eventIds: [...eventIds], ...ids },
          };
        });
      },
    };
  },
});
