/**
 * What the state rules (src/rules/state) read: the machines' own configuration, gathered from
 * `.reg` exports and collector documents. One shape for both, so a rule about fDenyTSConnections
 * does not care whether the value came from `reg export` or from collect-server.ps1.
 */
import type { CollectDocument, RegistryValueType } from './collect-document.js';

export interface RegistryValue {
  readonly name: string;
  readonly type: RegistryValueType;
  /** As in CollectedRegistryValue; `null` for a value a .reg file deletes ("name"=-). */
  readonly value: number | string | readonly string[] | null;
}

/** One key as one source saw it. */
export interface RegistryKeyRecord {
  /** Canonical: full hive name, no trailing backslash (HKEY_LOCAL_MACHINE\SYSTEM\...). */
  readonly key: string;
  /** false: absent (collector looked and found nothing, or a .reg file deletes it: [-KEY]). */
  readonly exists: boolean;
  readonly values: readonly RegistryValue[];
  /** The file the key came from (its path as given). */
  readonly source: string;
}

export type StateSourceKind = 'reg' | 'collect';

export interface StateSource {
  readonly path: string;
  readonly kind: StateSourceKind;
  /** The collector's role; for .reg files, guessed from the keys ('server' when unknown). */
  readonly role: 'server' | 'client';
  /**
   * The keys whose whole subtree this source covers: a key below one of them that the source does
   * not list does not exist on that machine. For .reg: the top keys of the export; for the
   * collector: every key it reports (it lists the subkeys it enumerated).
   */
  readonly registryRoots: readonly string[];
}

export interface StateEvidence {
  readonly sources: readonly StateSource[];
  readonly registry: readonly RegistryKeyRecord[];
  /** The collector documents given (each already validated). */
  readonly documents: readonly { readonly path: string; readonly document: CollectDocument }[];
}
