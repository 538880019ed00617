import type { Conversation } from './conversation.js';

/** A negotiated connection no stage continues on, holding one slot of the per-host cap. */
export interface Spare {
  readonly conversation: Conversation;
  /** Frees the spare's cap slot. */
  readonly release: () => void;
}

/** A wait for a spare that can be given up (see SparePool.wait). */
export interface SpareWait {
  readonly spare: Promise<Spare>;
  /** Stops waiting; a spare already handed to this wait goes back to the pool. */
  cancel(): void;
}

/**
 * The spare connections hellos may carry on, each holding a cap slot. INVARIANT: a spare never
 * sits idle while a hello waits: an offered spare goes straight to the longest-waiting hello, so
 * spares cannot hold every slot the waiting hellos need (the deadlock behind issue #13's empty
 * runs). Once no hello can come (close()), spares are closed and their slots freed.
 */
export class SparePool {
  private readonly idle: Spare[] = [];
  private readonly waiting: Array<(spare: Spare) => void> = [];
  private closed = false;

  /** Hands the spare to a waiting hello, keeps it for the next one, or drops it once closed. */
  offer(spare: Spare): void {
    if (this.closed) {
      drop(spare);
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter(spare);
    else this.idle.push(spare);
  }

  /** A spare now, if one is idle. */
  take(): Spare | undefined {
    return this.idle.shift();
  }

  /** Resolves with the next spare offered (never, once the pool is closed). */
  wait(): SpareWait {
    let handed: Spare | undefined;
    let cancelled = false;
    let receive!: (spare: Spare) => void;
    const spare = new Promise<Spare>((resolve) => {
      receive = (offered) => {
        handed = offered;
        resolve(offered);
      };
    });
    this.waiting.push(receive);
    return {
      spare,
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        const index = this.waiting.indexOf(receive);
        if (index >= 0) this.waiting.splice(index, 1);
        else if (handed) this.offer(handed);
      },
    };
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** No more hellos: closes every idle spare (freeing its slot), and every one offered later. */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
    for (const spare of this.idle.splice(0)) drop(spare);
  }
}

function drop(spare: Spare): void {
  spare.conversation.close();
  spare.release();
}
