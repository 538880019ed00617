/**
 * Turns what the .reg reader and the collector reader returned into the StateEvidence the state
 * rules read, and into the summary `analyze` reports for each source.
 */
import type { CollectDocument, SkippedCheck } from './collect-document.js';
import type { CollectReadResult } from './read-collect.js';
import type { RegistryKeyRecord, StateEvidence, StateSource } from './types.js';

/** One state input as read: its source facts, its keys, and the document for collector files. */
export interface LoadedStateSource {
  readonly source: StateSource;
  readonly registry: readonly RegistryKeyRecord[];
  readonly document?: CollectDocument;
}

/** What `analyze` reports about a state source. */
export interface StateSourceSummary extends StateSource {
  /** Keys the source lists (absent ones included). */
  readonly keys: number;
  /** Collector documents: the machine, when it was read, and the checks the collector skipped. */
  readonly computer?: string;
  readonly collectedAt?: string;
  readonly skipped?: readonly SkippedCheck[];
  /** Server collector documents: thumbprints of the certificates bound to the listener (ties evidence to a probe). */
  readonly listenerThumbprints?: readonly string[];
  /** The document came embedded in -Compact output (Run Command): events and what `skipped` names left out. */
  readonly compact?: true;
}

const below = (key: string, ancestor: string) => key.toLowerCase().startsWith(`${ancestor.toLowerCase()}\\`);

/** Keys only a client's export holds: the client's own settings and the client policy. */
const CLIENT_KEYS = [
  'HKEY_CURRENT_USER\\Software\\Microsoft\\Terminal Server Client',
  'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services\\Client',
];
/** Keys of the server's listener. */
const SERVER_KEYS = ['HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server'];

const within = (key: string, roots: readonly string[]) =>
  roots.some((root) => key.toLowerCase() === root.toLowerCase() || below(key, root));

/** A .reg file's role: 'client' when it holds client keys and no server keys, else 'server'. */
function guessRole(keys: readonly RegistryKeyRecord[]): 'server' | 'client' {
  const client = keys.some((record) => within(record.key, CLIENT_KEYS));
  const server = keys.some((record) => within(record.key, SERVER_KEYS) && !within(record.key, CLIENT_KEYS));
  return client && !server ? 'client' : 'server';
}

/** The keys with no ancestor key in the same file (a .reg export's top keys). */
function topKeys(keys: readonly RegistryKeyRecord[]): string[] {
  const listed = new Set(keys.map((record) => record.key.toLowerCase()));
  return keys
    .map((record) => record.key)
    .filter((key) => {
      const parts = key.toLowerCase().split('\\');
      for (let length = parts.length - 1; length > 0; length--)
        if (listed.has(parts.slice(0, length).join('\\'))) return false;
      return true;
    });
}

export function stateFromReg(path: string, keys: readonly RegistryKeyRecord[]): LoadedStateSource {
  return {
    source: { path, kind: 'reg', role: guessRole(keys), registryRoots: topKeys(keys) },
    registry: keys,
  };
}

export function stateFromCollect(path: string, read: CollectReadResult): LoadedStateSource {
  return {
    // The collector lists every key it looked at, subkeys it enumerated included: each is a root.
    source: {
      path,
      kind: 'collect',
      role: read.document.role,
      registryRoots: read.registry.map((record) => record.key),
    },
    registry: read.registry,
    document: read.document,
  };
}

export function buildStateEvidence(loaded: readonly LoadedStateSource[]): StateEvidence {
  return {
    sources: loaded.map((entry) => entry.source),
    registry: loaded.flatMap((entry) => entry.registry),
    documents: loaded.flatMap((entry) =>
      entry.document ? [{ path: entry.source.path, document: entry.document }] : [],
    ),
  };
}

export function summariseStateSource(loaded: LoadedStateSource): StateSourceSummary {
  const { document } = loaded;
  return {
    ...loaded.source,
    keys: loaded.registry.length,
    ...(document
      ? {
          computer: document.computer.name,
          collectedAt: document.collectedAt,
          skipped: document.skipped,
          listenerThumbprints: (document.certificates ?? [])
            .filter((certificate) => certificate.boundToListener)
            .map((certificate) => certificate.thumbprint),
          ...(document.compact ? { compact: true as const } : {}),
        }
      : {}),
  };
}
