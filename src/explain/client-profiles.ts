/**
 * The client profiles `explain --client` accepts, with the few traits that re-rank causes.
 * Profile ids follow the src/data/clients naming (kebab-case release names); that module, when it
 * lands, is the authority on TLS and cipher details. Here only what ranking needs is kept.
 */
export type ClientKind = 'mstsc' | 'freerdp' | 'windows-app' | 'web';

export interface ClientTraits {
  readonly id: string;
  readonly kind: ClientKind;
  /** Offers only TLS 1.0 by default (Windows 7 SP1 without KB3080079 and its registry switch). */
  readonly legacyTlsOnly: boolean;
  /** Signs in to Entra ID through the Windows Web Account Manager (WAM) broker. */
  readonly usesWam: boolean;
}

export const CLIENT_PROFILES: readonly ClientTraits[] = [
  { id: 'windows-11-24h2', kind: 'mstsc', legacyTlsOnly: false, usesWam: true },
  { id: 'windows-10-22h2', kind: 'mstsc', legacyTlsOnly: false, usesWam: true },
  { id: 'windows-7-sp1', kind: 'mstsc', legacyTlsOnly: true, usesWam: false },
  { id: 'windows-server-2022', kind: 'mstsc', legacyTlsOnly: false, usesWam: true },
  { id: 'freerdp-3', kind: 'freerdp', legacyTlsOnly: false, usesWam: false },
  { id: 'windows-app-macos', kind: 'windows-app', legacyTlsOnly: false, usesWam: false },
  { id: 'web-client', kind: 'web', legacyTlsOnly: false, usesWam: false },
];

export const CLIENT_PROFILE_IDS: readonly string[] = CLIENT_PROFILES.map((profile) => profile.id);

export function findClientProfile(id: string): ClientTraits | undefined {
  return CLIENT_PROFILES.find((profile) => profile.id === id);
}
