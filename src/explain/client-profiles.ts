import { CLIENT_PROFILES as DATA_PROFILES } from '../data/clients/index.js';
import type { ClientProfile } from '../data/clients/types.js';

/**
 * The clients `explain --client` accepts, with the few traits that re-rank causes. Every profile
 * of src/data/clients (the authority on each client's TLS and security defaults) is accepted; the
 * traits are derived from it. The browser client has no TLS profile there, so it is listed here.
 */
export type ClientKind = 'mstsc' | 'freerdp' | 'windows-app' | 'web';

export interface ClientTraits {
  readonly id: string;
  readonly kind: ClientKind;
  /** Offers nothing newer than TLS 1.1 by default (e.g. Windows 7 SP1 without the TLS 1.2 update). */
  readonly legacyTlsOnly: boolean;
  /** Signs in to Entra ID through the Windows Web Account Manager (WAM) broker (mstsc on Windows 10 and later). */
  readonly usesWam: boolean;
}

function kindOf(profile: ClientProfile): ClientKind {
  if (profile.id.startsWith('freerdp')) return 'freerdp';
  if (profile.id.startsWith('windows-app')) return 'windows-app';
  return 'mstsc';
}

const WAM_FREE_WINDOWS = /^windows-(7|8)|^windows-server-(2012|2016)/;

function traitsOf(profile: ClientProfile): ClientTraits {
  const kind = kindOf(profile);
  return {
    id: profile.id,
    kind,
    legacyTlsOnly: !profile.tls.versions.some((version) => version === 'TLSv1.2' || version === 'TLSv1.3'),
    usesWam: kind === 'mstsc' && !WAM_FREE_WINDOWS.test(profile.id),
  };
}

/** The HTML5 web client (RD Web / AVD web): reaches the server through the gateway's WebSocket. */
const WEB_CLIENT: ClientTraits = { id: 'web-client', kind: 'web', legacyTlsOnly: false, usesWam: false };

export const CLIENT_PROFILES: readonly ClientTraits[] = [...DATA_PROFILES.map(traitsOf), WEB_CLIENT];

export const CLIENT_PROFILE_IDS: readonly string[] = CLIENT_PROFILES.map((profile) => profile.id);

export function findClientProfile(id: string): ClientTraits | undefined {
  const wanted = id.trim().toLowerCase();
  return CLIENT_PROFILES.find((profile) => profile.id === wanted);
}
