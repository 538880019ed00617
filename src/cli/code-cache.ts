import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, posix, win32 } from 'node:path';
import zlib from 'node:zlib';

/**
 * V8's code cache for the CLI bundle, kept by the launcher (src/cli/launch.ts) because Node 20 has
 * no compile cache of its own, and kept on Node 22 and 24 too: module.enableCompileCache takes its
 * cache when a module is compiled, before it runs, so it holds only what V8 compiled eagerly (176 KB
 * for the bundle on Node 24, against 458 KB here for `explain`). A cache taken after a command ran
 * holds the bytecode of every function that command compiled, so the next run of the same command
 * skips V8's lazy compilation: ~20 ms of a ~150 ms diagnosis on a 2-vCPU machine.
 *
 * The cache is code the next run executes, so it lives only in a directory private to the user
 * (never a shared temporary directory), and it is named after the exact bundle, Node version and
 * architecture it belongs to. Any failure here is silent: the command then just compiles as usual.
 */

/** Where the cache lives, or undefined when it is switched off or no private directory exists. */
export function codeCacheDirectory(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  home: string,
): string | undefined {
  if (!codeCacheSupported()) return undefined;
  const path = platform === 'win32' ? win32 : posix;
  const setting = env.RDP_DOCTOR_CODE_CACHE?.trim();
  if (setting && /^(0|off|false|no)$/i.test(setting)) return undefined;
  if (setting && path.isAbsolute(setting)) return setting;
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA;
    return local && path.isAbsolute(local) ? path.join(local, 'rdp-doctor', 'Cache') : undefined;
  }
  if (!home || !path.isAbsolute(home)) return undefined;
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'rdp-doctor');
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache'), 'rdp-doctor');
}

/** Commands take different paths through the bundle, so each keeps its own cache. */
export function codeCacheFileName(bundleHash: string, command: string | undefined): string {
  const family = command && /^[a-z][a-z-]{0,23}$/.test(command) ? command : 'default';
  return `${cachePrefix(bundleHash)}${family}.v8cache`;
}

function cachePrefix(bundleHash: string): string {
  return `${bundleHash}-node${process.versions.node}-${process.arch}-`;
}

/**
 * Creates the directory if needed and says whether it is safe to run code cached in it: on POSIX
 * it must belong to this user and be writable by nobody else.
 */
export function preparePrivateDirectory(directory: string): boolean {
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    if (process.platform === 'win32') return true;
    const stats = statSync(directory);
    return stats.isDirectory() && stats.uid === process.getuid?.() && (stats.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/**
 * V8 checks a code cache's version, flags and length, but release builds skip its checksum: a
 * damaged file could crash V8 itself. So each file carries our own: "RDC1", the CRC-32 and the
 * length of the payload, then V8's data. zlib.crc32 came with Node 20.15; older Node 20 releases
 * keep no cache rather than one they cannot check.
 */
const MAGIC = 0x31434452; // "RDC1" read as a little-endian u32
const HEADER_SIZE = 12;
const crc32: ((data: Uint8Array) => number) | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (zlib as unknown as { crc32: (data: Uint8Array) => number }).crc32
    : undefined;

/** Whether this Node can check a cache file (see MAGIC). */
export function codeCacheSupported(): boolean {
  return crc32 !== undefined;
}

export function encodeCodeCacheFile(data: Uint8Array): Buffer {
  const file = Buffer.alloc(HEADER_SIZE + data.length);
  file.writeUInt32LE(MAGIC, 0);
  file.writeUInt32LE(crc32!(data), 4);
  file.writeUInt32LE(data.length, 8);
  file.set(data, HEADER_SIZE);
  return file;
}

/** V8's data from a cache file, or undefined when the file is not one of ours or is damaged. */
export function decodeCodeCacheFile(file: Buffer): Buffer | undefined {
  if (!crc32 || file.length < HEADER_SIZE || file.readUInt32LE(0) !== MAGIC) return undefined;
  const length = file.readUInt32LE(8);
  if (length !== file.length - HEADER_SIZE) return undefined;
  const data = file.subarray(HEADER_SIZE);
  return crc32(data) === file.readUInt32LE(4) ? data : undefined;
}

export function readCodeCache(file: string): Buffer | undefined {
  try {
    return decodeCodeCacheFile(readFileSync(file));
  } catch {
    return undefined;
  }
}

/** Caches of other bundles or Node versions are removed once unused this long (another install may still use them). */
export const STALE_CACHE_MS = 30 * 24 * 3600 * 1000;

/**
 * Writes the cache atomically (parallel runs of a fleet scan may race) and removes old caches of
 * other bundles or Node versions.
 */
export function writeCodeCache(
  directory: string,
  bundleHash: string,
  fileName: string,
  data: Buffer,
  now = Date.now(),
): void {
  try {
    const temporary = join(directory, `.${fileName}.${process.pid}.tmp`);
    writeFileSync(temporary, encodeCodeCacheFile(data), { mode: 0o600 });
    renameSync(temporary, join(directory, fileName));
    const current = cachePrefix(bundleHash);
    for (const entry of readdirSync(directory)) {
      if (!entry.endsWith('.v8cache') || entry.startsWith(current)) continue;
      const path = join(directory, entry);
      if (now - statSync(path).mtimeMs > STALE_CACHE_MS) rmSync(path, { force: true });
    }
  } catch {
    // A cache is an optimisation: a read-only home or a full disk must not fail the command.
  }
}
