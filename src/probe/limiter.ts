/**
 * A counting semaphore: at most `limit` tasks at once (the per-host connection cap). Waiters
 * marked urgent go first: a chain of dependent round trips (each hello decided by the answer to
 * the one before) is the critical path, independent hellos fill the gaps around it. With
 * `reservedForUrgent`, that many slots are never given to plain tasks, so a chain's next link
 * starts the moment its answer arrives instead of queueing behind independent work.
 */
export class Limiter {
  private active = 0;
  private plainActive = 0;
  private readonly urgent: Array<() => void> = [];
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly limit: number,
    readonly reservedForUrgent = 0,
  ) {
    if (reservedForUrgent >= limit) throw new RangeError('a limiter must leave plain tasks a slot');
  }

  private roomFor(urgent: boolean): boolean {
    return this.active < this.limit && (urgent || this.plainActive < this.limit - this.reservedForUrgent);
  }

  private take(urgent: boolean): void {
    this.active++;
    if (!urgent) this.plainActive++;
  }

  async acquire(urgent = false): Promise<() => void> {
    if (this.roomFor(urgent) && (urgent || this.urgent.length === 0)) {
      this.take(urgent);
    } else {
      // The releaser takes the slot on this waiter's behalf before waking it, so no acquire
      // that arrives between the release and this waiter's turn can take it too.
      await new Promise<void>((resolve) => (urgent ? this.urgent : this.waiting).push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      if (!urgent) this.plainActive--;
      this.wakeWaiters();
    };
  }

  private wakeWaiters(): void {
    for (;;) {
      if (this.urgent.length > 0 && this.roomFor(true)) {
        this.take(true);
        this.urgent.shift()!();
      } else if (this.waiting.length > 0 && this.urgent.length === 0 && this.roomFor(false)) {
        this.take(false);
        this.waiting.shift()!();
      } else {
        return;
      }
    }
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
