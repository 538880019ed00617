import { isIP } from 'node:net';
import { UsageError } from './errors.js';

export interface HostTarget {
  readonly host: string;
  readonly port: number;
}

export const DEFAULT_RDP_PORT = 3389;

/** RFC 1123 host name: dot-separated labels of letters, digits and hyphens, 253 characters at most. */
const HOSTNAME_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function parsePort(raw: string, what = 'port'): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`invalid ${what} '${raw}': expected a number from 1 to 65535`);
  const port = Number(raw);
  if (port < 1 || port > 65535)
    throw new UsageError(`invalid ${what} '${raw}': expected a number from 1 to 65535`);
  return port;
}

function validateHost(host: string, original: string): string {
  if (host === '') throw new UsageError(`invalid host '${original}': the host name is empty`);
  if (isIP(host) !== 0) return host;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length > 253 || !name.split('.').every((label) => HOSTNAME_LABEL.test(label))) {
    throw new UsageError(`invalid host '${original}': not a host name or IP address`);
  }
  return host;
}

/**
 * Parses HOST, HOST:PORT, an IPv6 address (bare, or [v6]:PORT) and an rdp:// style prefix-free
 * target. A bare IPv6 address has several colons and so cannot carry a port without brackets.
 */
export function parseHostPort(raw: string, defaultPort = DEFAULT_RDP_PORT): HostTarget {
  const text = raw.trim();
  if (text === '')
    throw new UsageError('missing host: give a host name or IP address, e.g. rdp01.example.com');
  if (text.startsWith('[')) {
    const match = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
    if (!match || isIP(match[1]!) !== 6)
      throw new UsageError(`invalid host '${raw}': bad bracketed IPv6 address`);
    return { host: match[1]!, port: match[2] !== undefined ? parsePort(match[2]) : defaultPort };
  }
  const colons = text.split(':').length - 1;
  if (colons > 1) {
    if (isIP(text) !== 6) throw new UsageError(`invalid host '${raw}': not a host name or IP address`);
    return { host: text, port: defaultPort };
  }
  if (colons === 1) {
    const [host, port] = text.split(':') as [string, string];
    return { host: validateHost(host, raw), port: parsePort(port) };
  }
  return { host: validateHost(text, raw), port: defaultPort };
}

/**
 * A timeout in whole milliseconds, 1 or more (a zero timeout would fail every step at once and
 * read as a filtered port), at most ten minutes.
 */
export const MAX_TIMEOUT_MS = 600_000;

export function parseMilliseconds(raw: string, what = '--timeout'): number {
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new UsageError(
      `invalid ${what} '${raw}': expected a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
    );
  }
  return value;
}

export function parsePositiveInteger(raw: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > max) {
    throw new UsageError(`invalid ${what} '${raw}': expected a whole number from 1 to ${max}`);
  }
  return Number(raw);
}

export function parseChoice<T extends string>(raw: string, choices: readonly T[], what: string): T {
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`invalid ${what} '${raw}': expected one of ${choices.join(', ')}`);
  }
  return raw as T;
}
