/** What the commands that serve (lab, exporter) share: their --listen value, its errors, and stopping. */
import { formatHostPort } from '../probe/host-port.js';
import { UsageError } from './errors.js';
import { type HostTarget, parseHostPort, parsePort } from './validate.js';

export const LOOPBACK = '127.0.0.1';
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** --listen: ADDR:PORT, [IPv6]:PORT, ADDR (on `defaultPort`), or a bare PORT on 127.0.0.1. */
export function parseListenAddress(raw: string, defaultPort: number): HostTarget {
  const text = raw.trim();
  if (/^\d+$/.test(text)) return { host: LOOPBACK, port: parsePort(text) };
  return parseHostPort(text, defaultPort);
}

/** Codes getaddrinfo gives for a name that does not resolve (or not now). */
const UNRESOLVED_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'ENODATA']);

/** A listen failure the user can fix, as one line; anything else is rethrown. */
export function listenError(error: unknown, target: HostTarget): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const where = formatHostPort(target.host, target.port);
  if (code !== undefined && UNRESOLVED_CODES.has(code))
    return new UsageError(
      `cannot listen on ${where}: '${target.host}' is not a local address or a name that resolves`,
    );
  if (code === 'EADDRINUSE') return new UsageError(`cannot listen on ${where}: the port is already in use`);
  if (code === 'EACCES')
    return new UsageError(`cannot listen on ${where}: permission denied (ports below 1024 need root)`);
  if (code === 'EADDRNOTAVAIL') return new UsageError(`cannot listen on ${where}: no such local address`);
  throw error;
}

/** Resolves on the first SIGINT or SIGTERM, leaving no handler behind. */
export function untilStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const handlers = STOP_SIGNALS.map((name) => {
      const handler = (): void => {
        for (const [signal, each] of handlers) process.off(signal, each);
        resolve(name);
      };
      process.on(name, handler);
      return [name, handler] as const;
    });
  });
}
