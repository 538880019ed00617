import { diagnose } from '../diagnosis.js';
import { Limiter } from '../probe/limiter.js';
import { MAX_CONNECTIONS_PER_HOST } from '../probe/run-probe.js';
import type { FleetResult, FleetTarget } from './types.js';

export interface PoolOptions {
  /** Probes running at once, at most (each to another host). */
  readonly maxProbes: number;
  /** Sockets open at once across every probe, at most. */
  readonly maxSockets: number;
}

/** How each probe of a fleet runs (no credentials, ever: a fleet probe stops at the logon screen). */
export interface FleetProbeOptions {
  /** Per-step timeout (connect, each read, the TLS handshake). */
  readonly timeoutMs: number;
  /** The whole probe, from its start: past it the result is `deadline`, without a verdict. */
  readonly deadlineMs: number;
  /** Skip the TLS enumeration and the client simulation. */
  readonly quick: boolean;
  /** The tool's version, written into each diagnosis document. */
  readonly version: string;
  readonly expectedName?: string;
  /** Focus each verdict on one client profile. */
  readonly client?: string;
}

/** A cap on open sockets that also says how many are open (the pool's `openSockets`). */
class CountingLimiter extends Limiter {
  open = 0;

  override request(urgent = false): { readonly slot: Promise<() => void>; cancel(): boolean } {
    const request = super.request(urgent);
    const slot = request.slot.then((release) => {
      this.open++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.open--;
        release();
      };
    });
    return { slot, cancel: () => request.cancel() };
  }
}

interface Waiter {
  readonly hostKey: string;
  readonly start: () => void;
}

/**
 * Runs many probes at once, politely: at most `maxProbes` at a time, never two to one host, and
 * every connection of every probe counted against `maxSockets`.
 *
 * INVARIANT: running probes never exceed maxSockets / MAX_CONNECTIONS_PER_HOST. A probe holds up
 * to that many connections while it waits for another (kept connections, spare TLS connections);
 * with more probes than the sockets cover, all of them could wait on each other for ever.
 */
export class ProbePool {
  /** Running probes at most, after the socket cover (see the invariant). */
  readonly probeLimit: number;
  private readonly sockets: CountingLimiter;
  private readonly busyHosts = new Set<string>();
  private readonly waiting: Waiter[] = [];
  private runningCount = 0;

  constructor(options: PoolOptions) {
    const { maxProbes, maxSockets } = options;
    if (!Number.isInteger(maxProbes) || maxProbes < 1)
      throw new RangeError('maxProbes must be a positive integer');
    if (!Number.isInteger(maxSockets) || maxSockets < MAX_CONNECTIONS_PER_HOST)
      throw new RangeError(`maxSockets must be an integer of at least ${MAX_CONNECTIONS_PER_HOST}`);
    this.sockets = new CountingLimiter(maxSockets);
    this.probeLimit = Math.min(maxProbes, Math.floor(maxSockets / MAX_CONNECTIONS_PER_HOST));
  }

  /** Probes holding a slot, including those past their deadline that have not ended yet. */
  get running(): number {
    return this.runningCount;
  }

  get queued(): number {
    return this.waiting.length;
  }

  get openSockets(): number {
    return this.sockets.open;
  }

  /**
   * Waits for a slot, then diagnoses the target. Probes of one host (case-insensitive, any port)
   * never overlap. At the deadline the result is `deadline` at once, while the late probe keeps
   * its slot and sockets until its own step timeouts end it, so the caps stay true. Never rejects.
   */
  probe(target: FleetTarget, options: FleetProbeOptions): Promise<FleetResult>;
  /**
   * With `signal`: a probe still waiting for its turn when the signal aborts never starts and
   * resolves to undefined (a scan stopped by Ctrl-C); one already running goes on to its result.
   */
  probe(
    target: FleetTarget,
    options: FleetProbeOptions,
    signal: AbortSignal,
  ): Promise<FleetResult | undefined>;
  probe(
    target: FleetTarget,
    options: FleetProbeOptions,
    signal?: AbortSignal,
  ): Promise<FleetResult | undefined> {
    const hostKey = target.host.toLowerCase();
    return new Promise<FleetResult | undefined>((resolve) => {
      if (signal?.aborted) return resolve(undefined);
      const waiter: Waiter = {
        hostKey,
        start: () => {
          signal?.removeEventListener('abort', withdraw);
          resolve(this.run(target, hostKey, options));
        },
      };
      const withdraw = () => {
        const index = this.waiting.indexOf(waiter);
        if (index < 0) return;
        this.waiting.splice(index, 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', withdraw, { once: true });
      this.waiting.push(waiter);
      this.dispatch();
    });
  }

  /** Starts the oldest waiters whose host is free, while slots are free. */
  private dispatch(): void {
    for (let index = 0; index < this.waiting.length && this.runningCount < this.probeLimit;) {
      const waiter = this.waiting[index]!;
      if (this.busyHosts.has(waiter.hostKey)) {
        index++;
        continue;
      }
      this.waiting.splice(index, 1);
      this.busyHosts.add(waiter.hostKey);
      this.runningCount++;
      waiter.start();
    }
  }

  private run(target: FleetTarget, hostKey: string, options: FleetProbeOptions): Promise<FleetResult> {
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    const diagnosis = (async (): Promise<FleetResult> => {
      try {
        const { document } = await diagnose(
          { host: target.host, port: target.port },
          {
            timeoutMs: options.timeoutMs,
            version: options.version,
            quick: options.quick,
            sockets: this.sockets,
            ...(options.expectedName ? { expectedName: options.expectedName } : {}),
            ...(options.client ? { client: options.client } : {}),
          },
        );
        return { kind: 'diagnosed', target, document, ms: ms() };
      } catch (error) {
        // INVARIANT: a probe records the server's misbehaviour as data; an exception is our bug.
        const message = error instanceof Error ? error.message : String(error);
        return { kind: 'error', target, ms: ms(), message: `internal error: ${message}`, startedAt };
      }
    })();
    void diagnosis.finally(() => {
      this.busyHosts.delete(hostKey);
      this.runningCount--;
      this.dispatch();
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<FleetResult>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            kind: 'deadline',
            target,
            ms: ms(),
            message: `no verdict within ${options.deadlineMs} ms`,
            startedAt,
          }),
        options.deadlineMs,
      );
    });
    return Promise.race([diagnosis, deadline]).finally(() => clearTimeout(timer));
  }
}
