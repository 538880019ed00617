/**
 * What a network-facing exporter may probe. Without it anyone who reaches /probe could make it
 * scan any network: blackbox_exporter's best-known weakness. An address is allowed by a CIDR (or
 * an exact address); a host name by a glob (`*.corp.example`, case-insensitive). A name is not
 * resolved to check it: the probe resolves it again, and the two answers could differ.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import picomatch from 'picomatch';

/** Always allowed: the machine itself. */
export const LOOPBACK_ALLOWED = ['127.0.0.0/8', '::1/128', 'localhost'] as const;

export class AllowPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllowPatternError';
  }
}

/** Letters, digits, '-', '.', and glob characters: no path separators, no spaces. */
const HOST_GLOB = /^[A-Za-z0-9*?[\]{}!,._-]+$/;

export class TargetAllowList {
  private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  private readonly globs: ((name: string) => boolean)[] = [];
  /** Every pattern, as given, for the start-up line and error messages. */
  readonly patterns: readonly string[];

  constructor(patterns: readonly string[]) {
    this.patterns = [...new Set(patterns)];
    for (const pattern of this.patterns) {
      if (pattern.includes('/')) {
        try {
          // ipaddr.js reads 10.0.0/8 as 10.0.0.0/8; a typo must not widen what is allowed.
          if (!isIP(pattern.slice(0, pattern.indexOf('/')))) throw new Error('not an address');
          this.ranges.push(ipaddr.parseCIDR(pattern));
        } catch {
          throw new AllowPatternError(`invalid allowed target '${pattern}': not a CIDR such as 10.0.0.0/8`);
        }
      } else if (isIP(pattern)) {
        const address = ipaddr.parse(pattern);
        this.ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else if (HOST_GLOB.test(pattern)) {
        this.globs.push(picomatch(pattern.toLowerCase().replace(/\.$/, ''), { dot: true }));
      } else {
        throw new AllowPatternError(
          `invalid allowed target '${pattern}': expected a CIDR, an address or a host name glob (*.corp.example)`,
        );
      }
    }
  }

  allows(host: string): boolean {
    if (isIP(host)) {
      let address = ipaddr.parse(host);
      // ::ffff:10.0.0.1 is 10.0.0.1 on the wire.
      if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress())
        address = (address as ipaddr.IPv6).toIPv4Address();
      return this.ranges.some(
        ([range, bits]) => range.kind() === address.kind() && address.match(range, bits),
      );
    }
    const name = host.toLowerCase().replace(/\.$/, '');
    return this.globs.some((matches) => matches(name));
  }
}
