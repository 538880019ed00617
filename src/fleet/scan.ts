import { type FleetFindingCount, type ScanRow, scanRowOf } from '../report/scan-text.js';
import { SEVERITY_ORDER } from '../rules/types.js';
import { distinctFindings, type HostFacts, type HostStatus } from './host-facts.js';
import type { FleetProbeOptions, ProbePool } from './pool.js';
import type { FleetResult, FleetTarget } from './types.js';

export interface ScanOptions {
  readonly pool: ProbePool;
  readonly probe: FleetProbeOptions;
  /** Stops new probes; running ones go on to their result (or their deadline). */
  readonly signal?: AbortSignal;
}

export interface ScanRun {
  /** Targets that got a result (a diagnosis or none within the deadline). */
  readonly probed: number;
  /** Whether the signal stopped the scan before every target was probed. */
  readonly stopped: boolean;
}

/**
 * Probes a stream of targets through the pool and hands each result over as it comes, in the
 * order they finish. Targets are read only as slots free up, and a result is let go once
 * `onResult` has returned, so memory holds at most the pool's running probes, whatever the
 * number of targets. `onResult` calls never overlap; an error it throws stops the scan and is
 * thrown from here once the running probes have ended.
 */
export async function runScan(
  targets: AsyncIterable<FleetTarget>,
  options: ScanOptions,
  onResult: (result: FleetResult) => void | Promise<void>,
): Promise<ScanRun> {
  const { pool, probe } = options;
  const signal = options.signal ?? new AbortController().signal;
  // No Promise.race against a promise that lives as long as the scan: each race would leave a
  // reaction on it, a leak per target. Waits are woken instead, by a probe ending or the abort.
  let wake: () => void = () => {};
  const woken = () => new Promise<void>((resolve) => (wake = resolve));
  const onAbort = () => wake();
  signal.addEventListener('abort', onAbort, { once: true });
  const iterator = targets[Symbol.asyncIterator]();
  const inFlight = new Set<Promise<void>>();
  let delivered = Promise.resolve();
  let failure: { error: unknown } | undefined;
  let probed = 0;
  /** undefined: the source is left to close itself (see below). */
  let exhausted: boolean | undefined = false;
  while (!signal.aborted && !failure) {
    // INVARIANT: at most probeLimit targets are held, each waiting for or running its probe.
    while (inFlight.size >= pool.probeLimit && !signal.aborted) await woken();
    if (signal.aborted || failure) break;
    const pending = iterator.next();
    const next = await new Promise<IteratorResult<FleetTarget> | 'aborted'>((resolve, reject) => {
      // A probe ending meanwhile also wakes: only the abort ends this wait.
      wake = () => {
        if (signal.aborted) resolve('aborted');
      };
      pending.then(resolve, reject);
    });
    if (next === 'aborted') {
      // A source still reading (a pipe) is closed once its read ends, not waited for.
      void pending.then(() => iterator.return?.()).catch(() => {});
      exhausted = undefined;
      break;
    }
    if (next.done) {
      exhausted = true;
      break;
    }
    const task: Promise<void> = pool
      .probe(next.value, probe, signal)
      .then((result) => {
        if (!result) return;
        probed++;
        delivered = delivered.then(() => (failure ? undefined : onResult(result)));
        return delivered;
      })
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        inFlight.delete(task);
        wake();
      });
    inFlight.add(task);
  }
  signal.removeEventListener('abort', onAbort);
  if (exhausted === false) await iterator.return?.();
  await Promise.all(inFlight);
  await delivered.catch(() => {});
  if (failure) throw failure.error;
  return { probed, stopped: !exhausted && signal.aborted };
}

/**
 * What a scan keeps of its hosts once their results are let go: counts per status and per
 * finding, and table rows only where asked (hosts with a problem, or every host), so memory
 * grows with the problems shown, not with the fleet.
 */
export class ScanTally {
  probed = 0;
  readonly byStatus: Record<HostStatus, number> = { error: 0, 'no-verdict': 0, warning: 0, ok: 0 };
  private readonly findingCounts = new Map<string, FleetFindingCount>();
  readonly rows: ScanRow[] = [];

  constructor(private readonly keepRows: 'none' | 'problems' | 'all') {}

  add(facts: HostFacts): void {
    this.probed++;
    this.byStatus[facts.status]++;
    // A host counts once per finding id.
    for (const { id, severity, title } of distinctFindings(facts)) {
      const count = this.findingCounts.get(id);
      const worse =
        count && SEVERITY_ORDER.indexOf(count.severity) <= SEVERITY_ORDER.indexOf(severity)
          ? count
          : undefined;
      this.findingCounts.set(id, {
        id,
        severity: worse?.severity ?? severity,
        title: worse?.title ?? title,
        hosts: (count?.hosts ?? 0) + 1,
      });
    }
    if (this.keepRows === 'all' || (this.keepRows === 'problems' && facts.status !== 'ok'))
      this.rows.push(scanRowOf(facts));
  }

  /** Hosts with an error finding or without a verdict: the scan exits 1 when there are any. */
  get failing(): number {
    return this.byStatus.error + this.byStatus['no-verdict'];
  }

  get findings(): FleetFindingCount[] {
    return [...this.findingCounts.values()];
  }
}
