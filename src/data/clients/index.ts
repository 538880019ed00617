import { FREERDP_PROFILES } from './freerdp.js';
import type { ClientProfile } from './types.js';
import { WINDOWS_PROFILES } from './windows.js';
import { WINDOWS_APP_PROFILES } from './windows-app.js';
import { WINDOWS_SERVER_PROFILES } from './windows-server.js';

export type * from './types.js';

/** When the profiles were last checked against their sources, and which sources those were. */
export const DATA_VERSION = {
  date: '2026-11-21',
  sources:
    'Microsoft Learn Schannel pages (TLS cipher suites per release, protocols table, elliptic curves, ' +
    'TLS 1.0/1.1 deprecation notice of 2024-03-14), KB4295591 (CredSSP), Microsoft lifecycle dates; ' +
    'FreeRDP 2.11.8 and 3.26.0-3.30.0 sources; OpenSSL 3.0.22 ClientHello captures. Windows App: no vendor data.',
} as const;

/** Every client profile: Windows desktop, Windows Server, FreeRDP, Windows App; oldest first in each. */
export const CLIENT_PROFILES: readonly ClientProfile[] = [
  ...WINDOWS_PROFILES,
  ...WINDOWS_SERVER_PROFILES,
  ...FREERDP_PROFILES,
  ...WINDOWS_APP_PROFILES,
];

export const CLIENT_PROFILE_IDS: readonly string[] = CLIENT_PROFILES.map((profile) => profile.id);

/** The newest supported Windows desktop client: the default a verdict speaks for. */
export const CURRENT_WINDOWS_PROFILE_ID = 'windows-11-24h2';

const BY_ID = new Map(CLIENT_PROFILES.map((profile) => [profile.id, profile]));

/** The profile for an id as `--client` takes it (ids are lower case; the lookup ignores case). */
export function findClientProfile(id: string): ClientProfile | undefined {
  return BY_ID.get(id.trim().toLowerCase());
}
