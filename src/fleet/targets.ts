/**
 * What a scan probes: targets from the command line, target files (or stdin), CIDR ranges and
 * .rdp files, validated in full before the first probe, then streamed, each host:port once.
 *
 * Ranges are never expanded into memory: overlapping ranges on one port are merged into
 * intervals, and a single address is dropped when a range already covers it, so the plan's
 * size is the input's, whatever the number of addresses.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { readFailureReason } from '../cli/file-errors.js';
import { parseHostPort } from '../cli/validate.js';
import { connectAddressOf, parseRdpFile, RdpFileError } from './rdp-file.js';
import type { FleetTarget } from './types.js';

/** Addresses in one range without --force: a /16 of IPv4. */
export const MAX_RANGE_WITHOUT_FORCE = 65_536;
/** Addresses in one range even with --force: a /8 of IPv4 (an IPv6 /64 would never end). */
export const MAX_RANGE_WITH_FORCE = 16_777_216;
/** A target file larger than this is not a list of hosts. */
export const MAX_TARGET_FILE_BYTES = 64 * 1024 * 1024;

/** Bad input, with one line naming where it is (the CLI makes it a usage error, exit 2). */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

export interface TargetSourceOptions {
  /** The port for targets that name none. */
  readonly defaultPort: number;
  /** Allow ranges of more than MAX_RANGE_WITHOUT_FORCE addresses. */
  readonly force: boolean;
  /** Stdin's text, for `-f -`. */
  readonly readStdin?: () => AsyncIterable<string>;
}

export interface TargetPlan {
  /** Distinct host:port pairs to probe. */
  readonly total: number;
  /** Whether any target came from a CIDR range (ranges get --quick by default). */
  readonly hasRanges: boolean;
  /** Every target once: the single ones in input order, then each range's addresses in order. */
  targets(): AsyncIterable<FleetTarget>;
}

/** A run of consecutive addresses of one family on one port, [first, last] inclusive. */
interface AddressInterval {
  readonly family: 4 | 6;
  readonly port: number;
  first: bigint;
  last: bigint;
}

function addressToBigInt(address: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  let value = 0n;
  for (const byte of address.toByteArray()) value = (value << 8n) | BigInt(byte);
  return value;
}

function bigIntToAddress(value: bigint, family: 4 | 6): string {
  const bytes: number[] = [];
  for (let index = 0; index < (family === 4 ? 4 : 16); index++) {
    bytes.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/** `10.0.0.0/24` or `fe80::/120`, with an optional `:port` after the prefix (`10.0.0.0/24:3390`). */
const RANGE = /^(\[?)([0-9A-Fa-f:.]+)\/(\d{1,3})\]?(?::(\d+))?$/;

function parseRange(text: string, where: string, options: TargetSourceOptions): AddressInterval {
  const match = RANGE.exec(text);
  if (!match) throw new TargetError(`${where}invalid range '${text}': expected a CIDR such as 10.0.0.0/24`);
  const [, , base, prefixText, portText] = match as unknown as [string, string, string, string, string?];
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    // ipaddr.js reads 10.0.0/8 as 10.0.0.0/8; only a full address is a range's base here.
    if (!isIP(base)) throw new Error('not an address');
    parsed = ipaddr.parseCIDR(`${base}/${prefixText}`);
  } catch {
    throw new TargetError(`${where}invalid range '${text}': expected a CIDR such as 10.0.0.0/24`);
  }
  const [address, prefix] = parsed;
  const family = address.kind() === 'ipv4' ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const size = 1n << BigInt(bits - prefix);
  const limit = options.force ? MAX_RANGE_WITH_FORCE : MAX_RANGE_WITHOUT_FORCE;
  if (size > BigInt(limit)) {
    throw new TargetError(
      options.force
        ? `${where}range '${text}' has ${size} addresses: more than ${MAX_RANGE_WITH_FORCE} (a /8) is refused even with --force`
        : `${where}range '${text}' has ${size} addresses, more than ${MAX_RANGE_WITHOUT_FORCE}: give --force to probe it`,
    );
  }
  let port = options.defaultPort;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535)
      throw new TargetError(`${where}invalid port '${portText}' in '${text}': expected 1 to 65535`);
  }
  const first = addressToBigInt(address) & ~(size - 1n);
  let last = first + size - 1n;
  let start = first;
  // An IPv4 subnet's network and broadcast addresses are not hosts (a /31 and /32 have none).
  if (family === 4 && prefix <= 30) {
    start = first + 1n;
    last = last - 1n;
  }
  return { family, port, first: start, last };
}

/** Sorts and merges intervals of one family and port that overlap or touch. */
function mergeIntervals(intervals: AddressInterval[]): AddressInterval[] {
  const sorted = [...intervals].sort((a, b) =>
    a.family !== b.family
      ? a.family - b.family
      : a.port !== b.port
        ? a.port - b.port
        : a.first < b.first
          ? -1
          : a.first > b.first
            ? 1
            : 0,
  );
  const merged: AddressInterval[] = [];
  for (const interval of sorted) {
    const previous = merged.at(-1);
    if (
      previous &&
      previous.family === interval.family &&
      previous.port === interval.port &&
      interval.first <= previous.last + 1n
    ) {
      if (interval.last > previous.last) previous.last = interval.last;
    } else merged.push({ ...interval });
  }
  return merged;
}

function covers(intervals: readonly AddressInterval[], target: FleetTarget): boolean {
  const family = isIP(target.host);
  if (family === 0) return false;
  const value = addressToBigInt(ipaddr.parse(target.host));
  return intervals.some(
    (interval) =>
      interval.family === family &&
      interval.port === target.port &&
      value >= interval.first &&
      value <= interval.last,
  );
}

/** One spelling per host, so `RDP01` and `rdp01` and `::1` and `0:0::1` are one target. */
function targetKey(target: FleetTarget): string {
  const host = isIP(target.host) ? ipaddr.parse(target.host).toString() : target.host.toLowerCase();
  return `${host.replace(/\.$/, '')}|${target.port}`;
}

function hostPortOf(text: string, where: string, defaultPort: number): FleetTarget {
  try {
    const { host, port } = parseHostPort(text, defaultPort);
    // Node's connect takes the canonical form; ::ffff:10.0.0.1 stays as typed.
    return { host: isIP(host) === 6 ? ipaddr.parse(host).toString() : host, port };
  } catch (error) {
    throw new TargetError(`${where}${error instanceof Error ? error.message : String(error)}`);
  }
}

interface Collected {
  readonly singles: FleetTarget[];
  readonly ranges: AddressInterval[];
}

function addEntry(text: string, where: string, options: TargetSourceOptions, into: Collected): void {
  if (text.includes('/')) into.ranges.push(parseRange(text, where, options));
  else into.singles.push(hostPortOf(text, where, options.defaultPort));
}

function addListText(text: string, name: string, options: TargetSourceOptions, into: Collected): void {
  if (text.includes('\0')) throw new TargetError(`${name}: not a text file of targets`);
  const lines = text.split(/\r?\n|\r/);
  lines.forEach((rawLine, index) => {
    const line = rawLine.replace(/#.*$/, '').trim();
    if (line === '') return;
    // A line may list several targets, as a shell would split them.
    for (const entry of line.split(/[\s,]+/)) addEntry(entry, `${name}:${index + 1}: `, options, into);
  });
}

async function readTargetFile(path: string): Promise<Buffer> {
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_TARGET_FILE_BYTES)
      throw new TargetError(`${path}: ${bytes.length} bytes, more than a target list can be (64 MiB)`);
    return bytes;
  } catch (error) {
    if (error instanceof TargetError) throw error;
    throw new TargetError(`cannot read ${path}: ${readFailureReason(error)}`);
  }
}

async function addRdpFile(path: string, options: TargetSourceOptions, into: Collected): Promise<void> {
  const bytes = await readTargetFile(path);
  let address: string | undefined;
  let serverPort: number | undefined;
  try {
    const settings = parseRdpFile(bytes);
    address = connectAddressOf(settings);
    serverPort = settings.serverPort;
  } catch (error) {
    if (error instanceof RdpFileError) throw new TargetError(`${path}: ${error.message}`);
    throw error;
  }
  if (address === undefined) throw new TargetError(`${path}: no 'full address' to connect to`);
  into.singles.push(hostPortOf(address, `${path}: `, serverPort ?? options.defaultPort));
}

/**
 * Reads and checks every source, then returns the plan. Throws TargetError (one line, naming
 * the file and line) for anything that is not a target; nothing is probed before all is read.
 */
export async function planTargets(
  args: readonly string[],
  files: readonly string[],
  options: TargetSourceOptions,
): Promise<TargetPlan> {
  const collected: Collected = { singles: [], ranges: [] };
  for (const arg of args) {
    if (/\.rdp$/i.test(arg)) await addRdpFile(arg, options, collected);
    else addEntry(arg.trim(), '', options, collected);
  }
  let stdinRead = false;
  for (const file of files) {
    if (file === '-') {
      if (stdinRead) throw new TargetError("'-f -' given twice: stdin can be read once");
      stdinRead = true;
      if (!options.readStdin) throw new TargetError('stdin cannot be read here');
      let text = '';
      for await (const chunk of options.readStdin()) {
        text += chunk;
        if (text.length > MAX_TARGET_FILE_BYTES)
          throw new TargetError('stdin: more than a target list can be (64 MiB)');
      }
      addListText(text, 'stdin', options, collected);
    } else {
      if (/\.rdp$/i.test(file)) {
        await addRdpFile(file, options, collected);
        continue;
      }
      const bytes = await readTargetFile(file);
      addListText(bytes.toString('utf8').replace(/^\uFEFF/, ''), file, options, collected);
    }
  }
  const ranges = mergeIntervals(collected.ranges);
  const seen = new Set<string>();
  const singles: FleetTarget[] = [];
  for (const target of collected.singles) {
    const key = targetKey(target);
    if (seen.has(key) || covers(ranges, target)) continue;
    seen.add(key);
    singles.push(target);
  }
  const rangeTotal = ranges.reduce((sum, interval) => sum + Number(interval.last - interval.first + 1n), 0);
  return {
    total: singles.length + rangeTotal,
    hasRanges: ranges.length > 0,
    async *targets() {
      yield* singles;
      for (const interval of ranges) {
        for (let value = interval.first; value <= interval.last; value++)
          yield { host: bigIntToAddress(value, interval.family), port: interval.port };
      }
    },
  };
}
