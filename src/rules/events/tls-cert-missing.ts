import { isProvider, Provider } from '../../data/events/event-ids.js';
import { REGENERATE_SELF_SIGNED, SET_LISTENER_CERTIFICATE } from '../common/fixes.js';
import { type EventRule, eventRule, RecordTally, recordEvidence, tallyOutcome } from './evidence.js';

export const tlsCertMissing: EventRule = eventRule({
  meta: {
    id: 'tls-cert-missing',
    title: 'No usable certificate for the RDP listener',
    severity: 'error',
    requires: ['system-log'],
    docs: {
      explanation:
        'Remote Desktop Services 1051 (the configured listener certificate, SSLCertificateSHA1Hash, was not found) ' +
        'or Schannel 36886 (no suitable default server credential): the listener has no certificate to offer, so ' +
        'TLS and NLA connections fail or fall back to a different certificate than intended.',
      falseAlarm:
        '1051 is followed by the default self-signed certificate being used; connections may still work but with ' +
        'an unexpected certificate (name-mismatch warnings on clients).',
    },
    clientErrors: [{ client: 'mstsc', code: '0x904' }],
    // The same fixes `diagnose` offers for tls-cert-missing: one cause, one fix.
    fixes: [SET_LISTENER_CERTIFICATE, REGENERATE_SELF_SIGNED],
  },
  eventIds: [1051, 36886],
  start() {
    const tally = new RecordTally();
    return {
      add(event) {
        if (isProvider(event.provider, event.eventId === 1051 ? Provider.RCM : Provider.SCHANNEL))
          tally.add(event);
      },
      finish() {
        return tallyOutcome(tally, () => ({
          evidence: recordEvidence(tally, 'event', (event) =>
            event.eventId === 1051
              ? '1051 configured listener certificate not found'
              : '36886 no suitable default server credential',
          ),
          data: tally.data(),
        }));
      },
    };
  },
});
