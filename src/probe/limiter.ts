/**
 * A counting semaphore: at most `limit` tasks at once (the per-host connection cap). Waiters
 * marked urgent go first: a chain of dependent round trips (each hello decided by the answer to
 * the one before) is the critical path, independent hellos fill the gaps around it.
 */
export class Limiter {
  private active = 0;
  private readonly urgent: Array<() => void> = [];
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async acquire(urgent = false): Promise<() => void> {
    if (this.active >= this.limit) {
      // The releaser hands its slot over (active stays counted), so no acquire that arrives
      // between the release and this waiter's turn can take it too.
      await new Promise<void>((resolve) => (urgent ? this.urgent : this.waiting).push(resolve));
    } else {
      this.active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.urgent.shift() ?? this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }

  async run<T>(task: () => Promise<T>, urgent = false): Promise<T> {
    const release = await this.acquire(urgent);
    try {
      return await task();
    } finally {
      release();
    }
  }
}
