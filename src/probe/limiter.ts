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
    return this.request(urgent).slot;
  }

  /**
   * Like acquire, but the wait can be given up: `cancel()` leaves the queue and returns true, or
   * returns false once the slot was granted (the caller then owns it and must release it).
   */
  request(urgent = false): { readonly slot: Promise<() => void>; cancel(): boolean } {
    const releaser = (): (() => void) => {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.active--;
        if (!urgent) this.plainActive--;
        this.wakeWaiters();
      };
    };
    if (this.roomFor(urgent) && (urgent || this.urgent.length === 0)) {
      this.take(urgent);
      return { slot: Promise.resolve(releaser()), cancel: () => false };
    }
    // The releaser takes the slot on this waiter's behalf before waking it, so no acquire
    // that arrives between the release and this waiter's turn can take it too.
    const queue = urgent ? this.urgent : this.waiting;
    let wake!: () => void;
    const slot = new Promise<void>((resolve) => {
      wake = resolve;
      queue.push(resolve);
    }).then(releaser);
    return {
      slot,
      cancel: () => {
        const index = queue.indexOf(wake);
        if (index < 0) return false;
        queue.splice(index, 1);
        // A plain waiter may have been held back only by this urgent one.
        this.wakeWaiters();
        return true;
      },
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
