import { FREERDP_TRANSPORT_FAILED, MSTSC_CONNECTION_TIMED_OUT } from '../common/client-errors.js';
import {
  defineRule,
  evidence,
  found,
  isSlowAnswer,
  notEvaluated,
  type TimedOutStep,
  timedOutOnClientPath,
} from './helpers.js';

/** Bytes per second, from what arrived and when the last byte came. */
function rateOf(step: TimedOutStep): number | undefined {
  const last = step.stall?.lastByteMs;
  if (!last || last <= 0) return undefined;
  return (step.bytesReceived * 1000) / last;
}

/** A timeout (ms) that would have let the answer finish at the rate seen, with room to spare. */
export function suggestedTimeoutMs(step: TimedOutStep): number | undefined {
  const rate = rateOf(step);
  const expected = step.stall?.expectedBytes;
  if (!rate || !expected || expected <= step.bytesReceived) return undefined;
  const needed = (expected * 1000) / rate;
  // Round up to whole seconds and add half again: the rate is an estimate from a few bytes.
  return Math.ceil((needed * 1.5) / 1000) * 1000;
}

export const rule = defineRule(
  {
    id: 'answers-too-slowly',
    title: 'The server answers, but too slowly to finish in time',
    severity: 'error',
    requires: ['negotiation'],
    docs: {
      explanation:
        "The server's answer to a step every client takes started arriving and was well-formed as far as it got, but it did not finish before the timeout. That is a slow path or an overloaded server, not a broken or foreign service: the bytes decode, they just come too slowly. A saturated or throttled link, a rate-limiting middlebox, a server starved of CPU or memory. Clients have their own time limits and fail the same way, or connect only after a long wait.",
      falseAlarm:
        "rdp-doctor's per-step timeout (--timeout, default 4000 ms) may be shorter than a client's patience: on a known slow link (satellite, a congested VPN) run again with a longer --timeout to see whether the step completes.",
    },
    clientErrors: [MSTSC_CONNECTION_TIMED_OUT, FREERDP_TRANSPORT_FAILED],
    fixes: [
      {
        title: 'Measure again with a longer timeout, then find the slow hop',
        risk: 'low',
        where: 'network',
        steps: [
          'Run rdp-doctor diagnose again with --timeout set to the value below: if the step completes, the path or the server is slow, not broken.',
          'Check the server for CPU or memory starvation, and the path for loss, throttling or a rate-limiting middlebox.',
        ],
        script: {
          language: 'powershell',
          code: "Test-NetConnection -ComputerName '<server address>' -Port 3389 -InformationLevel Detailed\nGet-Counter '\\Processor(_Total)\\% Processor Time','\\Memory\\Available MBytes' -SampleInterval 2 -MaxSamples 5",
        },
      },
    ],
  },
  (observations) => {
    if (!observations.negotiation || observations.negotiation.status === 'skipped')
      return notEvaluated('the negotiation stage did not run');
    const slow = timedOutOnClientPath(observations).filter(isSlowAnswer);
    return found(
      slow.slice(0, 1).map((step) => {
        const rate = rateOf(step);
        const suggested = suggestedTimeoutMs(step);
        const expected = step.stall?.expectedBytes;
        return {
          title: `The server answers ${step.awaiting}, but too slowly: ${step.bytesReceived}${expected ? ` of ${expected}` : ''} bytes in ${step.ms} ms`,
          evidence: [
            evidence('waiting for an answer to', step.awaiting, step.stage),
            evidence('bytes received before the timeout', step.bytesReceived, step.stage),
            ...(expected ? [evidence('bytes the answer announced', expected, step.stage)] : []),
            evidence('the bytes so far', 'well-formed (the start of a valid answer)', step.stage),
            ...(rate
              ? [evidence('rate', `${rate < 10 ? rate.toFixed(1) : Math.round(rate)} bytes/s`, step.stage)]
              : []),
            ...(suggested
              ? [evidence('a timeout that would let it finish', `--timeout ${suggested}`, step.stage)]
              : []),
          ],
          data: {
            stage: step.stage,
            bytesReceived: step.bytesReceived,
            ...(expected ? { expectedBytes: expected } : {}),
            ...(rate ? { bytesPerSecond: rate } : {}),
            ...(suggested ? { suggestedTimeoutMs: suggested } : {}),
          },
        };
      }),
    );
  },
);
