import { Provider } from '../../data/events/event-ids.js';
import { REGENERATE_SELF_SIGNED, SET_LISTENER_CERTIFICATE } from '../common/fixes.js';
import type { Rule } from '../types.js';
import {
  type EventEvidence,
  type EventNeed,
  matching,
  missingLogs,
  outcome,
  recordEvidence,
  recordIds,
} from './evidence.js';

export const tlsCertMissing: Rule<EventEvidence, EventNeed> = {
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
  evaluate(evidence) {
    const notEvaluated = missingLogs(evidence, this.meta.requires);
    if (notEvaluated) return notEvaluated;
    const events = [
      ...matching(evidence, Provider.RCM, [1051]),
      ...matching(evidence, Provider.SCHANNEL, [36886]),
    ];
    if (events.length === 0) return { status: 'pass' };
    return outcome([
      {
        evidence: recordEvidence(events, 'event', (event) =>
          event.eventId === 1051
            ? '1051 configured listener certificate not found'
            : '36886 no suitable default server credential',
        ),
        data: { count: events.length, recordIds: recordIds(events) },
      },
    ]);
  },
};
