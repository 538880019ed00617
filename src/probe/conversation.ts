import net from 'node:net';
import { DecodeError } from '../wire/errors.js';
import type { FrameLength } from '../wire/framing.js';
import { normaliseNetworkError, ProbeErrorCode } from './net-errors.js';
import type { Limiter } from './limiter.js';
import type { NetworkErrorInfo } from './types.js';

/** How a framed read ended. Every variant keeps what was received, as evidence. */
export type ReadResult =
  | { readonly kind: 'pdu'; readonly bytes: Uint8Array; readonly ms: number }
  | { readonly kind: 'closed'; readonly received: Uint8Array; readonly ms: number }
  | {
      readonly kind: 'reset';
      readonly received: Uint8Array;
      readonly error: NetworkErrorInfo;
      readonly ms: number;
    }
  | {
      readonly kind: 'timeout';
      readonly received: Uint8Array;
      readonly ms: number;
      /** When the first and the last of `received` arrived, in ms from the read's start (0: before it). */
      readonly firstByteMs?: number;
      readonly lastByteMs?: number;
    }
  | {
      readonly kind: 'malformed';
      readonly received: Uint8Array;
      readonly error: DecodeError;
      readonly ms: number;
    };

export type ConnectResult =
  | { readonly kind: 'connected'; readonly conversation: Conversation; readonly ms: number }
  | { readonly kind: 'failed'; readonly error: NetworkErrorInfo; readonly ms: number };

/** Never buffer more than this from one peer while waiting for a frame: hostile servers lie. */
export const DEFAULT_MAX_READ_BYTES = 256 * 1024;

/**
 * Opens a TCP connection. With `gate`, a slot is taken before the connect and given back when the
 * socket closes (whoever closes it, raw or under TLS): a fleet's cap on open sockets then holds
 * for every connection of every probe. The timeout counts from the connect, not the wait.
 */
export async function connectTcp(
  address: string,
  port: number,
  timeoutMs: number,
  gate?: Limiter,
): Promise<ConnectResult> {
  const release = gate ? await gate.acquire() : undefined;
  return openTcp(address, port, timeoutMs, release);
}

function openTcp(
  address: string,
  port: number,
  timeoutMs: number,
  release: (() => void) | undefined,
): Promise<ConnectResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let socket: net.Socket;
    try {
      socket = net.connect({ host: address, port, noDelay: true });
    } catch (error) {
      release?.();
      throw error;
    }
    if (release) socket.once('close', release);
    let settled = false;
    const finish = (result: ConnectResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('connect');
      resolve(result);
    };
    // The timer can come due before the loop has polled the socket (our own start-up work runs
    // between the connect and the first poll), so the OS's answer is read first: a refusal or a
    // connection already waiting wins over "no answer".
    const timer = setTimeout(() => setImmediate(giveUp), timeoutMs);
    const giveUp = () => {
      if (settled) return;
      socket.destroy();
      finish({
        kind: 'failed',
        error: {
          code: ProbeErrorCode.CONNECT_TIMEOUT,
          message: `no answer within ${timeoutMs} ms`,
          addresses: [address],
          timeoutMs,
        },
        ms: performance.now() - started,
      });
    };
    socket.once('connect', () =>
      finish({ kind: 'connected', conversation: new Conversation(socket), ms: performance.now() - started }),
    );
    socket.once('error', (error) => {
      socket.destroy();
      finish({
        kind: 'failed',
        error: normaliseNetworkError(error, timeoutMs),
        ms: performance.now() - started,
      });
    });
  });
}

/**
 * One TCP connection driven as request/answer: writes bytes and reads whole frames, bounded in
 * time and size. It owns the socket until `detach()` hands it to TLS.
 */
export class Conversation {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private failure: NetworkErrorInfo | undefined;
  private wake: (() => void) | undefined;
  /** When the buffer's first and last bytes arrived (performance.now()), for a stalled answer. */
  private firstByteAt: number | undefined;
  private lastByteAt: number | undefined;
  private readonly onData = (chunk: Buffer) => {
    const now = performance.now();
    if (this.buffer.length === 0) this.firstByteAt = now;
    this.lastByteAt = now;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.wake?.();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.wake?.();
  };
  private readonly onError = (error: Error) => {
    this.failure = normaliseNetworkError(error);
    this.ended = true;
    this.wake?.();
  };

  constructor(readonly socket: net.Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /**
   * Reads until `frame` reports a complete frame, the peer closes or resets, the timeout passes,
   * or more than `maxBytes` arrive. The frame is removed from the buffer; extra bytes stay.
   */
  async readFrame(
    frame: (bytes: Uint8Array) => FrameLength,
    timeoutMs: number,
    maxBytes = DEFAULT_MAX_READ_BYTES,
  ): Promise<ReadResult> {
    const started = performance.now();
    const deadline = started + timeoutMs;
    for (;;) {
      const ms = performance.now() - started;
      if (this.buffer.length > 0) {
        const length = frame(this.buffer);
        if (length.kind === 'malformed')
          return { kind: 'malformed', received: this.take(this.buffer.length), error: length.error, ms };
        if (length.kind === 'length' && this.buffer.length >= length.length) {
          return { kind: 'pdu', bytes: this.take(length.length), ms };
        }
        if (this.buffer.length > maxBytes) {
          const error = new DecodeError({
            structure: 'stream',
            kind: 'too-large',
            field: 'frame',
            offset: 0,
            detail: `more than ${maxBytes} bytes without a complete frame`,
          });
          return { kind: 'malformed', received: this.take(this.buffer.length), error, ms };
        }
      }
      if (this.failure)
        return { kind: 'reset', received: this.take(this.buffer.length), error: this.failure, ms };
      if (this.ended) return { kind: 'closed', received: this.take(this.buffer.length), ms };
      const left = deadline - performance.now();
      if (left <= 0) {
        const sinceStart = (at: number) => Math.max(0, at - started);
        const times =
          this.buffer.length > 0 && this.firstByteAt !== undefined && this.lastByteAt !== undefined
            ? { firstByteMs: sinceStart(this.firstByteAt), lastByteMs: sinceStart(this.lastByteAt) }
            : {};
        return { kind: 'timeout', received: this.take(this.buffer.length), ms, ...times };
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }

  private take(count: number): Uint8Array {
    const taken = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count);
    if (this.buffer.length === 0) this.firstByteAt = this.lastByteAt = undefined;
    return new Uint8Array(taken);
  }

  /** Stops reading and hands the raw socket over (for a TLS upgrade). No bytes may be pending. */
  detach(): net.Socket {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    this.socket.pause();
    return this.socket;
  }

  get pendingBytes(): number {
    return this.buffer.length;
  }

  close(): void {
    this.socket.destroy();
  }
}
