import { isIP } from 'node:net';

/**
 * A host and port as one string: `[::1]:3389` for IPv6, `host:3389` otherwise. Without the
 * brackets an IPv6 address runs into its port (`::1:3389` reads as another address).
 */
export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
